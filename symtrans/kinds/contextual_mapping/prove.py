
from __future__ import annotations

import time

from ...certificate import Certificate
from ...errors import SpecError
from ...graph import INPUTS, OP, check
from ...provers._certify import certify
from ...provers.separation import (
    MAX_BITS_CAP,
    _decide,
    required_pairs,
    separation_claim_data,
)


def prove(G, claim, name: str = "") -> Certificate:
    """Certify the ``(r, delta)``-contextual mapping property with adaptive precision."""
    start_time = time.perf_counter()
    check(G)
    if len(G.graph[INPUTS]) != 1 or G.nodes[G.graph[INPUTS][0]][OP].shape[0] != len(
            claim.expected.sequences[0]):
        raise SpecError("the graph's single input must be a token matrix of the sequences' length",
                        field="sequences")
    X, r, delta, delta_log10, max_bits, capped, prec, engine = separation_claim_data(claim)
    pairs = required_pairs(X)
    evidence = {"pairs": len(pairs), "sequences": len(X), "max_bits": max_bits, "engine": engine}
    if capped:
        evidence["note"] = f"max_bits capped at {MAX_BITS_CAP}"
    history = []
    while True:
        refuted, undecided, min_log10, worst = _decide(G, X, r, delta, delta_log10, prec, pairs, engine)
        history.append([prec, len(undecided)])
        if refuted is not None:
            evidence.update(bits=prec, history=history)
            return certify(G, claim, "REFUTED", "interval", prec, evidence, refuted, start_time, name)
        if not undecided:
            evidence.update(bits=prec, history=history, min_separation_log10=min_log10, closest_pair=worst)
            return certify(G, claim, "PROVED", "interval", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            evidence.update(bits=prec, history=history, undecided=[list(u) for u in undecided[:20]],
                            undecided_count=len(undecided))
            return certify(G, claim, "UNKNOWN", "interval", prec, evidence, None, start_time, name)
        prec *= 2
