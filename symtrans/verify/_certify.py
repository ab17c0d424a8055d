"""The one place a verifier turns its verdict into a Certificate for a graph."""

from __future__ import annotations

import time

from ..certificate import Certificate
from ..graph import fingerprint, to_json

__all__ = ["certify"]


def certify(G, claim, verdict, method, backend, precision, evidence, counterexample, start, name) -> Certificate:
    """A certificate for ``claim`` about ``G``: claim and graph embedded, the fingerprint, the time since ``start``."""
    return Certificate(verdict, claim.to_json(), fingerprint(G), method, backend, precision, evidence, counterexample,
                       time.perf_counter() - start, to_json(G), name)
