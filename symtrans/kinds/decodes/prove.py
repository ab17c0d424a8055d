"""Prove a ``decodes`` claim: every input, every defined position, enclosed with Arb at doubling precision.

Inputs are grouped by length; each length's graph (:func:`~symtrans.io.transformer_lens.with_length`)
runs on all its inputs in one :func:`~symtrans.interpret.evaluate_many` call.  Positions decided at
one precision are done; only the undecided inputs are run again at twice the precision.
"""

from __future__ import annotations

import time
from fractions import Fraction

from ...backends.interval import IntervalBackend
from ...errors import SpecError
from ...exact import format_exact
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate_many
from ...io.transformer_lens import encode, with_length
from ...provers._certify import certify


def decide(bk, row, values, expected, tolerance):
    """``(status, actual)`` of one position: status "ok", "wrong" or "undecided"."""
    if values is None:  # numerical: logit 0 within tolerance of the reference
        lo, hi = bk.bounds(row[0])
        e = Fraction(expected)
        if lo is None:
            return "undecided", None
        if e - tolerance <= lo and hi <= e + tolerance:
            return "ok", None
        if lo > e + tolerance or hi < e - tolerance:
            return "wrong", format_exact(lo) if lo == hi else f"[{float(lo):.9g}, {float(hi):.9g}]"
        return "undecided", None
    for w, top in enumerate(row):  # the winner: certainly above every other (Arb comparisons, no conversion)
        if all(bk.lt(other, top) is True for k, other in enumerate(row) if k != w):
            actual = values[w]
            same = actual == expected and isinstance(actual, bool) == isinstance(expected, bool)
            return ("ok" if same else "wrong"), actual
    return "undecided", None


def prove(G, claim, name: str = ""):
    start = time.perf_counter()
    e = claim.expected
    if len(G.graph[INPUTS]) != 1:
        raise SpecError("a decodes claim needs a model graph with one input", field="graph")
    n = G.nodes[G.graph[INPUTS][0]]["shape"][0]
    too_long = [seq for seq in e.inputs if len(seq) + 1 > n]
    if too_long:
        raise SpecError(f"an input of {len(too_long[0])} tokens is longer than the model's {n - 1}", field="inputs")
    out = G.graph[OUTPUTS][0]
    pending = list(range(len(e.inputs)))
    prec, positions, used = e.start_bits, 0, e.start_bits
    undecided = []
    while pending:
        used = prec
        bk = IntervalBackend(prec=prec)
        undecided = []
        by_length = {}
        for i in pending:
            by_length.setdefault(len(e.inputs[i]), []).append(i)
        for m, items in sorted(by_length.items()):
            Gm = with_length(G, m + 1)
            runs = evaluate_many(Gm, bk, [{G.graph[INPUTS][0]: encode(e.vocab, e.bos, n, e.inputs[i])}
                                          for i in items], nodes=[out])
            for i, values in zip(items, runs):
                rows = bk.to_list(values[out])
                for p in range(1, m + 1):
                    want = e.expected[i][p - 1]
                    if want is None:
                        continue
                    status, actual = decide(bk, rows[p], e.values, want, e.tolerance)
                    if status == "wrong":
                        ce = {"input": list(e.inputs[i]), "position": p, "expected": want, "actual": actual}
                        return certify(G, claim, "REFUTED", "interval", prec, {"bits": prec}, ce, start, name)
                    if status == "undecided":
                        undecided.append((i, p))
                    else:
                        positions += 1
        pending = sorted({i for i, _ in undecided})
        if pending and prec * 2 > e.max_bits:
            break
        prec *= 2
    if undecided:
        i, p = undecided[0]
        ce = {"input": list(e.inputs[i]), "position": p, "expected": e.expected[i][p - 1], "actual": None}
        return certify(G, claim, "UNKNOWN", "interval", used,
                       {"bits": used, "undecided": len(undecided), "inputs": len(e.inputs), "positions": positions},
                       ce, start, name)
    return certify(G, claim, "PROVED", "interval", used,
                   {"bits": used, "inputs": len(e.inputs), "positions": positions}, None, start, name)
