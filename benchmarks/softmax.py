"""Certifying Kajitsuka & Sato separations: Arb (python-flint) against mpmath's interval arithmetic.

The same verification (every output norm and every required pair of output tokens decided) is run
with the interval backend's two engines at the same precisions, on KS-T1 and on random
vocabularies (|V| up to 8, n up to 4); the precision is the one the adaptive verifier settles on.
Two times per engine, each the best of several runs:

* ``interval``: the interval work alone (evaluate the layer on every sequence at the settled
  precision, then decide every norm and pair): what the engines differ in;
* ``verify``: the whole ``verify`` call, which adds the engine-independent cost of checking the
  graph, parsing the claim and writing the certificate (about a millisecond).

Printed: both times, both ratios, and the certified minimum separation (both engines must agree).

Run: ``python benchmarks/softmax.py``.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

from symtrans.claims import Claim
from symtrans.constructions.kajitsuka2024 import contextual_mapping, random_sequences
from symtrans import verify
from symtrans.provers.separation import _decide, required_pairs, separation_claim_data

V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
KS_T1 = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]


def random_case(seed, d, n, vocab, count):
    return random_sequences(seed, d, n, count, vocab)


CASES = [("KS-T1", KS_T1, dict(w=["3/5", "4/5"], eps="11/5"))] + [
    (f"d={d} n={n} |V|={v}", random_case(10 * d + n + v, d, n, v, 6), dict(lam_from="ratio"))
    for d, n, v in [(2, 3, 6), (2, 4, 8), (3, 4, 8), (3, 3, 8)]]


def best_of(f, repeat):
    best, result = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None or elapsed < best else best
    return best, result


def main():
    print(f"{'case':<18} {'bits':>6} {'pairs':>6} {'interval: arb':>14} {'mpmath.iv':>10} {'ratio':>7}"
          f"  {'verify: arb':>12} {'mpmath.iv':>10} {'ratio':>7}  separation")
    for label, seqs, kw in CASES:
        cm = contextual_mapping(seqs, **kw)
        probe = verify(cm.graph, Claim("contextual_mapping", expected={"sequences": seqs, "max_bits": 1 << 15}))
        if probe.verdict != "PROVED":
            print(f"{label:<18} not certified ({probe.verdict})", file=sys.stderr)
            continue
        bits = probe.evidence["bits"]
        work, whole = {}, {}
        for engine in ("arb", "mpmath"):
            claim = Claim("contextual_mapping", expected={"sequences": seqs, "start_bits": bits, "max_bits": bits,
                                                          "engine": engine})
            X, r, delta, delta_log10 = separation_claim_data(claim)[:4]
            pairs = required_pairs(X)
            repeat = 10 if engine == "arb" else 3
            work[engine] = best_of(lambda: _decide(cm.graph, X, r, delta, delta_log10, bits, pairs, engine), repeat)
            whole[engine] = best_of(lambda: verify(cm.graph, claim), repeat)
        (wa, da), (wm, dm) = work["arb"], work["mpmath"]
        (ta, ca), (tm, cmpm) = whole["arb"], whole["mpmath"]
        assert ca.verdict == cmpm.verdict == "PROVED" and not da[1] and not dm[1]
        sep = ca.evidence["min_separation_log10"]
        assert abs(sep - cmpm.evidence["min_separation_log10"]) < 1e-6 and abs(sep - da[2]) < 1e-6
        print(f"{label:<18} {bits:>6} {ca.evidence['pairs']:>6} {wa:13.4f}s {wm:9.4f}s {wm / wa:6.1f}x"
              f"  {ta:11.4f}s {tm:9.4f}s {tm / ta:6.1f}x  >= 10^{sep:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
