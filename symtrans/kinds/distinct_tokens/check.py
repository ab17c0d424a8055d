from __future__ import annotations

from ...checking import _require
from .common import apart, enclosed_outputs, equal_tokens, exact_outputs, required_pairs


def check(G, claim, cert):
    """REFUTED: the recorded pair is required and exactly equal.  PROVED: every pair apart at the recorded precision."""
    pairs = required_pairs(claim.expected)
    ce = cert.counterexample
    if ce is not None:
        pair = (tuple(ce.get("first") or ()), tuple(ce.get("second") or ()))
        _require(pair in pairs, "the counterexample is not a required pair")
        ib, enc = enclosed_outputs(G, claim, 128)  # tokens certainly apart are not equal: no exact comparison
        _require(not apart(ib, enc[pair[0][0]][pair[0][1]], enc[pair[1][0]][pair[1][1]]), "the two tokens differ")
        rows, bk = exact_outputs(G, claim)
        _require(rows is not None, "the layer cannot be evaluated exactly")
        _require(equal_tokens(rows[pair[0][0]][pair[0][1]], rows[pair[1][0]][pair[1][1]], bk), "the two tokens differ")
        return "REFUTED"
    _require(isinstance(cert.precision, int), "no precision recorded")
    ib, enc = enclosed_outputs(G, claim, cert.precision)
    _require(all(apart(ib, enc[a][i], enc[b][j]) for (a, i), (b, j) in pairs), "a required pair is not apart")
    return "PROVED"
