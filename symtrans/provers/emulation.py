"""Compositional proof that a transformer emulates a maxout network, block by block.

No region is enumerated: the proof is a symbolic evaluation of the graph in
which every unit's output ``y^l_i`` of the maxout target is a symbol, and it
costs time linear in the size of the network, in any input dimension.

* **Enclosures.**  Each symbol ``y^l_i`` gets a rigorous rational enclosure over
  the box (Arb interval evaluation of the target); each input variable ranges
  over its interval.
* **ReLU.**  The argument of every ReLU is an affine polynomial in the symbols.
  If its enclosure over the symbols' enclosures is ``>= 0`` (``<= 0``) the ReLU
  is the identity (zero) on the whole box: the gate is certified.  Otherwise
  ``relu(p)`` becomes a symbol of its own, shared by ``p`` and ``-p`` through the
  exact identity ``relu(-p) = relu(p) - p`` (so ``relu(G) - relu(-G) = G``
  cancels, as in R2''s register clearing).
* **Hardmax attention.**  A head whose queries are positive constants and whose
  keys equal its values (one dimension) returns ``max_s key_s`` in every token
  (ties average equal values).  If the keys are exactly the pieces of a unit of
  the target, as polynomials in the previous layer's symbols, the head's output
  is that unit's symbol.  Heads whose scores are constants are evaluated
  exactly (uniform attention).
* **Conclusion.**  If the read-out equals ``<a, y^L> + c`` as a polynomial, the
  network equals the target at every point of the box: PROVED.

Every symbolic value, evaluated at ``(x, y(x))``, is the node's true value at
``x`` (induction over the graph; the enclosures contain the true ``(x, y(x))``),
which is the proof.  When a step cannot be certified the verdict is UNKNOWN,
after a search for an exact rational counterexample (REFUTED if one is found).

>>> from symtrans import Box, Claim, MaxoutNet, verify
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> net = MaxoutNet(2, [[[[1, 1, 0], [-1, 2, 0], [0, -1, 1]]]], [1, 0])   # max of three planes
>>> box = Box([(-1, 1), (-1, 1)])
>>> c = verify(maxout_transformer(net, box), Claim("emulation", net, domain=box))
>>> c.verdict, c.method, c.evidence["certified_gates"], c.evidence["max_heads"]
('PROVED', 'emulation', 9, 1)
"""

from __future__ import annotations


import networkx as nx

from ..backends import IntervalBackend, PolyBackend
from ..backends.base import SparseMatrix
from ..graph import INPUTS, OP, OUTPUTS, arguments, input_variables
from ..interpret import evaluate
from ..ops import MatMul, Maximum, Normalize, ReLU, Scores
from ..polys import affine_range, poly_key
from ..polys import ring as poly_ring
from ..targets import maxout_graph

__all__ = ["_Prover", "_Unknown"]


class _Unknown(Exception):
    pass


def _symbol_name(l, i):
    return f"y_{l}_{i}"


def _target_pieces(net, names, R):
    """Each unit's pieces as polynomials in the previous layer's symbols -> that unit's symbol."""
    table = {}
    prev = [R.gen(names.index(v)) for v in names[:net.dimension]]
    for l, layer in enumerate(net.layers, 1):
        ys = []
        for i, unit in enumerate(layer):
            pieces = frozenset(poly_key(sum((prev[n] * R.constant(p[n].numerator) / p[n].denominator
                                         for n in range(len(prev))),
                                        R.constant(p[-1].numerator) / p[-1].denominator))
                               for p in unit)
            # a unit with the same pieces as an earlier one is the same function: one symbol
            ys.append(table.setdefault(pieces, R.gen(names.index(_symbol_name(l, i)))))
        prev = ys
    out = sum((prev[i] * R.constant(a.numerator) / a.denominator for i, a in enumerate(net.output[:-1])),
              R.constant(net.output[-1].numerator) / net.output[-1].denominator)
    return table, out


def _enclosures(net, box, names):
    """Rational enclosures of the inputs and of every unit of the target over the box."""
    G = maxout_graph(net)
    bk = IntervalBackend(prec=64)
    layers = [f"L{l}" if len(max(layer, key=len)) > 1 else f"L{l}.p0" for l, layer in enumerate(net.layers, 1)]
    values = evaluate(G, bk, {"x": [[tuple(b) for b in box.bounds]]}, nodes=layers)
    out = {names[j]: box.bounds[j] for j in range(net.dimension)}
    for l, node in enumerate(layers, 1):
        for i, s in enumerate(bk.to_list(values[node])[0]):
            lo, hi = bk.bounds(s)
            if lo is None:
                raise _Unknown(f"layer {l} has an unbounded enclosure")
            out[_symbol_name(l, i)] = (lo, hi)
    return out


