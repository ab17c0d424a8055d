"""Re-derive a ``decodes`` certificate: float64 boxes first (unless the claim says ``boxes = false``),
then Arb at the recorded precision for whatever they leave undecided.

PROVED: every input of the claim, at every position where the reference is defined, is
re-enclosed and its decode certified equal to the reference (categorical: the reference's
logit strictly above every other; numerical: the enclosure within the tolerance).
REFUTED: the recorded input is one of the claim's, and at the recorded position the certified
decode differs from the reference (and is the recorded actual value, for a categorical output).
"""

from __future__ import annotations

from ...checking import _require
from ...graph import INPUTS
from .common import by_length, chunk_items, how, run_chunk


def check(G, claim, cert):
    e = claim.expected
    _require(len(G.graph[INPUTS]) == 1, "a decodes claim needs a model graph with one input")
    n = G.nodes[G.graph[INPUTS][0]]["shape"][0]
    _require(all(len(seq) + 1 <= n for seq in e.inputs), "an input is longer than the model")
    prec = int(cert.precision)
    passes = ([None] if e.boxes else []) + [prec]

    if cert.verdict == "REFUTED":
        ce = cert.counterexample
        _require(isinstance(ce, dict) and isinstance(ce.get("input"), list), "a refutation without its input")
        matches = [i for i, seq in enumerate(e.inputs) if list(seq) == ce["input"]]
        _require(matches, "the refuting input is not in the claim's domain")
        i, p = matches[0], ce.get("position")
        _require(type(p) is int and 1 <= p <= len(e.inputs[i]), "the refuting position is not in the input")
        _require(e.expected[i][p - 1] is not None, "the reference is undefined at the refuting position")
        status = "undecided"
        for bits in passes:
            [decided] = run_chunk(G, len(e.inputs[i]), bits, chunk_items(e, [i]), how(e))
            status, got = {q: (s, a) for q, s, a in decided}[p]
            if status != "undecided":
                break
        _require(status == "wrong", f"at the recorded precision the decode there is {status}")
        _require(e.values is None or got == ce.get("actual"), "the recorded actual value does not re-check")
        return "REFUTED"
    pending = list(range(len(e.inputs)))
    for bits in passes:
        left = []
        for m, items in by_length(e, pending).items():
            for i, decided in zip(items, run_chunk(G, m, bits, chunk_items(e, items), how(e))):
                for p, status, _ in decided:
                    if status == "wrong":
                        return "REFUTED"
                    if status == "undecided":
                        left.append((i, p))
        pending = sorted({i for i, _ in left})
        if not pending:
            return "PROVED"
    i, p = left[0]
    _require(False, f"input {i}, position {p} is undecided at the recorded precision")
