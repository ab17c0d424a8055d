from __future__ import annotations

from ...checking import _require
from ...exact import exact_rational
from ...scalars import decide_sign
from .relation import at_point, holds, is_zero, numerator_coefficients, read


def check(G, claim, cert):
    """Re-read the relation and re-decide it: a sign, every coefficient of an identity, or the witness point."""
    params = claim.expected
    lhs, op, rhs = read(params)
    difference = lhs - rhs
    if not params.free:
        sign, _, _ = decide_sign(difference, max_prec=params.max_bits)
        _require(sign is not None, "the sign of lhs - rhs is undecided")
        return "PROVED" if holds(op, sign) else "REFUTED"
    ce = cert.counterexample
    if ce is None:
        coefficients = numerator_coefficients(difference, params.free)
        _require(all(is_zero(c, params.max_bits) is True for c in coefficients),
                 "a coefficient of the identity's numerator is not exactly 0")
        return "PROVED"
    _require(isinstance(ce, dict) and isinstance(ce.get("point"), dict) and set(ce["point"]) == set(params.free),
             "the counterexample does not give every free symbol")
    point = {k: exact_rational(v, f"counterexample.point.{k}") for k, v in ce["point"].items()}
    value = at_point(difference, point)
    _require(value is not None, "the identity is undefined at the counterexample")
    sign, _, _ = decide_sign(value, max_prec=params.max_bits)
    _require(sign is not None and sign != 0, "the difference is not certainly nonzero at the counterexample")
    return "REFUTED"
