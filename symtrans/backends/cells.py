"""Exact piecewise-affine evaluation over a rational polytope, any number of inputs.

This is the ``d >= 1`` form of ARCHITECTURE's ``pwl`` backend.  On a convex
:class:`~symtrans.polytope.Polytope` cell ``P`` every value is a sparse matrix
of exact affine functions of the cell's coordinates (:class:`Affine`).  A
max, ReLU, max-reduction or hardmax row whose choice is the same on the whole
interior of ``P`` is decided exactly (by the signs of the difference at the
vertices of ``P``: an affine function is ``>= 0`` on ``P`` iff it is at every
vertex).  When the choice changes inside ``P`` the backend raises
:class:`Split` with the hyperplane, and :func:`symtrans.regions.enumerate_cells` cuts ``P`` in
two and resumes the evaluation on each side at the op that split.

The leaves are the **activation cells** refined into convex pieces: on each
leaf every decision is constant, so every value is one affine map.  Each leaf
carries its *pattern* (the choices made, as winners: which argument of a max,
which winners of a hardmax row) so that leaves with the same pattern count as
one activation cell, and its *path* (the cuts that made it), which is a
binary-space-partition proof that the leaves cover the domain.

Values are those on the *interior* of each leaf.  Hardmax ties on a whole
cell (identical scores as functions) are averaged; ties on a lower-dimensional
boundary are evaluated by running the same engine on that face
(:meth:`~symtrans.polytope.Polytope.facet` with an embedding), which is how the
verifiers handle boundaries exactly.

Products of two input-dependent values, and ``exp``/``sqrt`` of non-constant
values, are refused: they are not affine.

The graph algorithms over these cells (enumeration, region counts, tie faces) are in
:mod:`symtrans.regions`.
"""

from __future__ import annotations

import operator
from fractions import Fraction
from itertools import repeat

from .._flint import flint
from ..errors import BackendError, EvaluationError, SymtransError
from ..loglinear import from_sympy
from .base import ScalarBackend, SparseMatrix, refuse
from .rational import exact_exp, exact_sqrt

__all__ = ["Affine", "CellBackend", "Split", "Tie"]

_Q = flint.fmpq
_ZERO = _Q(0)
_add, _sub, _mul, _neg = operator.add, operator.sub, operator.mul, operator.neg


class Tie:
    """A hardmax loser whose gap ``d = winner - loser`` (``>= 0`` on the cell) vanishes on a face:
    row ``row``'s winners (columns, identical on the cell), the ``loser`` column, and the ``node``
    that decided it (set by the enumeration)."""

    __slots__ = ("d", "row", "winners", "loser", "node")

    def __init__(self, d, row, winners, loser, node=None):
        self.d, self.row, self.winners, self.loser, self.node = d, row, winners, loser, node

    def face(self, vertices) -> list:
        """The vertices (of a cell where ``d >= 0``) on which the gap vanishes."""
        return [v for v in vertices if self.d.at(v) == 0]


