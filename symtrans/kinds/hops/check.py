from __future__ import annotations

from ..automorphisms.common import adjacencies
from .common import reach


def check(G, claim, cert):
    """``layers`` layers connect every pair and one fewer does not (boolean products again)."""
    data = claim.expected
    mats = adjacencies(data)
    m = data.layers
    full = all(all(row) for row in reach(mats, m, data.residual))
    fewer = m > 0 and all(all(row) for row in reach(mats, m - 1, data.residual))
    return "PROVED" if full and not fewer else "REFUTED"
