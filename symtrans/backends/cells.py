"""Exact piecewise-affine evaluation over a rational polytope, any number of inputs.

This is the ``d >= 1`` form of ARCHITECTURE's ``pwl`` backend.  On a convex
:class:`~symtrans.polytope.Polytope` cell ``P`` every value is a sparse matrix
of exact affine functions of the cell's coordinates (:class:`Affine`).  A
max, ReLU, max-reduction or hardmax row whose choice is the same on the whole
interior of ``P`` is decided exactly (by the signs of the difference at the
vertices of ``P``: an affine function is ``>= 0`` on ``P`` iff it is at every
vertex).  When the choice changes inside ``P`` the backend raises
:class:`Split` with the hyperplane, and :func:`enumerate_cells` cuts ``P`` in
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

>>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
>>> from symtrans.ops import ReLU, Reduce
>>> from symtrans.polytope import Polytope
>>> G = new_graph(); x = add_input(G, "x", (1, 2))
>>> _ = add_op(G, "m", Reduce("max", 1), [x]); _ = add_op(G, "r", ReLU(), ["m"]); set_outputs(G, ["r"])
>>> leaves = enumerate_cells(G, ["r"], Polytope.box([(-1, 1), (-1, 1)]))
>>> sorted(str(leaf.entry("r")) for leaf in leaves)
['0', '0', 'x1', 'x2']
>>> count_regions(leaves, lambda leaf: leaf.entry("r")), len({leaf.pattern for leaf in leaves})
(3, 4)
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import BackendError, EvaluationError, SymtransError
from .base import ScalarBackend, refuse
from .rational import exact_exp, exact_sqrt
from ._flint import flint

__all__ = ["Affine", "CellBackend", "Split", "Leaf", "enumerate_cells", "compose", "count_regions", "region_labels", "adjacent",
           "common_cells", "tie_faces", "check_ties", "embed_point", "embedded_vertices", "differing_point"]

_Q = flint.fmpq
_ZERO = _Q(0)


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
        return Affine(tuple(x + y for x, y in zip(self.c, other.c)))

    def __sub__(self, other):
        return Affine(tuple(x - y for x, y in zip(self.c, other.c)))

    def __neg__(self):
        return Affine(tuple(-x for x in self.c))

    def __mul__(self, other):
        if self.is_constant():
            k = self.c[-1]
            return Affine(tuple(k * y for y in other.c))
        if other.is_constant():
            k = other.c[-1]
            return Affine(tuple(k * y for y in self.c))
        raise BackendError(f"the pwl backend cannot multiply two input-dependent values ({self} and {other}): "
                           "the product is not affine",
                           expected="products where one side is constant (affine scores, constant queries)")

    def scaled(self, k):
        return Affine(tuple(k * y for y in self.c))

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

    def __repr__(self):
        return f"CellBackend({self.cell!r})"

    # -- constants are the same on every cell of one enumeration: lift them once -------------------
    def const(self, W):
        key = ("const", id(W), self.m)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not W:
            hit = self._cache[key] = (W, super().const(W))
        return hit[1]

    def fill(self, rows, cols, value):
        key = ("fill", rows, cols, value, self.m)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = super().fill(rows, cols, value)
        return hit

    # -- scalar hooks --------------------------------------------------------------------------------
    def _s_from_fraction(self, f: Fraction):
        return Affine.constant(_Q(f.numerator, f.denominator), self.m)

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
        s = self.cell.sign(d.hyperplane())
        if s == 0:
            raise Split(d.hyperplane())
        return s

    def _s_max(self, a, b):
        d = a - b
        if d.is_zero():
            self.trace.append(0)
            return a
        s = self._sign(d)
        self.trace.append(0 if s > 0 else 1)
        return a if s > 0 else b

    def _s_cmp(self, a, b):
        d = a - b
        return 0 if d.is_zero() else self._sign(d)

    def _s_lt(self, a, b):
        return self._s_cmp(a, b) < 0

    def _s_le(self, a, b):
        return self._s_cmp(a, b) <= 0

    def _s_eq(self, a, b):
        return (a - b).is_zero()

    # -- row decisions, recorded by their winners ---------------------------------------------------
    def _winners(self, vals, ties=False):
        """Indices attaining the row maximum on the whole cell (identical functions tie).

        With ``ties``, each loser whose gap to the winner vanishes at a vertex of the cell is
        recorded in :attr:`ties`: on the face where it vanishes a hardmax may tie and jump;
        everywhere else on the cell's closure the network is continuous.
        """
        c = self.cell.centroid()
        best = max(range(len(vals)), key=lambda j: vals[j].at(c))
        top = vals[best]
        winners = []
        for j, v in enumerate(vals):
            d = top - v
            if d.is_zero():
                winners.append(j)
                continue
            if d.is_constant():
                continue
            at = self.cell.values(d.hyperplane())
            if any(s < 0 for s in at):
                raise Split(d.hyperplane())
            if ties and any(s == 0 for s in at):
                self.ties.append(d)
        self.trace.append(tuple(winners))
        return winners

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
            winners = self._winners(vals, ties=True)
            w = Affine.constant(_Q(1, len(winners)), self.m)
            items.extend(((i, cols[j]), w) for j in winners)
        return self._build(S.shape, items)


class Leaf:
    """One cell of the enumeration: its polytope, values, decision pattern and cut path.

    ``ties``: vertex sets of the faces of the closed cell where some hardmax row's winner
    ties with a loser (the only places where the network may differ from the continuous
    extension of its values on the cell).
    """

    __slots__ = ("cell", "values", "pattern", "path", "ties")

    def __init__(self, cell, values, pattern, path, ties=()):
        self.cell = cell
        self.values = values
        self.pattern = pattern
        self.path = path
        self.ties = ties

    def entry(self, node, row=0, col=0):
        """The affine function ``node[row, col]`` on this cell."""
        M = self.values[node]
        return M.get(row, col, Affine.constant(_ZERO, self.cell.dim))

    def __repr__(self):
        return f"Leaf({self.cell!r}, {len(self.path)} cuts)"


def enumerate_cells(G, nodes, cell, embed=None, path=(), variables=None, steps=None, cache=None):
    """Every leaf cell of ``nodes`` of ``G`` on the polytope ``cell`` (see the module docstring).

    ``path`` is prepended to every leaf's path (for nested enumerations).  The graph must
    be valid and have no free parameters.  ``steps`` is ``G``'s evaluation plan for ``nodes``
    (:func:`symtrans.interpret.plan`) and ``cache`` a dict of lifted constants, for callers
    that enumerate one graph many times.
    """
    from ..graph import input_variables

    steps = _plan(G, nodes) if steps is None else steps
    variables = input_variables(G) if variables is None else variables
    cache = {} if cache is None else cache
    stack = [(cell, {}, 0, (), tuple(path), ())]
    leaves = []
    while stack:
        P, values, start, trace, cuts, ties = stack.pop()
        bk = CellBackend(P, variables, embed, cache)
        bk.trace = list(trace)
        bk.ties = list(ties)
        values = dict(values)
        k = start
        try:
            for k in range(start, len(steps)):
                n, op, args, is_input = steps[k]
                mark, tmark = len(bk.trace), len(bk.ties)
                try:
                    if is_input:
                        values[n] = bk.lift_input(None, G.nodes[n]["shape"], op.variables)
                    else:
                        values[n] = op.apply(bk, *[values[a] for a in args])
                except SymtransError as exc:
                    raise exc.at(node=n) from None
        except Split as s:
            neg, pos = P.cut(s.h)
            prefix = tuple(bk.trace[:mark])
            a, c = s.h
            kept = tuple(bk.ties[:tmark])
            stack.append((pos, values, k, prefix, cuts + ((a, c, 1),), kept))
            stack.append((neg, values, k, prefix, cuts + ((a, c, -1),), kept))
            continue
        faces = {frozenset(v for v in P.vertices if d.at(v) == 0) for d in bk.ties}
        leaves.append(Leaf(P, {n: values[n] for n in nodes}, tuple(bk.trace), cuts,
                           tuple(f for f in faces if f)))
    return leaves


def _plan(G, nodes):
    from ..interpret import plan

    return plan(G, nodes, outputs=False)[1]


def compose(outer, inner):
    """The embedding ``x = x0 + M (e0 + E s)`` as ``(M E, x0 + M e0)``; ``outer=None`` is identity."""
    from ..polytope import _compose

    return inner if outer is None else _compose(outer, inner)


def _facet_records(leaf):
    """``(hyperplane key, side, facet index)`` for every facet of a leaf."""
    from ..polytope import hyperplane_key

    P = leaf.cell
    out = []
    for i in P.facets():
        a, b = P.constraints[i]
        key, side = hyperplane_key(a, b)
        out.append((key, side, i))
    return out


def adjacent(P, i, Q, j) -> bool:
    """Whether facet ``i`` of ``P`` and facet ``j`` of ``Q`` (on one hyperplane) overlap in a
    set of full dimension within it, i.e. ``P`` and ``Q`` share a piece of a facet."""
    from ..polytope import restrict

    F, (E, e0) = P.facet(i)
    others = [restrict(c, E, e0) for k, c in enumerate(Q.constraints) if k != j]
    return F.meets_interior([(a, b) for a, b in others if any(a)] +
                            [((), b) for a, b in others if not any(a) and b < 0])


def count_regions(leaves, key) -> int:
    """Linear regions: connected components of leaves with equal ``key(leaf)`` (the affine map)
    joined across shared facets (see :func:`region_labels`)."""
    return len(set(region_labels(leaves, key)))


def region_labels(leaves, key) -> list:
    """For each leaf, the index of its linear region: connected components of leaves with
    equal ``key(leaf)`` (the affine map) joined across shared facets.

    Two leaves are joined when they lie on opposite sides of one hyperplane and their facets
    on it overlap in a set of dimension ``m - 1`` (decided exactly, :func:`adjacent`); a
    bounding-box test skips pairs that cannot touch.
    """
    parent = list(range(len(leaves)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    keys = [key(leaf) for leaf in leaves]
    planes = {}
    for n, leaf in enumerate(leaves):
        for hk, side, i in _facet_records(leaf):
            planes.setdefault(hk, ([], []))[0 if side > 0 else 1].append((n, i))
    boxes = {}

    def bbox(n):
        if n not in boxes:
            boxes[n] = leaves[n].cell.bounding_box()
        return boxes[n]

    for plus, minus in planes.values():
        for n, i in plus:
            for k, j in minus:
                if keys[n] != keys[k] or find(n) == find(k):
                    continue
                if any(hi1 < lo2 or hi2 < lo1 for (lo1, hi1), (lo2, hi2) in zip(bbox(n), bbox(k))):
                    continue
                if adjacent(leaves[n].cell, i, leaves[k].cell, j):
                    parent[find(n)] = find(k)
    roots = {}
    return [roots.setdefault(find(n), len(roots)) for n in range(len(leaves))]


def common_cells(G, gnode, H, hnode, cell, embed=None, path=(), grc=(0, 0), hrc=(0, 0)):
    """The common refinement of ``G``'s and ``H``'s cells on ``cell``.

    Returns ``(net_leaves, pieces)``: the leaves of ``G`` alone, and a list of
    ``(sub-cell, G's affine map, H's affine map, path, H's leaf)``, one per cell of the
    refinement (both graphs are affine on each; ``H``'s leaf carries its own tie faces).  Both graphs read their inputs
    by position through the same ``embed``.
    """
    from ..graph import input_variables

    hvars, hsteps, cache = input_variables(H), _plan(H, [hnode]), {}
    net = enumerate_cells(G, [gnode], cell, embed, path)
    out = []
    for leaf in net:
        f = leaf.entry(gnode, *grc)
        for sub in enumerate_cells(H, [hnode], leaf.cell, embed, leaf.path, hvars, hsteps, cache):
            out.append((sub.cell, f, sub.entry(hnode, *hrc), sub.path, sub))
    return net, out


def embedded_vertices(P, embed):
    """The vertices of ``P`` in input coordinates (``embed=None``: as they are)."""
    return [embed_point(v, embed) for v in P.vertices]


def tie_faces(leaves, embed=None, seen=None):
    """The faces of ``leaves`` where a hardmax may jump, as ``(face, embed of the face)``.

    Each distinct face (by its vertices in input coordinates) is yielded once; ``seen``
    carries that memory across calls.  At every other point of a leaf's closure each hardmax
    row has a unique winner, so by induction over the graph the network there is the
    continuous extension of its affine maps on the leaf.
    """
    seen = set() if seen is None else seen
    for leaf in leaves:
        for vs in leaf.ties:
            F, inner = leaf.cell.face(vs)
            emb = compose(embed, inner)
            key = frozenset(embedded_vertices(F, emb))
            if key in seen:
                continue
            seen.add(key)
            yield F, emb


def check_ties(G, gnode, H, hnode, leaves, embed=None, grc=(0, 0), hrc=(0, 0)):
    """Compare ``G`` and ``H`` on every tie face of ``G``'s ``leaves``, recursively (entries
    ``grc`` of ``gnode`` and ``hrc`` of ``hnode``).  Where ``H`` may jump too, call it again
    with the roles swapped.

    Returns ``(faces checked, None)`` when they agree everywhere there, else
    ``(faces checked, (sub-cell, f, g, embed))`` for a sub-cell of a face where they differ.
    """
    seen, todo, count = set(), [(leaves, embed)], 0
    gsteps, hsteps, gvars, hvars = _plan(G, [gnode]), _plan(H, [hnode]), _input_variables(G), _input_variables(H)
    gcache, hcache = {}, {}
    while todo:
        nxt = []
        for group, emb0 in todo:
            for F, emb in tie_faces(group, emb0, seen):
                count += 1
                net = enumerate_cells(G, [gnode], F, emb, (), gvars, gsteps, gcache)
                for leaf in net:
                    f = leaf.entry(gnode, *grc)
                    for sub in enumerate_cells(H, [hnode], leaf.cell, emb, (), hvars, hsteps, hcache):
                        g = sub.entry(hnode, *hrc)
                        if f != g:
                            return count, (sub.cell, f, g, emb)
                nxt.append((net, emb))
        todo = nxt
    return count, None


def _input_variables(G):
    from ..graph import input_variables

    return input_variables(G)


def embed_point(t, embed):
    """A point ``t`` of a face's coordinates in input coordinates."""
    if embed is None:
        return tuple(t)
    E, e0 = embed
    return tuple(e0[r] + sum((E[r][c] * t[c] for c in range(len(t)) if E[r][c]), _ZERO) for r in range(len(E)))


def differing_point(cell, f, g):
    """A point of the (relative) interior of ``cell`` where the affine maps ``f != g`` differ."""
    c = cell.centroid()
    if f.at(c) != g.at(c):
        return c
    for v in cell.vertices:
        if f.at(v) != g.at(v):
            return tuple((x + y) / 2 for x, y in zip(c, v))
    raise ValueError("the maps agree on the cell")  # pragma: no cover - f != g on a full-dimensional cell
