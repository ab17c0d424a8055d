from __future__ import annotations

import time

from ...certificate import Certificate
from ...graph import check
from ...provers._certify import certify
from .common import (
    apart,
    enclosed_outputs,
    equal_tokens,
    exact_outputs,
    orbits,
    required_pairs,
)


def prove(G, claim, name: str = "") -> Certificate:
    """Certify every required pair apart, doubling the precision; or find an exact collision.

    >>> from symtrans import Claim, Weights, Head, attention_head, new_graph, add_input, set_outputs, residual
    >>> G = new_graph(); X = add_input(G, "X", (3, 2)); I = Weights.identity(2)
    >>> h = attention_head(G, X, Head(I, Weights.from_rows([[1, "1/2"], [0, 1]]), I, I, score="softmax"), name="h")
    >>> set_outputs(G, [residual(G, X, h, name="r")])
    >>> seqs = [[[1, 0], [0, 2], [-1, -2]], [[1, 0], [1, 1], [-2, -1]]]
    >>> prove(G, Claim("distinct_tokens", expected={"sequences": seqs})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    check(G)
    pairs = required_pairs(claim.expected)
    evidence = {"pairs": len(pairs), "orbits": len(set(orbits(claim.expected)))}
    prec, exact = 64, None
    while True:
        ib, enc = enclosed_outputs(G, claim, prec)
        pairs = [p for p in pairs if not apart(ib, enc[p[0][0]][p[0][1]], enc[p[1][0]][p[1][1]])]
        if not pairs:
            return certify(G, claim, "PROVED", "interval", prec, evidence, None, start, name)
        if exact is None:  # pairs the enclosures cannot separate may be exact collisions
            exact = exact_outputs(G, claim)
            rows, bk = exact
            for (a, i), (b, j) in pairs if rows is not None else ():
                if equal_tokens(rows[a][i], rows[b][j], bk):
                    ce = {"first": [a, i], "second": [b, j], "value": [str(v)[:200] for v in rows[a][i]]}
                    return certify(G, claim, "REFUTED", bk.name, None, evidence, ce, start, name)
        if prec >= claim.expected.max_bits:
            evidence["reason"] = f"{len(pairs)} pairs not separated at {prec} bits, e.g. {list(pairs[0])}"
            return certify(G, claim, "UNKNOWN", "interval", prec, evidence, None, start, name)
        prec = min(2 * prec, claim.expected.max_bits)
