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

from ..backends.pwl import PWLBackend
from ..certificate import Certificate
from ._certify import certify
from ..errors import SpecError
from ..exact import format_exact
from ..graph import OUTPUTS, check, input_variables, parameters
from ..interpret import evaluate, evaluate_at_point
from ..targets import maxout_graph

__all__ = ["prove_equivalent", "prove_regions", "prove_sup_error", "network_pieces"]


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
    """PROVED when the output equals the maxout target at every point of the interval.

    With more than one input variable (no polytope enumeration yet) the claim is handed
    to the compositional proof, :func:`symtrans.verify.emulation.prove_emulation`.
    """
    if len(input_variables(G)) > 1 and claim.domain.dimension > 1:
        from .emulation import prove_emulation

        return prove_emulation(G, claim, name)
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
