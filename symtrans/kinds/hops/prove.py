from __future__ import annotations

import time

from ...certificate import Certificate
from ...provers._certify import STRUCTURE, certify
from ..automorphisms.common import adjacencies
from .common import least_layers


def prove(G, claim, name: str = "") -> Certificate:
    """Multiply the patterns' boolean matrices until every pair is connected.

    >>> from symtrans import Claim
    >>> prove(None, Claim("hops", expected={"patterns": [{"name": "circulant", "n": 9, "w": 2}],
    ...                                    "layers": 2})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    mats = adjacencies(claim.expected)
    least = least_layers(mats, claim.expected.residual)
    evidence = {"layers": least, "tokens": len(mats[0])}
    if least == claim.expected.layers:
        return certify(None, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)
    return certify(None, claim, "REFUTED", STRUCTURE, None, evidence, {"least": least}, start, name)
