"""Re-derive an ``emulation`` certificate: the block-by-block proof, with the checker's own rules.

The walk, the unit symbols, their enclosures and the target's read-out come from
:mod:`symtrans.unitwalk`; the three rules that decide something are written here
again, independently of the prover (:mod:`symtrans.provers.emulation`):

* a ReLU entry is linear when the exact range of its affine argument over the
  enclosures is ``>= 0`` (identity) or ``<= 0`` (zero); otherwise it is a symbol
  ``s`` with ``relu(-p) = s - p``;
* a hardmax head is read only when it is unmasked, row-wise, normalises plain
  dot-product scores (no kernel) of one-dimensional queries and keys, every query
  is a positive constant and the values (one column) equal the keys, which are
  exactly a unit's pieces: then every token's output is that unit;
* an elementwise max is read only when its arguments are all equal or exactly a
  unit's pieces.

PROVED iff the graph's single output entry is the target's read-out as a polynomial.
"""

from __future__ import annotations

from ...backends.base import SparseMatrix
from ...checking import _point, _require
from ...exact import format_exact
from ...graph import OP, OUTPUTS, arguments, input_variables
from ...interpret import evaluate_at_point
from ...ops import MatMul, Maximum, Normalize, ReLU, Scores
from ...polys import affine_range, poly_key
from ...unitwalk import DEFAULT, Head, Stuck, UnitWalk


def check(G, claim, cert):
    """An independent re-derivation of the compositional proof (see the module docstring)."""
    _require(claim.output in (None, G.graph[OUTPUTS][0]) and not claim.row and not claim.col,
             "an emulation claim is about the graph's single output entry")
    if cert.verdict != "PROVED":
        ce = cert.counterexample
        point = _point(claim, ce, input_variables(G))
        got = evaluate_at_point(G, point, G.graph[OUTPUTS][0])
        want = claim.target.evaluate([point[v] for v in input_variables(G)])
        _require(got != want, "the counterexample does not separate the network from the target")
        _require(format_exact(got) == ce.get("network") and format_exact(want) == ce.get("target"),
                 "the counterexample's recorded values do not re-check")
        return "REFUTED"
    try:
        walk = _Check(G, claim.target, claim.domain)
        out = walk.run({ReLU: walk.relu, Normalize: walk.hardmax, MatMul: walk.head, Maximum: walk.maximum})
    except Stuck as exc:
        _require(False, f"the compositional proof does not re-check: {exc}")
    return "PROVED" if out == walk.target else "UNKNOWN"


class _Check(UnitWalk):
    def __init__(self, G, net, box):
        super().__init__(G, net, box)
        self.symbols = {}

    def relu(self, bk, node, op, args):
        rows = {}
        for i, row in args[0].rows.items():
            for j, p in row.items():
                rng = affine_range(p, self.names, self.enclosure)
                if rng is not None and rng[0] >= 0:
                    rows.setdefault(i, {})[j] = p
                elif rng is None or rng[1] > 0:
                    if poly_key(p) in self.symbols:
                        v = self.symbols[poly_key(p)]
                    elif poly_key(-p) in self.symbols:
                        v = self.symbols[poly_key(-p)] + p
                    else:
                        v = self.symbols[poly_key(p)] = self.fresh(node)
                    rows.setdefault(i, {})[j] = v
        return SparseMatrix(args[0].shape, {i: {j: v for j, v in r.items() if not v.is_zero()}
                                            for i, r in rows.items()})

    def hardmax(self, bk, node, op, args):
        if op.rule != "hardmax" or all(p.is_constant() for r in args[0].rows.values() for p in r.values()):
            return DEFAULT
        src = arguments(self.G, node)[0]
        scores = self.G.nodes[src][OP]
        if not (isinstance(scores, Scores) and scores.kernel is None and op.mask is None and op.axis == "row"):
            raise Stuck(f"hardmax at {node!r} is not a plain row-wise dot-product head")
        q, k = (self.values[a] for a in arguments(self.G, src))
        if q.shape[1] != 1 or k.shape[1] != 1:
            raise Stuck(f"hardmax at {node!r}: queries and keys are not one-dimensional")
        return Head(node, q, k)

    def head(self, bk, node, op, args):
        if not isinstance(args[0], Head):
            return DEFAULT
        head, vm = args
        if op.transpose_b or not isinstance(vm, SparseMatrix) or vm.shape != (head.k.shape[0], 1):
            raise Stuck(f"head at {head.node!r}: the values are not one column, one entry per key")
        keys = [self.entry(head.k, s, 0) for s in range(head.k.shape[0])]
        if [self.entry(vm, s, 0) for s in range(vm.shape[0])] != keys:
            raise Stuck(f"head at {head.node!r}: values differ from keys")
        for t in range(head.q.shape[0]):
            qt = self.entry(head.q, t, 0)
            if not (qt.is_constant() and not qt.is_zero() and qt.leading_coefficient() > 0):
                raise Stuck(f"head at {head.node!r}: a query is not a positive constant")
        y = self.table.get(frozenset(poly_key(p) for p in keys))
        if y is None:
            raise Stuck(f"head at {head.node!r}: keys are not a unit's pieces")
        return SparseMatrix((head.q.shape[0], 1), {t: {0: y} for t in range(head.q.shape[0])})

    def maximum(self, bk, node, op, args):
        r_, c_ = args[0].shape
        rows = {}
        for i in range(r_):
            for j in range(c_):
                ps = [self.entry(a, i, j) for a in args]
                y = ps[0] if all(p == ps[0] for p in ps) else self.table.get(frozenset(poly_key(p) for p in ps))
                if y is None:
                    raise Stuck(f"max at {node!r} is not a unit's pieces")
                if not y.is_zero():
                    rows.setdefault(i, {})[j] = y
        return SparseMatrix((r_, c_), rows)
