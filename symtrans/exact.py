"""Exact scalar values: rationals, and polynomials in parameter symbols.

Every weight in a symtrans graph is either a :class:`fractions.Fraction` or a
SymPy expression that is a polynomial with rational coefficients in named
parameter symbols (for parametric proofs).  Floats are refused, even when
they happen to be close to a simple rational: ``0.1`` as a Python float is
``3602879701896397/36028797018963968``, and a proof about that number is not a
proof about ``1/10``.

>>> from symtrans.exact import exact, format_exact
>>> exact("3/4"), exact(-2), exact(" 6 / 8 ")
(Fraction(3, 4), Fraction(-2, 1), Fraction(3, 4))
>>> exact("0.125")
Traceback (most recent call last):
...
symtrans.errors.ExactnessError: value '0.125' is a decimal literal (expected an exact rational: write "1/8")
>>> format_exact(exact("6/8"))
'3/4'
>>> exact(0.5)
Traceback (most recent call last):
...
symtrans.errors.ExactnessError: 0.5 is a float (expected an exact rational: write "1/2")
"""

from __future__ import annotations

import numbers
import re
import sys
import types
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ._lazy import sympy

from .errors import ExactnessError

__all__ = ["exact", "exact_rational", "format_exact", "bit_size", "is_symbolic",
           "free_parameters", "suggest_rational", "RATIONAL_RE"]

#: The only spelling of an exact rational accepted in files: an optional
#: sign, digits, and an optional ``/digits``.
RATIONAL_RE = re.compile(r"^\s*[+-]?\d+(\s*/\s*\d+)?\s*$")
_DECIMAL_RE = re.compile(r"^\s*[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\s*$")

_EXPECTED = 'an exact rational such as "3/4" or an integer'


#: Longest numerator or denominator read from a string (Python refuses to convert more than 4,300 digits).
_MAX_STRING_DIGITS = 4000


def exact_rational(value, what: str = "value") -> Fraction:
    """Coerce ``value`` to a :class:`~fractions.Fraction`, refusing anything inexact.

    Accepted: ``int``, ``Fraction``, SymPy ``Rational``, python-flint ``fmpq``
    and ``fmpz``, and strings such as ``"3/4"`` and ``"-2"``.  Refused with
    :class:`~symtrans.errors.ExactnessError`: floats of any kind, decimal
    literals such as ``"0.1"`` (the message suggests ``"1/10"``), ``bool``,
    NaN, infinities, and anything else.

    >>> exact_rational("-7/21")
    Fraction(-1, 3)
    >>> exact_rational("1/0")
    Traceback (most recent call last):
    ...
    symtrans.errors.ExactnessError: value '1/0' has a zero denominator (expected a nonzero denominator)
    >>> exact_rational("9" * 5000)
    Traceback (most recent call last):
    ...
    symtrans.errors.ExactnessError: value '99999999999999999999'... has more than 4000 digits (expected a rational of at most 4,000 digits)
    """
    if isinstance(value, bool):
        raise ExactnessError(f"{what} {value!r} is a bool", expected=_EXPECTED)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        if _DECIMAL_RE.match(value) and not RATIONAL_RE.match(value):
            raise ExactnessError(f"{what} {value!r} is a decimal literal",
                                 expected=f'an exact rational: write "{suggest_rational(value)}"')
        if not RATIONAL_RE.match(value):
            raise ExactnessError(f"{what} {value[:40]!r} is not a rational number", expected=_EXPECTED)
        text = value.replace(" ", "")
        if any(len(part.lstrip("+-")) > _MAX_STRING_DIGITS for part in text.split("/")):
            raise ExactnessError(f"{what} {value[:20]!r}... has more than {_MAX_STRING_DIGITS} digits",
                                 expected="a rational of at most 4,000 digits")
        if "/" in text and int(text.split("/")[1]) == 0:
            raise ExactnessError(f"{what} {value!r} has a zero denominator",
                                 expected="a nonzero denominator")
        return Fraction(text)
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    if type(value).__name__ in ("fmpq", "fmpz"):
        num = int(value.p) if hasattr(value, "p") else int(value)
        den = int(value.q) if hasattr(value, "q") else 1
        return Fraction(num, den)
    if isinstance(value, numbers.Integral):  # numpy integers and friends
        return Fraction(int(value))
    if isinstance(value, (float, numbers.Real, sympy.Float)):
        hint = _EXPECTED
        if isinstance(value, float) and value == value and abs(value) != float("inf"):
            hint = f'an exact rational: write "{suggest_rational(repr(value))}"'
        raise ExactnessError(f"{value!r} is a float", expected=hint)
    raise ExactnessError(f"{what} {value!r} of type {type(value).__name__} is not a rational number",
                         expected=_EXPECTED)


def suggest_rational(text: str) -> str:
    """The exact rational a decimal literal spells, for error messages.

    >>> suggest_rational("0.1"), suggest_rational("-2.50"), suggest_rational("1e-3")
    ('1/10', '-5/2', '1/1000')
    >>> suggest_rational("inf"), suggest_rational("1e400000")
    ('a finite rational', 'a rational of at most 4,000 digits')
    """
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return "a rational"
    if not d.is_finite():
        return "a finite rational"
    if abs(d.adjusted()) > 4000:
        return "a rational of at most 4,000 digits"
    return format_exact(Fraction(d))


