"""Exact integrals of piecewise polynomials over the polytope cells of a piecewise-linear graph.

The cell engine (:mod:`symtrans.regions`) cuts a box into convex polytopes on each of which
every output entry is one affine function; their interiors are disjoint and they cover the box
(the cut path is a binary space partition), so an integral over the box is the sum over the
cells.  Here the integrand on a cell is a product of at most two affine functions (an entry,
a product of two entries, or the square of one), so:

* every cell is split into simplices by a *pulling* triangulation (cone from its first vertex
  over the triangulated facets not containing it; exact, any dimension);
* on a simplex with vertices ``p_0 .. p_d`` and volume ``V = |det(p_i - p_0)| / d!``,
  ``int a = V mean(a(p_i))`` and ``int a b = V ((sum a_i)(sum b_i) + sum a_i b_i) / ((d+1)(d+2))``
  (from ``int lambda_i lambda_j = V (1 + [i = j]) / ((d+1)(d+2))`` for the barycentric coordinates);
* ``int |f|`` first cuts the cell where a factor changes sign (``Polytope.cut``), so the sign is
  constant on each piece.

Everything is exact (python-flint ``fmpq``); measure-zero faces (hardmax ties) do not matter.

>>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
>>> from symtrans.ops import Linear
>>> from symtrans.weights import Weights
>>> G = new_graph(); x = add_input(G, "x", (1, 2))
>>> _ = add_op(G, "a", Linear(Weights.from_rows([[-2], [0]]), Weights.from_rows([[1]])), [x])  # 1 - 2 x1
>>> _ = add_op(G, "b", Linear(Weights.from_rows([[0], [-2]]), Weights.from_rows([[1]])), [x])  # 1 - 2 x2
>>> set_outputs(G, ["a", "b"])
>>> box = [(0, 1), (0, 1)]
>>> integrate(G, [("a", 0, 0), ("b", 0, 0)], box, "abs")[0], integrate(G, [("a", 0, 0)], box, "square")[0]
(1/4, 1/3)
"""

from __future__ import annotations

from math import factorial

from ._flint import flint
from .budget import checkpoint
from .errors import SpecError
from .polytope import Polytope, affine_rank
from .regions import enumerate_cells

__all__ = ["integrate", "simplices", "simplex_volume", "MODES"]

#: What is integrated: ``signed`` (the product itself), ``abs`` (its absolute value), ``square``.
MODES = ("signed", "abs", "square")

_Q = flint.fmpq


def simplices(P: Polytope) -> list:
    """A triangulation of the polytope: lists of ``dim + 1`` vertices (exact tuples).

    >>> len(simplices(Polytope.box([(0, 1), (0, 1), (0, 1)])))
    6
    """
    return [[P.vertices[k] for k in s] for s in _pull(P, tuple(range(len(P.vertices))), P.dim)]


def _pull(P, face, dim):
    if dim == 0:
        return [[face[0]]]
    apex = face[0]
    out, seen = [], set()
    constraints = set().union(*(P.tight[k] for k in face)) - set.intersection(*(set(P.tight[k]) for k in face))
    for c in sorted(constraints):
        sub = tuple(k for k in face if c in P.tight[k])
        if apex in sub or sub in seen or len(sub) < dim:
            continue
        if affine_rank([P.vertices[k] for k in sub]) != dim - 1:
            continue
        seen.add(sub)
        out.extend([apex] + s for s in _pull(P, sub, dim - 1))
    return out


def simplex_volume(points) -> object:
    """``|det(p_i - p_0)| / d!`` exactly."""
    d = len(points) - 1
    rows = [[_Q(x) - _Q(y) for x, y in zip(p, points[0])] for p in points[1:]]
    det = flint.fmpq_mat(d, d, [x for r in rows for x in r]).det() if d else _Q(1)
    return abs(det) / factorial(d)


def _on_simplex(points, factors):
    """``int prod factors`` over a simplex, for one or two affine factors (``Affine`` objects)."""
    d = len(points) - 1
    V = simplex_volume(points)
    values = [[f.at(p) for p in points] for f in factors]
    if len(values) == 1:
        return V * sum(values[0]) / (d + 1)
    a, b = values
    return V * (sum(a) * sum(b) + sum(x * y for x, y in zip(a, b))) / ((d + 1) * (d + 2))


def _pieces_by_sign(P, factors):
    """Cut ``P`` where any factor changes sign; yields ``(piece, sign of the product)``."""
    todo = [(P, 0)]
    while todo:
        Q, k = todo.pop()
        if k == len(factors):
            c = Q.centroid()
            s = 1
            for f in factors:
                if f.at(c) < 0:
                    s = -s
            yield Q, s
            continue
        neg, pos = Q.cut(factors[k].hyperplane()) if not factors[k].is_constant() else (None, Q)
        for piece in (neg, pos):
            if piece is not None:
                todo.append((piece, k + 1))


def integrate(G, entries, box, mode: str = "signed"):
    """``(value, cells, simplices)``: the exact integral over ``box`` of the product of the ``entries``.

    ``entries``: one or two ``(node, row, col)`` of the graph (piecewise linear on the box);
    ``mode``: ``signed``, ``abs`` or ``square`` (one entry, squared).
    """
    if mode not in MODES:
        raise SpecError(f"mode {mode!r}", field="mode", expected=" or ".join(MODES))
    if not 1 <= len(entries) <= 2 or (mode == "square" and len(entries) != 1):
        raise SpecError(f"{len(entries)} factors with mode {mode!r}", field="entries",
                        expected="one or two factors (one for 'square'): the integrand has degree at most 2")
    nodes = sorted({n for n, _, _ in entries})
    leaves = enumerate_cells(G, nodes, Polytope.box(box))
    total, count = _Q(0), 0
    for leaf in leaves:
        checkpoint()
        factors = [leaf.entry(n, r, c) for n, r, c in entries]
        if mode == "square":
            factors = factors * 2
        pieces = _pieces_by_sign(leaf.cell, factors) if mode == "abs" else [(leaf.cell, 1)]
        for piece, sign in pieces:
            for s in simplices(piece):
                total += sign * _on_simplex(s, factors)
                count += 1
    return total, len(leaves), count
