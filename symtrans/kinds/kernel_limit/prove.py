from __future__ import annotations

import itertools
import time
from fractions import Fraction

from ..._lazy import sympy

from ...certificate import Certificate
from ...exact import format_exact
from ...provers._certify import STRUCTURE, certify
from .common import (
    box_certifies,
    exponent_terms,
    fixed_point,
    leading_difference,
    split,
    sum_growth,
    vanishing_terms,
    witness,
)


def prove(G, claim, name: str = "") -> Certificate:
    """Expand the log-ratio in ``t`` and exhibit a rational point where its leading coefficient is nonzero.

    >>> from symtrans import Claim
    >>> cert = prove(None, Claim("kernel_limit", expected={"kernel": "exp(s)"}))
    >>> cert.verdict, cert.evidence["degree"]
    ('PROVED', 1)
    """
    start = time.perf_counter()
    data = claim.expected
    parts = split(data.kernel, len(data.omega))
    if parts is None:
        return _sum_of_exponentials(claim, start, name)
    P, _, sums = parts
    point = fixed_point(data)
    m, delta = leading_difference(P, data.d, data.w, point, data.omega)  # with the keys fixed, maybe a lower power
    evidence = {}
    if m is None:
        evidence["reason"] = ("every power t^m (m >= 1) of the log-ratio has the same coefficient for both keys: "
                              "the limit is decided by the factor outside exp (inconclusive)")
        return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
    evidence.update(degree=m, leading=sympy.sstr(delta, order="lex"))
    if sums:
        e = sum_growth(sums, data.d, data.w, point, data.omega)
        evidence["growth"] = e
        if e >= m:
            evidence["reason"] = (f"a sum of exponentials grows like t^{e}, as fast as the leading difference "
                                  f"t^{m}: inconclusive")
            return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
    w = witness(delta, data.d, point)
    if w is None:
        evidence["reason"] = "no small rational point found where the leading coefficient is nonzero"
        return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
    evidence["witness"] = {k: format_exact(v) for k, v in sorted(w.items())}
    return certify(None, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)


def _sum_of_exponentials(claim, start, name):
    """Look for keys and a box of W on which the ratio tends to 1 (refuting "for almost every W")."""
    data = claim.expected
    d = data.d
    exponents = exponent_terms(data.kernel, len(data.omega))
    unit = [tuple(Fraction(int(i == k)) for i in range(d)) for k in range(d)]
    triples = [(data.x, data.y1, data.y2)] if data.x else [(unit[0], unit[0], unit[-1]), (unit[0], unit[-1], unit[0])]
    for x, y1, y2 in triples:
        negative, kept1, kept2 = vanishing_terms(exponents, d, x, y1, y2, data.w, data.omega)
        names = [f"w{i + 1}{j + 1}" for i in range(d) for j in range(d)]
        for values in itertools.islice(itertools.product((-1, 1, 0, -2, 2), repeat=len(names)), 5000):
            box = {n: (Fraction(v) - Fraction(1, 10), Fraction(v) + Fraction(1, 10)) for n, v in zip(names, values)}
            if box_certifies(negative, kept1, kept2, box):
                ce = {"x": [format_exact(v) for v in x], "y1": [format_exact(v) for v in y1],
                      "y2": [format_exact(v) for v in y2],
                      "box": {n: [format_exact(lo), format_exact(hi)] for n, (lo, hi) in box.items()}}
                evidence = {"limit": "1", "vanishing": [sympy.sstr(c) for c in negative]}
                return certify(None, claim, "REFUTED", "interval", 128, evidence, ce, start, name)
    return certify(None, claim, "UNKNOWN", STRUCTURE, None,
                   {"reason": "a sum of exponentials, and no box of W was found where its ratio stays finite"},
                   None, start, name)
