"""Exact piecewise-affine evaluation over a rational interval (one input variable).

A value is a matrix of functions of ``x`` in ``[lo, hi]``, stored on a shared
partition ``lo = t_0 < t_1 < ... < t_k = hi``: on each closed cell
``[t_p, t_{p+1}]`` every entry is an exact affine function ``m x + c``.  Max,
ReLU and hardmax split cells exactly at the rational points where two affine
functions cross; adjacent cells with identical entries are merged, so the
partition of an output is its set of linear regions.  Every split point made
by a nonlinear op is recorded (:attr:`PWLBackend.activation_breaks`), so the
activation cells can be counted separately from the function's regions.

Products of two input-dependent values are refused (they are not affine),
and so are ``exp`` and ``sqrt`` of non-constant values.  Hardmax ties are
averaged where they hold on a whole cell (identical affine functions); values
*at* the breakpoints are not represented (a verifier evaluates them exactly
on the rational backend).

This is the 1-D fast path of ARCHITECTURE's ``pwl`` backend; the polytope
version for ``d > 1`` is not built yet.

>>> from symtrans.backends.pwl import PWLBackend
>>> from symtrans.weights import Weights
>>> bk = PWLBackend(-1, 2)
>>> with bk.session(["x"]):
...     x = bk.lift_input(None, (1, 1), ["x"])
...     r = bk.relu(bk.add(x, bk.fill(1, 1, "-1/2")))
>>> bk.pieces(r, 0, 0)
[(Fraction(-1, 1), Fraction(1, 2), Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 2), Fraction(2, 1), Fraction(1, 1), Fraction(-1, 2))]
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

from ..errors import BackendError, EvaluationError, SymtransError
from ..exact import exact_rational, is_symbolic
from ..weights import Weights
from .base import Backend, refuse

__all__ = ["PWLBackend", "PWLValue"]

_ZERO = (Fraction(0), Fraction(0))


class PWLValue:
    """A matrix of piecewise-affine functions on a shared partition.

    ``breaks`` are the cell ends (``len(pieces) + 1`` of them); ``pieces[p]`` maps
    ``(i, j)`` to ``(slope, intercept)`` on cell ``p`` (zero entries omitted).
    """

    __slots__ = ("shape", "breaks", "pieces")

    def __init__(self, shape, breaks, pieces):
        self.shape = tuple(shape)
        self.breaks = tuple(breaks)
        self.pieces = list(pieces)

    def __repr__(self):
        return f"PWLValue({self.shape}, {len(self.pieces)} cells)"


def _add(f, g):
    return (f[0] + g[0], f[1] + g[1])


def _mul(f, g):
    if f[0] and g[0]:
        raise BackendError("the pwl backend cannot multiply two input-dependent values "
                           f"({_show(f)} and {_show(g)}): the product is not affine",
                           expected="products where one side is constant (affine scores, constant queries)")
    return (f[0] * g[1] + g[0] * f[1], f[1] * g[1])


def _show(f):
    return f"{f[0]}*x + {f[1]}"


def _at(f, x):
    return f[0] * x + f[1]


class PWLBackend(Backend):
    """Exact piecewise-affine functions of one variable on ``[lo, hi]`` (``is_exact``, ``is_rigorous``).

    Parameters
    ----------
    lo, hi : rational
        The domain; ``lo < hi``.

    Examples
    --------
    >>> bk = PWLBackend(0, 1)
    >>> with bk.session(["x"]):
    ...     x = bk.lift_input(None, (1, 1), ["x"])
    ...     m = bk.maximum(x, bk.neg(x))
    >>> bk.regions(m), bk.to_list(m)
    (1, [[[(Fraction(0, 1), Fraction(1, 1), Fraction(1, 1), Fraction(0, 1))]]])
    """

    name = "pwl"
    is_exact = True
    is_rigorous = True

    def __init__(self, lo, hi):
        self.lo = exact_rational(lo, "domain lower end")
        self.hi = exact_rational(hi, "domain upper end")
        if not self.lo < self.hi:
            raise SymtransError(f"empty domain [{self.lo}, {self.hi}]", field="domain", expected="lo < hi")
        self.activation_breaks = set()

    def __repr__(self):
        return f"PWLBackend({self.lo}, {self.hi})"

    @contextlib.contextmanager
    def session(self, symbols=()):
        self.activation_breaks = set()
        yield self

    # -- partitions ---------------------------------------------------------------------------------
    def _single(self, shape, entries):
        return PWLValue(shape, (self.lo, self.hi), [{k: v for k, v in entries.items() if v != _ZERO}])

    def _refine(self, A, breaks):
        """``A`` on a finer partition ``breaks`` (a superset of ``A.breaks``)."""
        if tuple(breaks) == A.breaks:
            return A
        pieces, p = [], 0
        for q in range(len(breaks) - 1):
            while A.breaks[p + 1] <= breaks[q]:
                p += 1
            pieces.append(A.pieces[p])
        return PWLValue(A.shape, breaks, pieces)

    def _align(self, *values):
        breaks = tuple(sorted(set().union(*[v.breaks for v in values])))
        return [self._refine(v, breaks) for v in values]

    def _merge(self, A):
        """Merge adjacent cells whose entries are identical."""
        breaks, pieces = [A.breaks[0]], []
        for p, piece in enumerate(A.pieces):
            if pieces and pieces[-1] == piece:
                breaks[-1] = A.breaks[p + 1]
            else:
                pieces.append(piece)
                breaks.append(A.breaks[p + 1])
        return PWLValue(A.shape, breaks, pieces)

    def _cellwise(self, A, f):
        return self._merge(PWLValue(A.shape, A.breaks, [f(piece) for piece in A.pieces]))

    def _split_at_crossings(self, A, groups):
        """Refine ``A`` at every point inside a cell where two functions of a group cross.

        ``groups(piece)`` yields lists of affine functions that will be compared.
        """
        new = set(A.breaks)
        for p, piece in enumerate(A.pieces):
            lo, hi = A.breaks[p], A.breaks[p + 1]
            for funcs in groups(piece):
                for a in range(len(funcs)):
                    for b in range(a + 1, len(funcs)):
                        (m1, c1), (m2, c2) = funcs[a], funcs[b]
                        if m1 != m2:
                            t = (c2 - c1) / (m1 - m2)
                            if lo < t < hi:
                                new.add(t)
                                self.activation_breaks.add(t)
        return self._refine(A, tuple(sorted(new)))

    # -- making values -------------------------------------------------------------------------------
    def const(self, W):
        entries = {}
        for key, v in W.items():
            if is_symbolic(v):
                raise refuse(self, "a symbolic weight", f"{v} has free parameters; bind them first")
            if not isinstance(v, Fraction):
                raise refuse(self, f"the weight {v}", "an irrational constant")
            entries[key] = (Fraction(0), v)
        return self._single(W.shape, entries)

    def fill(self, rows, cols, value):
        v = exact_rational(value)
        return self._single((rows, cols), {(i, j): (Fraction(0), v) for i in range(rows) for j in range(cols)})

    def lift_input(self, value, shape, variables):
        if value is not None:
            raise BackendError("the pwl backend evaluates over its whole domain; give no input value",
                               expected="inputs left symbolic")
        if tuple(shape) != (1, 1):
            raise BackendError(f"the pwl backend handles one input variable, the graph's input has shape {shape}",
                               expected="a 1 x 1 input (the polytope version for d > 1 is not built yet)")
        return self._single((1, 1), {(0, 0): (Fraction(1), Fraction(0))})

    # -- structure -----------------------------------------------------------------------------------
    def shape(self, A):
        return A.shape

    def to_list(self, A):
        """Nested lists of ``[(lo, hi, slope, intercept), ...]`` per entry (merged)."""
        return [[self.pieces(A, i, j) for j in range(A.shape[1])] for i in range(A.shape[0])]

    def pieces(self, A, i, j):
        """Entry ``(i, j)`` as a list of maximal affine pieces ``(lo, hi, slope, intercept)``."""
        out = []
        for p, piece in enumerate(A.pieces):
            m, c = piece.get((i, j), _ZERO)
            if out and out[-1][2:] == (m, c):
                out[-1] = (out[-1][0], A.breaks[p + 1], m, c)
            else:
                out.append((A.breaks[p], A.breaks[p + 1], m, c))
        return out

    def regions(self, A, i=0, j=0):
        """Number of linear regions of entry ``(i, j)`` on the domain."""
        return len(self.pieces(A, i, j))

    def transpose(self, A):
        return PWLValue((A.shape[1], A.shape[0]), A.breaks,
                        [{(j, i): f for (i, j), f in piece.items()} for piece in A.pieces])

    def reshape(self, A, rows, cols):
        c = A.shape[1]
        pieces = [{divmod(i * c + j, cols): f for (i, j), f in piece.items()} for piece in A.pieces]
        return PWLValue((rows, cols), A.breaks, pieces)

    def hstack(self, mats):
        mats = self._align(*mats)
        offset, pieces = 0, [dict() for _ in mats[0].pieces]
        for M in mats:
            for target, piece in zip(pieces, M.pieces):
                for (i, j), f in piece.items():
                    target[(i, offset + j)] = f
            offset += M.shape[1]
        return PWLValue((mats[0].shape[0], offset), mats[0].breaks, pieces)

    def select_rows(self, A, indices):
        pieces = [{(k, j): piece[(i, j)] for k, i in enumerate(indices) for j in range(A.shape[1])
                   if (i, j) in piece} for piece in A.pieces]
        return self._merge(PWLValue((len(indices), A.shape[1]), A.breaks, pieces))

    def masked(self, A, allowed):
        return self._cellwise(A, lambda piece: {k: f for k, f in piece.items() if k in allowed})

    # -- arithmetic ----------------------------------------------------------------------------------
    def add(self, A, B):
        A, B = self._align(A, B)

        def combine(pa, pb):
            out = dict(pa)
            for k, f in pb.items():
                s = _add(out.get(k, _ZERO), f)
                if s == _ZERO:
                    out.pop(k, None)
                else:
                    out[k] = s
            return out

        return self._merge(PWLValue(A.shape, A.breaks, [combine(a, b) for a, b in zip(A.pieces, B.pieces)]))

    def neg(self, A):
        return PWLValue(A.shape, A.breaks, [{k: (-m, -c) for k, (m, c) in piece.items()} for piece in A.pieces])

    def matmul(self, A, B):
        A, B = self._align(A, B)
        n, m = A.shape[0], B.shape[1]

        def product(pa, pb):
            rows = {}
            for (k, j), g in pb.items():
                rows.setdefault(k, []).append((j, g))
            out = {}
            for (i, k), f in pa.items():
                for j, g in rows.get(k, ()):
                    out[(i, j)] = _add(out.get((i, j), _ZERO), _mul(f, g))
            return {key: f for key, f in out.items() if f != _ZERO}

        return self._merge(PWLValue((n, m), A.breaks, [product(a, b) for a, b in zip(A.pieces, B.pieces)]))

    def hadamard(self, A, B):
        A, B = self._align(A, B)
        pieces = [{k: _mul(f, pb[k]) for k, f in pa.items() if k in pb} for pa, pb in zip(A.pieces, B.pieces)]
        return self._merge(PWLValue(A.shape, A.breaks, [{k: f for k, f in p.items() if f != _ZERO}
                                                        for p in pieces]))

    def _constant(self, f, op):
        if f[0]:
            raise refuse(self, op, f"{op} of the non-constant {_show(f)} is not affine")
        return f[1]

    def div(self, A, B):
        A, B = self._align(A, B)
        r, c = A.shape

        def quotient(pa, pb):
            out = {}
            for i in range(r):
                for j in range(c):
                    den = self._constant(pb.get((i, j), _ZERO), "division")
                    num = pa.get((i, j), _ZERO)
                    if den == 0:
                        raise EvaluationError("division by zero", expected="a nonzero divisor")
                    if num != _ZERO:
                        out[(i, j)] = (num[0] / den, num[1] / den)
            return out

        return self._merge(PWLValue(A.shape, A.breaks, [quotient(a, b) for a, b in zip(A.pieces, B.pieces)]))

    def _constant_map(self, A, op, fn):
        r, c = A.shape

        def apply(piece):
            out = {}
            for i in range(r):
                for j in range(c):
                    v = fn(self._constant(piece.get((i, j), _ZERO), op))
                    if v != 0:
                        out[(i, j)] = (Fraction(0), v)
            return out

        return self._cellwise(A, apply)

    def exp(self, A):
        def exact_exp(v):
            if v != 0:
                raise refuse(self, "exp", f"exp({v}) is irrational")
            return Fraction(1)

        return self._constant_map(A, "exp", exact_exp)

    def softmax(self, S, beta, allowed=None, root=None):
        """Exact only where it is rational: when every allowed score of a row equals the
        row's first allowed one (as functions), the weights are uniform (whatever the
        temperature, ``root`` included); otherwise ``exp`` of a non-zero difference is
        irrational and the backend refuses.

        >>> from symtrans.weights import Weights
        >>> bk = PWLBackend(0, 1)
        >>> bk.to_list(bk.softmax(bk.const(Weights.from_rows([[2, 2]])), 3))
        [[[(Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(1, 2))], \
[(Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(1, 2))]]]
        """
        n, m = S.shape
        keys = [[k for k in range(m) if allowed is None or (i, k) in allowed] for i in range(n)]
        for i, ks in enumerate(keys):
            row = self.select_rows(S, [i])
            first = self.matmul(row, self.const(Weights((m, m), {(ks[0], c): 1 for c in ks})))
            diff = self.masked(self.sub(row, first), {(0, k) for k in ks})
            self.exp(self.hadamard(diff, self.fill(1, m, beta)))  # refuses unless every difference is 0
        return self.const(Weights((n, m), {(i, k): Fraction(1, len(ks)) for i, ks in enumerate(keys) for k in ks}))

    def sqrt(self, A):
        from math import isqrt

        def exact_sqrt(v):
            if v < 0:
                raise EvaluationError(f"square root of the negative number {v}", expected="a non-negative argument")
            p, q = isqrt(v.numerator), isqrt(v.denominator)
            if p * p != v.numerator or q * q != v.denominator:
                raise refuse(self, "sqrt", f"sqrt({v}) is irrational")
            return Fraction(p, q)

        return self._constant_map(A, "sqrt", exact_sqrt)

    def _elementwise_max(self, A, B):
        A, B = self._align(A, B)
        r, c = A.shape
        both = PWLValue(A.shape, A.breaks, [(pa, pb) for pa, pb in zip(A.pieces, B.pieces)])

        def groups(pair):
            pa, pb = pair
            return [[pa.get((i, j), _ZERO), pb.get((i, j), _ZERO)] for i in range(r) for j in range(c)]

        both = self._split_at_crossings(both, groups)
        pieces = []
        for p, (pa, pb) in enumerate(both.pieces):
            mid = (both.breaks[p] + both.breaks[p + 1]) / 2
            out = {}
            for i in range(r):
                for j in range(c):
                    f, g = pa.get((i, j), _ZERO), pb.get((i, j), _ZERO)
                    best = f if _at(f, mid) >= _at(g, mid) else g
                    if best != _ZERO:
                        out[(i, j)] = best
            pieces.append(out)
        return self._merge(PWLValue(A.shape, both.breaks, pieces))

    def maximum(self, A, B):
        return self._elementwise_max(A, B)

    def relu(self, A):
        return self._elementwise_max(A, self._single(A.shape, {}))

    def reduce_sum(self, A, axis):
        r, c = A.shape

        def total(piece):
            out = {}
            for (i, j), f in piece.items():
                key = (i, 0) if axis == 1 else (0, j)
                out[key] = _add(out.get(key, _ZERO), f)
            return {k: f for k, f in out.items() if f != _ZERO}

        shape = (r, 1) if axis == 1 else (1, c)
        return self._merge(PWLValue(shape, A.breaks, [total(p) for p in A.pieces]))

    def _rows_of(self, piece, shape, mask, transpose=False):
        r, c = shape
        for i in range(r):
            cols = [j for j in range(c) if mask is None or (i, j) in mask]
            if not cols:
                raise EvaluationError(f"row {i} has no allowed entry", expected="at least one allowed position")
            yield i, cols, [piece.get((i, j), _ZERO) for j in cols]

    def _rowwise_after_split(self, A, mask, shape, per_row):
        """Split ``A`` where entries of a row cross, then build each cell row by row.

        ``per_row(i, cols, fs, mid, out)`` writes row ``i``'s result into ``out`` given the
        row's allowed columns, their affine functions and the cell's midpoint.
        """
        A = self._split_at_crossings(A, lambda piece: [fs for _, _, fs in self._rows_of(piece, A.shape, mask)])
        pieces = []
        for p, piece in enumerate(A.pieces):
            mid = (A.breaks[p] + A.breaks[p + 1]) / 2
            out = {}
            for i, cols, fs in self._rows_of(piece, A.shape, mask):
                per_row(i, cols, fs, mid, out)
            pieces.append(out)
        return self._merge(PWLValue(shape, A.breaks, pieces))

    def reduce_max(self, A, axis, mask=None):
        if axis == 0:
            Mt = None if mask is None else frozenset((j, i) for i, j in mask)
            return self.transpose(self.reduce_max(self.transpose(A), 1, Mt))

        def row_max(i, cols, fs, mid, out):
            best = max(fs, key=lambda f: _at(f, mid))
            if best != _ZERO:
                out[(i, 0)] = best

        return self._rowwise_after_split(A, mask, (A.shape[0], 1), row_max)

    def hardmax(self, S, mask=None):
        """Row-wise argmax weights, ties (identical functions on a cell) averaged."""

        def row_weights(i, cols, fs, mid, out):
            top = max(_at(f, mid) for f in fs)
            winners = [j for j, f in zip(cols, fs) if _at(f, mid) == top]
            for j in winners:
                out[(i, j)] = (Fraction(0), Fraction(1, len(winners)))

        return self._rowwise_after_split(S, mask, S.shape, row_weights)

    # -- comparisons (constants only) ----------------------------------------------------------------
    def lt(self, a, b):
        return self._constant(a, "a comparison") < self._constant(b, "a comparison")

    def le(self, a, b):
        return self._constant(a, "a comparison") <= self._constant(b, "a comparison")

    def eq(self, a, b):
        return a == b
