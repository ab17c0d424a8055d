"""Both nodes on the formal backend, or at an exact point with Arb (shared by prover and checker)."""

from __future__ import annotations

from ...backends import FormalBackend, IntervalBackend
from ...errors import SpecError
from ...graph import OUTPUTS
from ...interpret import evaluate

__all__ = ["nodes_of", "formal", "at_point"]


def nodes_of(G, claim):
    a, b = claim.output or G.graph[OUTPUTS][0], claim.expected.other
    if b not in G:
        raise SpecError(f"node {b!r} is not in the graph", field="other")
    if G.nodes[a]["shape"] != G.nodes[b]["shape"]:
        raise SpecError(f"nodes {a!r} {G.nodes[a]['shape']} and {b!r} {G.nodes[b]['shape']} differ in shape",
                        field="other", expected="two nodes of one shape")
    return a, b


def formal(G, claim):
    a, b = nodes_of(G, claim)
    bk = FormalBackend()
    values = evaluate(G, bk, {}, nodes=[a, b], validate=False, outputs=False)
    return bk.to_list(values[a]), bk.to_list(values[b]), bk


def at_point(G, claim, inputs, params, prec):
    """Arb enclosures of both nodes at exact inputs and parameter values."""
    a, b = nodes_of(G, claim)
    ib = IntervalBackend(prec=prec)
    with ib.session():
        values = evaluate(G, ib, inputs, params=params, nodes=[a, b], validate=False, outputs=False)
        return ib, ib.to_list(values[a]), ib.to_list(values[b])
