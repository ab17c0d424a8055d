from __future__ import annotations

import time

from ...certificate import Certificate
from ...errors import BackendError
from ...graph import check
from ...provers._certify import certify
from .common import dependence


def prove(G, claim, name: str = "") -> Certificate:
    """Expand the node over ``Q[input, parameters]`` and read which input tokens each output row uses.

    >>> from symtrans import Claim
    >>> from symtrans.constructions.cheng2025 import convolution_mixer
    >>> prove(convolution_mixer(5, 1, [1, "1/2"], 4), Claim("token_dependence")).verdict
    'PROVED'
    >>> prove(convolution_mixer(5, 1, [1, "1/2"], 3), Claim("token_dependence")).counterexample
    {'output_token': 0, 'input_token': 4}
    """
    start = time.perf_counter()
    check(G)
    try:
        rows, names = dependence(G, claim)
    except BackendError as exc:
        message = exc.message if len(exc.message) <= 120 else exc.message[:117] + "..."
        evidence = {"reason": f"not a polynomial in the input: {message}"}
        return certify(G, claim, "UNKNOWN", "poly", None, evidence, None, start, name)
    evidence = {"outputs": len(rows), "inputs": len(rows[0]), "parameters": names}
    for i, row in enumerate(rows):
        for j, depends in enumerate(row):
            if not depends:
                ce = {"output_token": i, "input_token": j}
                return certify(G, claim, "REFUTED", "poly", None, evidence, ce, start, name)
    return certify(G, claim, "PROVED", "poly", None, evidence, None, start, name)