def exact(value, what: str = "value"):
    """Coerce a weight: a rational, or a polynomial in parameter symbols.

    SymPy expressions are accepted when they are polynomials with rational
    coefficients in their free symbols (``2*c0 - 1/3``); they are returned
    as SymPy expressions.  Everything numeric goes through
    :func:`exact_rational`.

    >>> import sympy
    >>> c = sympy.Symbol("c")
    >>> exact(2*c - sympy.Rational(1, 3))
    2*c - 1/3
    >>> exact(sympy.sqrt(2))
    Traceback (most recent call last):
    ...
    symtrans.errors.ExactnessError: value sqrt(2) is not a rational number or a polynomial in parameters (expected an exact rational such as "3/4" or an integer)
    """
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Rational):
        if isinstance(value, sympy.Float) or value.atoms(sympy.Float):
            raise ExactnessError(f"{what} {value} contains a float", expected=_EXPECTED)
        symbols = value.free_symbols
        if symbols:
            expr = sympy.expand(value)
            if _rational_polynomial(expr):
                return exact_rational(expr, what) if expr.is_Rational else expr
        if not symbols and value.is_Rational:
            return exact_rational(value, what)
        if not symbols and _log_linear(value):
            return sympy.expand(value)
        raise ExactnessError(f"{what} {value} is not a rational number or a polynomial in parameters",
                             expected=_EXPECTED)
    return exact_rational(value, what)


def _rational_polynomial(expr) -> bool:
    """An expanded expression is a sum of rational multiples of products of symbols to positive integer powers.

    Term by term, linear in the number of terms (a SymPy ``Poly`` over every symbol is dense
    and recursive in the number of generators, which fails beyond about a thousand).

    >>> import sympy
    >>> a, b = sympy.symbols("a b")
    >>> _rational_polynomial(3*a**2*b - sympy.Rational(1, 2)), _rational_polynomial(a/b), _rational_polynomial(sympy.sqrt(2)*a)
    (True, False, False)
    """
    for term in sympy.Add.make_args(expr):
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_Rational:
            return False
        for factor in sympy.Mul.make_args(rest):
            if factor == 1 or factor.is_Symbol:
                continue
            base, e = factor.as_base_exp()
            if not (base.is_Symbol and e.is_Integer and e > 0):
                return False
    return True


def _log_linear(value) -> bool:
    """A constant ``a + sum c_i log(r_i)`` (rational ``a``, ``c_i``; rationals ``r_i > 0``): an exact weight.

    Such a weight is exact: the exact backends keep logarithms symbolic and make
    ``exp(log r) = r`` (:mod:`symtrans.loglinear`).

    >>> import sympy
    >>> _log_linear(sympy.log(2) - sympy.Rational(1, 2)), _log_linear(sympy.log(-2)), _log_linear(sympy.sqrt(2))
    (True, False, False)
    """
    for term in sympy.Add.make_args(sympy.expand(value)):
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_Rational:
            return False
        if rest != 1 and not (isinstance(rest, sympy.log) and rest.args[0].is_Rational and rest.args[0] > 0):
            return False
    return True


def is_symbolic(value) -> bool:
    """True when ``value`` is a SymPy expression with free parameter symbols.

    >>> import sympy
    >>> is_symbolic(sympy.Symbol("t")), is_symbolic(exact(3))
    (True, False)
    """
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def free_parameters(value) -> set[str]:
    """Names of the parameter symbols in an exact value (empty for rationals).

    >>> import sympy
    >>> sorted(free_parameters(sympy.Symbol("a") * sympy.Symbol("b") + 1))
    ['a', 'b']
    """
    if isinstance(value, sympy.Basic):
        return {str(s) for s in value.free_symbols}
    return set()


def format_exact(value) -> str:
    """Canonical string of an exact value: ``"3/4"``, ``"-2"``, or a SymPy polynomial.

    >>> import sympy
    >>> format_exact(exact("4/2")), format_exact(sympy.Symbol("c") / 2)
    ('2', 'c/2')
    """
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, sympy.Basic):
        return sympy.sstr(value, order="lex")
    return format_exact(exact(value))


def bit_size(value) -> int:
    """Bits of the larger of numerator and denominator (0 for zero).

    For a parametric weight, the largest over its rational coefficients.

    >>> bit_size(exact("255/2")), bit_size(exact(0)), bit_size(exact(-1))
    (8, 0, 1)
    """
    if isinstance(value, Fraction):
        return max(abs(value.numerator).bit_length(),
                   value.denominator.bit_length() if value.numerator else 0)
    if isinstance(value, sympy.Basic):
        symbols = sorted(value.free_symbols, key=str)
        if not symbols:  # a constant such as 1/2 + 3*log(5): its rational coefficients and arguments
            parts = [a for t in sympy.Add.make_args(value) for a in (t.as_coeff_Mul()[0], *(
                f.args[0] for f in t.atoms(sympy.log)))]
            return max((bit_size(exact_rational(c)) for c in parts if c.is_Rational), default=0)
        coeffs = sympy.Poly(value, *symbols).coeffs()
        return max((bit_size(exact_rational(c)) for c in coeffs), default=0)
    return bit_size(exact(value))


class _CallableModule(types.ModuleType):
    """``symtrans.exact`` names both this module and its function :func:`exact`: once the module is
    imported, the package's attribute is the module, so the module is callable as the function and
    ``symtrans.exact("3/4")`` works whichever was loaded first (the package loads nothing eagerly)."""

    def __call__(self, value, what: str = "value"):
        return exact(value, what)


sys.modules[__name__].__class__ = _CallableModule
