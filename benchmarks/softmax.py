"""Certifying Kajitsuka & Sato separations: Arb (python-flint) against mpmath's interval arithmetic.

The same verification (every output norm and every required pair of output tokens decided) is run
with the interval backend's two engines at the same precisions, on KS-T1 and on random
vocabularies (|V| up to 8, n up to 4); the precision is the one the adaptive verifier settles on.
Two times per engine, each the best of several runs:

* ``interval``: the interval work alone (evaluate the layer on every sequence at the settled
  precision, then decide every norm and pair): what the engines differ in;
* ``verify``: the whole ``verify`` call, which adds the engine-independent cost of checking the
  graph, parsing the claim and writing the certificate (about a millisecond).

And the strongest baseline, ``arb direct``: the same work written with python-flint directly, as a
competent user would (``arb_mat`` products, softmax rows shifted by their largest midpoint, one
``exp`` per score, the same norm and pair decisions), at the same precision: symtrans's interval
work / ``arb direct`` is the price of the general interpreter (the goal: within 2x).

Printed: the times, the ratios, and the certified minimum separation (all must agree).

Then a scaling table: one random vocabulary with 6, 12, 24 and 48 sequences (each size in a fresh
process): pairs decided, precision, time, peak memory (maximum resident set) and the slope of log
time against log pairs, so a regression shows as a change of slope.

Run: ``python benchmarks/softmax.py [--no-scaling]``.
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


def arb_direct(G, X, r, delta, delta_log10, prec, pairs):
    """The layer and the decisions in plain python-flint: (all decided, min separation log10)."""
    from flint import arb, arb_mat, ctx, fmpq

    from symtrans.graph import INPUTS, OP, OUTPUTS, arguments
    from symtrans.ops import Add, Linear, MatMul, Normalize, Scores
    from symtrans.provers.separation import _threshold2

    def q(v):
        return arb(fmpq(v.numerator, v.denominator))

    order = list(G.nodes)
    with ctx.workprec(prec):
        mats = {n: arb_mat([[q(G.nodes[n][OP].weight[i, j]) for j in range(G.nodes[n][OP].weight.shape[1])]
                            for i in range(G.nodes[n][OP].weight.shape[0])])
                for n in order if isinstance(G.nodes[n][OP], Linear)}
        outs = []
        for seq in X:
            val = {G.graph[INPUTS][0]: arb_mat([[q(v) for v in tok] for tok in seq])}
            for n in order:
                if n in val:
                    continue
                op, args = G.nodes[n][OP], [val[a] for a in arguments(G, n)]
                if isinstance(op, Linear):
                    val[n] = args[0] * mats[n]
                elif isinstance(op, Scores):
                    val[n] = args[0] * args[1].transpose()
                elif isinstance(op, Normalize):
                    S, b = args[0], q(op.beta)
                    W = arb_mat(S.nrows(), S.ncols())
                    for i in range(S.nrows()):
                        z = [b * S[i, j] for j in range(S.ncols())]
                        m = arb(max(t.mid() for t in z))
                        e = [(t - m).exp() for t in z]
                        total = sum(e, arb(0))
                        for j in range(S.ncols()):
                            W[i, j] = e[j] / total
                    val[n] = W
                elif isinstance(op, MatMul):
                    val[n] = args[0] * args[1]
                elif isinstance(op, Add):
                    val[n] = args[0] + args[1]
                else:
                    raise SystemExit(f"the direct baseline does not know {type(op).__name__}")
            F = val[G.graph[OUTPUTS][0]]
            outs.append([[F[i, j] for j in range(F.ncols())] for i in range(F.nrows())])
        decided = True
        if r is not None:
            r2 = q(r * r)
            decided = all(sum((v * v for v in row), arb(0)) <= r2 for rows in outs for row in rows)
        thr2 = q(_threshold2(delta, delta_log10))
        lowest = None
        for (i, k), (j, l) in pairs:
            d2 = sum(((a - b) * (a - b) for a, b in zip(outs[i][k], outs[j][l])), arb(0))
            if not thr2 < d2:
                decided = False
            low = d2.lower()
            lowest = low if lowest is None or low < lowest else lowest
        return decided, float((lowest.log() / arb(10).log()).mid()) / 2


def best_of(f, repeat):
    best, result = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None or elapsed < best else best
    return best, result


def scaling_one(count):
    """One ``verify`` of a random vocabulary (d = 2, n = 3, |V| = 6) with ``count`` sequences, as JSON."""
    import json
    import resource

    seqs = random_case(23, 2, 3, 6, count)
    cm = contextual_mapping(seqs, lam_from="ratio")
    claim = Claim("contextual_mapping", expected={"sequences": seqs, "max_bits": 1 << 15})
    verify(cm.graph, Claim("contextual_mapping", expected={"sequences": seqs[:2], "max_bits": 1 << 15}))  # warm
    start = time.perf_counter()
    cert = verify(cm.graph, claim)
    seconds = time.perf_counter() - start
    print(json.dumps({"count": count, "seconds": seconds, "pairs": cert.evidence.get("pairs"),
                      "bits": cert.evidence.get("bits"), "verdict": cert.verdict.value,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def scaling():
    """How ``verify`` grows with the number of sequences, each size in a fresh process."""
    import json
    import math
    import subprocess

    print("\nscaling: random vocabulary d=2 n=3 |V|=6, more sequences (each size in a fresh process)")
    print(f"{'sequences':>9} {'pairs':>7} {'bits':>5} {'seconds':>8} {'peak MB':>8} {'slope/pairs':>11}  verdict")
    last = None
    for count in (6, 12, 24, 48):
        out = subprocess.run([sys.executable, __file__, "--one", str(count)], capture_output=True, text=True,
                             check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        slope = (math.log(r["seconds"] / last["seconds"]) / math.log(r["pairs"] / last["pairs"])
                 if last and r["pairs"] and last["pairs"] and r["pairs"] != last["pairs"] else float("nan"))
        print(f"{count:9d} {r['pairs']:7d} {r['bits']:5d} {r['seconds']:8.3f} {r['peak_mb']:8.0f} {slope:11.2f}  "
              f"{r['verdict']}")
        last = r
    print("slope/pairs: d log(time) / d log(pairs decided) between sizes (1 = linear in the pairs)")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        scaling_one(int(sys.argv[2]))
        return 0
    print(f"{'case':<18} {'bits':>6} {'pairs':>6} {'interval: arb':>14} {'mpmath.iv':>10} {'ratio':>7}"
          f" {'arb direct':>11} {'ours/direct':>11}  {'verify: arb':>12} {'mpmath.iv':>10} {'ratio':>7}  separation")
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
        X, r, delta, delta_log10 = separation_claim_data(claim)[:4]
        direct = best_of(lambda: arb_direct(cm.graph, X, r, delta, delta_log10, bits, required_pairs(X)), 10)
        (wa, da), (wm, dm) = work["arb"], work["mpmath"]
        assert direct[1][0], "the direct baseline did not decide every comparison"
        (ta, ca), (tm, cmpm) = whole["arb"], whole["mpmath"]
        assert ca.verdict == cmpm.verdict == "PROVED" and not da[1] and not dm[1]
        sep = ca.evidence["min_separation_log10"]
        assert abs(sep - cmpm.evidence["min_separation_log10"]) < 1e-6 and abs(sep - da[2]) < 1e-6
        print(f"{label:<18} {bits:>6} {ca.evidence['pairs']:>6} {wa:13.4f}s {wm:9.4f}s {wm / wa:6.1f}x"
              f" {direct[0]:10.4f}s {wa / direct[0]:10.1f}x  {ta:11.4f}s {tm:9.4f}s {tm / ta:6.1f}x  >= 10^{sep:.1f}")
    if "--no-scaling" not in sys.argv:
        scaling()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