class Affine:
    """An exact affine function ``a_1 t_1 + ... + a_m t_m + c`` (coefficients ``fmpq``).

    >>> f = Affine((_Q(1), _Q(-2), _Q(3)))
    >>> str(f + f), str(f * Affine.constant(_Q(1, 2), 2)), f.at((_Q(1), _Q(1)))
    ('2*x1 - 4*x2 + 6', '1/2*x1 - x2 + 3/2', 2)
    """

    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    @staticmethod
    def constant(v, m):
        return Affine((_ZERO,) * m + (v,))

    def is_constant(self):
        return not any(self.c[:-1])

    def is_zero(self):
        return not any(self.c)

    def __add__(self, other):
        return Affine(tuple(map(_add, self.c, other.c)))

    def __sub__(self, other):
        return Affine(tuple(map(_sub, self.c, other.c)))

    def __neg__(self):
        return Affine(tuple(map(_neg, self.c)))

    def __mul__(self, other):
        if not any(self.c[:-1]):
            return Affine(tuple(map(_mul, repeat(self.c[-1]), other.c)))
        if not any(other.c[:-1]):
            return Affine(tuple(map(_mul, repeat(other.c[-1]), self.c)))
        raise BackendError(f"the pwl backend cannot multiply two input-dependent values ({self} and {other}): "
                           "the product is not affine",
                           expected="products where one side is constant (affine scores, constant queries)")

    def scaled(self, k):
        return Affine(tuple(map(_mul, repeat(k), self.c)))

    def __eq__(self, other):
        return isinstance(other, Affine) and self.c == other.c

    def __hash__(self):
        return hash(self.c)

    def at(self, t):
        s = self.c[-1]
        for a, x in zip(self.c, t):
            if a:
                s += a * x
        return s

    def hyperplane(self):
        """``(coefficients, constant)`` as :meth:`Polytope.cut` takes them."""
        return self.c[:-1], self.c[-1]

    def __str__(self):
        terms = []
        for i, a in enumerate(self.c[:-1]):
            if a:
                terms.append(("" if a == 1 else "-" if a == -1 else f"{a}*") + f"x{i + 1}")
        if self.c[-1] or not terms:
            terms.append(str(self.c[-1]))
        out = " + ".join(terms)
        return out.replace("+ -", "- ")

    def __repr__(self):
        return f"Affine({self})"


class Split(Exception):
    """Raised when a decision is not constant on the current cell: cut along ``h = 0``."""

    def __init__(self, h):
        super().__init__("split")
        self.h = h


