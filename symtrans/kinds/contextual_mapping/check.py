
from __future__ import annotations

from fractions import Fraction

import flint

from ...backends.interval import IntervalBackend
from ...checking import _pq, _require, _separation_inputs
from ...graph import OUTPUTS
from ...interpret import evaluate


def check(G, claim, cert):
    prec = int(cert.precision)
    X = _separation_inputs(claim)
    exp = claim.expected
    r = exp.r
    bk = IntervalBackend(prec=prec)
    name, node = G.graph["inputs"][0], G.graph[OUTPUTS][0]
    outs = [bk.to_list(evaluate(G, bk, {name: seq})[node]) for seq in X]
    sets = [frozenset(tuple(t) for t in seq) for seq in X]
    positions = [(i, k) for i, seq in enumerate(X) for k in range(len(seq))]
    with bk.session():
        if exp.delta_log10 is not None:
            thr2 = flint.arb(10) ** (2 * flint.arb(flint.fmpq(*_pq(exp.delta_log10))))
        else:
            d = Fraction(exp.delta or 0)
            thr2 = flint.arb(flint.fmpq(*_pq(d * d)))
        wrong = undecided = False
        if r is not None:
            r2 = flint.arb(flint.fmpq(*_pq(r * r)))
            for rows in outs:
                for row in rows:
                    n2 = sum((v * v for v in row), flint.arb(0))
                    wrong |= bool(n2 > r2)
                    undecided |= not (n2 <= r2) and not (n2 > r2)
        for a, (i, k) in enumerate(positions):
            for (j, l) in positions[a + 1:]:
                if X[i][k] == X[j][l] and sets[i] == sets[j]:
                    continue
                d2 = sum(((p - q) ** 2 for p, q in zip(outs[i][k], outs[j][l])), flint.arb(0))
                if d2 < thr2:
                    wrong = True
                elif not d2 > thr2:
                    undecided = True
    if cert.verdict == "REFUTED":
        _require(wrong, "no pair or norm is certainly on the wrong side at the recorded precision")
        return "REFUTED"
    _require(not undecided, "some comparison is undecided at the recorded precision")
    return "REFUTED" if wrong else "PROVED"
