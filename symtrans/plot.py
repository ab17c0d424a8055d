"""Pictures of networks and of what the verifiers proved (the ``plot`` extra: ``pip install symtrans[plot]``).

A picture is not a proof: it shows what the verifiers proved.  Every function returns a
matplotlib :class:`~matplotlib.figure.Figure` built without pyplot, so it never switches the
global backend nor keeps figures alive; :func:`save` writes it in the format its file name says
(PNG, PDF or SVG).

* :func:`figure_regions`: the exact linear regions of the network on a 1-D or 2-D box (from the
  exact ``pwl`` evaluation and the polytope engine), coloured by linear region; the target drawn
  over them (1-D: its graph; 2-D: the edges of its own regions, dashed); points marked (a
  counterexample).
* :func:`figure_difference`: ``network - target`` over the box with the tolerance ``eps``
  (1-D: the curve, the band and, from a bound certificate, each certified leaf box as the
  rectangle its enclosure spans; 2-D: a map of the difference with the ``+-eps`` contours).
* :func:`figure_separations`: for a contextual mapping, every required pair's certified
  separation (a lower bound, log10) and the precision at which Arb first decided it.
* :func:`figure_degrees`: for a polynomial construction, the degree in the inputs of every
  channel group of the residual stream after each block (exact, on the ``poly`` backend).

>>> from symtrans import Box, MaxoutNet
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent, unit = MaxoutNet.tent(2), Box([(0, 1)])
>>> fig = figure_regions(maxout_transformer(tent, unit), tent, unit)
>>> type(fig).__name__, fig.axes[0].get_title().splitlines()[1]
('Figure', '4 linear regions (exact)')
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from .errors import SymtransError

__all__ = ["figure_regions", "figure_difference", "figure_separations", "figure_degrees", "save", "plot_regions",
           "have_matplotlib", "FORMATS"]

#: File suffixes :func:`save` writes, and the format of each.
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def have_matplotlib() -> bool:
    """Whether the optional matplotlib is importable."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _figure(size=(7.5, 5)):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise SymtransError("plotting needs matplotlib, which is not installed",
                            expected="`pip install symtrans[plot]` (or `pip install matplotlib`)") from None
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots()


def save(fig, out) -> Path:
    """Write ``fig`` to ``out`` in the format its suffix names (``.png``, ``.pdf``, ``.svg``)."""
    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise SymtransError(f"{out}: unknown picture format {out.suffix!r}", field="out",
                            expected=", ".join(FORMATS))
    fig.savefig(out, format=fmt, dpi=150)
    return out


def plot_regions(G, target, box, out, node=None, title=None, points=()):
    """:func:`figure_regions` saved to ``out`` (PNG, PDF or SVG); returns the figure."""
    fig = figure_regions(G, target, box, node=node, title=title, points=points)
    save(fig, out)
    return fig


def figure_regions(G, target, box, node=None, title=None, points=()):
    """The network's exact linear regions on a 1-D or 2-D ``box``, the ``target`` (a maxout
    network, or None) drawn over them, and ``points`` (input points, such as a counterexample)
    marked in red."""
    from .graph import OUTPUTS

    node = node or G.graph[OUTPUTS][0]
    _check_dimension(box)
    fig, ax = _figure()
    if box.dimension == 1:
        count = _regions_1d(ax, G, target, box, node, points)
    else:
        count = _regions_2d(ax, G, target, box, node, points)
    ax.set_title(f"{title or G.graph.get('name', 'network')}\n{count}", fontsize=10)
    _ticks(ax)
    return fig


