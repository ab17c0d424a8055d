
from __future__ import annotations

from ...graph import sizes


def check(G, claim, cert):
    actual = sizes(G)
    return "PROVED" if all(actual.get(k) == v for k, v in claim.expected.to_json().items()) else "REFUTED"
