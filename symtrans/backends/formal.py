"""Formal evaluation: rational functions of the inputs with ``exp``, ReLU and max left uninterpreted.

Symmetry claims (equivariance under permuting tokens) hold for reasons of *structure*, not of
arithmetic: the softmax of permuted scores is the permuted softmax whatever ``exp`` is.  This
backend computes exactly that.  Values are SymPy rational functions of the input symbols and
of *uninterpreted* symbols: ``exp(a)``, ``max(a, b)`` (and so ``relu(a) = max(a, 0)``) and
``sqrt(a)`` of a non-constant argument become one symbol per argument, keyed by the argument's
canonical form (``cancel``, expanded).  Two applications to equal arguments give the same symbol.

Soundness: an identity between such expressions that holds with the uninterpreted symbols as
independent indeterminates holds for every interpretation of them, in particular the real
``exp`` and ``max``; so an identity proved here is true of the network wherever it is defined
(softmax denominators are sums of exponentials, never 0).  The converse fails (``exp(a) exp(b)
= exp(a + b)`` is not used), so a *failed* identity proves nothing: a refutation needs a point
(evaluated with Arb).  Constant arguments are evaluated exactly (``exp(log 2) = 2``, ``max(1/2,
0)``); comparisons of non-constant values (hardmax) are refused.

>>> from symtrans.weights import Weights
>>> import sympy
>>> bk = FormalBackend()
>>> x, y = sympy.symbols("x y")
>>> S = bk.lift_input([[x, y]], (1, 2), ["x", "y"])
>>> w = bk.to_list(bk.softmax(S, 1))[0]
>>> w[0]
1/(exp[-x + y] + 1)
>>> bk.to_list(bk.relu(S))[0][0] == bk.to_list(bk.relu(bk.lift_input([[x]], (1, 1), ["x"])))[0][0]
True
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..errors import BackendError
from ..exact import exact_rational
from .base import ScalarBackend, refuse

__all__ = ["FormalBackend", "canonical", "same"]


def canonical(expr):
    """The canonical form of a rational function (numerator and denominator expanded, no common factor)."""
    return sympy.cancel(sympy.together(expr))


def same(a, b) -> bool:
    """``a == b`` as rational functions of all their symbols (exact)."""
    return canonical(a - b) == 0


class FormalBackend(ScalarBackend):
    """Rational functions with uninterpreted ``exp``, ``max`` and ``sqrt`` (``is_exact``).

    Inputs are lifted as symbols of their variable names (or the SymPy values given).
    """

    name = "formal"
    is_exact = True
    is_rigorous = True

    def __init__(self):
        self.functions = {}  # (name, canonical argument key) -> symbol

    def __repr__(self):
        return "FormalBackend()"

    def _uninterpreted(self, name, *args):
        forms = [canonical(a) for a in args]
        key = (name, tuple(sympy.srepr(f) for f in forms))
        symbol = self.functions.get(key)
        if symbol is None:
            symbol = self.functions[key] = sympy.Symbol(f"{name}[{', '.join(str(f) for f in forms)}]")
        return symbol

    def _s_from_fraction(self, f: Fraction):
        return sympy.Rational(f.numerator, f.denominator)

    def _s_from_symbolic(self, value):
        return value

    def _s_from_constant(self, value):
        return value  # log(2) and the like: exact SymPy constants

    def _s_lift(self, value, variable):
        if value is None:
            return sympy.Symbol(variable)
        if isinstance(value, sympy.Basic):
            return value
        return self._s_from_fraction(exact_rational(value, f"input {variable}"))

    def _s_is_zero(self, s):
        return s == 0

    def _s_div(self, a, b):
        if b == 0:
            raise BackendError("division by zero", expected="a nonzero divisor")
        return a / b

    @staticmethod
    def _constant(s):
        return not s.free_symbols

    def _s_exp(self, s):
        if self._constant(s):
            return sympy.exp(s)  # exact: exp(log 2) = 2, exp(0) = 1
        return self._uninterpreted("exp", s)

    def _s_sqrt(self, s):
        if self._constant(s):
            return sympy.sqrt(s)
        return self._uninterpreted("sqrt", s)

    def _s_max(self, a, b):
        if self._constant(a) and self._constant(b):
            d = a - b
            if d.is_Rational:
                return a if d >= 0 else b
        if same(a, b):
            return a
        first, second = sorted((canonical(a), canonical(b)), key=sympy.srepr)  # max is symmetric
        return self._uninterpreted("max", first, second)

    def _compare(self, a, b):
        d = a - b
        if self._constant(d) and d.is_Rational:
            return d
        raise refuse(self, "a comparison", f"{a} vs {b} depends on the input (a hardmax or a masked max)")

    def _s_lt(self, a, b):
        return self._compare(a, b) < 0

    def _s_le(self, a, b):
        return self._compare(a, b) <= 0

    def _s_eq(self, a, b):
        return self._compare(a, b) == 0
