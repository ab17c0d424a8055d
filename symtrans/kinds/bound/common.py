"""The bound kind's shared reading: enclosures of ``N - f`` on a box, for its prover and its checker.

Both call :func:`difference_enclosure`, so a box the prover certified is certified again by the
same rigorous arithmetic: the tighter of the plain Arb enclosure and the mean-value form
(:mod:`symtrans.backends.gradient`).
"""

from __future__ import annotations

from ...backends.gradient import GradientBackend, centred_bounds
from ...backends.interval import IntervalBackend
from ...errors import SpecError
from ...graph import INPUTS, OP, input_variables
from ...interpret import evaluate

__all__ = ["difference_enclosure", "box_inputs"]


def box_inputs(G, box):
    """Interval inputs for ``G`` from a box (variables in input order)."""
    names = input_variables(G)
    if len(names) != len(box):
        raise SpecError(f"a box of dimension {len(box)} for a graph with {len(names)} input variables",
                        field="domain", expected=f"{len(names)} intervals")

    out, k = {}, 0
    for name in G.graph[INPUTS]:
        r, c = G.nodes[name][OP].shape
        flat = [(lo, hi) if lo != hi else lo for lo, hi in box[k:k + r * c]]
        out[name] = [flat[a * c:(a + 1) * c] for a in range(r)]
        k += r * c
    return out


def difference_enclosure(G, node, F, box, prec, row=0, col=0):
    """Exact rational bounds ``(lo, hi)`` of ``N - f`` over ``box`` (``None`` if unbounded).

    The tighter of the plain interval enclosure and the mean-value form around the box's centre
    (:mod:`symtrans.backends.gradient`): on a box where ``N`` follows ``f``, the second is about
    as wide as the slope of ``N - f`` times the box, not the slopes of ``N`` and ``f`` added.
    """
    half = [(hi - lo) / 2 for lo, hi in box]
    if not any(half):
        return _plain_difference(G, node, F, box, prec, row, col)
    jets = []
    for graph, name, r, c in ((G, node, row, col), (F, "f", 0, 0)):
        bk = GradientBackend(prec=prec, directions={v: i for i, v in enumerate(input_variables(graph))})
        value = evaluate(graph, bk, box_inputs(graph, box), nodes=[name], validate=False, outputs=False)[name]
        jets.append(bk.to_list(value)[r][c])
    centre = tuple(((lo + hi) / 2, (lo + hi) / 2) for lo, hi in box)
    point = _plain_difference(G, node, F, centre, prec, row, col, bounds=False)
    with bk.session():
        return centred_bounds(jets[0] - jets[1], point, half)


def _plain_difference(G, node, F, box, prec, row=0, col=0, bounds=True):
    """``N - f`` over ``box`` by plain interval evaluation: exact bounds, or the Arb ball."""
    bk = IntervalBackend(prec=prec)
    n = bk.to_list(evaluate(G, bk, box_inputs(G, box), nodes=[node], validate=False, outputs=False)[node])[row][col]
    f = bk.to_list(evaluate(F, bk, box_inputs(F, box), validate=False)["f"])[0][0]
    with bk.session():
        d = n - f
    return bk.bounds(d) if bounds else d


