
from __future__ import annotations

import time

from ..._flint import flint
from ...backends import IntervalBackend
from ...budget import MAX_PRECISION
from ...certificate import Certificate
from ...errors import SpecError
from ...graph import INPUTS, OUTPUTS, check
from ...interpret import evaluate
from ...provers._certify import certify
from ...provers.separation import _log10


def prove(G, claim, name: str = "") -> Certificate:
    """Lemma 1: ``|boltz(a^i) - boltz(a^j)| > (log n)^2 e^(-2r)`` for vectors meeting the hypotheses.

    ``expected``: ``{"vectors": [...], "r": r, "delta": delta}``.  The hypotheses are checked exactly
    (entries ``|a_k| <= r``; entries across the family equal or more than ``delta`` apart; distinct
    entries within a vector; no two vectors permutations of each other) and ``delta > 2 log n + 3``
    with Arb; a violated hypothesis is an error naming it.  The inequality is certified for every
    pair with precision doubling (``G`` computes ``boltz`` of a 1 x n input).

    >>> from fractions import Fraction
    >>> from symtrans.constructions.kajitsuka2024 import boltzmann_graph
    >>> from symtrans.claims import Claim
    >>> r, delta = Fraction(15592, 1000), Fraction(51973, 10000)
    >>> vs = [[r, r - Fraction(26, 5), Fraction(-10394, 1000)], [r, r - Fraction(26, 5), -r]]
    >>> c = prove(boltzmann_graph(3), Claim("boltzmann", expected={"vectors": vs, "r": r, "delta": delta}))
    >>> c.verdict, round(c.evidence["min_difference_log10"], 2), round(c.evidence["bound_log10"], 2)
    ('PROVED', -9.88, -13.46)
    """
    start_time = time.perf_counter()
    check(G)
    exp = claim.expected
    vecs = [list(vec) for vec in exp.vectors]
    if len(vecs) < 2:
        raise SpecError("Lemma 1 needs at least two vectors", field="vectors")
    n = len(vecs[0])
    r, delta = exp.r, exp.delta
    for i, v in enumerate(vecs):
        if len(v) != n:
            raise SpecError(f"vector {i} has {len(v)} entries", field="vectors", expected=f"{n}")
        if any(abs(x) > r for x in v):
            raise SpecError(f"vector {i} has an entry beyond r = {r}", field="vectors", expected="|a_k| <= r")
        if len(set(v)) != n:
            raise SpecError(f"vector {i} repeats an entry", field="vectors", expected="distinct entries")
    entries = sorted({x for v in vecs for x in v})
    close = [(a, b) for a, b in zip(entries, entries[1:]) if b - a <= delta]
    if close:
        raise SpecError(f"entries {close[0][0]} and {close[0][1]} differ by at most delta", field="vectors",
                        expected=f"equal or more than {delta} apart")
    if len({tuple(sorted(v)) for v in vecs}) != len(vecs):
        raise SpecError("two vectors are permutations of each other", field="vectors")
    with flint.ctx.workprec(128):
        if not flint.arb(flint.fmpq(delta.numerator, delta.denominator)) > 2 * flint.arb(n).log() + 3:
            raise SpecError(f"delta = {delta} is not certainly above 2 log {n} + 3", field="delta",
                            expected="delta > 2 log n + 3")
    prec, max_bits = 64, min(exp.max_bits, MAX_PRECISION)  # a certificate records at most MAX_PRECISION bits
    while True:
        bk = IntervalBackend(prec=prec)
        values = [bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [v]}, validate=False)[G.graph[OUTPUTS][0]])[0][0]
                  for v in vecs]
        with bk.session():
            logn = flint.arb(n).log()
            rr = flint.arb(flint.fmpq(r.numerator, r.denominator))
            bound = logn * logn * (-2 * rr).exp()
            undecided, smallest = 0, None
            for i in range(len(vecs)):
                for j in range(i + 1, len(vecs)):
                    d = abs(values[i] - values[j])
                    if d > bound:
                        lo, _ = bk.bounds(d)
                        smallest = lo if smallest is None or lo < smallest else smallest
                    elif d < bound:
                        ce = {"pair": [i, j], "difference_log10_upper": _log10(bk.bounds(d)[1])}
                        return certify(G, claim, "REFUTED", "interval", prec, {"bits": prec}, ce,
                                       start_time, name)
                    else:
                        undecided += 1
            bound_log10 = _log10(bk.bounds(bound)[1])
        if not undecided:
            evidence = {"bits": prec, "min_difference_log10": _log10(smallest), "bound_log10": bound_log10,
                        "pairs": len(vecs) * (len(vecs) - 1) // 2}
            return certify(G, claim, "PROVED", "interval", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            return certify(G, claim, "UNKNOWN", "interval", prec, {"bits": prec, "undecided": undecided},
                           None, start_time, name)
        prec *= 2
