"""Prove a ``decodes`` claim: every input, every defined position, decided rigorously.

The first pass runs the model on every input with rigorous float64 boxes
(:mod:`symtrans.backends.box`; each length's inputs in one batched run, unless the claim says
``boxes = false``); only the inputs it leaves undecided go to Arb, at ``start_bits`` and then at
doubling precision up to ``max_bits``.  Inputs are grouped by length and cut into chunks for the
executor in scope (:mod:`symtrans.parallel`; serial by default, results merged in input order);
each length's graph is :func:`~symtrans.io.transformer_lens.with_length`.
"""

from __future__ import annotations

import time

from ...budget import progress
from ...errors import SpecError
from ...graph import INPUTS
from ...parallel import map_ordered, workers
from ...provers._certify import certify
from .common import BOX_BITS, by_length, chunk_items, how, run_chunk


def ladder(e) -> list:
    """The passes: ``None`` (float64 boxes) when the claim allows, then Arb bits up to ``max_bits``."""
    bits, prec = [], e.start_bits
    while prec <= e.max_bits:
        bits.append(prec)
        prec *= 2
    return ([None] if e.boxes else []) + (bits or [e.max_bits])


#: Inputs per batched box run (its arrays are inputs x tokens x width floats: 8,192 inputs of
#: 13 tokens and width 31 is 26 MB an array).
BOX_BATCH = 8192


def _chunks(items, prec):
    """Pieces of one length's inputs: one per quarter-worker on a pool; serially, batches of
    :data:`BOX_BATCH` for boxes and pieces of 512 for Arb (so that progress can be shown)."""
    if workers() > 1:
        size = max(1, -(-len(items) // (4 * workers())))
    else:
        size = min(len(items), BOX_BATCH if prec is None else 512)
    return [items[k:k + size] for k in range(0, len(items), size)]


def prove(G, claim, name: str = ""):
    start = time.perf_counter()
    e = claim.expected
    if len(G.graph[INPUTS]) != 1:
        raise SpecError("a decodes claim needs a model graph with one input", field="graph")
    n = G.nodes[G.graph[INPUTS][0]]["shape"][0]
    too_long = [seq for seq in e.inputs if len(seq) + 1 > n]
    if too_long:
        raise SpecError(f"an input of {len(too_long[0])} tokens is longer than the model's {n - 1}", field="inputs")
    pending, ok, by_boxes, used, undecided = list(range(len(e.inputs))), set(), 0, None, []
    for prec in ladder(e):
        used, undecided = prec, []
        bits = BOX_BITS if prec is None else prec
        what = "float64 boxes" if prec is None else f"{prec} bits"
        for m, items in by_length(e, pending).items():
            chunks = _chunks(items, prec)
            done = map_ordered(run_chunk, [(G, m, prec, chunk_items(e, chunk), how(e))
                                           for chunk in chunks])
            for chunk, results in zip(chunks, done):
                progress(len(ok), None, f"positions decided ({what})")
                for i, decided in zip(chunk, results):
                    for p, status, actual in decided:
                        if status == "wrong":
                            ce = {"input": list(e.inputs[i]), "position": p, "expected": e.expected[i][p - 1],
                                  "actual": actual}
                            return certify(G, claim, "REFUTED", "box" if prec is None else "interval", bits,
                                           {"bits": bits}, ce, start, name)
                        if status == "undecided":
                            undecided.append((i, p))
                        elif (i, p) not in ok:
                            ok.add((i, p))
                            by_boxes += prec is None
        pending = sorted({i for i, _ in undecided})
        if not pending:
            break
    bits = BOX_BITS if used is None else used
    method = "box" if used is None else "box+interval" if by_boxes else "interval"
    evidence = {"bits": bits, "inputs": len(e.inputs), "positions": len(ok), "boxes": by_boxes}
    if undecided:
        i, p = undecided[0]
        ce = {"input": list(e.inputs[i]), "position": p, "expected": e.expected[i][p - 1], "actual": None}
        return certify(G, claim, "UNKNOWN", method, bits, dict(evidence, undecided=len(undecided)),
                       ce, start, name)
    return certify(G, claim, "PROVED", method, bits, evidence, None, start, name)
