"""Exact values of ``h`` and ``H`` at rational points, shared by the prover and the checker."""

from __future__ import annotations

from ..._lazy import sympy

from ...backends import RationalBackend
from ...errors import SpecError
from ...exact import exact_rational
from ...graph import INPUTS, OUTPUTS, input_variables
from ...interpret import evaluate

__all__ = ["values_at"]


def values_at(G, claim, point):
    """``(h, H)`` at an exact point: ``h`` a tuple of exact scalars (row ``row`` of the output), ``H`` a rational."""
    names = input_variables(G)
    if len(point) != len(names):
        raise SpecError(f"a point of {len(point)} coordinates for a graph of {len(names)} inputs", field="points",
                        expected=f"{len(names)} coordinates")
    node = claim.output or G.graph[OUTPUTS][0]
    inputs, k = {}, 0
    for X in G.graph[INPUTS]:
        r, c = G.nodes[X]["shape"]
        inputs[X] = [[point[k + i * c + j] for j in range(c)] for i in range(r)]
        k += r * c
    bk = RationalBackend()
    value = evaluate(G, bk, inputs, nodes=[node], validate=False, outputs=False)[node]
    h = tuple(bk.to_list(value)[claim.expected.row])
    expr = claim.target.in_variables(names)
    subs = {sympy.Symbol(n): sympy.Rational(v.numerator, v.denominator) for n, v in zip(names, point)}
    return h, exact_rational(expr.xreplace(subs), "target")