class CellBackend(ScalarBackend):
    """Exact affine values on one polytope cell (``is_exact``, ``is_rigorous``).

    Parameters
    ----------
    cell : Polytope
        The cell, in coordinates ``t`` (``cell.dim`` of them).
    variables : list of str
        The graph's input variables, in order.
    embed : (E, e0), optional
        Input variable ``k`` is ``e0[k] + sum_j E[k][j] t_j``; by default ``x = t``.
    """

    name = "pwl"
    is_exact = True
    is_rigorous = True

    def __init__(self, cell, variables, embed=None, cache=None):
        self.cell = cell
        self._cache = {} if cache is None else cache
        self.m = cell.dim
        self.variables = list(variables)
        if embed is None:
            if len(self.variables) != self.m:
                raise SymtransError(f"the graph has {len(self.variables)} input variables and the domain "
                                    f"{self.m} dimensions", field="domain", expected="equal numbers")
            eye = [[_Q(1) if i == j else _ZERO for j in range(self.m)] for i in range(self.m)]
            embed = (eye, [_ZERO] * self.m)
        E, e0 = embed
        self.inputs = {v: Affine(tuple(E[k]) + (e0[k],)) for k, v in enumerate(self.variables)}
        self.trace = []
        self.ties = []
        self.node = None  # the node being evaluated, for the ties it records
        # Looks at the cell so far, and those whose outcome :attr:`trace` does not record: an op
        # that made no look is a function of its inputs alone, and one whose looks are all
        # recorded a function of its inputs and its trace (:func:`symtrans.regions.enumerate_cells`
        # shares such results between cells).
        self.looks = self.unrecorded = 0
        self._rows_decided = []  # the last rows decided on this cell: [(values, winners, touching)]

    def __repr__(self):
        return f"CellBackend({self.cell!r})"

    # -- constants are the same on every cell of one enumeration: lift them once -------------------
    def const(self, W):
        key = ("const", id(W), self.m)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not W:
            hit = self._cache[key] = (W, super().const(W))
            self._cache[("weights of", id(hit[1]))] = (hit[1], [], hit[1].nnz)  # [its fmpq_mat], made when first used
        return hit[1]

    def matmul(self, A, B):
        """The product; by whole exact matrices when ``B`` is lifted weights and the sparse
        product would take many more scalar steps than the planes below.

        ``A``'s entries are affine, ``A = A_0 + t_1 A_1 + ... + t_m A_m``, so ``A W`` is the
        plane products ``A_k W``, each one python-flint ``fmpq_mat`` product (in C) in place of
        a Python step per nonzero pair.
        """
        hit = self._cache.get(("weights of", id(B)))
        if hit is None or hit[0] is not B:
            return super().matmul(A, B)
        brows = B.rows
        (r, c), n = A.shape, B.shape[1]
        planes = (self.m + 2) * r * (c + n)  # about the cost of the plane products, in sparse steps x 4
        if len(A.rows) * hit[2] * 4 <= planes or \
                sum(len(brows.get(k, ())) for row in A.rows.values() for k in row) * 4 <= planes:
            return super().matmul(A, B)
        if not hit[1]:
            flat = [_ZERO] * (c * n)
            for k, row in brows.items():
                for j, s in row.items():
                    flat[k * n + j] = s.c[-1]
            try:
                hit[1].append(flint.fmpq_mat(c, n, flat))
            except TypeError:  # an exact constant that is not rational (log 2): no planes
                hit[1].append(None)
        if hit[1][0] is None:
            return super().matmul(A, B)
        try:
            return self._planes_times(A, hit[1][0], n)
        except TypeError:  # the same in A
            return super().matmul(A, B)

    def _planes_times(self, A, W, n):
        r, c = A.shape
        flats = [[_ZERO] * (r * c) for _ in range(self.m + 1)]
        for i, row in A.rows.items():
            base = i * c
            for j, a in row.items():
                for flat, x in zip(flats, a.c):
                    if x:
                        flat[base + j] = x
        planes = [(flint.fmpq_mat(r, c, flat) * W).entries() for flat in flats]
        rows = {}
        for at, coefficients in enumerate(zip(*planes)):
            if any(coefficients):
                rows.setdefault(at // n, {})[at % n] = Affine(coefficients)
        return SparseMatrix((r, n), rows)

    def fill(self, rows, cols, value):
        key = ("fill", rows, cols, value, self.m)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = super().fill(rows, cols, value)
        return hit

    def zero(self):
        key = ("zero", self.m)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = super().zero()
        return hit

    # -- scalar hooks --------------------------------------------------------------------------------
    def _s_from_fraction(self, f: Fraction):
        return Affine.constant(_Q(f.numerator, f.denominator), self.m)

    def _s_from_constant(self, value):
        return Affine.constant(from_sympy(value), self.m)  # log(2) kept exact: exp(log 2) = 2

    def _s_lift(self, value, variable):
        if value is not None:
            raise BackendError("the pwl backend evaluates over its whole domain; give no input value",
                               expected="inputs left symbolic")
        return self.inputs[variable]

    def _s_is_zero(self, s):
        return s.is_zero()

    def _constant(self, s, op):
        if not s.is_constant():
            raise refuse(self, op, f"{op} of the non-constant {s} is not affine")
        return s.c[-1]

    def _s_div(self, a, b):
        d = self._constant(b, "division")
        if d == 0:
            raise EvaluationError("division by zero", expected="a nonzero divisor")
        return a.scaled(1 / d)

    def _s_exp(self, s):
        return Affine.constant(exact_exp(self, self._constant(s, "exp")), self.m)

    def _s_sqrt(self, s):
        return Affine.constant(exact_sqrt(self, self._constant(s, "sqrt")), self.m)

    def _sign(self, d):
        """Sign of ``d`` on the cell's interior (+1: >= 0, -1: <= 0); :class:`Split` if both."""
        if d.is_constant():
            v = d.c[-1]
            return 1 if v >= 0 else -1
        s = self.cell.box_sign(d.hyperplane())
        if s:
            self.looks += 1
            return s
        pos = neg = False
        for v in self._at_vertices(d):
            if v > 0:
                pos = True
            elif v < 0:
                neg = True
        if pos and neg:
            raise Split(d.hyperplane())
        return -1 if neg or not pos else 1

    def _at_vertices(self, d):
        """``d`` at every vertex of the cell (a look: counted in :attr:`looks`)."""
        self.looks += 1
        return self.cell.values(d.hyperplane())

    def _s_max(self, a, b):
        d = a - b
        if d.is_zero():
            self.trace.append(0)
            return a
        s = self._sign(d)
        self.trace.append(0 if s > 0 else 1)
        return a if s > 0 else b

    def _s_cmp(self, a, b):
        self.unrecorded += 1
        d = a - b
        return 0 if d.is_zero() else self._sign(d)

    def _s_lt(self, a, b):
        return self._s_cmp(a, b) < 0

    def _s_le(self, a, b):
        return self._s_cmp(a, b) <= 0

    def _s_eq(self, a, b):
        return (a - b).is_zero()

    # -- row decisions, recorded by their winners ---------------------------------------------------
    def _winners(self, vals, ties=None):
        """Indices attaining the row maximum on the whole cell (identical functions tie).

        With ``ties = (row, columns)``, each loser whose gap to the winner vanishes at a vertex of
        the cell is recorded in :attr:`ties` (a :class:`Tie`): on the face where it vanishes a
        hardmax may tie and jump; everywhere else on the cell's closure the network is continuous.
        """
        self.looks += 1
        for seen, winners, touching in self._rows_decided:  # rows repeat: every query of a head,
            if seen == vals:                                  # the same keys in many heads
                break
        else:
            winners, touching = self._decide(vals)
            self._rows_decided = [(vals, winners, touching)] + self._rows_decided[:7]
        if touching and ties is not None:
            row, cols = ties
            self.ties.extend(Tie(d, row, tuple(cols[w] for w in winners), cols[j], self.node) for j, d in touching)
        self.trace.append(tuple(winners))
        return winners

    def _decide(self, vals):
        """``(winners, touching)`` of a row on this cell: the indices attaining the maximum, and
        ``(j, gap)`` for each loser whose gap to the winners vanishes at some vertex."""
        P = self.cell
        c = P.centroid()
        if len(vals) == 2:  # one difference both chooses at the centroid and is checked
            d = vals[0] - vals[1]
            best = 0 if d.at(c) >= 0 else 1
            gaps = {1 - best: d if best == 0 else -d}
        else:
            best = max(range(len(vals)), key=lambda j: vals[j].at(c))
            gaps = {}
        top = vals[best]
        winners, touching = [], []
        for j, v in enumerate(vals):
            if j == best:
                winners.append(j)
                continue
            d = gaps[j] if j in gaps else top - v
            if d.is_zero():
                winners.append(j)
                continue
            if d.is_constant() or P.box_sign(d.hyperplane()) > 0:
                continue  # d > 0 on the whole cell: no cut, no tie face
            at = P.values(d.hyperplane())
            if any(s < 0 for s in at):
                raise Split(d.hyperplane())
            if any(s == 0 for s in at):
                touching.append((j, d))
        return winners, touching

    def _row_items(self, S, mask, r):
        z = self.zero()
        for i in range(r):
            cols = [j for j in range(S.shape[1]) if mask is None or (i, j) in mask]
            if not cols:
                raise EvaluationError(f"row {i} has no allowed entry", expected="at least one allowed position")
            yield i, cols, [S.get(i, j, z) for j in cols]

    def maximum_many(self, mats):
        r, c = mats[0].shape
        z = self.zero()
        items = []
        for i in range(r):
            for j in range(c):
                vals = [M.get(i, j, z) for M in mats]
                items.append(((i, j), vals[self._winners(vals)[0]]))
        return self._build((r, c), items)

    def reduce_max(self, A, axis, mask=None):
        if axis == 0:
            Mt = None if mask is None else frozenset((j, i) for i, j in mask)
            return self.transpose(self.reduce_max(self.transpose(A), 1, Mt))
        items = []
        for i, cols, vals in self._row_items(A, mask, A.shape[0]):
            items.append(((i, 0), vals[self._winners(vals)[0]]))
        return self._build((A.shape[0], 1), items)

    def hardmax(self, S, mask=None):
        items = []
        for i, cols, vals in self._row_items(S, mask, S.shape[0]):
            winners = self._winners(vals, ties=(i, cols))
            w = Affine.constant(_Q(1, len(winners)), self.m)
            items.extend(((i, cols[j]), w) for j in winners)
        return self._build(S.shape, items)
