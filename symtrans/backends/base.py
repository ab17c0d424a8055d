"""The backend contract, and the sparse scalar-matrix machinery most backends share.

An op's semantics are written once (:mod:`symtrans.ops`) against the small
protocol of :class:`Backend`; a backend supplies arithmetic on its own values,
as mpmath's functions are written once over ``ctx_mp`` / ``ctx_iv`` /
``ctx_fp``.  Every value is a 2-D matrix (tokens are rows).  Each backend
declares ``is_exact`` (results are exact) and ``is_rigorous`` (results are
exact or guaranteed enclosures).  A backend that cannot do an operation
exactly raises :class:`~symtrans.errors.BackendError`; it never approximates
silently.

Comparisons are three-valued: ``True``, ``False`` or :data:`UNDECIDED`.
``UNDECIDED`` refuses to be used as a boolean (it raises
:class:`~symtrans.errors.Undecided`), so an overlapping interval comparison
can never turn into a guess by accident:

>>> from symtrans.backends.base import UNDECIDED
>>> bool(UNDECIDED)
Traceback (most recent call last):
...
symtrans.errors.Undecided: an undecided comparison was used as a yes/no answer (expected a decided comparison: raise the precision or split the domain)

:class:`ScalarBackend` implements the whole matrix protocol on a sparse
dict-of-rows representation (:class:`SparseMatrix`), so products skip zeros;
a subclass only supplies scalar arithmetic (the ``_s_*`` hooks).

Why this module is long: the backend contract and the sparse scalar-matrix machinery every
exact backend shares; the per-backend arithmetic is in the sibling modules.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

from .._lazy import sympy

from ..errors import BackendError, EvaluationError, SpecError, Undecided
from ..exact import exact_rational, is_symbolic

__all__ = ["Backend", "ScalarBackend", "SparseMatrix", "UNDECIDED", "refuse", "softmax_row"]


class _UndecidedType:
    """The third truth value of a comparison between overlapping enclosures."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self):
        raise Undecided("an undecided comparison was used as a yes/no answer",
                        expected="a decided comparison: raise the precision or split the domain")

    def __repr__(self):
        return "UNDECIDED"

    def __reduce__(self):
        return (_UndecidedType, ())


#: The third truth value; ``bool(UNDECIDED)`` raises :class:`~symtrans.errors.Undecided`.
UNDECIDED = _UndecidedType()


def refuse(backend, op: str, why: str = "") -> BackendError:
    """The error a backend raises when it cannot do ``op`` exactly.

    >>> from symtrans.backends.rational import RationalBackend
    >>> str(refuse(RationalBackend(), "exp", "exp(1/2) is irrational"))
    'the rational backend cannot compute exp exactly: exp(1/2) is irrational (expected a backend that can: interval (rigorous) or mp / floats (approximate))'
    """
    text = f"the {backend.name} backend cannot compute {op} exactly"
    if why:
        text += f": {why}"
    return BackendError(text, expected="a backend that can: interval (rigorous) or mp / floats (approximate)")


