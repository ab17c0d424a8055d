"""Exact logarithms of rationals, so that ``exp(log r) = r`` holds exactly in the exact backends.

Constructions set attention scores to ``log r`` so that softmax weights come out rational
(Jiang & Li's representation uses ``rho = log 2`` on the diagonal: the weights are exactly
``2/(tau+1)`` and ``1/(tau+1)``).  A :class:`LogLinear` is a real number

    ``a + c_1 log p_1 + ... + c_k log p_k``   (``a``, ``c_i`` rational, ``p_i`` distinct primes),

closed under ``+``, ``-`` and multiplication by rationals.  ``exp`` of one is rational exactly
when ``a = 0`` and every ``c_i`` is an integer (then it is ``prod p_i^c_i``); otherwise it is
irrational and the backend refuses.  Equality is exact: such a number is 0 only when ``a``
and every ``c_i`` are 0 (if ``sum c_i log p_i = -a`` then ``prod p_i^c_i = e^-a``: the left side
is algebraic, so ``a = 0`` by Lindemann's theorem, and then unique factorisation gives
``c_i = 0``).  The sign of a nonzero one is decided by Arb enclosures at doubling precision,
which terminates because the number is not 0.

Values with no logarithm collapse to python-flint ``fmpq``, so rational arithmetic is
unchanged.

>>> two = log_of(2)
>>> (two + two - log_of(4)), exp_exact(two - log_of(3))
(0, 2/3)
>>> two > flint.fmpq(69, 100), two < flint.fmpq(7, 10)
(True, True)
>>> two * two
Traceback (most recent call last):
...
symtrans.errors.BackendError: the product log(2) * log(2) is not a rational combination of logarithms (expected a rational factor)
"""

from __future__ import annotations

from fractions import Fraction

from ._lazy import sympy

from ._flint import flint
from .errors import BackendError, SymtransError

__all__ = ["LogLinear", "log_of", "exp_exact", "from_sympy", "is_log_linear"]

#: Largest rational whose logarithm is taken (bits of numerator and denominator, for factoring).
_MAX_BITS = 128


def _fmpq(q):
    if isinstance(q, flint.fmpq):
        return q
    if isinstance(q, int):
        return flint.fmpq(q)
    q = Fraction(q)
    return flint.fmpq(q.numerator, q.denominator)


def _make(a, logs):
    logs = tuple((p, c) for p, c in sorted(logs.items()) if c != 0)
    if not logs:
        return a
    return LogLinear(a, logs)


class LogLinear:
    """``a + sum c_p log p`` (see the module docstring); build with :func:`log_of`."""

    __slots__ = ("a", "logs")

    def __init__(self, a, logs):
        self.a = _fmpq(a)
        self.logs = tuple(logs)

    # -- arithmetic --------------------------------------------------------------------------------
    @staticmethod
    def _parts(x):
        if isinstance(x, LogLinear):
            return x.a, dict(x.logs)
        if isinstance(x, (flint.fmpq, flint.fmpz, int, Fraction)):
            return _fmpq(x), {}
        return None

    def _combine(self, other, sign):
        o = self._parts(other)
        if o is None:
            return NotImplemented
        logs = dict(self.logs)
        for p, c in o[1].items():
            logs[p] = logs.get(p, 0) + sign * c
        return _make(self.a + sign * o[0], logs)

    def __add__(self, other):
        return self._combine(other, 1)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, -1)

    def __rsub__(self, other):
        return (-self)._combine(other, 1)

    def __neg__(self):
        return LogLinear(-self.a, tuple((p, -c) for p, c in self.logs))

    def __mul__(self, other):
        if isinstance(other, LogLinear):
            raise BackendError(f"the product {self} * {other} is not a rational combination of logarithms",
                               expected="a rational factor")
        o = self._parts(other)
        if o is None:
            return NotImplemented
        q = o[0]
        return _make(self.a * q, {p: c * q for p, c in self.logs})

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._parts(other)
        if o is None or isinstance(other, LogLinear):
            raise BackendError(f"the quotient {self} / {other} is not a rational combination of logarithms",
                               expected="a nonzero rational divisor")
        if o[0] == 0:
            raise BackendError("division by zero", expected="a nonzero divisor")
        return self * (1 / o[0])

    def __rtruediv__(self, other):
        raise BackendError(f"the quotient {other} / {self} is not a rational combination of logarithms",
                           expected="a logarithm only in a numerator")

    # -- comparisons (exact: 0 only when every part is 0) -----------------------------------------
    def sign(self) -> int:
        prec = 64
        while True:
            with flint.ctx.workprec(prec):
                ball = self.arb()
            if ball > 0:
                return 1
            if ball < 0:
                return -1
            prec *= 2  # a nonzero number: some precision separates it from 0

    def _cmp(self, other):
        d = self - other
        if d is NotImplemented:
            return None
        return d.sign() if isinstance(d, LogLinear) else (0 if d == 0 else (1 if d > 0 else -1))

    def __eq__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s == 0

    def __ne__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s != 0

    def __lt__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s < 0

    def __le__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s <= 0

    def __gt__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s > 0

    def __ge__(self, other):
        s = self._cmp(other)
        return NotImplemented if s is None else s >= 0

    def __hash__(self):
        return hash((self.a, self.logs))

    def __repr__(self):
        terms = [] if self.a == 0 else [str(self.a)]
        for p, c in self.logs:
            terms.append(f"log({p})" if c == 1 else f"-log({p})" if c == -1 else f"{c}*log({p})")
        return " + ".join(terms).replace("+ -", "- ")

    __str__ = __repr__

    def to_sympy(self):
        return sympy.Rational(int(self.a.p), int(self.a.q)) + sum(
            (sympy.Rational(int(c.p), int(c.q)) * sympy.log(p) for p, c in self.logs), sympy.Integer(0))

    def arb(self):
        """An Arb ball of the value at the current working precision."""
        ball = flint.arb(self.a)
        for p, c in self.logs:
            ball += flint.arb(c) * flint.arb(p).log()
        return ball


