"""Exact piecewise-linear verifiers on a rational interval (one input variable).

* :func:`prove_equivalent`: the network's output equals a maxout network's at
  *every* point of the interval.  Both are evaluated on the ``pwl`` backend
  (exact breakpoints); on each cell of the common partition the two affine
  pieces must be identical, and at every cell end both are evaluated exactly
  on the rational backend (so no continuity is assumed, even with hardmax
  ties).  PROVED with a region certificate (each cell, both affine pieces, a
  witness point); REFUTED with an exact rational point where they differ.
  Also reported: the exact number of **linear regions** of the network's
  function (maximal intervals where it is affine) and, separately, of
  **activation cells** (the partition made by every max/ReLU/hardmax
  decision inside the network).
* :func:`prove_regions`: the network's output has exactly the claimed number of
  linear regions on the interval.

The polytope version for ``d > 1`` is not built yet.

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
from ..targets import maxout_graph

__all__ = ["prove_equivalent", "prove_regions", "prove_sup_error", "network_pieces", "prove_equivalent_cells",
           "prove_regions_cells", "bsp_tree", "has_ties"]


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


def _common(p, q):
    """Cells of the common refinement with the affine piece of each side."""
    breaks = sorted({a for a, _, _, _ in p} | {b for _, b, _, _ in p} | {a for a, _, _, _ in q} |
                    {b for _, b, _, _ in q})
    out, i, j = [], 0, 0
    for a, b in zip(breaks, breaks[1:]):
        while p[i][1] <= a:
            i += 1
        while q[j][1] <= a:
            j += 1
        out.append((a, b, p[i][2:], q[j][2:]))
    return out


def prove_equivalent(G, claim, name: str = "") -> Certificate:
    """PROVED when the output equals the maxout target at every point of the box.

    One input variable: exact breakpoints (:class:`~symtrans.backends.pwl.PWLBackend`).
    More: exact polytope cells (:func:`prove_equivalent_cells`).
    """
    if claim.domain.dimension > 1 or len(input_variables(G)) > 1:
        return prove_equivalent_cells(G, claim, name)
    start = time.perf_counter()
    lo, hi = _interval(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    ours, activation = network_pieces(G, node, lo, hi, claim.row, claim.col)
    H = maxout_graph(claim.target)
    theirs, _ = network_pieces(H, "f", lo, hi)
    cells = _common(ours, theirs)
    evidence = {"linear_regions": len(ours), "activation_cells": len(activation) + 1,
                "target_regions": len(theirs), "cells": len(cells)}
    var = input_variables(G)[0]
    if parameters(G):
        raise SpecError("an equivalence claim needs a graph without parameters", field="claim")
    check(G)

    def compare(x):
        net = evaluate_at_point(G, {var: x}, node, claim.row, claim.col, validate=False)
        tgt = claim.target.evaluate([x])
        return net, tgt

    for a, b, f, g in cells:
        if f != g:
            for x in (a + (b - a) / 2, a + (b - a) / 3):
                net, tgt = compare(x)
                if net != tgt:
                    ce = {"point": {var: format_exact(x)}, "network": format_exact(net), "target": format_exact(tgt),
                          "cell": [format_exact(a), format_exact(b)]}
                    return certify(G, claim, "REFUTED", "equivalent", "pwl", None, evidence, ce, start, name)
    for x in sorted({a for a, _, _, _ in cells} | {hi}):
        net, tgt = compare(x)
        if net != tgt:
            ce = {"point": {var: format_exact(x)}, "network": format_exact(net), "target": format_exact(tgt),
                  "cell": "breakpoint"}
            return certify(G, claim, "REFUTED", "equivalent", "pwl", None, evidence, ce, start, name)
    evidence["regions"] = [[format_exact(a), format_exact(b), format_exact(f[0]), format_exact(f[1]),
                            format_exact(a + (b - a) / 2)] for a, b, f, _ in cells]
    return certify(G, claim, "PROVED", "equivalent", "pwl", None, evidence, None, start, name)


def prove_regions(G, claim, name: str = "") -> Certificate:
    """PROVED when the output has exactly ``claim.expected["regions"]`` linear regions on the interval.

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> c = prove_regions(maxout_graph(MaxoutNet.tent(4)), Claim("regions", expected={"regions": 16},
    ...                                                             domain=Box([(0, 1)])))
    >>> c.verdict, c.evidence["breakpoints"][:3]
    ('PROVED', ['1/16', '1/8', '3/16'])
    """
    if claim.domain.dimension > 1 or len(input_variables(G)) > 1:
        return prove_regions_cells(G, claim, name)
    start = time.perf_counter()
    lo, hi = _interval(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    ours, activation = network_pieces(G, node, lo, hi, claim.row, claim.col)
    wanted = claim.expected.get("regions")
    if not isinstance(wanted, int):
        raise SpecError(f"expected regions {wanted!r}", field="expected", expected="an integer")
    evidence = {"linear_regions": len(ours), "activation_cells": len(activation) + 1,
                "breakpoints": [format_exact(b) for _, b, _, _ in ours[:-1]],
                "pieces": [[format_exact(v) for v in piece] for piece in ours]}
    verdict = "PROVED" if len(ours) == wanted else "REFUTED"
    ce = None if verdict == "PROVED" else {"regions": {"graph": len(ours), "claimed": wanted}}
    return certify(G, claim, verdict, "regions", "pwl", None, evidence, ce, start, name)



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


def has_ties(G) -> bool:
    """Whether ``G`` has a hardmax (its only op that can jump where scores tie)."""
    from ..graph import OP
    from ..ops import Normalize

    return any(isinstance(G.nodes[n][OP], Normalize) and G.nodes[n][OP].rule == "hardmax" for n in G)


def _q(v):
    return format_exact(Fraction(int(v.p), int(v.q)))


def _affine_json(f):
    return [_q(v) for v in f.c]


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
    from fractions import Fraction as F

    point = [F(int(v.p), int(v.q)) for v in x]
    net = evaluate_at_point(G, dict(zip(variables, point)), node, claim.row, claim.col, validate=False)
    tgt = H_target.evaluate(point)
    return point, net, tgt


def prove_equivalent_cells(G, claim, name: str = "") -> Certificate:
    """Equivalence with a maxout target on a box in any dimension, by exact polytope cells.

    The network's cells (:func:`symtrans.backends.cells.enumerate_cells`) are refined by the
    target's; on every cell of the refinement both are one affine map, compared exactly.  When
    the network has a hardmax (whose value can jump where scores tie) every face of every cell,
    down to the vertices, is checked the same way, so the equality holds at *every* point of the
    box; without one the network is continuous and equality on the open cells is equality
    everywhere.  PROVED with a region certificate (the cut tree, each cell's witness point and
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
    from ..backends.cells import boundary_faces, common_cells, count_regions, differing_point, embedded_vertices

    start = time.perf_counter()
    P = _polytope(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    H = maxout_graph(claim.target)
    variables = input_variables(G)
    net, pieces = common_cells(G, node, H, "f", P, grc=(claim.row, claim.col))
    evidence = {"linear_regions": count_regions(net, lambda leaf: leaf.entry(node, claim.row, claim.col)),
                "activation_cells": len({leaf.pattern for leaf in net}), "network_cells": len(net),
                "cells": len(pieces), "dimension": P.dim}

    def refute(cell, f, g, embed, where):
        t = differing_point(cell, f, g)
        x = embedded_vertices(type(cell)(cell.dim, [], [t], [frozenset()]), embed)[0]
        point, net_v, tgt_v = _confirm(G, claim.target, node, claim, x, variables)
        if net_v == tgt_v:  # pragma: no cover - an engine bug, never a verdict
            raise AssertionError(f"the cell engine and the rational backend disagree at {point}")
        ce = {"point": {v: format_exact(p) for v, p in zip(variables, point)}, "network": format_exact(net_v),
              "target": format_exact(tgt_v), "cell": where}
        return certify(G, claim, "REFUTED", "equivalent", "pwl", None, evidence, ce, start, name)

    for cell, f, g, _ in pieces:
        if f != g:
            return refute(cell, f, g, None, "interior")
    if has_ties(G):
        seen, todo, faces = set(), [(cell, None) for cell, _, _, _ in pieces], 0
        while todo:
            nxt = []
            for F, emb in boundary_faces(todo, seen):
                faces += 1
                for cell, f, g, _ in common_cells(G, node, H, "f", F, emb, grc=(claim.row, claim.col))[1]:
                    if f != g:
                        return refute(cell, f, g, emb, f"a face of dimension {cell.dim}")
                    if cell.dim > 0:
                        nxt.append((cell, emb))
            todo = nxt
        evidence["faces_checked"] = faces
    evidence["tree"] = bsp_tree([path for _, _, _, path in pieces])
    evidence["regions"] = [[[_q(v) for v in cell.centroid()], _affine_json(f)] for cell, f, _, _ in pieces]
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
    verdict = "PROVED" if count == wanted else "REFUTED"
    ce = None if verdict == "PROVED" else {"regions": {"graph": count, "claimed": wanted}}
    return certify(G, claim, verdict, "regions", "pwl", None, evidence, ce, start, name)
