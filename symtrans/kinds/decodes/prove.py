"""Prove a ``decodes`` claim: every input, every defined position, enclosed with Arb at doubling precision.

Inputs are grouped by length and cut into chunks for the executor in scope
(:mod:`symtrans.parallel`; serial by default, results merged in input order); each length's graph (:func:`~symtrans.io.transformer_lens.with_length`)
runs on all its inputs in one :func:`~symtrans.interpret.evaluate_many` call.  Positions decided at
one precision are done; only the undecided inputs are run again at twice the precision.
"""

from __future__ import annotations

import time
from fractions import Fraction

from ...backends.interval import IntervalBackend
from ...budget import progress
from ...errors import SpecError
from ...exact import format_exact
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate_many
from ...io.transformer_lens import encode, with_length
from ...parallel import map_ordered, workers
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


def decide_chunk(G, m, prec, items, values, tolerance):
    """Decide every defined position of a chunk of same-length inputs: ``[(position, status, actual)]``
    per input.  ``items``: ``(input rows, reference row)`` pairs.  A unit of parallel work."""
    bk = IntervalBackend(prec=prec)
    name, out = G.graph[INPUTS][0], G.graph[OUTPUTS][0]
    runs = evaluate_many(with_length(G, m + 1), bk, [{name: rows} for rows, _ in items], nodes=[out])
    results = []
    for (_, want_row), values_ in zip(items, runs):
        logits = bk.to_list(values_[out])
        results.append([(p, *decide(bk, logits[p], values, want_row[p - 1], tolerance))
                        for p in range(1, m + 1) if want_row[p - 1] is not None])
    return results


def prove(G, claim, name: str = ""):
    start = time.perf_counter()
    e = claim.expected
    if len(G.graph[INPUTS]) != 1:
        raise SpecError("a decodes claim needs a model graph with one input", field="graph")
    n = G.nodes[G.graph[INPUTS][0]]["shape"][0]
    too_long = [seq for seq in e.inputs if len(seq) + 1 > n]
    if too_long:
        raise SpecError(f"an input of {len(too_long[0])} tokens is longer than the model's {n - 1}", field="inputs")
    pending = list(range(len(e.inputs)))
    prec, positions, used, undecided = e.start_bits, 0, e.start_bits, []
    while pending:
        used, undecided = prec, []
        by_length = {}
        for i in pending:
            by_length.setdefault(len(e.inputs[i]), []).append(i)
        for m, items in sorted(by_length.items()):
            # pieces for the workers; serially, pieces of 512 inputs, so that progress can be shown
            size = max(1, -(-len(items) // (4 * workers()))) if workers() > 1 else min(len(items), 512)
            chunks = [items[k:k + size] for k in range(0, len(items), size)]
            done = map_ordered(decide_chunk, [(G, m, prec, [(encode(e.vocab, e.bos, n, e.inputs[i]), e.expected[i])
                                                              for i in chunk], e.values, e.tolerance)
                                              for chunk in chunks])
            for chunk, results in zip(chunks, done):
                progress(positions, None, f"positions decided at {prec} bits")
                for i, decided in zip(chunk, results):
                    for p, status, actual in decided:
                        if status == "wrong":
                            ce = {"input": list(e.inputs[i]), "position": p, "expected": e.expected[i][p - 1],
                                  "actual": actual}
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
