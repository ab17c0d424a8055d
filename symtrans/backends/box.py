"""Rigorous float64 intervals, vectorised with NumPy over a batch of inputs.

Every value is a :class:`Box`: two float64 arrays ``lo <= hi`` of shape ``(batch, rows, cols)``,
and every true value lies in ``[lo, hi]`` entry by entry.  It is :class:`~symtrans.backends.floats.FloatBackend`'s
layout made rigorous: what a verifier that decides thousands of inputs of one model wants
(the ``decodes`` claim runs it first and hands Arb only what it leaves undecided).  NaN or an
infinite end means "no information"; comparisons on such an entry are never decided.

Why the enclosures are rigorous (the proof sketch)
--------------------------------------------------
*R1, one operation.*  IEEE-754 double arithmetic rounds each ``+ - * /`` and ``sqrt`` to a
nearest float, so the exact result ``t`` of one operation lies within half a unit in the last
place of the computed ``fl(t)``, at or above the float below it (and at an overflow
``fl(t) = +inf`` means ``t`` exceeds the largest float).  Every end point computed by one
operation is pushed outward past that float (:func:`_dn`, :func:`_up`).

*R2, matrix products* (:meth:`BoxBackend.matmul`, Rump's midpoint-radius product).  With
``A = mA +- rA`` and ``B = mB +- rB`` (floats), ``|AB - mA mB| <= |mA| rB + rA (|mB| + rB)``, and
the computed ``C = fl(mA mB)`` of inner length ``k`` satisfies ``|C - mA mB| <= g_k |mA||mB| + E``
for any order of summation, with fused multiply-adds or without (Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., eq. 3.5 and section 3.1), where
``g_k = k u / (1 - k u) <= (k + 1) u``, ``u = 2**-53``, and ``E = 2 k 2**-1022`` covers underflow
even where a BLAS thread flushes subnormals to zero (subnormal inputs are moved into the radius
first, so none reaches the BLAS).  The radius sums computed in floats fall short of the exact
ones by at most the same relative ``g_k`` and ``E``; multiplying by ``F = 1 + 2**-40`` and adding
``(10 k + 4) 2**-1022`` covers that for every ``k <= 4096`` (``(k + 4) u < 2**-40``).  The one
assumption is that the BLAS forms each entry as a sum of its ``k`` products (no Strassen-type
algorithm, which no NumPy BLAS uses for float64).

*R3, exp* (:func:`exp_bounds`): ``x = (64 a + b + t) / 64`` with integers ``a``, ``0 <= b < 64``
and ``|t| <= 1/2``, all exact (``64 x`` scales by a power of two, ``t = 64 x - rint(64 x)`` is
exact by Sterbenz's lemma), so ``e^x = e^a e^(b/64) e^(t/64)``.  The two tables are enclosed
once with Arb at 128 bits and rounded outward against the exact end points; ``e^(t/64)`` is
its Taylor polynomial of degree 8 in ``t`` with the coefficients ``1 / (64^n n!)`` rounded to
nearest, evaluated by Horner's rule in floats.  Its terms are at most ``e^(1/128) < 1.008`` in
sum, so Horner's 16 roundings and the coefficients' own contribute at most
``(2 * 8 + 1) * 2**-53 * 1.008 / (1 - 17 * 2**-53)`` (Higham, eq. 5.3), and the Taylor remainder
``|t/64|^9 / 9! e^(1/128) < 10**-24``: less than ``2**-48`` together, which is added each way.  ``exp`` is increasing, so an interval's
image is ``[lower(e^lo), upper(e^hi)]``.  NumPy's own ``exp`` is never trusted.

*R4, the machine.*  Every :meth:`~BoxBackend.session` checks that this thread rounds to nearest
and keeps subnormals; otherwise the backend refuses (:class:`~symtrans.errors.BackendError`),
and a caller falls back to Arb.

Why this module is long: it is a whole backend (every op of the protocol, each with its
outward rounding) plus its own ``exp``; the proof sketch above covers all of it, and a reader
checking R1-R4 should find every place they are used in one file.

>>> import numpy as np
>>> from symtrans.backends.box import BoxBackend
>>> from symtrans.weights import Weights
>>> bk = BoxBackend()
>>> with bk.session():
...     e = bk.exp(bk.const(Weights.from_rows([[1, "1/3"]])))
>>> lo, hi = e.lo[0, 0], e.hi[0, 0]
>>> bool(lo[0] < np.e < hi[0]), bool(0 < hi[0] - lo[0] < 1e-13)
(True, True)
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

import numpy as np

from .._flint import flint
from ..errors import BackendError, EvaluationError, SpecError
from ..exact import exact_rational, is_symbolic
from .base import Backend, _as_grid, refuse, softmax_row
from .interval import _arf_to_fraction

__all__ = ["Box", "BoxBackend", "exp_bounds", "machine_rounds_to_nearest"]

_INF = np.inf
_TINY = 2.0 ** -1022            # the smallest normal float: the underflow allowance per operation
_MAX_INNER = 4096               # R2's constants hold for inner lengths up to this
_F = 1.0 + 2.0 ** -40           # R2's relative allowance


def _dn(x):
    """A float at most every real that rounds to ``x`` (R1): ``x - (|x| 2**-52 + 2**-1021)``.

    The subtracted amount is at least one unit in the last place of ``x`` (``|x| 2**-52`` for
    ``|x| >= 2**-970``, ``2**-1021`` below), so the exact difference lies at or below the float
    ``x - ulp(x)``, and rounding to nearest, being monotone, keeps it there; every real within half
    a unit of ``x`` is above that float.  (Arithmetic on normal numbers only: NumPy's
    ``nextafter`` costs 15 times more.)  ``nan`` at ``x = +inf``: no information.
    """
    return x - (np.abs(x) * 2.0 ** -52 + 2.0 ** -1021)


def _up(x):
    """A float at least every real that rounds to ``x`` (R1; :func:`_dn` mirrored)."""
    return x + (np.abs(x) * 2.0 ** -52 + 2.0 ** -1021)


def machine_rounds_to_nearest() -> bool:
    """R4: this thread's float64 arithmetic (NumPy arrays) rounds to nearest, ties to even, and
    keeps subnormal numbers (no flush-to-zero, no denormals-are-zero).

    >>> machine_rounds_to_nearest()
    True
    """
    one = np.array([1.0, -1.0])
    half_ulp, three_quarters = np.float64(2.0 ** -53), np.float64(3 * 2.0 ** -54)
    tiny = np.array([2.0 ** -1074])
    return bool(np.all(one + half_ulp * np.sign(one) == one)          # a tie rounds to even: not upward
                and np.all(np.abs(one + three_quarters * np.sign(one)) > 1)  # not downward, not to zero
                and (tiny + tiny)[0] == 2.0 ** -1073                   # subnormals are kept
                and (np.array([_TINY]) / 2)[0] == 2.0 ** -1023)


def _float_bounds(q: Fraction):
    """The floats just below and above the exact rational ``q`` (equal when ``q`` is a float)."""
    try:
        f = float(q)  # Python converts a Fraction correctly rounded
    except OverflowError:
        return (-_INF, -np.finfo(float).max) if q < 0 else (np.finfo(float).max, _INF)
    exact = Fraction(f)
    lo = f if exact <= q else float(_dn(f))
    hi = f if exact >= q else float(_up(f))
    return lo, hi


class Box:
    """Entrywise enclosures ``[lo, hi]`` (float64 arrays of one shape, or broadcastable).

    A point has ``lo is hi``.  The operators (``+ - * /``, unary ``-``) round outward (R1) and
    accept a float array or number as a point.

    >>> b = Box(np.array([1.0]), np.array([2.0])) * Box(np.array([-1.0]))
    >>> float(b.lo[0]) < -2 and float(b.hi[0]) > -1
    True
    """

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi=None):
        self.lo = lo
        self.hi = lo if hi is None else hi

    @property
    def is_point(self) -> bool:
        return self.lo is self.hi

    @property
    def shape(self):
        return np.shape(self.lo)

    def __repr__(self):
        return f"Box(shape={self.shape})"

    def __getitem__(self, index):
        return Box(self.lo[index]) if self.is_point else Box(self.lo[index], self.hi[index])

    def __neg__(self):
        return Box(-self.lo) if self.is_point else Box(-self.hi, -self.lo)

    def __add__(self, other):
        other = _box(other)
        with np.errstate(invalid="ignore"):
            return _sane(_dn(self.lo + other.lo), _up(self.hi + other.hi))

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-_box(other))

    def __rsub__(self, other):
        return _box(other) + (-self)

    def __mul__(self, other):
        other = _box(other)
        if self.is_point and other.is_point:
            with np.errstate(invalid="ignore", over="ignore"):
                p = self.lo * other.lo
            return _sane(_dn(p), _up(p))
        with np.errstate(invalid="ignore", over="ignore"):
            products = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return _sane(_dn(np.minimum.reduce(products)), _up(np.maximum.reduce(products)))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _box(other)
        with np.errstate(divide="ignore", invalid="ignore"):
            quotients = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
            lo, hi = _dn(np.minimum.reduce(quotients)), _up(np.maximum.reduce(quotients))
        away = (other.lo > 0) | (other.hi < 0)  # a divisor that may be 0: no information
        return _sane(np.where(away, lo, -_INF), np.where(away, hi, _INF))


def _box(x) -> Box:
    return x if isinstance(x, Box) else Box(np.asarray(x, dtype=np.float64))


def _sane(lo, hi) -> Box:
    """``[lo, hi]`` with every NaN end widened to no information."""
    bad = np.isnan(lo) | np.isnan(hi)
    if np.any(bad):
        lo, hi = np.where(bad, -_INF, lo), np.where(bad, _INF, hi)
    return Box(lo, hi)


# -- exp (R3) ------------------------------------------------------------------------------------------
_EXP_LOW, _EXP_HIGH = -700, 709   # the range of a (beyond it: 0 below, +inf above)
_TAYLOR = 8
_HORNER = 2.0 ** -48             # > the Horner rounding error + the coefficients' + the remainder
_TABLES = {}
_CONSTS = {}                     # lifted weights by id (BoxBackend.const)
_CONSTS_KEPT = 512


def _exp_tables():
    """Outward float enclosures of ``e^a`` (a = -700..709) and ``e^(b/64)`` (b = 0..63), and the
    Taylor coefficients ``1 / (64^n n!)``: made once, with Arb at 128 bits."""
    if not _TABLES:
        def bounds(ball):
            return (_float_bounds(_arf_to_fraction(ball.mid()) - _arf_to_fraction(ball.rad()))[0],
                    _float_bounds(_arf_to_fraction(ball.mid()) + _arf_to_fraction(ball.rad()))[1])

        old = flint.ctx.prec
        flint.ctx.prec = 128
        try:
            ea = [bounds(flint.arb(a).exp()) for a in range(_EXP_LOW, _EXP_HIGH + 1)]
            eb = [bounds((flint.arb(b) / 64).exp()) for b in range(64)]
        finally:
            flint.ctx.prec = old
        coeffs, fact = [], 1
        for n in range(_TAYLOR + 1):
            fact *= max(n, 1)
            coeffs.append(float(Fraction(1, 64 ** n * fact)))  # nearest: relative error <= 2**-53
        _TABLES.update(a_lo=np.array([x for x, _ in ea]), a_hi=np.array([x for _, x in ea]),
                       b_lo=np.array([x for x, _ in eb]), b_hi=np.array([x for _, x in eb]), coeffs=coeffs)
    return _TABLES


def exp_bounds(x):
    """``(lo, hi)`` float arrays with ``lo <= e^x <= hi`` for every entry of the float array ``x`` (R3).

    >>> lo, hi = exp_bounds(np.array([0.0, 1.0, -1000.0, 1000.0]))
    >>> bool(lo[0] <= 1 <= hi[0]), bool(lo[1] < np.e < hi[1]), float(lo[2]), float(hi[3])
    (True, True, 0.0, inf)
    """
    T = _exp_tables()
    x = np.asarray(x, dtype=np.float64)
    nan = np.isnan(x)
    xc = np.clip(np.where(nan, 0.0, x), float(_EXP_LOW), float(_EXP_HIGH))
    y = xc * 64.0                       # exact: a power-of-two scaling of a bounded float
    j = np.rint(y)
    t = y - j                           # exact (Sterbenz), |t| <= 1/2
    a = np.floor(j / 64.0)              # j / 64 is exact
    b = j - 64.0 * a                    # exact integers, 0 <= b < 64
    ia, ib = (a - _EXP_LOW).astype(np.intp), b.astype(np.intp)
    p_lo, p_hi = _exp_taylor(t, T["coeffs"])
    lo = _dn(_dn(T["a_lo"][ia] * T["b_lo"][ib]) * p_lo)
    hi = _up(_up(T["a_hi"][ia] * T["b_hi"][ib]) * p_hi)
    lo = np.where((x < _EXP_LOW) | nan, 0.0, lo)      # below the range: e^x in [0, e^-700]
    hi = np.where((x > _EXP_HIGH) | nan, _INF, hi)    # above it: e^x >= e^709
    return lo, hi


def _exp_taylor(t, coeffs):
    """``(lo, hi)`` around ``e^(t/64)`` for floats ``|t| <= 1/2``: Horner in floats, then R3's allowance."""
    p = np.full_like(t, coeffs[_TAYLOR])
    for n in range(_TAYLOR - 1, -1, -1):
        p = p * t + coeffs[n]
    return _dn(p - _HORNER), _up(p + _HORNER)


