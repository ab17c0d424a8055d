"""Exact convex polytopes in ``Q^m``: vertices and inequalities kept together.

A :class:`Polytope` is full-dimensional and bounded.  It stores its
inequalities ``a . t <= b`` and its vertices, each vertex with the set of
inequalities *tight* at it (every one, computed exactly).  That is all the
piecewise-linear engine needs:

* **cutting** by a hyperplane ``h(t) = 0`` (:meth:`Polytope.cut`) is exact and
  needs no linear programming: a side ``h < 0`` has a non-empty interior exactly
  when some vertex has ``h < 0``; its vertices are the old ones on that side
  plus the points where edges cross ``h``;
* the **edges** come from the tight sets (two vertices span an edge exactly when
  no third vertex is tight on every inequality the two share: the smallest face
  holding both is then a segment);
* a **witness** interior point is the vertex average (:meth:`Polytope.centroid`);
* **facets** are inequalities whose tight vertices span a hyperplane; a facet
  is itself a polytope one dimension lower (:meth:`Polytope.facet`), which is
  how boundaries are checked and adjacency is decided.

Coordinates are python-flint ``fmpq``.  Nothing is ever rounded.

>>> P = Polytope.box([(0, 1), (0, 1)])
>>> left, right = P.cut(((1, 1), -1))          # the line x + y = 1
>>> sorted(map(str, left.centroid())), len(left.vertices), len(right.vertices)
(['1/3', '1/3'], 3, 3)
>>> P.cut(((1, 0), 5))                          # x + 5 > 0 on the whole box
(None, Polytope(2-D, 4 vertices))
"""

from __future__ import annotations

from ._flint import flint
from .errors import SymtransError
from .exact import exact_rational

__all__ = ["Polytope", "affine_rank", "hyperplane_key", "to_fmpq"]

_Q = flint.fmpq
_ZERO = _Q(0)


def to_fmpq(v):
    """An exact rational (string, int, Fraction ...) as python-flint ``fmpq``.

    >>> to_fmpq("-3/4")
    -3/4
    """

    r = exact_rational(v)
    return _Q(r.numerator, r.denominator)


def _pivot(a):
    """The first coordinate with a nonzero coefficient (the one a facet map eliminates)."""
    return next(j for j, x in enumerate(a) if x != 0)


def _dot(a, t):
    s = _ZERO
    for x, y in zip(a, t):
        if x:
            s += x * y
    return s


def affine_rank(points) -> int:
    """Dimension of the affine hull of exact points (Gaussian elimination in Q).

    >>> affine_rank([(0, 0), (1, 1), (2, 2)]), affine_rank([(0, 0), (1, 0), (0, 1)])
    (1, 2)
    """
    points = [tuple(_Q(c) if not isinstance(c, type(_ZERO)) else c for c in p) for p in points]
    if len(points) < 2:
        return 0
    rows = [[x - y for x, y in zip(p, points[0])] for p in points[1:]]
    rank, cols = 0, len(points[0])
    for c in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][c] != 0:
                f = rows[r][c] / p[c]
                rows[r] = [x - f * y for x, y in zip(rows[r], p)]
        rank += 1
    return rank


def hyperplane_key(a, b):
    """``(key, side)``: the hyperplane ``a . t = b`` scaled so its first nonzero coefficient is 1.

    ``side`` is +1 when ``a . t <= b`` is the side where that scaled form is ``<= b'``.

    >>> hyperplane_key((_Q(-2), _Q(4)), _Q(2))
    (((1, -2), -1), -1)
    """
    s = a[_pivot(a)]
    side = 1 if s > 0 else -1
    scale = abs(s)
    return (tuple(x / scale * side for x in a), b / scale * side), side


