"""Formal evaluation: rational functions of the inputs with ``exp``, ReLU and max left uninterpreted.

Symmetry claims (equivariance under permuting tokens) hold for reasons of *structure*, not of
arithmetic: the softmax of permuted scores is the permuted softmax whatever ``exp`` is.  This
backend computes exactly that.  Values are SymPy rational functions of the input symbols and
of *uninterpreted* symbols: ``exp(a)``, ``max(a, b)`` (and so ``relu(a) = max(a, 0)``) and
``sqrt(a)`` of a non-constant argument become one symbol per argument: two applications to
arguments that are equal as rational functions give the same symbol (found by structure, then by
the arguments' values at one random rational point, then confirmed exactly by :func:`same`).

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

import random
from fractions import Fraction

from .._lazy import sympy

from ..errors import BackendError
from ..exact import exact_rational
from .base import ScalarBackend, refuse

__all__ = ["FormalBackend", "same"]


def same(a, b) -> bool:
    """``a == b`` as rational functions of all their symbols (exact).

    Structurally equal expressions are equal; otherwise the difference is put over one denominator
    and its numerator expanded: it is 0 exactly when the difference is.  No polynomial gcd is taken
    (SymPy's heuristic gcd crashed the process with a native floating point exception on a tampered
    certificate).
    """
    if a == b:
        return True
    numerator, _ = sympy.fraction(sympy.together(a - b))
    return sympy.expand(numerator) == 0


class FormalBackend(ScalarBackend):
    """Rational functions with uninterpreted ``exp``, ``max`` and ``sqrt`` (``is_exact``).

    Inputs are lifted as symbols of their variable names (or the SymPy values given).
    """

    name = "formal"
    is_exact = True
    is_rigorous = True

    def __init__(self):
        self.functions = {}  # (name, argument fingerprints) -> [(arguments, symbol)]
        self._structural = {}  # (name, arguments) -> symbol, for arguments seen before as they are
        self._point = {}  # symbol -> the random rational it takes in fingerprints
        self._rng = random.Random(20241202)

    def __repr__(self):
        return "FormalBackend()"

    def fingerprint(self, expr):
        """``expr`` at a random rational point of all its symbols (``None`` where undefined).

        Equal rational functions have equal fingerprints, so only arguments with equal
        fingerprints are compared exactly; the point never decides anything by itself.
        """
        subs = {}
        for x in sorted(expr.free_symbols, key=str):  # a set's order changes with the hash seed: draw in name order
            if x not in self._point:
                self._point[x] = sympy.Rational(self._rng.randint(1, 10 ** 9), self._rng.randint(1, 10 ** 9))
            subs[x] = self._point[x]
        value = expr.xreplace(subs)
        return None if value.has(sympy.zoo, sympy.nan) or not value.is_Rational else value

    def _uninterpreted(self, name, *args):
        symbol = self._structural.get((name, args))
        if symbol is not None:
            return symbol
        prints = tuple(self.fingerprint(a) for a in args)
        bucket = self.functions.setdefault((name, prints), [])
        for seen, symbol in bucket:  # the same function of equal arguments is the same symbol
            if all(same(a, b) for a, b in zip(args, seen)):
                break
        else:
            symbol = sympy.Symbol(f"{name}[{', '.join(str(a) for a in args)}]"
                                  if sum(len(str(a)) for a in args) < 200 else f"{name}#{len(self._structural)}")
            bucket.append((args, symbol))
        self._structural[(name, args)] = symbol
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
        pa, pb = self.fingerprint(a), self.fingerprint(b)
        if pa is not None and pb is not None and pa != pb:  # max is symmetric: a fixed order of the arguments
            first, second = (a, b) if pa < pb else (b, a)
        else:
            first, second = sorted((a, b), key=sympy.srepr)
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
