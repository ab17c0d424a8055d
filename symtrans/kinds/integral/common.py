"""The integral a claim is about, shared by the prover and the checker."""

from __future__ import annotations

from ...graph import OUTPUTS
from ...integrate import integrate

__all__ = ["value_of", "holds"]


def value_of(G, claim):
    """``(value, cells, simplices)`` of the claim's integrand over its box."""
    node = claim.output or G.graph[OUTPUTS][0]
    entries = [(node, claim.row, claim.col)]
    if claim.expected.times is not None:
        entries.append(claim.expected.times)
    box = [(lo, hi) for lo, hi in claim.domain.bounds]
    return integrate(G, entries, box, claim.expected.mode)


def holds(relation, value, bound) -> bool:
    return {"==": value == bound, "<=": value <= bound, "<": value < bound, ">=": value >= bound,
            ">": value > bound}[relation]
