"""Conversions between SymPy polynomials, python-flint ``fmpq_mpoly`` and exact JSON terms.

Shared by the verifiers and the independent certificate checker (which must
not import the verifiers), so both read and write polynomials the same way.

>>> import flint, sympy
>>> R = flint.fmpq_mpoly_ctx.get(("x", "c"), "degrevlex")
>>> p = to_flint(sympy.Symbol("c") * sympy.Symbol("x") ** 2 - sympy.Rational(1, 3), R)
>>> poly_terms(p)
[[[0, 0], '-1/3'], [[2, 1], '1']]
>>> from_terms(poly_terms(p), R) == p
True
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .backends._flint import flint
from .errors import SpecError
from .exact import exact_rational, format_exact

__all__ = ["to_flint", "poly_terms", "from_terms", "ring"]


def ring(names):
    """The ``fmpq_mpoly`` ring over ``names`` (degrevlex), as the poly backend builds it."""
    return flint.fmpq_mpoly_ctx.get(tuple(names), "degrevlex")


def to_flint(expr, R):
    """A SymPy polynomial with rational coefficients as an element of ring ``R``."""
    gens = [sympy.Symbol(n) for n in R.names()]
    missing = {str(s) for s in expr.free_symbols} - set(R.names())
    if missing:
        raise SpecError(f"name {sorted(missing)[0]!r} is not a variable or parameter of the graph")
    data = {}
    for monom, coeff in sympy.Poly(expr, *gens).terms():
        c = exact_rational(coeff)
        data[tuple(int(e) for e in monom)] = flint.fmpq(c.numerator, c.denominator)
    return R.from_dict(data)


def poly_terms(p) -> list:
    """Terms of an ``fmpq_mpoly`` as ``[[exponents], "coefficient"]``, sorted."""
    return sorted([[list(map(int, m)), format_exact(Fraction(int(c.p), int(c.q)))] for m, c in p.terms()])


def from_terms(terms, R):
    """Inverse of :func:`poly_terms` (coefficients parsed exactly)."""
    data = {}
    for item in terms:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)):
            raise SpecError(f"polynomial term {item!r} is not [exponents, coefficient]", field="terms")
        monom, coeff = item
        if len(monom) != len(R.names()) or not all(isinstance(e, int) and e >= 0 for e in monom):
            raise SpecError(f"exponents {monom!r} do not fit {len(R.names())} generators", field="terms")
        c = exact_rational(coeff, "coefficient")
        data[tuple(monom)] = flint.fmpq(c.numerator, c.denominator)
    return R.from_dict(data)
