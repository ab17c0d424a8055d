"""Corollary 1's kernel condition as an expansion in the key scale ``t`` (shared, trusted).

For a kernel ``k(q, k) = exp(P) * Q`` with ``P`` and ``Q`` polynomials in the kernel variables
(``s = q.k``, ``r = |q - k|^2``, ``qq = |q|^2``, ``kk = |k|^2``), put ``q = x`` and ``k = t W y``:
``log k(x, tWy) = P(t) + log Q(t)`` with ``P`` a polynomial in ``t``.  The difference
``D(t) = log k(x, tWy1) - log k(x, tWy2)`` is ``sum_m (c_m(y1) - c_m(y2)) t^m`` plus
``log Q(x, tWy1) / Q(x, tWy2)``, which is ``O(log t)``.  So if some coefficient difference
``Delta_m`` with ``m >= 1`` is a nonzero polynomial (in the entries of ``x``, ``W``, ``y1``, ``y2``),
the highest such ``m`` dominates, ``D(t) -> +-infinity`` and the ratio tends to 0 or infinity for
every ``W`` off the zero set of ``Delta_m``: a proper algebraic set, of measure zero.  Nonzero is
shown by an exact rational point where ``Delta_m`` does not vanish.  When every ``Delta_m``
(``m >= 1``) is identically 0, the limit is decided by ``Q`` alone (finite when the degrees agree):
the expansion says nothing, and the verdict is UNKNOWN, never a guess.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from ...errors import SpecError, SymtransError
from ...expr import parse_expression

__all__ = ["split", "expansion", "leading_difference", "witness", "evaluate_at", "fixed_point", "restricted"]

_T = sympy.Symbol("t")
_VARS = ("s", "r", "qq", "kk")


def split(formula):
    """``(P, Q)`` with ``kernel = exp(P) * Q``, both polynomials in ``s, r, qq, kk``; refused otherwise."""
    try:
        e = parse_expression(formula, _VARS, functions=["exp"])
    except SymtransError as exc:
        raise SpecError(exc.message, field="kernel", expected=exc.expected) from None
    P, Q = sympy.Integer(0), sympy.Integer(1)
    for f in sympy.Mul.make_args(e):
        if isinstance(f, sympy.exp):
            P += f.args[0]
        elif isinstance(f, sympy.Pow) and isinstance(f.base, sympy.exp) and f.exp.is_Integer:
            P += f.exp * f.base.args[0]
        else:
            Q *= f
    symbols = [sympy.Symbol(v) for v in _VARS]
    for part, what in ((P, "the exponent"), (Q, "the factor outside exp")):
        if part.has(sympy.exp) or not part.is_polynomial(*symbols):
            raise SpecError(f"{what} of {formula!r} is not a polynomial in s, r, qq, kk", field="kernel",
                            expected="a kernel exp(P) * Q with P, Q polynomials (exp, RBF, polynomial kernels)")
    return sympy.expand(P), sympy.expand(Q)


def _vectors(d):
    x = sympy.Matrix(sympy.symbols(f"x1:{d + 1}"))
    y1 = sympy.Matrix(sympy.symbols(f"a1:{d + 1}"))
    y2 = sympy.Matrix(sympy.symbols(f"b1:{d + 1}"))
    W = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"w{i + 1}{j + 1}"))
    return x, y1, y2, W


def _substitute(P, x, key):
    s, r, qq, kk = (sympy.Symbol(v) for v in _VARS)
    diff = x - key
    return sympy.expand(P.xreplace({s: (x.T * key)[0], r: (diff.T * diff)[0], qq: (x.T * x)[0],
                                    kk: (key.T * key)[0]}))


def expansion(P, d):
    """``{m: Delta_m}``: the coefficient differences of ``t^m`` (``m >= 1``) between the keys ``y1`` and ``y2``."""
    x, y1, y2, W = _vectors(d)
    D = _substitute(P, x, _T * W * y1) - _substitute(P, x, _T * W * y2)
    poly = sympy.Poly(sympy.expand(D), _T)
    return {m: sympy.expand(c) for (m,), c in poly.terms() if m >= 1}


def leading_difference(P, d):
    """``(m, Delta_m)`` for the highest ``m >= 1`` with ``Delta_m`` not identically 0, or ``(None, 0)``."""
    terms = {m: c for m, c in expansion(P, d).items() if c != 0}
    if not terms:
        return None, sympy.Integer(0)
    m = max(terms)
    return m, terms[m]


def evaluate_at(expr, point):
    return expr.xreplace({sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in point.items()})


def witness(delta, d, fixed=None):
    """A small rational point (``x, W, y1, y2``; ``fixed`` values kept) where ``delta`` is nonzero, or None."""
    names = sorted((str(s) for s in delta.free_symbols), key=str)
    fixed = dict(fixed or {})
    free = [n for n in names if n not in fixed]
    for values in itertools.islice(itertools.product((1, 2, -1, 3), repeat=len(free)), 20000):
        point = {**fixed, **{n: Fraction(v) for n, v in zip(free, values)}}
        if evaluate_at(delta, point) != 0:
            return point
    return None


def fixed_point(data):
    """The claim's fixed keys as symbol values (``x1.., a1.. (y1), b1.. (y2)``), or ``{}``."""
    out = {}
    for name, prefix in (("x", "x"), ("y1", "a"), ("y2", "b")):
        for i, v in enumerate(getattr(data, name) or ()):
            out[f"{prefix}{i + 1}"] = v
    return out


def restricted(delta, point):
    """``delta`` with the fixed keys substituted (a polynomial in the entries of ``W``)."""
    return sympy.expand(evaluate_at(delta, point)) if point else delta
