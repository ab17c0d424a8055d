"""Exact piecewise-linear verifiers on a rational box, any number of input variables.

* :func:`prove_equivalent`: the network's output equals a maxout network's at
  *every* point of the box.  Both are evaluated by the exact polytope cell
  engine (:mod:`symtrans.backends.cells`); on each cell of the common
  refinement the two affine maps must be identical, and every face where a
  hardmax of the network ties (the only places where it can jump) is checked
  the same way one dimension lower, down to points.  PROVED with a region
  certificate (the cut tree, whose leaves cover the box by construction, and
  each leaf's witness point and affine map); REFUTED with an exact rational
  point where they differ, re-evaluated on the rational backend.  Also
  reported: the exact number of **linear regions** of the network's function
  (maximal connected sets where it is one affine map: cells joined across
  shared facets) and, separately, of **activation cells** (distinct patterns of
  max/ReLU/hardmax decisions inside the network).
* :func:`prove_regions`: the network's output has exactly the claimed number of
  linear regions on the box.
* :func:`prove_sup_error`: the exact sup error against a quadratic on an interval.

>>> from symtrans.targets import MaxoutNet
>>> from symtrans.domains import Box
>>> from symtrans.claims import Claim
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent = MaxoutNet.tent(3)
>>> G = maxout_transformer(tent, Box([(0, 1)]))
>>> c = prove_equivalent(G, Claim("equivalent", tent, domain=Box([(0, 1)])))
>>> c.verdict, c.evidence["linear_regions"], c.evidence["activation_cells"]
('PROVED', 8, 8)
"""

from __future__ import annotations

import time
from fractions import Fraction

from ..backends.pwl import PWLBackend
from ..certificate import Certificate
from ._certify import certify
from ..errors import SpecError
from ..exact import format_exact
from ..graph import OUTPUTS, check, input_variables, parameters
from ..interpret import evaluate, evaluate_at_point

__all__ = ["prove_equivalent", "prove_regions", "prove_sup_error", "network_pieces", "prove_equivalent_cells",
           "prove_regions_cells", "bsp_tree"]


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
    value = evaluate(G, bk, nodes=[node])[node]
    return bk.pieces(value, row, col), sorted(bk.activation_breaks)


def prove_equivalent(G, claim, name: str = "") -> Certificate:
    """PROVED when the output equals the maxout target at every point of the box
    (exact polytope cells in any dimension: :func:`prove_equivalent_cells`)."""
    return prove_equivalent_cells(G, claim, name)


def prove_regions(G, claim, name: str = "") -> Certificate:
    """PROVED when the output has exactly ``claim.expected["regions"]`` linear regions on the box
    (:func:`prove_regions_cells`; on an interval the breakpoints and pieces are reported too).

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> c = prove_regions(maxout_graph(MaxoutNet.tent(4)), Claim("regions", expected={"regions": 16},
    ...                                                             domain=Box([(0, 1)])))
    >>> c.verdict, c.evidence["breakpoints"][:3]
    ('PROVED', ['1/16', '1/8', '3/16'])
    """
    return prove_regions_cells(G, claim, name)


