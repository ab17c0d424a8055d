from __future__ import annotations

import itertools
import time
from fractions import Fraction

from ..._lazy import sympy

from ...certificate import Certificate
from ...provers._certify import STRUCTURE, certify
from ...scalars import arb_text, decide_sign
from .relation import at_point, holds, is_zero, numerator_coefficients, read

#: Integer coordinates tried, in order, for a point where a failed identity is certainly nonzero.
_WITNESS_RANGE = (1, 2, -1, 3, -2, 5, 7, -3, 11, 13)


def prove(G, claim, name: str = "") -> Certificate:
    """Decide a proof step's relation between closed-form real numbers (no graph).

    Without free symbols: the sign of ``lhs - rhs`` is decided exactly (rational,
    or algebraic through its minimal polynomial) or by an Arb enclosure excluding 0
    (precision doubled up to ``max_bits``); the relation holds or fails accordingly.
    With free symbols (``==`` only): the numerator of ``lhs - rhs`` is expanded in
    them; PROVED when every coefficient is exactly 0, REFUTED at a rational point
    where the difference is certainly nonzero.

    >>> from symtrans import Claim
    >>> prove(None, Claim("scalar", expected={"relation": "exp(log(2))/(1 + exp(log(2)) + 1) == 2/(3 + 1)"})).verdict
    'PROVED'
    >>> cert = prove(None, Claim("scalar", expected={"relation": "(1 + g)**2 == 1 + g**2", "free": ["g"]}))
    >>> cert.verdict, cert.counterexample["point"]
    ('REFUTED', {'g': '1'})
    """
    start = time.perf_counter()
    params = claim.expected
    lhs, op, rhs = read(params)
    difference = lhs - rhs
    evidence = {"lhs": sympy.sstr(lhs), "rhs": sympy.sstr(rhs), "difference": sympy.sstr(difference)}
    if params.free:
        return _identity(claim, difference, evidence, start, name)
    sign, prec, how = decide_sign(difference, max_prec=params.max_bits)
    evidence["how"] = how
    if sign is None:
        evidence["reason"] = f"the sign of lhs - rhs is undecided at {prec} bits: {arb_text(difference, prec)}"
        return certify(None, claim, "UNKNOWN", "interval", prec, evidence, None, start, name)
    evidence["sign"] = sign
    if prec:
        evidence["difference_enclosure"] = arb_text(difference, prec)
    verdict = "PROVED" if holds(op, sign) else "REFUTED"
    return certify(None, claim, verdict, "interval" if prec else STRUCTURE, prec or None, evidence, None, start, name)


def _identity(claim, difference, evidence, start, name):
    params = claim.expected
    coefficients = numerator_coefficients(difference, params.free)
    decided = [is_zero(c, params.max_bits) for c in coefficients]
    evidence["coefficients"] = len(coefficients)
    if all(decided):
        evidence["how"] = "every coefficient of the numerator is exactly 0"
        return certify(None, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)
    if any(z is False for z in decided):
        for values in itertools.product(_WITNESS_RANGE, repeat=len(params.free)):
            point = {k: Fraction(v) for k, v in zip(params.free, values)}
            value = at_point(difference, point)
            if value is None:
                continue
            sign, prec, _ = decide_sign(value, max_prec=params.max_bits)
            if sign:
                ce = {"point": {k: str(v) for k, v in point.items()}, "difference": arb_text(value, max(prec, 64))}
                evidence["how"] = "a coefficient of the numerator is nonzero"
                return certify(None, claim, "REFUTED", "interval" if prec else STRUCTURE, prec or None, evidence,
                               ce, start, name)
    evidence["reason"] = "some coefficient of the numerator is neither exactly 0 nor certainly nonzero"
    return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
