"""The audit, shared by the prover and the checker."""

from __future__ import annotations

import networkx as nx

from ...ops import Div, Input, LayerNorm, Normalize, Sqrt

__all__ = ["audit"]


def audit(G):
    """``(first failing (node, op, why) or None, ops audited, conditions)`` in topological order."""
    conditions, count = [], 0
    for node in nx.lexicographical_topological_sort(G):
        op = G.nodes[node]["op"]
        if isinstance(op, Input):
            continue
        count += 1
        why = op.analytic()
        if why:
            return (node, op.describe(), why), count, conditions
        if isinstance(op, (Div, Sqrt)) or (isinstance(op, Normalize) and op.rule == "sum"):
            conditions.append(f"{node}: {op.describe()} (analytic where its divisor is nonzero / argument positive)")
        elif isinstance(op, LayerNorm):
            conditions.append(f"{node}: LayerNorm (analytic: its variance + eps is positive)")
    return None, count, conditions
