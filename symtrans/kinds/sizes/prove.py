
from __future__ import annotations

import time

from ...certificate import Certificate
from ...graph import sizes
from ...provers._certify import certify


def prove(G, claim, name: str = "") -> Certificate:
    """PROVED when every claimed size equals the graph's; REFUTED naming the sizes that differ."""
    start = time.perf_counter()
    actual = sizes(G)
    claimed = claim.expected.to_json()
    wrong = {k: {"graph": actual[k], "claimed": v} for k, v in claimed.items() if actual[k] != v}
    verdict = "REFUTED" if wrong else "PROVED"
    return certify(G, claim, verdict, "structure", None, {"sizes": actual}, wrong or None, start, name)