def softmax_row(z, keys, exp, invert, one, shift=None) -> dict:
    """Softmax weights of one row: ``w_j = 1 / (1 + sum_{k in keys, k != j} exp(z_k - z_j))``.

    The one place symtrans writes softmax; every backend calls it with its own
    scalars (exact numbers, Arb balls, mpmath values, NumPy vectors over a batch).
    Equal to ``exp(z_j) / sum_k exp(z_k)``, but it never forms a ratio of two large
    exponentials: floats cannot overflow into inf/inf, and an enclosure inverts only
    a sum known to be at least 1 (its ``k = j`` term is the exact ``one``, the others
    are non-negative), so ``invert`` may use that bound.

    ``shift = (center, positive)`` (enclosures): ``e_k = exp(z_k - c)`` once per key, with ``c`` an
    exact point near ``z`` (``center``), and ``exp(z_k - z_j)`` enclosed by ``e_k / e_j`` wherever
    ``e_j`` is certainly positive: ``n`` exponentials per row instead of ``n^2``.  For every true
    ``z_k, z_j`` in their enclosures, ``exp(z_k - z_j) = exp(z_k - c) / exp(z_j - c)`` lies in the
    quotient of the two enclosures, so the result is as rigorous; since ``c`` is a point, the
    quotient is no wider to first order than ``exp`` of the difference.

    >>> from fractions import Fraction
    >>> one = Fraction(1)
    >>> softmax_row([Fraction(0), Fraction(0), Fraction(7)], [0, 1], lambda d: one if d == 0 else None,
    ...             lambda t: one / t, one)                       # key 2 is masked
    {0: Fraction(1, 2), 1: Fraction(1, 2)}
    """
    out, e = {}, None
    if shift is not None and len(keys) > 2:
        center, positive = shift  # n exponentials per row instead of n^2: exp(z_k - z_j) = e_k / e_j
        c = center(z[keys[0]])
        e = {k: exp(z[k] - c) for k in keys}
    for j in keys:
        total = one
        ratios = e is not None and positive(e[j])
        for k in keys:
            if k != j:
                total = total + (e[k] / e[j] if ratios else exp(z[k] - z[j]))
        out[j] = invert(total)
    return out


class Backend:
    """The protocol every backend implements (values are opaque matrices).

    Capability flags
        ``name``, ``is_exact``, ``is_rigorous``.
    Scope
        ``session(symbols)``: a context manager inside which values are made
        (the interval backends set their working precision there; the
        polynomial backend builds its ring over ``symbols``).
    Making values
        ``const(W)`` lifts a :class:`~symtrans.weights.Weights`;
        ``lift_input(value, shape, variables)`` lifts a user input;
        ``fill(rows, cols, value)``: a constant matrix of an exact rational.
    Structure
        ``shape``, ``transpose``, ``reshape``, ``hstack``, ``select_rows``,
        ``to_list`` (nested lists of scalars).
    Arithmetic (elementwise unless said)
        ``add``, ``neg``, ``sub``, ``matmul`` (matrix product), ``hadamard``,
        ``div``, ``relu``, ``maximum``, ``maximum_many`` (of a list), ``exp``, ``sqrt``, ``masked(A, allowed)``
        (entries outside a mask set to 0), ``reduce_sum(A, axis)``,
        ``reduce_max(A, axis, mask)``, ``hardmax(S, mask)`` (row-wise
        tie-averaged argmax weights), ``inverse_at_least(A, lo)`` (``1 / A`` for an
        ``A`` known to be ``>= lo > 0`` entrywise; enclosures use that fact).
    Comparisons of scalars
        ``lt``, ``le``, ``eq`` return ``True``, ``False`` or :data:`UNDECIDED`.

    ``axis`` follows NumPy: 0 reduces over rows (giving one row), 1 over
    columns (giving one column).  A ``mask`` is ``None`` or a frozenset of
    allowed ``(i, j)`` positions.

    >>> from symtrans.backends import BACKENDS
    >>> all(issubclass(cls, Backend) for cls in BACKENDS.values())
    True
    """

    name = "abstract"
    is_exact = False
    is_rigorous = False

    def session(self, symbols=()):
        """Context in which values of this backend are made and combined."""
        return contextlib.nullcontext()

    def sub(self, A, B):
        """``A - B``."""
        return self.add(A, self.neg(B))

    def maximum_many(self, mats):
        """Elementwise maximum of several equal-shape matrices (folded pairwise by default;
        the polytope cell backend decides each entry's winner at once)."""
        out = mats[0]
        for M in mats[1:]:
            out = self.maximum(out, M)
        return out

    def inverse_at_least(self, A, lo):
        """``1 / A`` entrywise, given that every entry is known to be ``>= lo > 0``.

        Exact and point backends just divide; enclosures use the fact to stay finite.
        """
        r, c = self.shape(A)
        return self.div(self.fill(r, c, 1), A)

    def softmax(self, S, beta, allowed=None, root=None):
        """Row-wise softmax weights of ``beta * S / sqrt(root)`` over the allowed keys (masked positions get 0).

        Each backend computes them with :func:`softmax_row`, the one place the formula is
        written; a backend that cannot (its values are not entries) refuses.
        """
        raise refuse(self, "softmax", "this backend has no entry-wise softmax")

    def __repr__(self):
        return f"{type(self).__name__}()"


