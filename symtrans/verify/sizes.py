"""The size audit: a graph's sizes against a theorem's stated complexity, compared exactly.

>>> from symtrans.constructions.fang2022 import polynomial_transformer, expected_sizes
>>> from symtrans.targets import Polynomial
>>> from symtrans.claims import Claim
>>> G = polynomial_transformer(Polynomial.general(2, 3))
>>> prove_sizes(G, Claim("sizes", expected=expected_sizes(2, 3))).verdict
'PROVED'
>>> c = prove_sizes(G, Claim("sizes", expected={"blocks": 2}))
>>> c.verdict, c.counterexample
('REFUTED', {'blocks': {'graph': 3, 'claimed': 2}})
"""

from __future__ import annotations

import time

from ..certificate import Certificate
from ._certify import certify
from ..errors import SpecError
from ..graph import sizes

__all__ = ["prove_sizes"]


def prove_sizes(G, claim, name: str = "") -> Certificate:
    """PROVED when every claimed size equals the graph's; REFUTED naming the sizes that differ."""
    start = time.perf_counter()
    actual = sizes(G)
    unknown = set(claim.expected) - set(actual)
    if unknown:
        raise SpecError(f"unknown size {sorted(unknown)[0]!r}", field="expected", expected=", ".join(actual))
    wrong = {k: {"graph": actual[k], "claimed": v} for k, v in claim.expected.items() if actual[k] != v}
    verdict = "REFUTED" if wrong else "PROVED"
    return certify(G, claim, verdict, "sizes", "exact", None, {"sizes": actual}, wrong or None, start, name)