class Polytope:
    """A full-dimensional bounded convex polytope in ``Q^m`` (see the module docstring).

    Parameters
    ----------
    constraints : list of (tuple, fmpq)
        Inequalities ``a . t <= b``; indices into this list name them.
    vertices : list of tuple
        The vertices, exact.
    tight : list of frozenset
        For each vertex, the indices of every inequality tight at it.
    """

    __slots__ = ("dim", "constraints", "vertices", "tight", "_centroid", "_box")

    def __init__(self, dim, constraints, vertices, tight):
        self.dim = dim
        self.constraints = constraints
        self.vertices = vertices
        self.tight = tight
        self._centroid = None
        self._box = None

    def __repr__(self):
        return f"Polytope({self.dim}-D, {len(self.vertices)} vertices)"

    @classmethod
    def box(cls, bounds):
        """The box ``prod [lo_i, hi_i]`` (each ``lo_i < hi_i``, exact rationals).

        >>> Polytope.box([(0, 2)]).vertices
        [(0,), (2,)]
        """
        bounds = [(to_fmpq(lo), to_fmpq(hi)) for lo, hi in bounds]
        m = len(bounds)
        for lo, hi in bounds:
            if not lo < hi:
                raise SymtransError(f"the box side [{lo}, {hi}] is empty or a point", field="domain",
                                    expected="lo < hi on every side")
        constraints = []
        for i, (lo, hi) in enumerate(bounds):
            e = tuple(_Q(1) if k == i else _ZERO for k in range(m))
            constraints.append((tuple(-x for x in e), -lo))
            constraints.append((e, hi))
        vertices, tight = [], []
        for corner in range(2 ** m):
            p, t = [], set()
            for i, (lo, hi) in enumerate(bounds):
                up = (corner >> i) & 1
                p.append(hi if up else lo)
                t.add(2 * i + up)
            vertices.append(tuple(p))
            tight.append(frozenset(t))
        return cls(m, constraints, vertices, tight)

    @classmethod
    def from_constraints(cls, bounds, constraints):
        """The box cut by each ``a . t <= b`` in turn; ``None`` when the interior is empty.

        >>> Polytope.from_constraints([(0, 1), (0, 1)], [((1, 1), "1/2")]).vertices
        [(0, 0), (1/2, 0), (0, 1/2)]
        """
        P = cls.box(bounds)
        for a, b in constraints:
            a = tuple(to_fmpq(x) for x in a)
            P = P.cut((a, -to_fmpq(b)))[0]
            if P is None:
                return None
        return P

    # -- queries ---------------------------------------------------------------------------------
    def centroid(self):
        """The vertex average: a point of the interior."""
        if self._centroid is None:
            n = len(self.vertices)
            self._centroid = tuple(sum(v[i] for v in self.vertices) / n for i in range(self.dim))
        return self._centroid

    def values(self, h):
        """``h`` (a pair ``(coefficients, constant)``) at every vertex."""
        a, c = h
        return [_dot(a, v) + c for v in self.vertices]

    def inequalities(self):
        """The inequalities tight at some vertex (they define the polytope), as ``(a, b)``."""
        used = sorted(set().union(*self.tight))
        return [self.constraints[i] for i in used]

    def interior_contains(self, point) -> bool:
        """Whether ``point`` satisfies every defining inequality strictly.

        >>> P = Polytope.box([(0, 1), (0, 1)])
        >>> P.interior_contains(P.centroid()), P.interior_contains((_Q(0), _Q(1, 2)))
        (True, False)
        """
        return len(point) == self.dim and all(_dot(a, point) < b for a, b in self.inequalities())

    def facets(self):
        """Indices of the inequalities whose tight vertices span a facet."""
        by = {}
        for k, t in enumerate(self.tight):
            for i in t:
                by.setdefault(i, []).append(k)
        seen, out = set(), []
        for i in sorted(by):
            ks = tuple(by[i])
            if ks in seen or len(ks) < self.dim:
                continue
            if affine_rank([self.vertices[k] for k in ks]) == self.dim - 1:
                seen.add(ks)
                out.append(i)
        return out

    def bounding_box(self):
        if self._box is None:
            self._box = [(min(v[i] for v in self.vertices), max(v[i] for v in self.vertices)) for i in range(self.dim)]
        return self._box

    def box_sign(self, h):
        """+1 if ``h > 0`` on the whole bounding box, -1 if ``h < 0`` there, else 0: a test with
        ``2 m`` products that, when it answers, answers for every vertex.

        >>> P = Polytope.box([(0, 1), (0, 1)])
        >>> P.box_sign(((1, 1), 1)), P.box_sign(((-1, 0), _Q(-1, 2))), P.box_sign(((1, -1), 0))
        (1, -1, 0)
        """
        a, c = h
        lo = hi = c
        for x, (left, right) in zip(a, self.bounding_box()):
            if x > 0:
                lo, hi = lo + x * left, hi + x * right
            elif x < 0:
                lo, hi = lo + x * right, hi + x * left
        return 1 if lo > 0 else -1 if hi < 0 else 0

    # -- cutting ---------------------------------------------------------------------------------
    def _adjacent(self, i, j):
        common = self.tight[i] & self.tight[j]
        for k, t in enumerate(self.tight):
            if k != i and k != j and common <= t:
                return False
        return True

    def cut(self, h):
        """``(P ∩ {h <= 0}, P ∩ {h >= 0})``, a side being ``None`` when its interior is empty.

        ``h = (coefficients, constant)`` is the affine function ``a . t + c``.
        """
        a, c = h
        vals = self.values(h)
        if not any(s > 0 for s in vals):
            return self, None
        if not any(s < 0 for s in vals):
            return None, self
        n = len(self.constraints)
        neg_v, neg_t, pos_v, pos_t = [], [], [], []
        for v, t, s in zip(self.vertices, self.tight, vals):
            if s < 0:
                neg_v.append(v)
                neg_t.append(t)
            elif s > 0:
                pos_v.append(v)
                pos_t.append(t)
            else:
                neg_v.append(v)
                neg_t.append(t | {n})
                pos_v.append(v)
                pos_t.append(t | {n})
        for i, si in enumerate(vals):
            if si <= 0:
                continue
            for j, sj in enumerate(vals):
                if sj >= 0 or not self._adjacent(i, j):
                    continue
                lam = si / (si - sj)
                v, w = self.vertices[i], self.vertices[j]
                p = tuple(x + lam * (y - x) for x, y in zip(v, w))
                t = (self.tight[i] & self.tight[j]) | {n}
                neg_v.append(p)
                neg_t.append(t)
                pos_v.append(p)
                pos_t.append(t)
        neg = Polytope(self.dim, self.constraints + [(a, -c)], neg_v, neg_t)
        pos = Polytope(self.dim, self.constraints + [(tuple(-x for x in a), c)], pos_v, pos_t)
        return neg, pos

    def meets_interior(self, constraints) -> bool:
        """Whether ``{a . t <= b for (a, b) in constraints}`` meets the interior of the polytope
        in a set with non-empty interior."""
        P = self
        for a, b in constraints:
            P = P.cut((a, -b))[0]
            if P is None:
                return False
        return True

    # -- faces -----------------------------------------------------------------------------------
    def facet(self, i):
        """Facet ``i`` as a polytope of dimension ``dim - 1`` and the map back.

        Returns ``(F, (E, e0))``: the facet's points are ``t = e0 + E s`` for ``s`` in
        ``F``; one coordinate ``k`` (the first with a nonzero normal) is eliminated.
        """
        a, b = self.constraints[i]
        k = _pivot(a)
        m = self.dim
        # t_k = (b - sum_{j != k} a_j t_j) / a_k
        keep = [j for j in range(m) if j != k]
        E = [[_ZERO] * (m - 1) for _ in range(m)]
        e0 = [_ZERO] * m
        for col, j in enumerate(keep):
            E[j][col] = _Q(1)
            E[k][col] = -a[j] / a[k]
        e0[k] = b / a[k]
        cons = [restrict(c, E, e0) for c in self.constraints]
        ks = [x for x, t in enumerate(self.tight) if i in t]
        vertices = [tuple(self.vertices[x][j] for j in keep) for x in ks]
        tight = [self.tight[x] - {i} for x in ks]
        F = Polytope(m - 1, cons, vertices, tight)
        return F, (E, e0)

    def face(self, points):
        """The smallest face holding the given vertices, as ``(F, (E, e0))`` like :meth:`facet`.

        ``F`` is full-dimensional in its own coordinates (dimension 0 for a vertex); the map
        back composes the facet maps on the way down.

        >>> P = Polytope.box([(0, 1), (0, 1), (0, 1)])
        >>> F, (E, e0) = P.face([(_Q(1), _Q(0), _Q(0)), (_Q(1), _Q(1), _Q(0))])   # an edge
        >>> F.dim, sorted(F.vertices)
        (1, [(0,), (1,)])
        """
        points = set(points)
        Q, embed = self, None
        while True:
            inside = [v for v in Q.vertices if v in points]
            if affine_rank(inside) == Q.dim:
                return Q, embed or ([[_Q(1) if i == j else _ZERO for j in range(Q.dim)] for i in range(Q.dim)],
                                    [_ZERO] * Q.dim)
            ks = {k for k, v in enumerate(Q.vertices) if v in points}
            i = next(i for i in Q.facets() if all(i in Q.tight[k] for k in ks))
            F, inner = Q.facet(i)
            k = _pivot(Q.constraints[i][0])
            keep = [j for j in range(Q.dim) if j != k]
            points = {tuple(v[j] for j in keep) for v in points}
            embed = inner if embed is None else _compose(embed, inner)
            Q = F


def _compose(outer, inner):
    M, x0 = outer
    E, e0 = inner
    cols = len(E[0]) if E else 0
    ME = [[sum((M[r][j] * E[j][c] for j in range(len(E)) if M[r][j] and E[j][c]), _ZERO) for c in range(cols)]
          for r in range(len(M))]
    x = [x0[r] + sum((M[r][j] * e0[j] for j in range(len(e0)) if M[r][j]), _ZERO) for r in range(len(M))]
    return ME, x


def restrict(constraint, E, e0):
    """The inequality ``a . t <= b`` in the coordinates ``s`` of ``t = e0 + E s``."""
    a, b = constraint
    m = len(E[0]) if E else 0
    na = tuple(sum((a[j] * E[j][col] for j in range(len(a)) if a[j] and E[j][col]), _ZERO) for col in range(m))
    return na, b - _dot(a, e0)