class _Prover:
    def __init__(self, G, net, box):
        self.G, self.net, self.box = G, net, box
        self.names = input_variables(G) + [_symbol_name(l, i) for l, layer in enumerate(net.layers, 1)
                                           for i in range(len(layer))]
        self.relu_symbols = {}
        self.gates = 0
        self.max_heads = 0

    def run(self):
        # the ReLU symbols are created as they are met; the ring grows, so work with sympy-free flint
        # polynomials over a ring large enough for the worst case
        relus = sum(1 for n in self.G if isinstance(self.G.nodes[n][OP], ReLU))
        width = max(self.G.nodes[n]["shape"][0] * self.G.nodes[n]["shape"][1] for n in self.G)
        self.spare = [f"r_{k}" for k in range(relus * width)]
        self.names += self.spare
        self.R = poly_ring(self.names)
        self.enclosure = _enclosures(self.net, self.box, self.names)
        self.table, self.target = _target_pieces(self.net, self.names, self.R)
        bk = PolyBackend(self.names)
        values = {}
        order = {n: i for i, n in enumerate(self.G.nodes)}
        with bk.session(self.names):
            for n in nx.lexicographical_topological_sort(self.G, key=order.__getitem__):
                op = self.G.nodes[n][OP]
                args = [values[a] for a in arguments(self.G, n)]
                if n in self.G.graph[INPUTS]:
                    values[n] = bk.lift_input(None, op.shape, op.variables)
                elif isinstance(op, ReLU):
                    values[n] = self._relu(bk, args[0], n)
                elif isinstance(op, Normalize) and op.rule == "hardmax":
                    values[n] = self._hardmax(bk, op, n, args[0], values)
                elif isinstance(op, MatMul) and isinstance(args[0], tuple):
                    values[n] = self._max_head(bk, args[0], args[1], n)
                elif isinstance(op, Maximum):
                    values[n] = self._maximum(args, n)
                else:
                    values[n] = op.apply(bk, *args)
            out = values[self.G.graph[OUTPUTS][0]].get(0, 0, None) or self.R.from_dict({})
        return out

    def _relu(self, bk, A, node):
        rows = {}
        for i, row in A.rows.items():
            for j, p in row.items():
                rng = affine_range(p, self.names, self.enclosure)
                if rng is not None and rng[0] >= 0:
                    self.gates += 1
                    rows.setdefault(i, {})[j] = p
                elif rng is not None and rng[1] <= 0:
                    self.gates += 1
                else:
                    rows.setdefault(i, {})[j] = self._relu_symbol(p, node)
        return SparseMatrix(A.shape, {i: {j: v for j, v in r.items() if not v.is_zero()} for i, r in rows.items()})

    def _relu_symbol(self, p, node):
        """relu(p) as a symbol, with relu(-p) = relu(p) - p (one symbol per pair +-p)."""
        if poly_key(p) in self.relu_symbols:
            return self.relu_symbols[poly_key(p)]
        if poly_key(-p) in self.relu_symbols:
            return self.relu_symbols[poly_key(-p)] + p  # relu(p) = relu(-p) + p
        if not self.spare:
            raise _Unknown(f"too many undecided ReLUs at node {node!r}")
        s = self.R.gen(self.names.index(self.spare.pop(0)))
        self.relu_symbols[poly_key(p)] = s
        return s

    def _hardmax(self, bk, op, node, scores, values):
        if all(p.is_constant() for row in scores.rows.values() for p in row.values()):
            return op.apply(bk, scores)  # constant scores: exact weights (uniform or decided)
        if op.axis != "row" or op.mask is not None:
            raise _Unknown(f"hardmax at {node!r}: only unmasked row-wise heads are recognised")
        src = arguments(self.G, node)[0]
        if not isinstance(self.G.nodes[src][OP], Scores) or self.G.nodes[src][OP].kernel is not None:
            raise _Unknown(f"hardmax at {node!r} does not normalise dot-product scores")
        q, k = (values[a] for a in arguments(self.G, src))
        return ("hardmax", node, q, k)

    def _maximum(self, args, node):
        """Elementwise max whose arguments are exactly the pieces of a target unit -> its symbol."""
        zero = self.R.from_dict({})
        r, c = args[0].shape
        rows = {}
        for i in range(r):
            for j in range(c):
                pieces = [a.get(i, j, None) or zero for a in args]
                if all(p == pieces[0] for p in pieces):
                    y = pieces[0]
                else:
                    y = self.table.get(frozenset(poly_key(p) for p in pieces))
                    if y is None:
                        raise _Unknown(f"max at {node!r}, entry ({i}, {j}): not the pieces of a unit of the target")
                    self.max_heads += 1
                if not y.is_zero():
                    rows.setdefault(i, {})[j] = y
        return SparseMatrix((r, c), rows)

    def _max_head(self, bk, marker, v, node):
        _, hm, q, k = marker
        n = q.shape[0]
        if q.shape[1] != 1 or k.shape[1] != 1 or v.shape[1] != 1:
            raise _Unknown(f"head at {hm!r}: only one-dimensional heads are recognised")
        zero = self.R.from_dict({})
        for t in range(n):
            qt = q.get(t, 0, None) or zero
            if not (qt.is_constant() and not qt.is_zero() and qt.leading_coefficient() > 0):
                raise _Unknown(f"head at {hm!r}: the query of token {t} is not a positive constant")
        keys = [k.get(s, 0, None) or zero for s in range(k.shape[0])]
        vals = [v.get(s, 0, None) or zero for s in range(v.shape[0])]
        if keys != vals:
            raise _Unknown(f"head at {hm!r}: values differ from keys")
        y = self.table.get(frozenset(poly_key(p) for p in keys))
        if y is None:
            raise _Unknown(f"head at {hm!r}: its keys are not the pieces of a unit of the target")
        self.max_heads += 1
        return SparseMatrix((n, 1), {t: {0: y} for t in range(n)})
