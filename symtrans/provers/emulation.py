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

from ..backends.base import SparseMatrix
from ..graph import OP, arguments
from ..ops import MatMul, Maximum, Normalize, ReLU, Scores
from ..polys import affine_range, poly_key
from ..unitwalk import DEFAULT, Head, Stuck, UnitWalk

__all__ = ["_Prover", "_Unknown"]

#: The prover's "cannot certify" is the walk's.
_Unknown = Stuck


class _Prover(UnitWalk):
    """The prover's rules on the shared walk (:mod:`symtrans.unitwalk`), with counts for the evidence."""

    def __init__(self, G, net, box):
        super().__init__(G, net, box)
        self.relu_symbols = {}
        self.gates = 0
        self.max_heads = 0

    def run(self):
        return super().run({ReLU: self._relu, Normalize: self._hardmax, MatMul: self._max_head,
                            Maximum: self._maximum})

    def _relu(self, bk, node, op, args):
        A, rows = args[0], {}
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
        s = self.relu_symbols[poly_key(p)] = self.fresh(node)
        return s

    def _hardmax(self, bk, node, op, args):
        scores = args[0]
        if op.rule != "hardmax" or all(p.is_constant() for row in scores.rows.values() for p in row.values()):
            return DEFAULT  # softmax fails in the poly backend; constant scores: exact weights
        if op.axis != "row" or op.mask is not None:
            raise _Unknown(f"hardmax at {node!r}: only unmasked row-wise heads are recognised")
        src = arguments(self.G, node)[0]
        if not isinstance(self.G.nodes[src][OP], Scores) or self.G.nodes[src][OP].kernel is not None:
            raise _Unknown(f"hardmax at {node!r} does not normalise dot-product scores")
        q, k = (self.values[a] for a in arguments(self.G, src))
        return Head(node, q, k)

    def _maximum(self, bk, node, op, args):
        """Elementwise max whose arguments are exactly the pieces of a target unit -> its symbol."""
        r, c = args[0].shape
        rows = {}
        for i in range(r):
            for j in range(c):
                pieces = [self.entry(a, i, j) for a in args]
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

    def _max_head(self, bk, node, op, args):
        if not isinstance(args[0], Head):
            return DEFAULT
        head, v = args
        q, k, n = head.q, head.k, head.q.shape[0]
        if op.transpose_b or q.shape[1] != 1 or k.shape[1] != 1 or v.shape[1] != 1:
            raise _Unknown(f"head at {head.node!r}: only one-dimensional heads are recognised")
        for t in range(n):
            qt = self.entry(q, t, 0)
            if not (qt.is_constant() and not qt.is_zero() and qt.leading_coefficient() > 0):
                raise _Unknown(f"head at {head.node!r}: the query of token {t} is not a positive constant")
        keys = [self.entry(k, s, 0) for s in range(k.shape[0])]
        if keys != [self.entry(v, s, 0) for s in range(v.shape[0])]:
            raise _Unknown(f"head at {head.node!r}: values differ from keys")
        y = self.table.get(frozenset(poly_key(p) for p in keys))
        if y is None:
            raise _Unknown(f"head at {head.node!r}: its keys are not the pieces of a unit of the target")
        self.max_heads += 1
        return SparseMatrix((n, 1), {t: {0: y} for t in range(n)})
