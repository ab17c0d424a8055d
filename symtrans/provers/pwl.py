"""Helpers of the exact piecewise-linear provers (``equivalent``, ``regions``, ``sup_error``).

The claims' provers are in ``symtrans/kinds/<kind>/prove.py``; the cell engine in
:mod:`symtrans.regions`.  Here: the box as a polytope, affine maps and points as JSON,
pieces on an interval, and the cut tree of a region certificate (:func:`bsp_tree`).

>>> from symtrans import Box, Claim, MaxoutNet, verify
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent = MaxoutNet.tent(3)
>>> G = maxout_transformer(tent, Box([(0, 1)]))
>>> c = verify(G, Claim("equivalent", tent, domain=Box([(0, 1)])))
>>> c.verdict, c.evidence["linear_regions"], c.evidence["activation_cells"]
('PROVED', 8, 8)
"""

from __future__ import annotations

from fractions import Fraction

from ..backends.pwl import PWLBackend
from ..errors import SpecError
from ..exact import format_exact
from ..graph import check, input_variables, parameters
from ..interpret import evaluate
from ..polytope import Polytope

__all__ = ["network_pieces", "bsp_tree"]


def _interval(G, claim):
    if len(input_variables(G)) != 1:
        raise SpecError(f"the graph has {len(input_variables(G))} input variables", field="domain",
                        expected="one (the polytope version for d > 1 is not built yet)")
    if claim.domain.dimension != 1:
        raise SpecError(f"a box of dimension {claim.domain.dimension}", field="domain", expected="1 interval")
    lo, hi = claim.domain.bounds[0]
    if lo == hi:
        raise SpecError(f"the interval [{lo}, {hi}] is a point", field="domain", expected="lo < hi")
    return lo, hi


def network_pieces(G, node, lo, hi, row=0, col=0):
    """``(pieces, activation breakpoints)`` of ``node[row, col]`` on ``[lo, hi]``."""
    bk = PWLBackend(lo, hi)
    value = evaluate(G, bk, nodes=[node], outputs=False)[node]
    return bk.pieces(value, row, col), sorted(bk.activation_breaks)


def _polytope(G, claim):

    d = claim.domain.dimension
    n = len(input_variables(G))
    if n != d:
        raise SpecError(f"the graph has {n} input variables and the box {d} intervals", field="domain",
                        expected=f"{n} intervals")
    for k, (lo, hi) in enumerate(claim.domain.bounds):
        if lo == hi:
            raise SpecError(f"interval {k} of the box is the point {lo}", field="domain",
                            expected="lo < hi on every interval")
    if parameters(G):
        raise SpecError("a piecewise-linear claim needs a graph without parameters", field="claim")
    check(G)
    return Polytope.box(claim.domain.bounds)


def _q(v):
    return format_exact(_fr(v))


def _affine_json(f):
    return [_q(v) for v in f.c]


def _interval_pieces(leaves, node, row=0, col=0):
    """1-D leaves as maximal pieces ``(lo, hi, slope, intercept)``, left to right (Fractions)."""
    cells = sorted((min(v[0] for v in leaf.cell.vertices), max(v[0] for v in leaf.cell.vertices),
                    leaf.entry(node, row, col).c) for leaf in leaves)
    out = []
    for lo, hi, (m, c) in cells:
        piece = (_fr(lo), _fr(hi), _fr(m), _fr(c))
        if out and out[-1][2:] == piece[2:] and out[-1][1] == piece[0]:
            out[-1] = (out[-1][0], piece[1]) + piece[2:]
        else:
            out.append(piece)
    return out


def _fr(v):
    return Fraction(int(v.p), int(v.q))


def bsp_tree(paths):
    """The cut tree of a cell enumeration: leaf ``k`` is ``k``; a cut is
    ``{"cut": [a_1, .., a_m, c], "le": subtree, "ge": subtree}`` (``a . x + c <= 0`` / ``>= 0``)."""
    root = {}
    for k, path in enumerate(paths):
        node = root
        for a, c, side in path:
            node.setdefault("cut", [_q(v) for v in a] + [_q(c)])
            node = node.setdefault("le" if side < 0 else "ge", {})
        node["leaf"] = k

    def freeze(node):
        if "leaf" in node:
            return node["leaf"]
        return {"cut": node["cut"], "le": freeze(node["le"]), "ge": freeze(node["ge"])}

    return freeze(root)