def prove_sup_error(G, claim, name: str = "") -> Certificate:
    """The exact ``sup_{x in [lo, hi]} |target(x) - output(x)|`` equals ``expected["value"]``.

    One input variable; the target is a polynomial of degree at most 2.  On each exact linear
    region of the output, ``target - (s x + c)`` is a quadratic whose largest absolute value over
    the cell is at an end or at the vertex: computed exactly in Q.  PROVED when the maximum over
    all cells equals the claimed value (the points attaining it are reported); REFUTED otherwise,
    with the true supremum and a point attaining it.

    >>> from symtrans.targets import MaxoutNet, Polynomial, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> G = maxout_graph(MaxoutNet.yarotsky(3))
    >>> c = prove_sup_error(G, Claim("sup_error", Polynomial.parse("x**2", ["x"]), domain=Box([(0, 1)]),
    ...                                     expected={"value": "1/256"}))
    >>> c.verdict, c.evidence["attained_at"][:2]
    ('PROVED', ['1/16', '3/16'])
    """
    from fractions import Fraction

    from ..exact import exact_rational

    start = time.perf_counter()
    lo, hi = _interval(G, claim)
    if claim.target.degree > 2 or claim.target.parameters:
        raise SpecError("sup_error handles polynomial targets of degree <= 2 without parameters", field="target")
    coeffs = {k[0]: Fraction(v) for k, v in claim.target.coefficients().items()}
    a2, a1, a0 = coeffs.get(2, Fraction(0)), coeffs.get(1, Fraction(0)), coeffs.get(0, Fraction(0))
    node = claim.output or G.graph[OUTPUTS][0]
    pieces, _ = network_pieces(G, node, lo, hi, claim.row, claim.col)
    best, where = Fraction(-1), []
    for a, b, s, c in pieces:
        candidates = [a, b]
        if a2 != 0:
            v = -(a1 - s) / (2 * a2)
            if a < v < b:
                candidates.append(v)
        for x in candidates:
            e = abs(a2 * x * x + (a1 - s) * x + (a0 - c))
            if e > best:
                best, where = e, [x]
            elif e == best and x not in where:
                where.append(x)
    value = exact_rational(claim.expected.get("value"), "value")
    evidence = {"sup": format_exact(best), "attained_at": [format_exact(x) for x in sorted(where)],
                "linear_regions": len(pieces)}
    if best == value:
        return certify(G, claim, "PROVED", "sup_error", "pwl", None, evidence, None, start, name)
    ce = {"sup": format_exact(best), "claimed": format_exact(value), "point": format_exact(sorted(where)[0])}
    return certify(G, claim, "REFUTED", "sup_error", "pwl", None, evidence, ce, start, name)


# -- any number of input variables: exact polytope cells ------------------------------------------------

def _polytope(G, claim):
    from ..polytope import Polytope

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


def _confirm(G, H_target, node, claim, x, variables):
    point = [_fr(v) for v in x]
    net = evaluate_at_point(G, dict(zip(variables, point)), node, claim.row, claim.col, validate=False)
    tgt = H_target.evaluate(point)
    return point, net, tgt


