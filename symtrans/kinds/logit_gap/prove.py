
from __future__ import annotations

import time
from fractions import Fraction

from ..._flint import flint
from ...backends import RationalBackend
from ...certificate import Certificate
from ...errors import SpecError
from ...exact import format_exact
from ...graph import INPUTS, OP, check
from ...interpret import evaluate
from ...ops import Scores
from ...provers._certify import certify
from ...provers.separation import claim_sequences


def prove(G, claim, name: str = "") -> Certificate:
    """Lemma 1's hypothesis: in every row of the score matrix, distinct keys' logits differ by >= 2 log n + 3.

    The scores are exact rationals (rational backend at the given sequences); ``2 log n + 3`` is
    enclosed by Arb, so the comparison is certain.  REFUTED names the row, the two keys and the gap.

    >>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
    >>> from symtrans.claims import Claim
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
    >>> ok = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
    >>> prove(ok.graph, Claim("logit_gap", expected={"sequences": seqs})).verdict
    'PROVED'
    >>> weak = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5", lam_factor="1/100")
    >>> c = prove(weak.graph, Claim("logit_gap", expected={"sequences": seqs}))
    >>> c.verdict, c.counterexample["gap"] < c.counterexample["needed"]
    ('REFUTED', True)
    """
    start_time = time.perf_counter()
    check(G)
    X = claim_sequences(claim)
    scores = [n for n in G if isinstance(G.nodes[n][OP], Scores)]
    if len(scores) != 1:
        raise SpecError(f"the graph has {len(scores)} score nodes", field="claim", expected="exactly one head")
    node = scores[0]
    n = len(X[0])
    with flint.ctx.workprec(128):
        needed = 2 * flint.arb(n).log() + 3
    bk = RationalBackend()
    smallest = None
    for i, seq in enumerate(X):
        S = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [list(t) for t in seq]}, nodes=[node],
                                validate=False, outputs=False)[node])
        for k, row in enumerate(S):
            vals = [Fraction(int(v.p), int(v.q)) for v in row]
            for a in range(len(vals)):
                for b in range(a + 1, len(vals)):
                    gap = abs(vals[a] - vals[b])
                    if smallest is None or gap < smallest[0]:
                        smallest = (gap, [i, k, a, b])
    gap, where = smallest
    with flint.ctx.workprec(128):
        g = flint.arb(flint.fmpq(gap.numerator, gap.denominator))
        ok = g >= needed
        bad = g < needed
    evidence = {"min_gap": format_exact(gap), "needed": f"2 log {n} + 3 = {float(needed.mid()):.6f}",
                "at": where}
    if ok:
        return certify(G, claim, "PROVED", "rational", None, evidence, None, start_time, name)
    verdict = "REFUTED" if bad else "UNKNOWN"
    ce = {"sequence": where[0], "query": where[1], "keys": where[2:], "gap": float(gap),
          "needed": float(needed.mid())} if bad else None
    return certify(G, claim, verdict, "rational", None, evidence, ce, start_time, name)