class BoxBackend(Backend):
    """Batched float64 enclosures (``is_rigorous``; not ``is_exact``): the module docstring's R1-R4.

    Inputs are arrays of shape ``(rows, cols)`` or ``(batch, rows, cols)`` whose floats are the
    exact values, or nested lists of exact numbers and ``(lo, hi)`` pairs (made outward).

    Examples
    --------
    >>> from symtrans.weights import Weights
    >>> bk = BoxBackend()
    >>> with bk.session():
    ...     third = bk.const(Weights.from_rows([["1/3"]]))
    >>> from fractions import Fraction
    >>> Fraction(third.lo[0, 0, 0]) < Fraction(1, 3) < Fraction(third.hi[0, 0, 0])
    True
    """

    name = "box"
    is_exact = False
    is_rigorous = True

    def __repr__(self):
        return "BoxBackend()"

    @contextlib.contextmanager
    def session(self, symbols=()):
        """Check R4 (round to nearest, subnormals kept) on entry; refuse otherwise."""
        if not machine_rounds_to_nearest():
            raise BackendError("the box backend needs float64 arithmetic that rounds to nearest and keeps "
                               "subnormals, and this process's does not", expected="the interval backend (Arb)")
        yield self

    # -- making values ---------------------------------------------------------------------------
    def _exact(self, values, shape):
        lo = np.empty(shape, dtype=np.float64)
        hi = np.empty(shape, dtype=np.float64)
        point = True
        for index, v in zip(np.ndindex(*shape), values):
            if isinstance(v, tuple):
                lo[index] = _float_bounds(exact_rational(v[0], "input lower end"))[0]
                hi[index] = _float_bounds(exact_rational(v[1], "input upper end"))[1]
                point = False
                continue
            if is_symbolic(v):
                raise refuse(self, "a symbolic weight", f"{v} has free parameters; bind them first")
            lo[index], hi[index] = _float_bounds(exact_rational(v))
            point = point and lo[index] == hi[index]
        return Box(lo) if point else Box(lo, hi)

    def const(self, W):
        """Lift exact weights: floats where exact, else the two around each; remembered for the
        process (a model run on many batches lifts each matrix once; values are never changed in place)."""
        hit = _CONSTS.get(id(W))
        if hit is not None and hit[0] is W:
            return hit[1]
        full = [0] * (W.shape[0] * W.shape[1])
        for (i, j), v in W.items():
            full[i * W.shape[1] + j] = v
        value = self._exact(full, (1,) + tuple(W.shape))
        if len(_CONSTS) >= _CONSTS_KEPT:
            _CONSTS.clear()
        _CONSTS[id(W)] = (W, value)  # holding W keeps its id from being reused
        return value

    def fill(self, rows, cols, value):
        lo, hi = _float_bounds(exact_rational(value))
        return Box(np.full((1, rows, cols), lo)) if lo == hi else Box(np.full((1, rows, cols), lo),
                                                                    np.full((1, rows, cols), hi))

    def lift_input(self, value, shape, variables):
        if value is None:
            raise refuse(self, f"the symbolic input {variables[0] if variables else ''}",
                         "this backend needs a value for every input")
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
            arr = value.astype(np.float64)
            # back to the input's own type: NumPy would compare 2**53 + 1 with its rounded float as equal
            if value.dtype.kind in "iu" and not np.array_equal(arr.astype(value.dtype), value):
                raise SpecError("an input value is not a float64 exactly", expected="exact floats or rationals")
            if arr.ndim == 2:
                arr = arr[None]
            if arr.ndim != 3 or arr.shape[1:] != tuple(shape):
                raise SpecError(f"input array has shape {value.shape}",
                                expected=f"({shape[0]}, {shape[1]}) or (batch, {shape[0]}, {shape[1]})")
            if not np.all(np.isfinite(arr)):
                raise SpecError("an input value is not finite", expected="finite numbers")
            return Box(arr)
        grid = _as_grid(value, shape)
        return self._exact([v for row in grid for v in row], (1,) + tuple(shape))

    # -- structure ---------------------------------------------------------------------------------
    def shape(self, A):
        return A.shape[1:]

    def to_list(self, A):
        """Nested lists of ``(lo, hi)`` float pairs for the first batch element (use ``A.lo``, ``A.hi`` for all)."""
        return [[(float(a), float(b)) for a, b in zip(r_lo, r_hi)] for r_lo, r_hi in zip(A.lo[0], A.hi[0])]

    def bounds(self, A):
        """``(lo, hi)`` arrays of shape ``(batch, rows, cols)``."""
        return A.lo, A.hi

    def _each(self, A, f):
        return Box(f(A.lo)) if A.is_point else Box(f(A.lo), f(A.hi))

    def transpose(self, A):
        return self._each(A, lambda a: np.swapaxes(a, 1, 2))

    def reshape(self, A, rows, cols):
        return self._each(A, lambda a: a.reshape(a.shape[0], rows, cols))

    def hstack(self, mats):
        batch = max(M.lo.shape[0] for M in mats)

        def stack(part):
            return np.concatenate([np.broadcast_to(part(M), (batch,) + M.lo.shape[1:]) for M in mats], axis=2)

        if all(M.is_point for M in mats):
            return Box(stack(lambda M: M.lo))
        return Box(stack(lambda M: M.lo), stack(lambda M: M.hi))

    def select_rows(self, A, indices):
        return self._each(A, lambda a: a[:, list(indices), :])

    # -- arithmetic --------------------------------------------------------------------------------
    def add(self, A, B):
        return A + B

    def neg(self, A):
        return -A

    def hadamard(self, A, B):
        return A * B

    def div(self, A, B):
        return A / B

    def matmul(self, A, B):
        """Rump's midpoint-radius product with the error bound R2; an entry that binary fractions
        make exact (:func:`_exact_entries`) gets no rounding allowance, so exact inputs stay exact."""
        k = A.lo.shape[-1]
        if k > _MAX_INNER:
            raise refuse(self, f"a product of inner length {k}", f"its error bound is proved for <= {_MAX_INNER}")
        mA, rA = _mid_rad(A)
        mB, rB = _mid_rad(B)
        with np.errstate(over="ignore", invalid="ignore"):
            C = np.matmul(mA, mB)
            aA, aB = np.abs(mA), np.abs(mB)
            T1 = np.matmul(aA, aB)
            exact = _exact_entries(mA, mB, T1)
            if rA is None and rB is None and np.all(exact):
                return Box(C)
            R = np.where(exact, 0.0, T1 * ((k + 1) * 2.0 ** -53))
            if rB is not None:
                R = R + np.matmul(aA, rB)
            if rA is not None:
                R = R + np.matmul(rA, _up(aB + rB) if rB is not None else aB)
            R = _up(_up(R * _F) + (10 * k + 4) * _TINY)
            if rA is None and rB is None:
                R = np.where(exact, 0.0, R)
            out = _sane(_dn(C - R), _up(C + R))
        finite = np.isfinite(C) & np.isfinite(R)   # an overflow on the way: no information
        return out if np.all(finite) else Box(np.where(finite, out.lo, -_INF), np.where(finite, out.hi, _INF))

    def masked(self, A, allowed):
        keep = np.zeros(A.shape[1:], dtype=bool)
        for i, j in allowed:
            keep[i, j] = True
        return self._each(A, lambda a: np.where(keep[None], a, 0.0))

    def inverse_at_least(self, A, lo):
        """``1 / A`` for entries known to be ``>= lo > 0``."""
        floor = _float_bounds(exact_rational(lo))[0]
        with np.errstate(divide="ignore"):
            return Box(_dn(1.0 / A.hi), _up(1.0 / np.maximum(A.lo, floor)))

    def relu(self, A):
        A = _sane(A.lo, A.hi)  # NaN is no information, and the ReLU of anything is >= 0
        return Box(np.maximum(A.lo, 0.0), np.maximum(A.hi, 0.0))

    def maximum(self, A, B):
        A, B = _sane(A.lo, A.hi), _sane(B.lo, B.hi)
        return Box(np.maximum(A.lo, B.lo), np.maximum(A.hi, B.hi))

    def exp(self, A):
        lo, hi = exp_bounds(A.lo)
        return Box(lo, hi if A.is_point else exp_bounds(A.hi)[1])

    def sqrt(self, A):
        if np.any(A.hi < 0):
            raise EvaluationError("square root of a negative enclosure", expected="a non-negative argument")
        with np.errstate(invalid="ignore"):
            return _sane(_dn(np.sqrt(np.maximum(A.lo, 0.0))), _up(np.sqrt(A.hi)))

    def reduce_sum(self, A, axis):
        rows, cols = A.shape[1:]
        if axis == 0:
            return self.matmul(self.fill(1, rows, 1), A)
        return self.matmul(A, self.fill(cols, 1, 1))

    def reduce_max(self, A, axis, mask=None):
        A = _sane(A.lo, A.hi)  # NaN is no information: the maximum of its row is unbounded too
        lo, hi = A.lo, A.hi
        if mask is not None:
            keep = np.zeros(A.shape[1:], dtype=bool)
            for i, j in mask:
                keep[i, j] = True
            lo, hi = np.where(keep[None], lo, -_INF), np.where(keep[None], hi, -_INF)
        return Box(lo.max(axis=1 + axis, keepdims=True), hi.max(axis=1 + axis, keepdims=True))

    def hardmax(self, S, mask=None):
        """Row-wise argmax weights, ties averaged: exact where one entry is the only possible winner or
        all the possible winners are one point; a possible winner otherwise gets ``[0, 1]`` (sound)."""
        n, m = S.shape[1:]
        allowed = np.ones((n, m), dtype=bool) if mask is None else np.zeros((n, m), dtype=bool)
        for i, j in (mask or ()):
            allowed[i, j] = True
        if not np.all(allowed.any(axis=1)):
            raise EvaluationError("a row of a masked hardmax has no allowed entry",
                                  expected="at least one allowed position per row")
        S = _sane(S.lo, S.hi)  # NaN is no information (a NaN would otherwise lose every comparison)
        lo, hi = np.where(allowed[None], S.lo, -_INF), np.where(allowed[None], S.hi, -_INF)
        best = lo.max(axis=2, keepdims=True)
        maybe = allowed[None] & (hi >= best)          # not certainly below the best lower end
        count = maybe.sum(axis=2, keepdims=True)
        tied = (count == 1) | np.all(np.where(maybe, (S.lo == S.hi) & (S.lo == best), True), axis=2, keepdims=True)
        shares = [_float_bounds(Fraction(1, c)) if c else (0.0, 0.0) for c in range(m + 1)]
        inv = np.array([lo_ for lo_, _ in shares])[count]
        inv_hi = np.array([hi_ for _, hi_ in shares])[count]
        w_lo = np.where(maybe & tied, inv, 0.0)
        w_hi = np.where(maybe, np.where(tied, inv_hi, 1.0), 0.0)
        return Box(w_lo, w_hi)

    def softmax(self, S, beta, allowed=None, root=None):
        """:func:`~symtrans.backends.base.softmax_row` on column boxes, over the batch and every
        row with the same allowed keys at once; the shift is each row's largest midpoint."""
        z = S * _scale(beta, root)
        batch, n, m = np.broadcast_shapes(z.lo.shape, z.hi.shape)
        keys_of = {}
        for i in range(n):
            keys = tuple(k for k in range(m) if allowed is None or (i, k) in allowed)
            keys_of.setdefault(keys, []).append(i)
        lo, hi = np.zeros((batch, n, m)), np.zeros((batch, n, m))
        one = Box(np.float64(1.0))
        for keys, rows in keys_of.items():
            if not keys:
                continue
            cols = {k: z[:, rows, k] for k in keys}
            mids = np.max([0.5 * cols[k].lo + 0.5 * cols[k].hi for k in keys], axis=0)
            centre = np.where(np.isfinite(mids), mids, 0.0)
            row = softmax_row(cols, list(keys), self._exp_box, _invert, one,
                              shift=(lambda _first: centre, lambda e: bool(np.all(e.lo > 0))))
            for j, w in row.items():
                lo[:, rows, j], hi[:, rows, j] = w.lo, w.hi
        return Box(lo, hi)

    def top_softmax(self, S, beta, top, allowed=None, root=None):
        raise refuse(self, "top-k softmax", "use the interval backend")

    def _exp_box(self, x):
        return self.exp(_box(x))