class SparseMatrix:
    """A matrix stored as ``{row: {col: nonzero scalar}}``.

    >>> M = SparseMatrix((2, 2), {0: {1: 5}})
    >>> M.shape, M.get(0, 1, 0), M.get(1, 1, 0), M.nnz
    ((2, 2), 5, 0, 1)
    """

    __slots__ = ("shape", "rows")

    def __init__(self, shape, rows):
        self.shape = tuple(shape)
        self.rows = rows

    def get(self, i, j, zero):
        row = self.rows.get(i)
        if row is None:
            return zero
        return row.get(j, zero)

    @property
    def nnz(self):
        return sum(len(r) for r in self.rows.values())

    def __repr__(self):
        return f"SparseMatrix({self.shape}, nnz={self.nnz})"


class ScalarBackend(Backend):
    """Matrix protocol on :class:`SparseMatrix` over a scalar type.

    Subclasses supply: ``_s_from_fraction``, ``_s_is_zero``, ``_s_div``,
    ``_s_exp``, ``_s_sqrt``, ``_s_max``, ``_s_lt``, ``_s_le``, ``_s_eq``; and
    may override ``_s_from_symbolic``, ``_s_lift``, ``_s_unit_interval``.  Scalars must support ``+``, ``-`` and ``*``.

    >>> from symtrans.backends import RationalBackend
    >>> from symtrans.weights import Weights
    >>> bk = RationalBackend()
    >>> A = bk.const(Weights((2, 2), {(0, 1): 3}))
    >>> bk.matmul(A, A).nnz, bk.to_list(bk.hardmax(bk.const(Weights.from_rows([[1, 1]]))))
    (0, [[1/2, 1/2]])
    """

    # -- scalar hooks with defaults --------------------------------------------------------------
    def _s_from_symbolic(self, value):
        raise refuse(self, "a symbolic weight",
                     f"{value} has free parameters; bind them (evaluate(..., params=...)) "
                     "or use the poly backend")

    def _s_from_constant(self, value):
        raise refuse(self, f"the weight {value}", "an irrational constant; the rational and interval backends "
                     "take logarithms of rationals")

    def _s_lift(self, value, variable):
        if value is None:
            raise refuse(self, f"the symbolic input {variable}",
                         "this backend needs a value for every input")
        return self._s_from_fraction(exact_rational(value, f"input {variable}"))

    def _s_unit_interval(self):
        raise BackendError(f"the {self.name} backend met an undecided comparison",
                           expected="decided comparisons in an exact backend")

    # -- making values -----------------------------------------------------------------------------
    def zero(self):
        """The scalar 0 of this backend."""
        return self._s_from_fraction(Fraction(0))

    def one(self):
        """The scalar 1 of this backend."""
        return self._s_from_fraction(Fraction(1))

    def scalar(self, value):
        """Lift an exact rational (or a symbolic weight) to a scalar."""
        if is_symbolic(value):
            return self._s_from_symbolic(value)
        if isinstance(value, sympy.Basic) and not value.is_Rational:  # an exact constant: log(2)
            return self._s_from_constant(value)
        return self._s_from_fraction(exact_rational(value))

    def _build(self, shape, items):
        rows = {}
        for (i, j), s in items:
            if not self._s_is_zero(s):
                rows.setdefault(i, {})[j] = s
        return SparseMatrix(shape, rows)

    def const(self, W):
        """Lift exact weights (once per :meth:`constants_cached` scope)."""
        memo = self.__dict__.get("_const_memo")
        if memo is not None:
            hit = memo.get(id(W))
            if hit is not None and hit[0] is W:
                return hit[1]
        lifted = {}  # a weight matrix repeats few values (0/1 encoders): lift each distinct rational once

        def lift(v):
            if not isinstance(v, Fraction):
                return self.scalar(v)
            key = (v.numerator, v.denominator)  # (a Fraction's own hash costs a modular inverse)
            s = lifted.get(key)
            if s is None:
                s = lifted[key] = self.scalar(v)
            return s

        value = self._build(W.shape, ((key, lift(v)) for key, v in W.items()))
        if memo is not None:
            memo[id(W)] = (W, value)  # holding W keeps its id from being reused
        return value

    @contextlib.contextmanager
    def constants_cached(self):
        """Inside the block, lifting the same :class:`~symtrans.weights.Weights` object twice
        returns the first result (values are never mutated in place, so sharing is safe).

        >>> from symtrans.backends import RationalBackend
        >>> from symtrans.weights import Weights
        >>> bk, W = RationalBackend(), Weights.from_rows([[1, 2]])
        >>> with bk.constants_cached():
        ...     bk.const(W) is bk.const(W)
        True
        >>> bk.const(W) is bk.const(W)
        False
        """
        outer = self.__dict__.get("_const_memo")
        self._const_memo = {} if outer is None else outer
        try:
            yield self
        finally:
            self._const_memo = outer

    def fill(self, rows, cols, value):
        """A ``rows x cols`` matrix with every entry ``value`` (an exact rational)."""
        s = self.scalar(value)
        return self._build((rows, cols), (((i, j), s) for i in range(rows) for j in range(cols)))

    def lift_input(self, value, shape, variables):
        """Lift a user input of ``shape`` (nested lists, or a flat list for one row)."""
        r, c = shape
        grid = _as_grid(value, shape)
        if grid is not None:  # a given value: its exact zeros (most of a one-hot input) need no lifting
            return self._build(shape, (((i, j), self._s_lift(grid[i][j], variables[i * c + j]))
                                       for i in range(r) for j in range(c)
                                       if not (type(grid[i][j]) is int and grid[i][j] == 0)))
        return self._build(shape, (((i, j), self._s_lift(None, variables[i * c + j]))
                                   for i in range(r) for j in range(c)))

    # -- structure ---------------------------------------------------------------------------------
    def shape(self, A):
        return A.shape

    def to_list(self, A):
        """Dense nested list of scalars."""
        z = self.zero()
        return [[A.get(i, j, z) for j in range(A.shape[1])] for i in range(A.shape[0])]

    def transpose(self, A):
        rows = {}
        for i, row in A.rows.items():
            for j, s in row.items():
                rows.setdefault(j, {})[i] = s
        return SparseMatrix((A.shape[1], A.shape[0]), rows)

    def reshape(self, A, rows, cols):
        """Row-major reshape."""
        _, c = A.shape
        out = {}
        for i, row in A.rows.items():
            for j, s in row.items():
                k = i * c + j
                out.setdefault(k // cols, {})[k % cols] = s
        return SparseMatrix((rows, cols), out)

    def hstack(self, mats):
        nrows = mats[0].shape[0]
        rows, offset = {}, 0
        for M in mats:
            for i, row in M.rows.items():
                target = rows.setdefault(i, {})
                for j, s in row.items():
                    target[offset + j] = s
            offset += M.shape[1]
        return SparseMatrix((nrows, offset), rows)

    def select_rows(self, A, indices):
        return SparseMatrix((len(indices), A.shape[1]),
                            {k: dict(A.rows[i]) for k, i in enumerate(indices) if i in A.rows})

    # -- arithmetic --------------------------------------------------------------------------------
    def add(self, A, B):
        rows = {i: dict(r) for i, r in A.rows.items()}
        for i, row in B.rows.items():
            target = rows.setdefault(i, {})
            for j, s in row.items():
                if j in target:
                    t = target[j] + s
                    if self._s_is_zero(t):
                        del target[j]
                    else:
                        target[j] = t
                else:
                    target[j] = s
        return SparseMatrix(A.shape, {i: r for i, r in rows.items() if r})

    def neg(self, A):
        return SparseMatrix(A.shape, {i: {j: -s for j, s in r.items()} for i, r in A.rows.items()})

    #: ``None``, or a fast test that a scalar is exactly 1 (a C-level method of the scalar type):
    #: ``matmul`` then skips multiplying by the 0/1 encoder weights that constructions are made of.
    _s_is_one = None

    def matmul(self, A, B):
        """Matrix product; only nonzero pairs are multiplied (and, where the backend can tell
        cheaply, never by an exact 1)."""
        out = {}
        brows = B.rows
        is_one = type(self)._s_is_one  # unbound: called on the scalar
        for i, arow in A.rows.items():
            acc = {}
            if len(arow) > len(brows):  # a dense row times a sparse matrix: walk B's rows
                pairs = [(a, brow) for a, brow in ((arow.get(k), brow) for k, brow in brows.items()) if a is not None]
            else:
                pairs = [(a, brow) for a, brow in ((a, brows.get(k)) for k, a in arow.items()) if brow]
            for a, brow in pairs:
                for j, b in brow.items():
                    p = a if is_one is not None and is_one(b) else a * b
                    if j in acc:
                        acc[j] = acc[j] + p
                    else:
                        acc[j] = p
            acc = {j: s for j, s in acc.items() if not self._s_is_zero(s)}
            if acc:
                out[i] = acc
        return SparseMatrix((A.shape[0], B.shape[1]), out)

    def _s_softmax_shift(self):
        """``(center, positive)`` for :func:`softmax_row`'s ``n``-exponential form, or None (exact
        backends: their ``exp`` is exact only at 0, so they keep ``exp(z_k - z_j)``)."""
        return None

    def _s_inverse_at_least(self, s, floor):
        """``1 / s`` for a scalar known to be ``>= floor``, a positive exact scalar (exact backends
        just divide)."""
        return self._s_div(self.one(), s)

    def _softmax_row(self, z, keys) -> dict:
        """One row's softmax weights ``{key: weight}`` from its scaled scores ``z`` (a backend whose
        scalars carry more than a value, such as the gradient backend's jets, overrides this)."""
        one = self.one()
        return softmax_row(z, keys, self._s_exp, lambda t: self._s_inverse_at_least(t, one), one,
                           self._s_softmax_shift())

    def softmax(self, S, beta, allowed=None, root=None):
        """:func:`softmax_row` on every row, with this backend's scalars (``root``: the temperature
        is ``beta / sqrt(root)``, one square root per call, refused where this backend cannot take it).

        >>> from symtrans.backends import RationalBackend
        >>> from symtrans.weights import Weights
        >>> bk = RationalBackend()
        >>> S = bk.const(Weights.from_rows([[1, 1, 1], [2, 2, 0]]))
        >>> bk.to_list(bk.softmax(S, 1, allowed=frozenset({(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)})))
        [[1/3, 1/3, 1/3], [1/2, 1/2, 0]]
        """
        n, m = S.shape
        b, z0 = self.scalar(beta), self.zero()
        if root is not None and root != 1:
            b = self._s_div(b, self._s_sqrt(self.scalar(root)))
        rows = {}
        for i in range(n):
            row = S.rows.get(i, {})
            z = [b * row[k] if k in row else z0 for k in range(m)]
            keys = [k for k in range(m) if allowed is None or (i, k) in allowed]
            w = self._softmax_row(z, keys)
            out = {j: v for j, v in w.items() if not self._s_is_zero(v)}
            if out:
                rows[i] = out
        return SparseMatrix((n, m), rows)

    def restrict(self, A, demand):
        """``A`` with only the entries a :mod:`~symtrans.demand` asks for (``{row: None | columns}``);
        the rest read as 0.  The interpreter calls it so that products multiply only what is needed.

        >>> from symtrans.backends import RationalBackend
        >>> from symtrans.weights import Weights
        >>> bk = RationalBackend()
        >>> bk.to_list(bk.restrict(bk.const(Weights.from_rows([[1, 2], [3, 4]])), {1: frozenset({0})}))
        [[0, 0], [3, 0]]
        """
        rows = {}
        for i, cols in demand.items():
            row = A.rows.get(i)
            if not row:
                continue
            if cols is None:
                rows[i] = row
            elif (kept := {j: s for j, s in row.items() if j in cols}):
                rows[i] = kept
        return SparseMatrix(A.shape, rows)

    def masked(self, A, allowed):
        """Entries at positions outside ``allowed`` set to 0 (never multiplied)."""
        return SparseMatrix(A.shape, {i: kept for i, r in A.rows.items()
                                      if (kept := {j: s for j, s in r.items() if (i, j) in allowed})})

    def hadamard(self, A, B):
        out = {}
        for i, arow in A.rows.items():
            brow = B.rows.get(i)
            if not brow:
                continue
            acc = {}
            for j, a in arow.items():
                if j in brow:
                    p = a * brow[j]
                    if not self._s_is_zero(p):
                        acc[j] = p
            if acc:
                out[i] = acc
        return SparseMatrix(A.shape, out)

    def _map_all(self, A, f):
        """Apply ``f`` to every entry, implicit zeros included (computed once)."""
        z = self.zero()
        fz = f(z)
        if self._s_is_zero(fz):
            return self._build(A.shape, (((i, j), f(s)) for i, r in A.rows.items() for j, s in r.items()))
        return self._build(A.shape, (((i, j), f(A.get(i, j, z)))
                                     for i in range(A.shape[0]) for j in range(A.shape[1])))

    def _zip_all(self, A, B, f):
        z = self.zero()
        return self._build(A.shape, (((i, j), f(A.get(i, j, z), B.get(i, j, z)))
                                     for i in range(A.shape[0]) for j in range(A.shape[1])))

    def div(self, A, B):
        return self._zip_all(A, B, self._s_div)

    def relu(self, A):
        z = self.zero()
        return self._map_all(A, lambda s: self._s_max(s, z))

    def maximum(self, A, B):
        return self._zip_all(A, B, self._s_max)

    def exp(self, A):
        return self._map_all(A, self._s_exp)

    def sqrt(self, A):
        return self._map_all(A, self._s_sqrt)

    def reduce_sum(self, A, axis):
        B = A if axis == 1 else self.transpose(A)
        out = {}
        for i, row in B.rows.items():
            total = None
            for s in row.values():
                total = s if total is None else total + s
            if total is not None and not self._s_is_zero(total):
                out[i] = {0: total}
        col = SparseMatrix((B.shape[0], 1), out)
        return col if axis == 1 else self.transpose(col)

    def reduce_max(self, A, axis, mask=None):
        B, M = (A, mask) if axis == 1 else (self.transpose(A), _transpose_mask(mask))
        z = self.zero()
        items = []
        for i in range(B.shape[0]):
            best = None
            for j in range(B.shape[1]):
                if M is not None and (i, j) not in M:
                    continue
                s = B.get(i, j, z)
                best = s if best is None else self._s_max(best, s)
            if best is None:
                raise EvaluationError(f"row {i} of a masked max has no allowed entry",
                                      expected="at least one allowed position per row")
            items.append(((i, 0), best))
        col = self._build((B.shape[0], 1), items)
        return col if axis == 1 else self.transpose(col)

    def hardmax(self, S, mask=None):
        """Row-wise argmax weights, averaged over ties (Yun et al.'s rule).

        Exact when every comparison is decided.  When an enclosure cannot
        decide which entries attain the maximum, each entry that might attain
        it gets the enclosure [0, 1] (sound, wider than necessary) and the
        others get 0.
        """
        z = self.zero()
        items = []
        for i in range(S.shape[0]):
            cols = [j for j in range(S.shape[1]) if mask is None or (i, j) in mask]
            if not cols:
                raise EvaluationError(f"row {i} of a masked hardmax has no allowed entry",
                                      expected="at least one allowed position per row")
            vals = {j: S.get(i, j, z) for j in cols}
            status = {}
            for j in cols:
                st = True
                for k in cols:
                    if k == j:
                        continue
                    ge = _not3(self.lt(vals[j], vals[k]))
                    st = _and3(st, ge)
                    if st is False:
                        break
                status[j] = st
            if any(st is UNDECIDED for st in status.values()):
                unit = self._s_unit_interval()
                items.extend(((i, j), unit) for j, st in status.items() if st is not False)
            else:
                winners = [j for j, st in status.items() if st is True]
                w = self._s_from_fraction(Fraction(1, len(winners)))
                items.extend(((i, j), w) for j in winners)
        return self._build(S.shape, items)

    def top_softmax(self, S, beta, top, allowed=None, root=None):
        """Softmax over each row's ``top`` largest allowed scores only (top-k routing); the others get 0.

        Key ``j`` is kept when fewer than ``top`` allowed keys beat it, a key beating ``j`` when its
        score is larger, or equal with a smaller index (ties go to the lower index, so exactly ``top``
        keys are kept).  Every comparison must be decided: an enclosure that cannot tell raises
        :class:`~symtrans.errors.Undecided`, never a guess.

        >>> from symtrans.backends import RationalBackend
        >>> from symtrans.weights import Weights
        >>> bk = RationalBackend()
        >>> bk.to_list(bk.top_softmax(bk.const(Weights.from_rows([[0, 5, 0]])), 0, 2))
        [[1/2, 1/2, 0]]
        """
        z = self.zero()
        kept = set()
        for i in range(S.shape[0]):
            cols = [j for j in range(S.shape[1]) if allowed is None or (i, j) in allowed]
            vals = {j: S.get(i, j, z) for j in cols}
            for j in cols:
                beaten = 0
                for k in cols:
                    if k == j:
                        continue
                    above = self.lt(vals[j], vals[k])
                    below = self.lt(vals[k], vals[j])
                    if above is UNDECIDED or below is UNDECIDED:
                        raise Undecided(f"top-{top} routing of row {i}: scores {j} and {k} cannot be ordered",
                                        expected="more precision")
                    beaten += bool(above) or (not below and k < j)
                if beaten < top:
                    kept.add((i, j))
        return self.softmax(S, beta, frozenset(kept), root)

    # -- comparisons -------------------------------------------------------------------------------
    def lt(self, a, b):
        """Three-valued ``a < b``."""
        return self._s_lt(a, b)

    def le(self, a, b):
        """Three-valued ``a <= b``."""
        return self._s_le(a, b)

    def eq(self, a, b):
        """Three-valued ``a == b``."""
        return self._s_eq(a, b)


def _not3(t):
    return t if t is UNDECIDED else (not t)


def _and3(a, b):
    if a is False or b is False:
        return False
    if a is UNDECIDED or b is UNDECIDED:
        return UNDECIDED
    return True


def _transpose_mask(mask):
    return None if mask is None else frozenset((j, i) for i, j in mask)


def _as_grid(value, shape):
    """Normalise a user input to nested lists of the given shape (or None)."""
    if value is None:
        return None
    r, c = shape
    rows = list(value)
    if r == 1 and len(rows) == c and not (rows and isinstance(rows[0], list)):
        rows = [rows]
    if len(rows) != r or any(not isinstance(row, (list, tuple)) or len(row) != c for row in rows):
        raise SpecError(f"input value does not have shape {r} x {c}",
                            expected=f"{r} rows of {c} entries")
    return [list(row) for row in rows]
