from __future__ import annotations

import time

from ...certificate import Certificate
from ...provers._certify import certify
from .common import decide, exact_operator


def prove(G, claim, name: str = "") -> Certificate:
    """Decide the claimed spectrum, doubling the Arb precision from 64 bits up to ``max_bits``.

    >>> from symtrans import Claim
    >>> c = Claim("spectrum", expected={"coefficients": [[1, 1], [0, 1]], "values": ["(1 + sqrt(5))/2", "(sqrt(5) - 1)/2"]})
    >>> prove(None, c).verdict
    'PROVED'
    """
    start = time.perf_counter()
    M = exact_operator(claim.expected)
    prec = 64
    while True:
        verdict, evidence, ce = decide(claim.expected, prec, M)
        if verdict is not None or prec >= claim.expected.max_bits:
            break
        prec = min(2 * prec, claim.expected.max_bits)
    if verdict is None:
        evidence["reason"] = f"a comparison is undecided at {prec} bits"
        return certify(None, claim, "UNKNOWN", "interval", prec, evidence, None, start, name)
    return certify(None, claim, verdict, "interval", prec, evidence, ce, start, name)
