
from __future__ import annotations

import flint

from ...backends.interval import IntervalBackend
from ...checking import _pq, _require
from ...graph import OUTPUTS
from ...interpret import evaluate


def check(G, claim, cert):
    exp = claim.expected
    vecs = [list(vec) for vec in exp.vectors]
    r = exp.r
    bk = IntervalBackend(prec=int(cert.precision))
    values = [bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: [v]})[G.graph[OUTPUTS][0]])[0][0] for v in vecs]
    with bk.session():
        logn = flint.arb(len(vecs[0])).log()
        bound = logn * logn * (-2 * flint.arb(flint.fmpq(*_pq(r)))).exp()
        above = [abs(values[i] - values[j]) > bound for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
        below = [abs(values[i] - values[j]) < bound for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
    if all(above):
        return "PROVED"
    _require(any(below), "some pair is undecided at the recorded precision")
    return "REFUTED"
