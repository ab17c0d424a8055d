"""Regions of a piecewise-linear graph on a polytope: cells, linear regions, tie faces.

Graph algorithms over the exact cell backend (:mod:`symtrans.backends.cells`):
:func:`enumerate_cells` cuts a polytope wherever a max, ReLU or hardmax decision of the
graph changes and resumes the evaluation on each side; the leaves are the
**activation cells** refined into convex pieces, each with its values (one affine map
per entry), its decision *pattern* and its cut *path* (a binary-space-partition proof
that the leaves cover the domain).  :func:`count_regions` joins cells with equal maps
across shared facets into **linear regions**; :func:`common_cells` refines one graph's
cells by another's; :func:`check_ties` compares two graphs on the faces where a hardmax
ties, one dimension lower, down to points.

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

import collections

from ._flint import flint
from .budget import checkpoint, progress
from .backends.cells import Affine, CellBackend, Split
from .errors import SymtransError
from .graph import input_variables
from .interpret import plan
from .ops import MatMul
from .parallel import map_ordered, workers
from .polytope import _compose, hyperplane_key, restrict

__all__ = ["Leaf", "enumerate_cells", "leaves_on", "leaves_along", "compose", "count_regions", "region_labels", "adjacent", "common_cells",
           "tie_faces", "check_ties", "embed_point", "embedded_vertices", "differing_point"]

_Q = flint.fmpq
_ZERO = _Q(0)


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

    The leaves come in depth-first order, the side ``-1`` of each cut first: that is the order
    of their cut signs read as words (two leaves first differ at a cut their common ancestor
    made, where ``-1`` sorts first).  With a pool of workers in scope
    (:mod:`symtrans.parallel`) a top-level enumeration cuts breadth-first until it holds four
    pieces per worker, enumerates the pieces on the pool, and sorts the leaves by that word:
    the same leaves in the same order as serially.
    """
    steps = _plan(G, nodes) if steps is None else steps
    variables = input_variables(G) if variables is None else variables
    cache = {} if cache is None else cache
    absorbing = _absorbing_products(steps, nodes)
    top = not path and embed is None  # not a face's enumeration, not a target's inside a cell
    entry = (cell, {}, 0, (), tuple(path), ())
    if top and workers() > 1:
        return _enumerate_on_pool(G, nodes, entry, variables, steps, cache, absorbing, 4 * workers())
    return _depth_first(G, nodes, [entry], embed, variables, steps, cache, absorbing, top)


def _depth_first(G, nodes, stack, embed, variables, steps, cache, absorbing, top=False):
    leaves = []
    while stack:
        checkpoint()  # a time limit in force stops here, between cells
        out = _advance(G, nodes, stack.pop(), embed, variables, steps, cache, absorbing)
        if isinstance(out, Leaf):
            if top:
                progress(len(leaves) + 1, None, "cells")
            leaves.append(out)
        else:
            neg, pos = out
            stack.append(pos)
            stack.append(neg)  # popped first: side -1 before side +1
    return leaves


def _subtree(G, nodes, entry, variables, steps):
    """The leaves under one piece of a pooled enumeration (a unit of parallel work)."""
    absorbing = _absorbing_products(steps, nodes)
    return _depth_first(G, nodes, [entry], None, variables, steps, {}, absorbing)


def _signs(leaf):
    return tuple(sign for _, _, sign in leaf.path)


def _enumerate_on_pool(G, nodes, entry, variables, steps, cache, absorbing, pieces):
    queue, leaves = collections.deque([entry]), []
    while queue and len(queue) < pieces:
        checkpoint()
        out = _advance(G, nodes, queue.popleft(), None, variables, steps, cache, absorbing)
        if isinstance(out, Leaf):
            leaves.append(out)
        else:
            queue.extend(out)
    for part in map_ordered(_subtree, [(G, nodes, e, variables, steps) for e in queue]):
        leaves.extend(part)
    leaves.sort(key=_signs)
    return leaves