def log_of(r):
    """``log r`` for a rational ``r > 0``, exactly (``0`` for ``r = 1``)."""
    q = Fraction(r) if not isinstance(r, flint.fmpq) else Fraction(int(r.p), int(r.q))
    if q <= 0:
        raise SymtransError(f"log of {q}", expected="a positive rational")
    if max(q.numerator.bit_length(), q.denominator.bit_length()) > _MAX_BITS:
        raise SymtransError(f"log of a rational of more than {_MAX_BITS} bits", expected="a smaller rational")
    logs = {}
    for n, s in ((q.numerator, 1), (q.denominator, -1)):
        for p, e in sympy.factorint(n).items():
            logs[p] = logs.get(p, 0) + s * e
    return _make(flint.fmpq(0), {p: flint.fmpq(c) for p, c in logs.items()})


def exp_exact(x):
    """``exp(x)`` when it is rational (``x = sum c_p log p`` with integer ``c_p``, or ``x = 0``), else ``None``."""
    if isinstance(x, LogLinear):
        if x.a != 0 or any(c.q != 1 for _, c in x.logs):
            return None
        out = flint.fmpq(1)
        for p, c in x.logs:
            out *= flint.fmpq(p) ** int(c.p)
        return out
    return flint.fmpq(1) if x == 0 else None


def is_log_linear(expr) -> bool:
    """Whether a SymPy constant is a rational combination of logs of positive rationals.

    >>> is_log_linear(sympy.log(2) / 3 - 1), is_log_linear(sympy.log(2) ** 2), is_log_linear(sympy.pi)
    (True, False, False)
    """
    try:
        from_sympy(expr)
    except SymtransError:
        return False
    return True


def from_sympy(expr):
    """A SymPy constant ``a + sum c_i log(r_i)`` as an ``fmpq`` or :class:`LogLinear`."""
    e = sympy.expand(sympy.sympify(expr))
    total = flint.fmpq(0)
    for term in sympy.Add.make_args(e):
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_Rational:
            raise SymtransError(f"{expr} is not a rational combination of logarithms")
        c = flint.fmpq(int(coeff.p), int(coeff.q))
        if rest == 1:
            total = total + c
        elif isinstance(rest, sympy.log) and rest.args[0].is_Rational and rest.args[0] > 0:
            r = rest.args[0]
            total = total + c * log_of(Fraction(int(r.p), int(r.q)))
        else:
            raise SymtransError(f"{expr} is not a rational combination of logarithms of positive rationals",
                                expected="such as log(2) or 1/2 - log(3)/4")
    return total