def figure_difference(G, target, box, eps, node=None, title=None, certificate=None, samples=400):
    """``network - target`` over a 1-D or 2-D ``box`` against the tolerance ``eps``.

    The curve (1-D) or map (2-D) is float64, a picture only.  With a PROVED ``bound``
    ``certificate``, each certified leaf box is drawn with the exact enclosure the checker
    re-derives for it (1-D: a rectangle from its lower to its upper end), so the picture shows
    the proof: every rectangle inside the band.
    """
    import numpy as np

    from .graph import OUTPUTS

    node = node or G.graph[OUTPUTS][0]
    _check_dimension(box)
    eps = float(Fraction(eps))
    fig, ax = _figure()
    if box.dimension == 1:
        (lo, hi), = [(float(a), float(b)) for a, b in box.bounds]
        xs = np.linspace(lo, hi, samples)
        d = _float_difference(G, node, target, xs[:, None])
        if certificate is not None:
            _certified_leaves(ax, G, node, target, box, certificate)
        ax.plot(xs, d, color="black", lw=1.2, label="network - target (float64)")
        for s in (eps, -eps):
            ax.axhline(s, color="tab:red", lw=1, ls="--")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel("x1")
        ax.set_ylabel("network - target")
        ax.legend(loc="upper right", fontsize=8)
        worst = float(np.max(np.abs(d)))
        sub = f"eps = {eps:.4g} (dashed); largest sampled |difference| {worst:.4g}"
    else:
        (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in box.bounds]
        n = int(math.sqrt(samples * 40))
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        d = _float_difference(G, node, target, np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(X.shape)
        bound = max(float(np.max(np.abs(d))), eps)
        im = ax.pcolormesh(X, Y, d, cmap="RdBu_r", vmin=-bound, vmax=bound, shading="auto")
        fig.colorbar(im, ax=ax, label="network - target (float64)")
        ax.contour(X, Y, d, levels=[-eps, eps], colors="black", linewidths=0.8, linestyles="--")
        ax.set_aspect("equal")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        sub = f"eps = {eps:.4g} (dashed contours); largest sampled |difference| {float(np.max(np.abs(d))):.4g}"
    ax.set_title(f"{title or G.graph.get('name', 'network')}\n{sub}", fontsize=10)
    _ticks(ax)
    return fig


def separation_bits(G, sequences, delta=None, delta_log10=None, start_bits=64, max_bits=8192):
    """For each required pair of a contextual mapping: ``(pair, bits, log10 lower bound)``, the
    first precision of the doubling at which Arb decides ``distance > delta`` and the certified
    lower bound of the distance there (``bits`` None: undecided at ``max_bits``).

    >>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
    >>> rows = separation_bits(contextual_mapping(seqs, lam_from="ratio").graph, seqs, delta_log10=-30)
    >>> len(rows), {bits for _, bits, _ in rows}
    (15, {64, 128})
    """
    from .exact import exact_rational
    from .provers.separation import _outputs, _threshold2, required_pairs, squared_distance

    X = [[tuple(exact_rational(v) for v in tok) for tok in seq] for seq in sequences]
    pairs = required_pairs(X)
    thr2 = _threshold2(exact_rational(delta) if delta is not None else None, delta_log10)
    found, prec = {}, start_bits
    while len(found) < len(pairs) and prec <= max_bits:
        bk, outs = _outputs(G, X, prec, "arb")
        with bk.session():
            t, zero = bk.scalar(thr2), bk.zero()
            for pair in pairs:
                if pair in found:
                    continue
                d2 = squared_distance(outs, pair, zero)
                if bk.lt(t, d2) is True:
                    found[pair] = (prec, bk.log10_bounds(d2)[0] / 2)
        prec *= 2
    return [(pair, *found.get(pair, (None, None))) for pair in pairs]


def figure_separations(G, sequences, delta=None, delta_log10=None, title=None, max_bits=8192):
    """Every required pair's certified separation (log10 of a lower bound, sorted) coloured by the
    precision Arb needed to decide it, against the claimed ``delta``."""
    import matplotlib

    rows = separation_bits(G, sequences, delta, delta_log10, max_bits=max_bits)
    fig, ax = _figure()
    decided = sorted((sep, bits) for _, bits, sep in rows if bits is not None)
    levels = sorted({bits for _, bits in decided})
    cmap = matplotlib.colormaps["viridis"]
    for n, level in enumerate(levels):
        xs = [k for k, (_, bits) in enumerate(decided) if bits == level]
        ax.scatter(xs, [decided[k][0] for k in xs], s=14, color=cmap(n / max(len(levels) - 1, 1)),
                   label=f"decided at {level} bits ({len(xs)} pairs)")
    line = float(delta_log10) if delta_log10 is not None else math.log10(float(Fraction(str(delta))))
    ax.axhline(line, color="tab:red", ls="--", lw=1, label=f"delta = 10^{line:.4g}")
    ax.set_xlabel("required pairs, by certified separation")
    ax.set_ylabel("log10 of the certified distance (lower bound)")
    ax.legend(loc="best", fontsize=8)
    undecided = sum(bits is None for _, bits, _ in rows)
    sub = f"{len(rows)} required pairs" + (f", {undecided} undecided at {max_bits} bits" if undecided else "")
    ax.set_title(f"{title or G.graph.get('name', 'network')}\n{sub}", fontsize=10)
    _ticks(ax)
    return fig


def channel_degrees(G) -> tuple:
    """``(groups, blocks, degrees)``: the degree in the inputs of each channel group of the residual
    stream after each block (``degrees[g][b]``; -1 where the group is zero), exactly.

    >>> from symtrans import Polynomial
    >>> from symtrans.constructions.fang2022 import polynomial_transformer
    >>> groups, blocks, deg = channel_degrees(polynomial_transformer(Polynomial.parse("x1**2*x2", ["x1", "x2"])))
    >>> blocks, dict(zip(groups, (row[-1] for row in deg)))["R3"]
    ([1, 2, 3], 3)
    """
    from .backends import PolyBackend
    from .graph import CHANNELS, ORIGIN, input_variables
    from .interpret import evaluate
    from .polys import degree_in

    channels = G.graph.get(CHANNELS)
    if channels is None:
        raise SymtransError("the graph records no named channels", field="graph",
                            expected="a construction built on a residual stream with named channel groups")
    last = {}
    for name in G.nodes:
        origin = G.nodes[name].get(ORIGIN) or {}
        if origin.get("role") == "residual" and origin.get("block") is not None:
            last[origin["block"]] = name  # the block's last residual sum, in insertion order
    blocks = sorted(last)
    if not blocks:
        raise SymtransError("the graph has no residual blocks", field="graph")
    bk = PolyBackend()
    values = evaluate(G, bk, nodes=[last[b] for b in blocks], outputs=False)
    inputs = set(input_variables(G))
    groups = list(channels.names)
    degrees = [[-1] * len(blocks) for _ in groups]
    for b, block in enumerate(blocks):
        M = values[last[block]]
        for row in M.rows.values():
            for j, p in row.items():
                d = degree_in(p, inputs)
                g = groups.index(channels.label(j).split("[")[0])
                degrees[g][b] = max(degrees[g][b], d)
    return groups, blocks, degrees


def figure_degrees(G, title=None):
    """The degree in the inputs of every channel group after each block, as an annotated grid."""
    import numpy as np

    groups, blocks, degrees = channel_degrees(G)
    fig, ax = _figure((max(5.0, 0.7 * len(blocks) + 3), max(3.5, 0.35 * len(groups) + 1.5)))
    data = np.ma.masked_less(np.array(degrees, dtype=float), 0)
    im = ax.imshow(data, cmap="viridis", aspect="auto")
    for g, row in enumerate(degrees):
        for b, d in enumerate(row):
            ax.text(b, g, "-" if d < 0 else str(d), ha="center", va="center", fontsize=8,
                    color="white" if d >= 0 and d < max(max(r) for r in degrees) / 2 else "black")
    ax.set_xticks(range(len(blocks)), [str(b) for b in blocks])
    ax.set_yticks(range(len(groups)), groups)
    ax.set_xlabel("after block")
    ax.set_ylabel("channel group")
    fig.colorbar(im, ax=ax, label="degree in the inputs (exact)")
    ax.set_title(f"{title or G.graph.get('name', 'network')}\nchannel degrees ('-': the group is zero)",
                 fontsize=10)
    ax.tick_params(labelsize=8)
    return fig


def _check_dimension(box):
    if box.dimension not in (1, 2):
        raise SymtransError(f"cannot draw a box of dimension {box.dimension}", field="domain",
                            expected="1 or 2 dimensions")


def _ticks(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.tick_params(labelsize=8)


def _float_difference(G, node, target, xs):
    """``network(x) - target(x)`` in float64 for the rows of ``xs`` (a picture, not a proof)."""
    import numpy as np

    from .backends import FloatBackend
    from .interpret import evaluate
    from .targets import maxout_graph

    batch = np.asarray(xs, dtype=float)[:, None, :]
    name = G.graph["inputs"][0]
    n = evaluate(G, FloatBackend(), {name: batch}, nodes=[node], outputs=False)[node][:, 0, 0]
    F = maxout_graph(target)
    f = evaluate(F, FloatBackend(), {F.graph["inputs"][0]: batch})["f"][:, 0, 0]
    return n - f


def _certified_leaves(ax, G, node, target, box, certificate):
    """The leaves of a PROVED bound certificate's bisection, each with the exact enclosure the
    checker re-derives (the recorded split dimensions, the claim's output entry)."""
    from matplotlib.patches import Rectangle

    from .kinds.bound.common import difference_enclosure
    from .targets import maxout_graph

    data = certificate.to_json() if hasattr(certificate, "to_json") else certificate
    ev, claim = data.get("evidence", {}), data.get("claim", {})
    tree, prec = list(ev.get("tree") or []), int(ev.get("prec", 64))
    node, row, col = claim.get("output") or node, claim.get("row", 0), claim.get("col", 0)
    F = maxout_graph(target)
    stack, first = [tuple(box.bounds)], True
    for step in tree:
        b = stack.pop()
        if step == "L":
            lo, hi = difference_enclosure(G, node, F, b, prec, row, col)
            (a, c), = b
            ax.add_patch(Rectangle((float(a), float(lo)), float(c - a), float(hi - lo), facecolor="tab:green",
                                   alpha=0.25, edgecolor="tab:green", lw=0.4,
                                   label="certified enclosure of a leaf box" if first else None))
            first = False
        else:
            k = int(step)
            lo_k, hi_k = b[k]
            mid = (lo_k + hi_k) / 2
            stack.extend([b[:k] + ((mid, hi_k),) + b[k + 1:], b[:k] + ((lo_k, mid),) + b[k + 1:]])


def _regions_1d(ax, G, target, box, node, points):
    import matplotlib

    from .provers.pwl import network_pieces

    (lo, hi), = box.bounds
    pieces, _ = network_pieces(G, node, lo, hi)
    cmap = matplotlib.colormaps["tab20"]
    for k, (a, b, m, c) in enumerate(pieces):
        ax.axvspan(float(a), float(b), color=cmap(k % 20), alpha=0.18, lw=0)
        ax.plot([float(a), float(b)], [float(m * a + c), float(m * b + c)], color="black", lw=1.6,
                label="network (exact pieces)" if k == 0 else None)
    if target is not None:
        xs = [lo + (hi - lo) * Fraction(i, 400) for i in range(401)]
        ax.plot([float(x) for x in xs], [float(target.evaluate([x])) for x in xs], color="tab:red", lw=0.9,
                ls="--", label="target")
    for k, p in enumerate(points):
        x = Fraction(p[0])
        ys = [float(m * x + c) for a, b, m, c in pieces if a <= x <= b][:1]
        ax.plot([float(x)], ys or [0.0], marker="x", color="tab:red", ms=10, mew=2, ls="none",
                label="counterexample" if k == 0 else None)
    ax.set_xlabel("x1")
    ax.legend(loc="best", fontsize=8)
    return f"{len(pieces)} linear regions (exact)"


def _polygon(cell):
    c = [float(v) for v in cell.centroid()]
    return sorted(([float(v[0]), float(v[1])] for v in cell.vertices), key=lambda p: math.atan2(p[1] - c[1], p[0] - c[0]))


def _regions_2d(ax, G, target, box, node, points):
    import matplotlib
    from matplotlib.patches import Polygon

    from .polytope import Polytope
    from .regions import enumerate_cells, region_labels
    from .targets import maxout_graph

    leaves = enumerate_cells(G, [node], Polytope.box(box.bounds))
    labels = region_labels(leaves, lambda leaf: leaf.entry(node))
    cmap = matplotlib.colormaps["tab20"]
    for leaf, label in zip(leaves, labels):
        ax.add_patch(Polygon(_polygon(leaf.cell), closed=True, facecolor=cmap(label % 20), edgecolor="white",
                             lw=0.4, alpha=0.85))
    if target is not None:
        F = maxout_graph(target)
        for k, leaf in enumerate(enumerate_cells(F, ["f"], Polytope.box(box.bounds))):
            ax.add_patch(Polygon(_polygon(leaf.cell), closed=True, fill=False, edgecolor="black", lw=0.8, ls="--",
                                 label="target's regions" if k == 0 else None))
    for k, p in enumerate(points):
        ax.plot([float(Fraction(p[0]))], [float(Fraction(p[1]))], marker="x", color="tab:red", ms=10, mew=2,
                ls="none", label="counterexample" if k == 0 else None)
    (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in box.bounds]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if target is not None or points:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, borderaxespad=0)
    return (f"{len(set(labels))} linear regions, {len({leaf.pattern for leaf in leaves})} activation cells "
            "(exact)")
