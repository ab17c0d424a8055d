"""Exact evaluation at rational points (python-flint ``fmpq``).

Everything a rational point admits is computed exactly: ``+ - * /``, max,
ReLU, hardmax (exact comparisons, ties averaged), ``exp(0) = 1``, square
roots of rational squares, and weights ``log r`` (:mod:`symtrans.loglinear`:
``exp(log r) = r`` exactly, so a softmax over such scores is rational).  Anything irrational (``exp(1/2)``, ``sqrt(2)``)
is refused with :class:`~symtrans.errors.BackendError`.

>>> from symtrans.backends.rational import RationalBackend
>>> from symtrans.weights import Weights
>>> bk = RationalBackend()
>>> A = bk.const(Weights.from_rows([["1/2", -1]]))
>>> bk.to_list(bk.relu(A))
[[1/2, 0]]
>>> bk.exp(A)
Traceback (most recent call last):
...
symtrans.errors.BackendError: the rational backend cannot compute exp exactly: exp(1/2) is irrational (expected a backend that can: interval (rigorous) or mp / floats (approximate))
"""

from __future__ import annotations

import math
from fractions import Fraction

from .._flint import flint
from ..errors import EvaluationError
from ..loglinear import LogLinear, exp_exact, from_sympy
from .base import ScalarBackend, refuse

__all__ = ["RationalBackend", "exact_exp", "exact_sqrt"]


def exact_exp(backend, q):
    """``exp(q)`` when it is rational (``q = 0``, or ``q`` a sum of integer multiples of logs), else refuse.

    >>> from symtrans.loglinear import log_of
    >>> exact_exp(RationalBackend(), flint.fmpq(0)), exact_exp(RationalBackend(), log_of(2) - log_of(3))
    (1, 2/3)
    """
    value = exp_exact(q)
    if value is not None:
        return value
    raise refuse(backend, "exp", f"exp({q}) is irrational")


def exact_sqrt(backend, q):
    """``sqrt(q)`` for a rational square ``q``, else refuse (or fail for ``q < 0``).

    >>> exact_sqrt(RationalBackend(), flint.fmpq(4, 9))
    2/3
    >>> exact_sqrt(RationalBackend(), flint.fmpq(-1))
    Traceback (most recent call last):
    ...
    symtrans.errors.EvaluationError: square root of the negative number -1 (expected a non-negative argument)
    """
    if isinstance(q, LogLinear):
        raise refuse(backend, "sqrt", f"sqrt({q}) is not a rational combination of logarithms")
    if q < 0:
        raise EvaluationError(f"square root of the negative number {q}", expected="a non-negative argument")
    p, d = int(q.p), int(q.q)
    rp, rd = math.isqrt(p), math.isqrt(d)
    if rp * rp == p and rd * rd == d:
        return flint.fmpq(rp, rd)
    raise refuse(backend, "sqrt", f"sqrt({q}) is irrational")


def exact_div(a, b):
    """``a / b`` for rationals, failing clearly on a zero divisor."""
    if b == 0:
        raise EvaluationError("division by zero", expected="a nonzero divisor")
    return a / b


class RationalBackend(ScalarBackend):
    """Exact rational points (``is_exact``, ``is_rigorous``).

    Examples
    --------
    >>> bk = RationalBackend()
    >>> bk.lt(bk.scalar("1/3"), bk.scalar("1/2"))
    True
    """

    name = "rational"
    is_exact = True
    is_rigorous = True

    def _s_from_fraction(self, f: Fraction):
        return flint.fmpq(f.numerator, f.denominator)

    def _s_from_constant(self, value):
        return from_sympy(value)  # log(r) kept exact: exp(log r) = r

    def _s_is_zero(self, s):
        return s == 0

    def _s_div(self, a, b):
        return exact_div(a, b)

    def _s_exp(self, s):
        return exact_exp(self, s)

    def _s_sqrt(self, s):
        return exact_sqrt(self, s)

    def _s_max(self, a, b):
        return a if a >= b else b

    def _s_lt(self, a, b):
        return a < b

    def _s_le(self, a, b):
        return a <= b

    def _s_eq(self, a, b):
        return a == b