def _mid_rad(A):
    """A float midpoint and an upper bound on the radius (``None`` for a point), with subnormal
    midpoints moved into the radius (R2: nothing subnormal reaches the BLAS)."""
    if A.is_point:
        m, r = A.lo, None
    else:
        m = 0.5 * A.lo + 0.5 * A.hi
        with np.errstate(invalid="ignore"):
            r = _up(np.maximum(A.hi - m, m - A.lo))
    small = (m != 0) & (np.abs(m) < _TINY)
    if np.any(small):
        r = _up((r if r is not None else 0.0) + np.where(small, _TINY, 0.0))
        m = np.where(small, 0.0, m)
    return m, r


def _grain(m):
    """The largest ``L`` with every entry of the float array ``m`` a multiple of ``2**L`` (None: all zero)."""
    nz = np.abs(m[m != 0])
    if nz.size == 0:
        return None
    f, e = np.frexp(nz)                                    # nz = f 2^e, 1/2 <= f < 1
    mant = (f * 2.0 ** 53).astype(np.int64)                # the exact integer significand
    _, low = np.frexp((mant & -mant).astype(np.float64))   # its lowest set bit 2^(low - 1)
    return int(np.min(e - 53 + low - 1))


def _exact_entries(mA, mB, T1):
    """Where ``fl(mA mB)`` is exact: every entry of ``mA`` (``mB``) is a multiple of ``2**La`` (``2**Lb``),
    so every product and partial sum is a multiple of ``2**(La + Lb) >= 2**-1022`` (no underflow), and
    the computed ``T1 = fl(|mA||mB|) <= 2**(52 + La + Lb)`` bounds every partial sum below
    ``2**(53 + La + Lb)``: all are floats, so no operation rounds."""
    la, lb = _grain(mA), _grain(mB)
    if la is None or lb is None:
        return np.ones(T1.shape, dtype=bool)  # a zero factor: every product is an exact 0
    if la + lb < -1022:
        return np.zeros(T1.shape, dtype=bool)
    return T1 <= 2.0 ** min(52 + la + lb, 1023)


