
from __future__ import annotations

import time
from fractions import Fraction

from ...certificate import Certificate
from ...exact import format_exact
from ...graph import OUTPUTS
from ...provers._certify import certify
from ...provers.pwl import _interval, network_pieces


def prove(G, claim, name: str = "") -> Certificate:
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
    >>> c = prove(G, Claim("sup_error", Polynomial.parse("x**2", ["x"]), domain=Box([(0, 1)]),
    ...                                     expected={"value": "1/256"}))
    >>> c.verdict, c.evidence["attained_at"][:2]
    ('PROVED', ['1/16', '3/16'])
    """
    start = time.perf_counter()
    lo, hi = _interval(G, claim)
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
    value = claim.expected.value
    evidence = {"sup": format_exact(best), "attained_at": [format_exact(x) for x in sorted(where)],
                "linear_regions": len(pieces)}
    if best == value:
        return certify(G, claim, "PROVED", "pwl", None, evidence, None, start, name)
    ce = {"sup": format_exact(best), "claimed": format_exact(value), "point": format_exact(sorted(where)[0])}
    return certify(G, claim, "REFUTED", "pwl", None, evidence, ce, start, name)
