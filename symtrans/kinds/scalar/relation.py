"""Reading and deciding a ``scalar`` claim: shared by its prover and its checker (the trusted base)."""

from __future__ import annotations

from ..._lazy import sympy

from ...errors import SpecError
from ...expr import parse_relation
from ...scalars import decide_sign, exact_zero

__all__ = ["read", "holds", "numerator_coefficients", "at_point"]

_FUNCTIONS = ("exp", "sqrt", "log", "abs", "max", "min", "sum")


def read(params):
    """``(lhs, op, rhs)`` as exact SymPy expressions, the given values substituted."""
    lhs, op, rhs = parse_relation(params.relation, params.free, functions=_FUNCTIONS, constants=("pi",),
                                  rational_powers=True, divide_by_variables=True, bindings=params.bindings())
    if params.free and op != "==":
        raise SpecError(f"{op!r} with free symbols", field="relation",
                        expected="== (an identity in the free symbols), or values for every symbol")
    return lhs, op, rhs


def holds(op: str, sign: int) -> bool:
    """Whether ``lhs OP rhs`` holds when ``lhs - rhs`` has ``sign``."""
    return {"==": sign == 0, "!=": sign != 0, "<": sign < 0, "<=": sign <= 0, ">": sign > 0,
            ">=": sign >= 0}[op]


def numerator_coefficients(difference, free):
    """The coefficients (constants) of ``difference``'s numerator as a polynomial in ``free``."""
    numerator, _ = sympy.fraction(sympy.together(difference))
    symbols = [sympy.Symbol(f) for f in free]
    return sympy.Poly(sympy.expand(numerator), *symbols).coeffs()


def at_point(difference, point: dict):
    """``difference`` at an exact point of the free symbols (``None`` where it is undefined)."""
    value = difference.subs({sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in point.items()})
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    return value


def is_zero(c, max_bits):
    """``True`` / ``False`` / ``None`` for a constant, exactly or by a certified enclosure."""
    zero = exact_zero(c)
    if zero is not None:
        return zero
    sign, _, _ = decide_sign(c, max_prec=max_bits)
    return None if sign is None else sign == 0