def _advance(G, nodes, entry, embed, variables, steps, cache, absorbing, cut=True):
    """Resume the evaluation of one stack entry: its :class:`Leaf`, or the two entries of the cut
    that the next undecided decision makes (side ``-1``, side ``+1``).

    ``cut=False``: the state to resume from instead, ``(values, step, trace, ties)``, whether a
    decision was undecided (at that step) or none was (past the last step), for a caller that
    cuts the cell its own way (:func:`leaves_along`)."""
    P, values, start, trace, cuts, ties = entry
    bk = CellBackend(P, variables, embed, cache)
    bk.trace = list(trace)
    bk.ties = list(ties)
    values = dict(values)
    shared = _shared_results(cache)
    k = start
    try:
        for k in range(start, len(steps)):
            n, op, args, is_input = steps[k]
            mark, tmark = len(bk.trace), len(bk.ties)
            bk.node = n
            try:
                if is_input:  # one lift per embedding, so that the ops after it are shared too
                    key = ("input", n, bk.m, id(embed))
                    hit = shared.get(key)
                    if hit is None or hit[0] is not embed:
                        hit = shared[key] = (embed, bk.lift_input(None, G.nodes[n]["shape"], op.variables))
                    values[n] = hit[1]
                else:
                    values[n] = _apply_shared(bk, n, op, [values[a] for a in args], shared, mark)
            except SymtransError as exc:
                raise exc.at(node=n) from None
            if n in absorbing and bk.ties:
                bk.ties = _unabsorbed(bk, P, values, *absorbing[n])
    except Split as s:
        prefix = tuple(bk.trace[:mark])
        kept = tuple(bk.ties[:tmark])
        if not cut:
            return values, k, prefix, kept
        neg, pos = P.cut(s.h)
        a, c = s.h
        return ((neg, values, k, prefix, cuts + ((a, c, -1),), kept),
                (pos, values, k, prefix, cuts + ((a, c, 1),), kept))
    if not cut:
        return values, len(steps), tuple(bk.trace), tuple(bk.ties)
    faces = {frozenset(t.face(P.vertices)) for t in bk.ties}
    return Leaf(P, {n: values[n] for n in nodes}, tuple(bk.trace), cuts, tuple(f for f in faces if f))


#: Results kept for sharing between the cells of one enumeration (beyond this many the memory
#: is released and the sharing starts again: a bound on memory, never on correctness).
SHARED_RESULTS = 20_000


def _shared_results(cache) -> dict:
    shared = cache.get("shared results")
    if shared is None or len(shared) > SHARED_RESULTS:
        shared = cache["shared results"] = {}
    return shared


def _apply_shared(bk, n, op, inputs, shared, mark):
    """``op.apply(bk, *inputs)``, sharing results between the cells of an enumeration.

    Sibling cells inherit their parent's values (the same objects), so most ops see the very
    inputs they saw in another cell.  An op that did not look at its cell (no sign, no winner:
    :attr:`CellBackend.looks`) is a function of its inputs, and its result is reused, its trace
    replayed.  An op whose every look is recorded in the trace is a function of its inputs and
    that trace: it is evaluated (the decisions and tie faces are this cell's), and an equal
    earlier result of the same decisions is used in place of the new one, so that the ops after
    it see shared inputs too.  The entry keeps its inputs alive, so their ``id`` s are not reused.
    """
    key = (n, bk.m, *map(id, inputs))
    hit = shared.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], inputs)):
        bk.trace.extend(hit[2])
        return hit[1]
    looks, unrecorded = bk.looks, bk.unrecorded
    out = op.apply(bk, *inputs)
    decisions = tuple(bk.trace[mark:])
    if bk.looks == looks:
        shared[key] = (inputs, out, decisions)
    elif bk.unrecorded == unrecorded:
        key = key + (decisions,)
        hit = shared.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], inputs)):
            return hit[1]
        shared[key] = (inputs, out)
    return out


def _absorbing_products(steps, nodes) -> dict:
    """Products ``A @ B`` whose ``A`` feeds nothing else (and is not wanted): ``{product: (A, B,
    transpose_b)}``.  A hardmax tie in ``A`` cannot change the product where the tied rows of
    ``B`` agree (:func:`_unabsorbed`)."""
    uses = {}
    for n, _, args, _ in steps:
        for a in args:
            uses.setdefault(a, []).append(n)
    wanted = set(nodes)
    return {n: (args[0], args[1], op.transpose_b) for n, op, args, _ in steps
            if isinstance(op, MatMul) and uses.get(args[0]) == [n] and args[1] != args[0]
            and args[0] not in wanted}


def _unabsorbed(bk, P, values, a, b, transpose_b) -> list:
    """The ties still able to make the network jump after the product ``values[a] @ B``.

    On the face of ``P`` where a tie of row ``i`` of ``a`` holds, the hardmax averages the loser's
    row of ``B`` in with the winners'; the product's row ``i`` is unchanged there when the loser's
    row equals the winners' mean on that face, which (the rows being affine) holds on the face
    exactly when it holds at the face's vertices.  Such a tie is dropped: ``a`` feeds only this
    product, so the network on the face is the continuous extension of its values on ``P``.
    """
    B = values[b]
    if transpose_b:
        B = bk.transpose(B)
    zero, cols = bk.zero(), range(B.shape[1])
    kept = []
    for t in bk.ties:
        if t.node != a:
            kept.append(t)
            continue
        face = t.face(P.vertices)
        if not face:
            continue  # the gap no longer vanishes on this (smaller) cell
        share = _Q(1, len(t.winners))
        for c in cols:
            diff = B.get(t.loser, c, zero)
            for w in t.winners:
                diff = diff - B.get(w, c, zero).scaled(share)
            if not diff.is_zero() and any(diff.at(v) != 0 for v in face):
                kept.append(t)
                break
    return kept


