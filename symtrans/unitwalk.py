"""The skeleton under the compositional (``emulation``) prover and its checker.

Both evaluate the graph symbolically, in a polynomial ring whose generators are
the input variables, one symbol ``y_l_i`` per unit of the maxout target and one
spare symbol ``r_k`` per ReLU entry of the graph.  This module holds what both
need and what decides nothing:

* the ring and its names (:class:`UnitWalk`);
* the target's units as polynomials in the previous layer's symbols, and its
  read-out ``<a, y^L> + c`` (:func:`unit_table`);
* rigorous enclosures of every input and unit over the box, by Arb interval
  evaluation of the target (:func:`unit_enclosures`);
* one walk over the graph in a fixed topological order, dispatching each op to a
  handler from a table, other ops to their exact polynomial semantics
  (:meth:`UnitWalk.run`).

The rules that decide something (when a ReLU is linear on the box, what a
hardmax head computes, when an elementwise max is a unit) are written twice on
purpose: once in the prover (:mod:`symtrans.provers.emulation`) and once in the
checker (``symtrans/kinds/emulation/check.py``), so the checker does not inherit
a wrong decision from the prover (``docs/trust.rst``).

>>> from symtrans import Box, MaxoutNet
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> net, box = MaxoutNet.tent(1), Box([(0, 1)])      # -max(-2x, 2x - 2)
>>> walk = UnitWalk(maxout_transformer(net, box), net, box)
>>> walk.names, walk.target                            # spare ReLU symbols only when needed
(['x1', 'y_1_0'], -y_1_0)
>>> lo, hi = walk.enclosure["y_1_0"]                   # contains [-2, 0], rounded outward
>>> lo <= -2 and 0 <= hi < 10**-6
True
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ._flint import flint
from .backends import IntervalBackend, PolyBackend
from .graph import INPUTS, OP, OUTPUTS, arguments, input_variables
from .interpret import evaluate
from .ops import ReLU
from .polys import poly_key, ring
from .targets import maxout_graph

__all__ = ["UnitWalk", "Stuck", "Head", "DEFAULT", "unit_table", "unit_enclosures"]


class Stuck(Exception):
    """A step the walk cannot certify (the prover says UNKNOWN, the checker fails)."""


class _MoreSpares(Exception):
    """The walk needs a spare symbol it did not allocate (it is re-run with all of them)."""


#: A handler returns this to leave the op to its exact polynomial semantics.
DEFAULT = object()


@dataclass(frozen=True)
class Head:
    """The weights of a hardmax head with symbolic scores, kept unevaluated for the consumer.

    ``node`` is the normalisation node, ``q`` and ``k`` the queries and keys of its scores.
    """

    node: str
    q: object
    k: object


def unit_symbol(l: int, i: int) -> str:
    """The name of unit ``i`` of layer ``l`` (from 1) of the target."""
    return f"y_{l}_{i}"


def _q(R, c):
    return R.constant(flint.fmpq(c.numerator, c.denominator))


def unit_table(net, names, R):
    """``{frozenset of a unit's pieces (poly keys): its symbol}`` and the target's read-out.

    A unit's pieces are affine in the previous layer's symbols (the inputs for layer 1).
    Two units with the same pieces are the same function, so they share the first one's symbol.
    A unit whose pieces are all one polynomial, or all constants, is not a symbol but that
    polynomial, or the largest constant: exactly what the unit computes, and what a graph that
    evaluates such a unit exactly (a head with constant scores) produces.

    >>> from symtrans import MaxoutNet
    >>> net = MaxoutNet.relu(1, [[["1", "0"], ["0", "-2"], ["0", "3"]]], ["1", "1", "1", "0"])
    >>> R = ring(["x1", "y_1_0", "y_1_1", "y_1_2"])
    >>> unit_table(net, list(R.names()), R)[1]                 # relu(x), relu(-2) = 0, relu(3) = 3
    y_1_0 + 3
    """
    table = {}
    prev = [R.gen(names.index(v)) for v in names[:net.dimension]]
    for l, layer in enumerate(net.layers, 1):
        ys = []
        for i, unit in enumerate(layer):
            polys = [sum((prev[n] * _q(R, p[n]) for n in range(len(prev))), _q(R, p[-1])) for p in unit]
            pieces = frozenset(poly_key(p) for p in polys)
            if len(pieces) == 1:  # one distinct piece: the unit is that polynomial, exactly
                value = polys[0]
            elif all(p.is_constant() for p in polys):  # constant pieces (a dead or constant unit): their max
                value = max(polys, key=lambda p: p.leading_coefficient() if not p.is_zero() else 0)
            else:
                value = R.gen(names.index(unit_symbol(l, i)))
            ys.append(table.setdefault(pieces, value))  # a head over these pieces computes this value
        prev = ys
    out = sum((prev[i] * _q(R, a) for i, a in enumerate(net.output[:-1])), _q(R, net.output[-1]))
    return table, out


def unit_enclosures(net, box, names, prec: int = 64):
    """Rational enclosures ``{name: (lo, hi)}`` of the inputs and of every unit over the box."""
    G = maxout_graph(net)
    bk = IntervalBackend(prec=prec)
    layers = [f"L{l}" if any(len(u) > 1 for u in layer) else f"L{l}.p0" for l, layer in enumerate(net.layers, 1)]
    values = evaluate(G, bk, {"x": [[tuple(b) for b in box.bounds]]}, nodes=layers)
    out = {names[j]: tuple(box.bounds[j]) for j in range(net.dimension)}
    for l, node in enumerate(layers, 1):
        for i, s in enumerate(bk.to_list(values[node])[0]):
            lo, hi = bk.bounds(s)
            if lo is None:
                raise Stuck(f"unit {i} of layer {l} has an unbounded enclosure")
            out[unit_symbol(l, i)] = (lo, hi)
    return out


class UnitWalk:
    """The symbolic evaluation of a graph against a maxout target on a box.

    ``names`` are the ring's generators: the graph's input variables, the units
    ``y_l_i`` and one spare ``r_k`` per ReLU entry; ``enclosure`` maps inputs and
    units to rational intervals; ``table`` and ``target`` are :func:`unit_table`'s.
    """

    def __init__(self, G, net, box):
        variables = input_variables(G)
        if len(variables) != net.dimension or box.dimension != net.dimension:
            raise Stuck(f"the graph has {len(variables)} inputs, the target {net.dimension}, "
                        f"the box {box.dimension}")
        self.G, self.net, self.box = G, net, box
        # spare symbols for undecided ReLUs: none at first (most constructions certify every gate,
        # and a ring of one generator per ReLU entry made every product several times slower);
        # the walk is re-run with one per ReLU entry if it needs one (see run)
        relus = sum(G.nodes[n]["shape"][0] * G.nodes[n]["shape"][1] for n in G if isinstance(G.nodes[n][OP], ReLU))
        self.spares_possible = relus
        relus = self.spares_allocated = relus if getattr(self, "_all_spares", False) else 0
        units = [unit_symbol(l, i) for l, layer in enumerate(net.layers, 1) for i in range(len(layer))]
        self.names = variables + units + [f"r_{k}" for k in range(relus)]
        self.R = ring(self.names)
        self.zero = self.R.from_dict({})
        self.spare = [self.R.gen(k) for k in range(len(variables) + len(units), len(self.names))]
        self.enclosure = unit_enclosures(net, box, self.names)
        self.table, self.target = unit_table(net, self.names, self.R)

    def entry(self, A, i, j):
        """Entry ``(i, j)`` of a sparse polynomial matrix (zero when absent)."""
        return A.get(i, j, None) or self.zero

    def fresh(self, node):
        """The next spare symbol (for an undecided ReLU at ``node``)."""
        if not self.spare:
            if self.spares_allocated < self.spares_possible:
                raise _MoreSpares()
            raise Stuck(f"more undecided ReLUs than ReLU entries at {node!r}")
        return self.spare.pop(0)

    def run(self, handlers: dict):
        """Walk the graph; return the output's entry (0, 0) as a polynomial.

        ``handlers`` maps an op class to ``handler(bk, node, op, args)``; a handler
        returns the node's value (a sparse polynomial matrix or a :class:`Head`) or
        :data:`DEFAULT` for the op's own semantics.  A :class:`Head` may only be
        consumed by a handler: anything else using it is :class:`Stuck`.  A handler
        reads earlier nodes' values in ``self.values``.
        """
        try:
            return self._walk(handlers)
        except _MoreSpares:  # a gate the box does not decide: again, with a spare symbol per ReLU entry
            self._all_spares = True
            type(self).__init__(self, self.G, self.net, self.box)  # the same object: the handlers stay bound
            return self._walk(handlers)

    def _walk(self, handlers):
        G, bk = self.G, PolyBackend(self.names)
        values = self.values = {}
        order = {n: i for i, n in enumerate(G.nodes)}
        with bk.session(self.names):
            for n in nx.lexicographical_topological_sort(G, key=order.__getitem__):
                op = G.nodes[n][OP]
                if n in G.graph[INPUTS]:
                    values[n] = bk.lift_input(None, op.shape, op.variables)
                    continue
                args = [values[a] for a in arguments(G, n)]
                handler = handlers.get(type(op))
                value = DEFAULT if handler is None else handler(bk, n, op, args)
                if value is DEFAULT:
                    heads = [a.node for a in args if isinstance(a, Head)]
                    if heads:
                        raise Stuck(f"the weights of the hardmax head {heads[0]!r} are used by "
                                    f"{type(op).__name__} {n!r}, not multiplied by the head's values")
                    value = op.apply(bk, *args)
                values[n] = value
            out = values[G.graph[OUTPUTS][0]]
            if isinstance(out, Head):
                raise Stuck("the output is a hardmax head's weights")
            return self.entry(out, 0, 0)
