from __future__ import annotations

from .common import audit


def check(G, claim, cert):
    """The audit again, on the embedded graph."""
    failing, _, _ = audit(G)
    return "PROVED" if failing is None else "REFUTED"