def _plan(G, nodes):
    return plan(G, nodes, outputs=False)[1]


def compose(outer, inner):
    """The embedding ``x = x0 + M (e0 + E s)`` as ``(M E, x0 + M e0)``; ``outer=None`` is identity."""
    return inner if outer is None else _compose(outer, inner)


def _facet_records(leaf):
    """``(hyperplane key, side, facet index)`` for every facet of a leaf."""
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
    hvars, hsteps = input_variables(H), _plan(H, [hnode])
    net = enumerate_cells(G, [gnode], cell, embed, path)
    cells = [(leaf.cell, leaf.path) for leaf in net]
    if workers() > 1 and embed is None and not path:  # the refinement of each piece of cells on the pool
        size = -(-len(cells) // (4 * workers()))
        parts = map_ordered(leaves_on, [(H, hnode, cells[k:k + size], embed, hvars, hsteps)
                                        for k in range(0, len(cells), size)])
    else:
        parts = [leaves_on(H, hnode, cells, embed, hvars, hsteps)]
    subs = [leaf_subs for part in parts for leaf_subs in part]
    out = []
    for leaf, mine in zip(net, subs):
        f = leaf.entry(gnode, *grc)
        for sub in mine:
            out.append((sub.cell, f, sub.entry(hnode, *hrc), sub.path, sub))
    return net, out


def leaves_on(G, node, cells, embed=None, variables=None, steps=None):
    """``G``'s leaves for ``node`` on each of ``cells`` (``(polytope, path)`` pairs), with one plan
    and one store of shared results for all of them (a unit of parallel work).

    >>> from symtrans.polytope import Polytope
    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> halves = Polytope.box([(-1, 1), (-1, 1)]).cut(((_Q(1), _Q(0)), _ZERO))
    >>> [len(leaves) for leaves in leaves_on(maxout_graph(MaxoutNet.max_of(2)), "f", [(P, ()) for P in halves])]
    [2, 2]
    """
    variables = input_variables(G) if variables is None else variables
    steps = _plan(G, [node]) if steps is None else steps
    cache = {}
    return [enumerate_cells(G, [node], P, embed, path, variables, steps, cache) for P, path in cells]


def leaves_along(G, node, tree):
    """``G``'s leaves for ``node`` on each leaf of a given cut tree, evaluated down the tree.

    ``tree`` is ``(polytope, index)`` for a leaf or ``(polytope, (a, b), le, ge)`` for a cell cut
    by ``a . t + b = 0`` into the subtrees ``le`` (its side ``<= 0``) and ``ge``; the checker
    builds it from a certificate (each cut must split its cell).  Each internal cell is evaluated
    until its first undecided decision, once, and its subtrees resume from there, as
    :func:`enumerate_cells` resumes from its own cuts: every decision made on a cell holds on the
    smaller cells below it.  Returns ``[(index, leaves)]`` in the tree's order (``le`` first); a
    tree leaf on which ``G`` is still undecided has more than one leaf.

    >>> from symtrans.polytope import Polytope
    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> box = Polytope.box([(-1, 1), (-1, 1)])
    >>> le, ge = box.cut(((_Q(1), _Q(0)), _ZERO))
    >>> G = maxout_graph(MaxoutNet.max_of(2))
    >>> [(k, len(leaves)) for k, leaves in leaves_along(G, "f", (box, ((_Q(1), _Q(0)), _ZERO), (le, 0), (ge, 1)))]
    [(0, 2), (1, 2)]
    """
    variables, steps = input_variables(G), _plan(G, [node])
    cache, absorbing, nodes = {}, _absorbing_products(steps, [node]), [node]
    out, stack = [], [(tree, (tree[0], {}, 0, (), (), ()))]
    while stack:
        t, entry = stack.pop()
        if len(t) == 2:
            out.append((t[1], _depth_first(G, nodes, [entry], None, variables, steps, cache, absorbing)))
            continue
        _, (a, c), le, ge = t
        values, k, trace, ties = _advance(G, nodes, entry, None, variables, steps, cache, absorbing, cut=False)
        cuts = entry[4]
        stack.append((ge, (ge[0], values, k, trace, cuts + ((a, c, 1),), ties)))
        stack.append((le, (le[0], values, k, trace, cuts + ((a, c, -1),), ties)))
    return out


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
    gcache, hcache = {}, {}
    while todo:
        nxt = []
        for group, emb0 in todo:
            for F, emb in tie_faces(group, emb0, seen):
                if not count:  # the plans, when there is a face to check
                    gsteps, hsteps = _plan(G, [gnode]), _plan(H, [hnode])
                    gvars, hvars = input_variables(G), input_variables(H)
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
