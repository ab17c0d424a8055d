"""Re-derive a ``decodes`` certificate at its recorded precision.

PROVED: every input of the claim, at every position where the reference is defined, is
re-enclosed with Arb and its decode certified equal to the reference (categorical: the
reference's logit strictly above every other; numerical: the enclosure within the
tolerance).  REFUTED: the recorded input is one of the claim's, and at the recorded
position the certified decode differs from the reference.
"""

from __future__ import annotations

from fractions import Fraction

from ...backends.interval import IntervalBackend
from ...checking import _require
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate_many
from ...io.transformer_lens import encode, with_length


def _status(bk, row, values, want, tolerance):
    bounds = [bk.bounds(v) for v in row]
    _require(all(lo is not None for lo, _ in bounds), "an unbounded logit")
    if values is None:
        lo, hi = bounds[0]
        e = Fraction(want)
        if e - tolerance <= lo and hi <= e + tolerance:
            return "ok", None
        return ("wrong" if lo > e + tolerance or hi < e - tolerance else "undecided"), None
    winners = [w for w, (lo, _) in enumerate(bounds) if all(h < lo for k, (_, h) in enumerate(bounds) if k != w)]
    if not winners:
        return "undecided", None
    got = values[winners[0]]
    return ("ok" if got == want and isinstance(got, bool) == isinstance(want, bool) else "wrong"), got


def check(G, claim, cert):
    e = claim.expected
    _require(len(G.graph[INPUTS]) == 1, "a decodes claim needs a model graph with one input")
    name, out = G.graph[INPUTS][0], G.graph[OUTPUTS][0]
    n = G.nodes[name]["shape"][0]
    _require(all(len(seq) + 1 <= n for seq in e.inputs), "an input is longer than the model")
    bk = IntervalBackend(prec=int(cert.precision))

    def rows(items):
        m = len(e.inputs[items[0]])
        runs = evaluate_many(with_length(G, m + 1), bk, [{name: encode(e.vocab, e.bos, n, e.inputs[i])}
                                                         for i in items], nodes=[out])
        return [bk.to_list(r[out]) for r in runs]

    if cert.verdict == "REFUTED":
        ce = cert.counterexample
        _require(isinstance(ce, dict) and isinstance(ce.get("input"), list), "a refutation without its input")
        matches = [i for i, seq in enumerate(e.inputs) if list(seq) == ce["input"]]
        _require(matches, "the refuting input is not in the claim's domain")
        i, p = matches[0], ce.get("position")
        _require(type(p) is int and 1 <= p <= len(e.inputs[i]), "the refuting position is not in the input")
        want = e.expected[i][p - 1]
        _require(want is not None, "the reference is undefined at the refuting position")
        status, got = _status(bk, rows([i])[0][p], e.values, want, e.tolerance)
        _require(status == "wrong", f"at the recorded precision the decode there is {status}")
        _require(e.values is None or got == ce.get("actual"), "the recorded actual value does not re-check")
        return "REFUTED"
    by_length = {}
    for i, seq in enumerate(e.inputs):
        by_length.setdefault(len(seq), []).append(i)
    for m, items in sorted(by_length.items()):
        for i, r in zip(items, rows(items)):
            for p in range(1, m + 1):
                want = e.expected[i][p - 1]
                if want is None:
                    continue
                status, _ = _status(bk, r[p], e.values, want, e.tolerance)
                _require(status != "undecided", f"input {i}, position {p} is undecided at the recorded precision")
                if status == "wrong":
                    return "REFUTED"
    return "PROVED"
