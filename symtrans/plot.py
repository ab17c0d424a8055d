"""Pictures of piecewise-linear networks (the ``plot`` extra: ``pip install symtrans[plot]``).

A picture is not a proof: it shows what the verifiers proved.

* 1-D: the exact linear regions of the network on the interval, coloured, with the network's
  pieces and the target drawn over them (from the exact ``pwl`` evaluation).
* 2-D: the exact cells of the network (polygons with rational vertices from the polytope
  engine), coloured by linear region (cells joined across shared edges where the affine map is
  the same), with every cell's edges drawn thin.
"""

from __future__ import annotations

from fractions import Fraction

from .errors import SymtransError

__all__ = ["plot_regions", "have_matplotlib"]


def have_matplotlib() -> bool:
    """Whether the optional matplotlib is importable."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SymtransError("plotting needs matplotlib, which is not installed",
                            expected="`pip install symtrans[plot]` (or `pip install matplotlib`)") from None
    return plt


def plot_regions(G, target, box, out, node=None, title=None):
    """Draw ``G``'s output (and the maxout ``target``) on a 1-D or 2-D box into ``out`` (PNG)."""
    plt = _pyplot()
    from .graph import OUTPUTS

    node = node or G.graph[OUTPUTS][0]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if box.dimension == 1:
        _plot_1d(ax, G, target, box, node)
    elif box.dimension == 2:
        _plot_2d(fig, ax, G, box, node)
    else:
        plt.close(fig)
        raise SymtransError(f"cannot draw a box of dimension {box.dimension}", field="domain",
                            expected="1 or 2 dimensions")
    ax.set_title(title or G.graph.get("name", "network"))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def _plot_1d(ax, G, target, box, node):
    from .provers.pwl import network_pieces

    (lo, hi), = box.bounds
    pieces, _ = network_pieces(G, node, lo, hi)
    import matplotlib

    cmap = matplotlib.colormaps["tab20"]
    for k, (a, b, m, c) in enumerate(pieces):
        color = cmap(k % 20)
        ax.axvspan(float(a), float(b), color=color, alpha=0.18, lw=0)
        ax.plot([float(a), float(b)], [float(m * a + c), float(m * b + c)], color="black", lw=1.6,
                label="network (exact pieces)" if k == 0 else None)
    if target is not None:
        xs = [lo + (hi - lo) * Fraction(i, 400) for i in range(401)]
        ax.plot([float(x) for x in xs], [float(target.evaluate([x])) for x in xs], color="tab:red", lw=0.9,
                ls="--", label="target")
    ax.set_xlabel("x")
    ax.legend(loc="best", fontsize=8)
    ax.text(0.01, 0.01, f"{len(pieces)} linear regions", transform=ax.transAxes, fontsize=8)


def _plot_2d(fig, ax, G, box, node):
    import math

    import matplotlib
    from matplotlib.patches import Polygon

    from .polytope import Polytope
    from .regions import enumerate_cells, region_labels

    leaves = enumerate_cells(G, [node], Polytope.box(box.bounds))
    labels = region_labels(leaves, lambda leaf: leaf.entry(node))
    cmap = matplotlib.colormaps["tab20"]
    for leaf, label in zip(leaves, labels):
        c = [float(v) for v in leaf.cell.centroid()]
        pts = sorted(([float(v[0]), float(v[1])] for v in leaf.cell.vertices),
                     key=lambda p: math.atan2(p[1] - c[1], p[0] - c[0]))
        ax.add_patch(Polygon(pts, closed=True, facecolor=cmap(label % 20), edgecolor="white", lw=0.4, alpha=0.85))
    (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in box.bounds]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.text(0.01, 0.01, f"{len(set(labels))} linear regions, {len({leaf.pattern for leaf in leaves})} "
            "activation cells (exact)", transform=ax.transAxes, fontsize=8)
