from __future__ import annotations

from ...checking import _require
from .common import dependence


def check(G, claim, cert):
    """Expand again; REFUTED only for the recorded pair, which must not depend."""
    rows, _ = dependence(G, claim)
    if all(all(row) for row in rows):
        return "PROVED"
    ce = cert.counterexample
    _require(isinstance(ce, dict), "no pair recorded")
    i, j = ce.get("output_token"), ce.get("input_token")
    _require(isinstance(i, int) and isinstance(j, int) and 0 <= i < len(rows) and 0 <= j < len(rows[0]),
             "the recorded pair is not a pair of tokens")
    _require(not rows[i][j], "the recorded output token does depend on the recorded input token")
    return "REFUTED"
