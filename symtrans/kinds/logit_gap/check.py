
from __future__ import annotations

from fractions import Fraction

import flint

from ...backends import RationalBackend
from ...checking import _pq, _require, _separation_inputs
from ...exact import format_exact
from ...graph import OP
from ...interpret import evaluate
from ...ops import Scores


def check(G, claim, cert):
    X = _separation_inputs(claim)
    node = next(n for n in G if isinstance(G.nodes[n][OP], Scores))
    bk = RationalBackend()
    gaps = []
    for seq in X:
        S = bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: seq}, nodes=[node], outputs=False)[node])
        for row in S:
            vals = [Fraction(int(v.p), int(v.q)) for v in row]
            gaps += [abs(a - b) for i, a in enumerate(vals) for b in vals[i + 1:]]
    gap = min(gaps)
    _require(format_exact(gap) == cert.evidence["min_gap"], "the recorded minimum gap is not the recomputed one")
    with flint.ctx.workprec(128):
        g, needed = flint.arb(flint.fmpq(*_pq(gap))), 2 * flint.arb(len(X[0])).log() + 3
        return "PROVED" if g >= needed else ("REFUTED" if g < needed else "UNKNOWN")
