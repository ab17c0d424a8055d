"""Rigorous enclosures at a caller-chosen precision.

The trusted engine is Arb (python-flint ``arb`` balls): every operation,
``exp`` and ``sqrt`` included, returns a ball guaranteed to contain the exact
result for every point of its arguments' balls.  The working precision is set
only inside :meth:`IntervalBackend.session` and restored afterwards.

The fallback engine is mpmath's interval arithmetic (``engine="mpmath"``), on
a private context (never the global ``mpmath.iv``).  mpmath's ``iv.exp`` can
miss the true value by an ulp (mpmath issue 1181), so every transcendental
result of this engine is widened outward by 2**-(prec-3) relative (eight
units in the last place).

Inputs may be exact rationals (points) or pairs ``(lo, hi)`` of rationals
(boxes).  Comparisons are three-valued: ``True``, ``False`` or
:data:`~symtrans.backends.base.UNDECIDED` when the enclosures overlap.

>>> from symtrans.backends.interval import IntervalBackend
>>> from symtrans.weights import Weights
>>> bk = IntervalBackend(prec=200)
>>> with bk.session():
...     e = bk.exp(bk.const(Weights.from_rows([[1]])))
>>> enclosure = bk.to_list(e)[0][0]
>>> bk.contains(enclosure, "2718281828/1000000000"), bk.contains(enclosure, "2718281829/1000000000")
(False, False)
>>> lo, hi = bk.bounds(enclosure)
>>> float(hi - lo) < 2.0 ** -190
True
>>> bk.lt(bk.scalar_at(200, (0, 1)), bk.scalar_at(200, "1/2"))
UNDECIDED
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

from .._flint import flint
from ..errors import EvaluationError, SymtransError
from ..exact import exact_rational
from ..scalars import enclose
from .base import UNDECIDED, ScalarBackend

__all__ = ["IntervalBackend", "MIN_PREC", "MAX_PREC"]

#: Smallest and largest working precision accepted, in bits.
MIN_PREC = 10
MAX_PREC = 1 << 20


def _check_prec(prec):
    if isinstance(prec, bool) or not isinstance(prec, int) or not MIN_PREC <= prec <= MAX_PREC:
        raise SymtransError(f"precision {prec!r} bits is out of range",
                            field="prec", expected=f"an integer from {MIN_PREC} to {MAX_PREC}")
    return prec


class IntervalBackend(ScalarBackend):
    """Rigorous enclosures (``is_rigorous``; not ``is_exact``).

    Parameters
    ----------
    prec : int
        Working precision in bits (53 is double precision).
    engine : {"arb", "mpmath"}
        ``"arb"`` (python-flint, trusted) or ``"mpmath"`` (fallback, with
        outward widening of transcendental results).

    Examples
    --------
    >>> bk = IntervalBackend(prec=64, engine="mpmath")
    >>> with bk.session():
    ...     x = bk.scalar("1/3")
    >>> bk.lt(x, bk.scalar_at(64, "1/2"))
    True
    """

    name = "interval"
    is_exact = False
    is_rigorous = True

    def __init__(self, prec: int = 53, engine: str = "arb"):
        self.prec = _check_prec(prec)
        if engine not in ("arb", "mpmath"):
            raise SymtransError(f"unknown interval engine {engine!r}", field="engine",
                                expected="'arb' or 'mpmath'")
        self.engine = engine
        self._impl = _ArbEngine() if engine == "arb" else _MpmathEngine()

    def __repr__(self):
        return f"IntervalBackend(prec={self.prec}, engine={self.engine!r})"

    def session(self, symbols=()):
        """Set the working precision for the duration of the block."""
        return self._impl.workprec(self.prec)

    def scalar_at(self, prec, value):
        """A scalar (point or ``(lo, hi)`` box) made at ``prec`` bits, outside any session."""
        with self._impl.workprec(prec):
            return self._s_lift(value, "value")

    # -- scalar hooks ------------------------------------------------------------------------------
    def _s_from_fraction(self, f: Fraction):
        return self._impl.from_fraction(f)

    def _s_from_constant(self, value):
        # an enclosure of log(2) and the like, rounded outward to rational bounds
        ball = enclose(value, self.prec + 16)
        return self._impl.from_bounds(_arf_to_fraction(ball.lower()), _arf_to_fraction(ball.upper()))

    def _s_lift(self, value, variable):
        if isinstance(value, tuple):
            if len(value) != 2:
                raise SymtransError(f"input {variable} interval {value!r} is not a pair (lo, hi)",
                                    expected="(lo, hi) with exact rational endpoints")
            lo = exact_rational(value[0], f"input {variable} lower end")
            hi = exact_rational(value[1], f"input {variable} upper end")
            if lo > hi:
                raise SymtransError(f"input {variable} interval has lower end {lo} above upper end {hi}",
                                    expected="lo <= hi")
            return self._impl.from_bounds(lo, hi)
        return super()._s_lift(value, variable)

    def _s_is_zero(self, s):
        return self._impl.is_exact_zero(s)

    def _s_div(self, a, b):
        if self._impl.is_exact_zero(b):
            raise EvaluationError("division by zero", expected="a nonzero divisor")
        return a / b

    def _s_exp(self, s):
        return self._impl.exp(s)

    def _s_softmax_shift(self):
        return self._impl.center, self._impl.positive

    def _s_sqrt(self, s):
        return self._impl.sqrt(s)

    def _s_max(self, a, b):
        return self._impl.max(a, b)

    def _s_lt(self, a, b):
        return self._impl.lt(a, b)

    def _s_le(self, a, b):
        return self._impl.le(a, b)

    def _s_eq(self, a, b):
        return self._impl.eq(a, b)

    def inverse_at_least(self, A, lo):
        """Enclosures of ``1 / A`` for ``A >= lo > 0``: the hull of ``1 / upper(A)`` and ``1 / max(lo, lower(A))``.

        A ball spanning many orders of magnitude cannot keep its lower end above 0
        (its radius has 30 bits), so ``1 / A`` would be NaN; the endpoint form stays sound
        and finite.
        """
        lo = exact_rational(lo)
        if lo <= 0:
            raise EvaluationError(f"inverse_at_least with lower bound {lo}", expected="a positive bound")
        r, c = A.shape
        floor = self._s_from_fraction(lo)
        items = []
        for i in range(r):
            for j in range(c):
                s = A.get(i, j, None)
                items.append(((i, j), self._impl.inverse_at_least(s if s is not None else floor, floor, lo)))
        return self._build(A.shape, items)

    def _s_inverse_at_least(self, s, floor):
        return self._impl.inverse_at_least(s, floor, floor)

    def log10_bounds(self, s):
        """Float bounds of ``log10`` of a positive enclosure (for reports; ``-inf`` if it touches 0)."""
        return self._impl.log10_bounds(s)

    def lower_key(self, s):
        """A point at (or a rounding error from) the lower end of ``s``: to pick the smallest of many
        enclosures with ``lt`` before paying for one :meth:`log10_bounds`.

        >>> bk = IntervalBackend(prec=64)
        >>> with bk.session():
        ...     a, b = bk.scalar_at(64, ("1/4", "3")), bk.scalar_at(64, ("1/2", "1"))
        ...     bk.lt(bk.lower_key(a), bk.lower_key(b))
        True
        """
        return self._impl.lower_key(s)

    def _s_unit_interval(self):
        return self._impl.from_bounds(Fraction(0), Fraction(1))

    # -- reading enclosures ------------------------------------------------------------------------
    def bounds(self, s):
        """Exact rational ``(lower, upper)`` bounds of an enclosure (``None`` if unbounded)."""
        return self._impl.bounds(s)

    def contains(self, s, q) -> bool:
        """Whether the enclosure ``s`` certainly contains the exact rational ``q``.

        A non-finite enclosure (no information) contains everything.
        """
        lo, hi = self.bounds(s)
        q = exact_rational(q)
        return (lo is None or lo <= q) and (hi is None or q <= hi)


def _fmpq(f: Fraction):
    return flint.fmpq(f.numerator, f.denominator)


def _arf_to_fraction(x):
    """Exact value of an exact (zero-radius) finite arb as a Fraction."""
    if not x.is_exact():  # pragma: no cover - callers pass mid() and rad()
        raise SymtransError(f"{x} is not an exact point")
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


#: Radius below which Arb's own ``exp`` is as tight as the endpoint hull (to first order).
_NARROW = flint.arb(flint.fmpq(1, 1 << 20))


class _ArbEngine:
    def workprec(self, prec):
        return flint.ctx.workprec(prec)

    def from_fraction(self, f):
        return flint.arb(_fmpq(f))

    def from_bounds(self, lo, hi):
        # lo + (hi - lo) * [0, 1], every step rounded outward by Arb.
        unit = flint.arb(flint.fmpq(1, 2), flint.fmpq(1, 2))
        return flint.arb(_fmpq(lo)) + flint.arb(_fmpq(hi - lo)) * unit

    def is_exact_zero(self, s):
        return s.is_zero()

    def exp(self, s):
        # Arb's exp of a wide ball is a mid-radius ball that may straddle 0; exp is
        # increasing, so the hull of the endpoint values also encloses it.  Both are
        # sound, hence so is their intersection.
        # exp is positive: clipping at 0 keeps sums of exponentials away from 0.
        y = s.exp()
        if s.is_exact() or not s.is_finite() or s.rad() < _NARROW:
            # a narrow ball: Arb's own propagation is already tight to first order
            return y
        hull = s.lower().exp().union(s.upper().exp())
        y = y.intersection(hull) if y.overlaps(hull) else hull
        return y.nonnegative_part()

    def center(self, s):
        return flint.arb(s.mid()) if s.is_finite() else flint.arb(0)

    def positive(self, s):
        return s.is_finite() and s > 0

    def sqrt(self, s):
        if s < 0:
            raise EvaluationError(f"square root of a negative enclosure {s}", expected="a non-negative argument")
        return s.nonnegative_part().sqrt()

    def max(self, a, b):
        return a.max(b)

    def inverse_at_least(self, s, floor, lo):
        if not s.is_finite():
            return (1 / floor).union(flint.arb(0))
        upper = s.mid() + s.rad()  # a ball around the upper end
        lower = s.mid() - s.rad()
        if upper < floor:
            raise EvaluationError(f"an enclosure below the known lower bound {lo}")
        low_end = lower if lower > floor else floor
        return (1 / upper).union(1 / low_end).nonnegative_part()  # 1/s > 0: a ball crossing 0 is clipped

    def lower_key(self, s):
        return s.mid() - s.rad()

    def log10_bounds(self, s):
        ten = flint.arb(10).log()
        lo, hi = s.mid() - s.rad(), s.mid() + s.rad()
        lo_log = float(((lo.log() / ten).mid())) if lo > 0 else float("-inf")
        hi_log = float(((hi.log() / ten).mid())) if hi > 0 else float("-inf")
        return lo_log - 1e-9, hi_log + 1e-9


    def lt(self, a, b):
        if a < b:
            return True
        if a >= b:
            return False
        return UNDECIDED

    def le(self, a, b):
        if a <= b:
            return True
        if a > b:
            return False
        return UNDECIDED

    def eq(self, a, b):
        if a.is_exact() and b.is_exact() and a.is_finite() and b.is_finite():
            return a == b
        if a.is_finite() and b.is_finite() and not a.overlaps(b):
            return False
        return UNDECIDED

    def bounds(self, s):
        # mid() and rad() are exact (no rounding), so mid -/+ rad are exact bounds;
        # lower()/upper() would round at the ambient precision.
        if not s.is_finite():
            return None, None
        mid, rad = _arf_to_fraction(s.mid()), _arf_to_fraction(s.rad())
        return mid - rad, mid + rad


class _MpmathEngine:
    """mpmath interval arithmetic on a private context, transcendental results widened."""

    def __init__(self):
        from mpmath.ctx_iv import MPIntervalContext

        self.ctx = MPIntervalContext()

    @contextlib.contextmanager
    def workprec(self, prec):
        old = self.ctx.prec
        self.ctx.prec = prec
        try:
            yield
        finally:
            self.ctx.prec = old

    def from_fraction(self, f):
        return self.ctx.mpf(f.numerator) / self.ctx.mpf(f.denominator)

    def inverse_at_least(self, s, floor, lo):
        from mpmath.libmp import finf, fnan, fninf, mpf_cmp

        a, b = s._mpi_
        if b in (finf, fninf, fnan):
            return (1 / floor) * self.ctx.mpf([0, 1])  # no upper end: 1/A lies in [0, 1/lo]
        if mpf_cmp(b, floor._mpi_[0]) < 0:
            raise EvaluationError(f"an enclosure below the known lower bound {lo}")
        low_end = self.ctx.make_mpf((a, a)) if mpf_cmp(a, floor._mpi_[1]) > 0 else floor
        inv_up, inv_low = 1 / self.ctx.make_mpf((b, b)), 1 / low_end
        return self.ctx.make_mpf((inv_up._mpi_[0], inv_low._mpi_[1]))

    def lower_key(self, s):
        return self.ctx.make_mpf((s._mpi_[0], s._mpi_[0]))

    def log10_bounds(self, s):
        import math

        lo, hi = self.bounds(s)

        def lg(q):
            return math.log10(q.numerator) - math.log10(q.denominator) if q is not None and q > 0 else float("-inf")

        return lg(lo) - 1e-9, lg(hi) + 1e-9

    def from_bounds(self, lo, hi):
        a, b = self.from_fraction(lo), self.from_fraction(hi)
        return self.ctx.make_mpf((a._mpi_[0], b._mpi_[1]))

    def is_exact_zero(self, s):
        from mpmath.libmp import fzero

        return s._mpi_[0] == fzero and s._mpi_[1] == fzero

    def _widen(self, y):
        """Move both ends of ``y`` outward by 2**-(prec-3) of their magnitude."""
        from mpmath.libmp import (
            mpf_abs,
            mpf_add,
            mpf_shift,
            mpf_sub,
            round_ceiling,
            round_floor,
        )

        prec = self.ctx.prec
        a, b = y._mpi_
        lo = mpf_sub(a, mpf_shift(mpf_abs(a), -(prec - 3)), prec, round_floor)
        hi = mpf_add(b, mpf_shift(mpf_abs(b), -(prec - 3)), prec, round_ceiling)
        return self.ctx.make_mpf((lo, hi))

    def exp(self, s):
        return self._widen(self.ctx.exp(s))

    def center(self, s):
        from mpmath.libmp import finf, fnan, fninf

        a, b = s._mpi_
        if a in (finf, fninf, fnan) or b in (finf, fninf, fnan):
            return self.ctx.mpf(0)
        return self.ctx.make_mpf((a, a))  # an exact point of the enclosure

    def positive(self, s):
        from mpmath.libmp import finf, fnan, fzero, mpf_cmp

        a, b = s._mpi_
        return a not in (fnan,) and b not in (finf, fnan) and mpf_cmp(a, fzero) > 0

    def sqrt(self, s):
        from mpmath.libmp import fzero, mpf_cmp

        a, b = s._mpi_
        if mpf_cmp(b, fzero) < 0:
            raise EvaluationError(f"square root of a negative enclosure {s}", expected="a non-negative argument")
        if mpf_cmp(a, fzero) < 0:
            s = self.ctx.make_mpf((fzero, b))
        return self._widen(self.ctx.sqrt(s))

    def max(self, x, y):
        from mpmath.libmp import mpf_cmp

        (a, b), (c, d) = x._mpi_, y._mpi_
        lo = a if mpf_cmp(a, c) >= 0 else c
        hi = b if mpf_cmp(b, d) >= 0 else d
        return self.ctx.make_mpf((lo, hi))

    def lt(self, x, y):
        from mpmath.libmp import mpf_cmp

        if mpf_cmp(x._mpi_[1], y._mpi_[0]) < 0:
            return True
        if mpf_cmp(x._mpi_[0], y._mpi_[1]) >= 0:
            return False
        return UNDECIDED

    def le(self, x, y):
        from mpmath.libmp import mpf_cmp

        if mpf_cmp(x._mpi_[1], y._mpi_[0]) <= 0:
            return True
        if mpf_cmp(x._mpi_[0], y._mpi_[1]) > 0:
            return False
        return UNDECIDED

    def eq(self, x, y):
        (a, b), (c, d) = x._mpi_, y._mpi_
        if a == b == c == d:
            return True
        if self.lt(x, y) is True or self.lt(y, x) is True:
            return False
        return UNDECIDED

    def bounds(self, s):
        from mpmath.libmp import finf, fnan, fninf, to_rational

        a, b = s._mpi_
        if a in (finf, fninf, fnan) or b in (finf, fninf, fnan):
            return None, None
        (pa, qa), (pb, qb) = to_rational(a), to_rational(b)
        return Fraction(pa, qa), Fraction(pb, qb)