def _invert(total):
    """``1 / total`` for a sum known to be at least 1 (its own term is the exact 1)."""
    with np.errstate(divide="ignore"):
        return Box(_dn(1.0 / total.hi), _up(1.0 / np.maximum(total.lo, 1.0)))


def _scale(beta, root) -> Box:
    """``beta / sqrt(root)`` as an outward float enclosure, certified by exact rational comparisons.

    >>> b = _scale(1, 2); Fraction(b.lo) ** 2 < Fraction(1, 2) < Fraction(b.hi) ** 2, _scale(3, 4).is_point
    (True, True)
    """
    b = exact_rational(beta)
    r = 1 if root is None else int(root)
    guess = float(b) / float(np.sqrt(np.float64(r)))
    lo = hi = guess

    def at_most(x):  # x <= b / sqrt(r), exactly
        x = Fraction(x)
        return (x <= 0 or x * x * r <= b * b) if b >= 0 else (x < 0 and x * x * r >= b * b)

    def at_least(x):  # x >= b / sqrt(r), exactly
        x = Fraction(x)
        return (x >= 0 and x * x * r >= b * b) if b >= 0 else (x >= 0 or x * x * r <= b * b)

    while not at_most(lo):
        lo = float(_dn(lo))
    while not at_least(hi):
        hi = float(_up(hi))
    return Box(np.float64(lo)) if lo == hi else Box(np.float64(lo), np.float64(hi))