def prove_equivalent_cells(G, claim, name: str = "") -> Certificate:
    """Equivalence with a maxout target on a box in any dimension, by exact polytope cells.

    The network's cells (:func:`symtrans.backends.cells.enumerate_cells`) are refined by the
    target's; on every cell of the refinement both are one affine map, compared exactly.  The
    target is continuous, and so is the network except where a hardmax row's winner ties with a
    loser: every such face of a cell (recorded by the engine) is checked the same way, one
    dimension lower, recursively down to single points (:func:`~symtrans.backends.cells.check_ties`).
    So equality holds at *every* point of the box, boundaries included.  PROVED with a region certificate (the cut tree, each cell's witness point and
    affine map); REFUTED with an exact rational point where the two differ, re-evaluated on the
    rational backend.

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> net = MaxoutNet.max_of(2)
    >>> c = prove_equivalent_cells(maxout_graph(net), Claim("equivalent", net, domain=Box([(-1, 1)] * 2)))
    >>> c.verdict, c.evidence["linear_regions"], c.evidence["cells"], c.evidence["tree"]["cut"]
    ('PROVED', 2, 2, ['1', '-1', '0'])
    """
    from ..backends.cells import check_ties, common_cells, count_regions, differing_point, embed_point
    from ..targets import GraphTarget, target_graph

    start = time.perf_counter()
    P = _polytope(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    H, hnode = target_graph(claim.target)
    variables = input_variables(G)
    net, pieces = common_cells(G, node, H, hnode, P, grc=(claim.row, claim.col))
    evidence = {"linear_regions": count_regions(net, lambda leaf: leaf.entry(node, claim.row, claim.col)),
                "activation_cells": len({leaf.pattern for leaf in net}), "network_cells": len(net),
                "cells": len(pieces), "dimension": P.dim}

    def refute(cell, f, g, embed, where):
        x = embed_point(differing_point(cell, f, g), embed)
        point, net_v, tgt_v = _confirm(G, claim.target, node, claim, x, variables)
        if net_v == tgt_v:  # pragma: no cover - an engine bug, never a verdict
            raise AssertionError(f"the cell engine and the rational backend disagree at {point}")
        ce = {"point": {v: format_exact(p) for v, p in zip(variables, point)}, "network": format_exact(net_v),
              "target": format_exact(tgt_v), "cell": where}
        return certify(G, claim, "REFUTED", "equivalent", "pwl", None, evidence, ce, start, name)

    for cell, f, g, _, _ in pieces:
        if f != g:
            return refute(cell, f, g, None, "interior")
    faces, bad = check_ties(G, node, H, hnode, net, grc=(claim.row, claim.col))
    if bad is None and isinstance(claim.target, GraphTarget):   # the target may jump too
        more, bad = check_ties(H, hnode, G, node, [sub for *_, sub in pieces], hrc=(claim.row, claim.col))
        faces += more
        if bad is not None:
            cell, g, f, emb = bad
            bad = (cell, f, g, emb)
    evidence["tie_faces_checked"] = faces
    if bad is not None:
        cell, f, g, emb = bad
        return refute(cell, f, g, emb, f"a face of dimension {cell.dim}")
    evidence["tree"] = bsp_tree([path for _, _, _, path, _ in pieces])
    evidence["regions"] = [[[_q(v) for v in cell.centroid()], _affine_json(f)] for cell, f, _, _, _ in pieces]
    return certify(G, claim, "PROVED", "equivalent", "pwl", None, evidence, None, start, name)


def prove_regions_cells(G, claim, name: str = "") -> Certificate:
    """The exact number of linear regions of the output on a box in any dimension.

    Linear regions are the connected components of the union of cells where the output is
    one affine map, cells joined across shared facets (see
    :func:`symtrans.backends.cells.count_regions`); activation cells (distinct decision
    patterns) are reported separately.

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> net = MaxoutNet.relu(2, [[[1, 0, 0], [0, 1, 0]]], [1, 1, 0])    # relu(x1) + relu(x2)
    >>> c = prove_regions_cells(maxout_graph(net), Claim("regions", expected={"regions": 4},
    ...                                                  domain=Box([(-1, 1)] * 2)))
    >>> c.verdict, c.evidence["activation_cells"]
    ('PROVED', 4)
    """
    from ..backends.cells import count_regions, enumerate_cells

    start = time.perf_counter()
    P = _polytope(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    wanted = claim.expected.get("regions")
    if not isinstance(wanted, int):
        raise SpecError(f"expected regions {wanted!r}", field="expected", expected="an integer")
    net = enumerate_cells(G, [node], P)
    count = count_regions(net, lambda leaf: leaf.entry(node, claim.row, claim.col))
    evidence = {"linear_regions": count, "activation_cells": len({leaf.pattern for leaf in net}),
                "network_cells": len(net), "dimension": P.dim}
    if P.dim == 1:
        pieces = _interval_pieces(net, node, claim.row, claim.col)
        evidence["breakpoints"] = [format_exact(b) for _, b, _, _ in pieces[:-1]]
        evidence["pieces"] = [[format_exact(v) for v in piece] for piece in pieces]
    verdict = "PROVED" if count == wanted else "REFUTED"
    ce = None if verdict == "PROVED" else {"regions": {"graph": count, "claimed": wanted}}
    return certify(G, claim, verdict, "regions", "pwl", None, evidence, ce, start, name)
