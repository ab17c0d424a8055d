"""Pictures of piecewise-linear networks (the ``plot`` extra: ``pip install symtrans[plot]``).

A picture is not a proof: it shows what the verifiers proved.

* 1-D: the exact linear regions of the network on the interval, coloured, with the network's
  pieces and the target drawn over them (from the exact ``pwl`` evaluation).
* 2-D: the network's value as a heat map, with the boundaries of its activation pattern (which
  token wins each hardmax head, the sign of each ReLU) traced on a float64 grid.
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
    from .verify.pwl import network_pieces

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
    import numpy as np

    from .backends import FloatBackend
    from .graph import OP
    from .interpret import evaluate
    from .ops import Normalize, ReLU

    (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in box.bounds]
    n = 200
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    batch = np.stack([X.ravel(), Y.ravel()], axis=1)[:, None, :]
    decisions = [k for k in G if isinstance(G.nodes[k][OP], (ReLU,)) or
                 (isinstance(G.nodes[k][OP], Normalize) and G.nodes[k][OP].rule == "hardmax")]
    values = evaluate(G, FloatBackend(), {"x": batch}, nodes=decisions)
    Z = values[node][:, 0, 0].reshape(n, n)
    pattern = np.zeros(n * n, dtype=np.int64)
    for k in decisions:
        v = values[k].reshape(n * n, -1)
        bits = (np.argmax(v, axis=1) if isinstance(G.nodes[k][OP], Normalize) else (v > 0).dot(
            1 << np.arange(min(v.shape[1], 60))[: v.shape[1]]))
        pattern = pattern * 1000003 + bits.astype(np.int64) if v.ndim == 2 else pattern
    im = ax.imshow(Z, origin="lower", extent=(x0, x1, y0, y1), cmap="viridis", aspect="auto")
    fig.colorbar(im, ax=ax, label="network output")
    P = pattern.reshape(n, n)
    edges = (np.diff(P, axis=0, prepend=P[:1]) != 0) | (np.diff(P, axis=1, prepend=P[:, :1]) != 0)
    ax.contour(X, Y, edges.astype(float), levels=[0.5], colors="white", linewidths=0.6)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.text(0.01, 0.01, "activation-pattern boundaries (float64 grid; a picture, not a proof)",
            transform=ax.transAxes, fontsize=7, color="white")
