
from __future__ import annotations

from ...backends import PWLBackend
from ...backends.interval import IntervalBackend
from ...checking import _require, _separation_inputs
from ...graph import OUTPUTS, token_slice
from ...interpret import evaluate, evaluate_at_point


def check(G, claim, cert):
    exp = claim.expected
    X = _separation_inputs(claim)
    labels = [list(row) for row in exp.labels]
    z = exp.z
    S = token_slice(G, z)
    var = S.nodes[z]["op"].variables[0]
    bk = IntervalBackend(prec=int(cert.precision))
    wrong = False
    for i, seq in enumerate(X):
        zs = bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: seq}, nodes=[z], outputs=False)[z])
        for k, (zz,) in enumerate(zs):
            lo, hi = bk.bounds(zz)
            _require(lo is not None, "an unbounded context id")
            if lo == hi:
                value = evaluate_at_point(S, {var: lo}, S.graph[OUTPUTS][0])
            else:
                pw = PWLBackend(lo, hi)
                pieces = pw.pieces(evaluate(S, pw)[S.graph[OUTPUTS][0]], 0, 0)
                _require(len(pieces) == 1 and pieces[0][2] == 0, f"the FFN is not constant on point ({i}, {k})")
                value = pieces[0][3]
            wrong |= value != labels[i][k]
    return "REFUTED" if wrong else "PROVED"
