"""The formal and the numerical evaluation of an equivariance claim, shared by its prover and checker."""

from __future__ import annotations

from ..._lazy import sympy

from ...backends import FormalBackend, IntervalBackend
from ...errors import SpecError
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate

__all__ = ["setting", "formal_outputs", "permuted", "enclosures"]


def setting(G, claim):
    """``(input node, tokens, dimension, variables, output node)``; the generators must permute the tokens."""
    if len(G.graph[INPUTS]) != 1:
        raise SpecError(f"a graph with {len(G.graph[INPUTS])} inputs", field="graph", expected="one input")
    X = G.graph[INPUTS][0]
    tau, d = G.nodes[X]["shape"]
    node = claim.output or G.graph[OUTPUTS][0]
    rows = G.nodes[node]["shape"][0]
    n = len(claim.expected.generators[0])
    if n != tau or rows != tau:
        raise SpecError(f"permutations of {n} positions for an input of {tau} tokens and an output of {rows} rows",
                        field="generators", expected=f"permutations of {tau} positions, an output with {tau} rows")
    return X, tau, d, list(G.nodes[X]["op"].variables), node


def permuted(matrix, p):
    """``X'[i] = X[p[i]]``."""
    return [list(matrix[p[i]]) for i in range(len(p))]


def formal_outputs(G, claim):
    """The output on symbolic inputs, and on each generator's permutation of them (formal backend)."""
    X, tau, d, variables, node = setting(G, claim)
    bk = FormalBackend()
    symbols = [[sympy.Symbol(variables[i * d + j]) for j in range(d)] for i in range(tau)]
    base = bk.to_list(evaluate(G, bk, {X: symbols}, nodes=[node], validate=False, outputs=False)[node])
    moved = [bk.to_list(evaluate(G, bk, {X: permuted(symbols, p)}, nodes=[node], validate=False, outputs=False)[node])
             for p in claim.expected.generators]
    return base, moved, bk


def enclosures(G, claim, point, p, entry, prec):
    """Arb enclosures of ``g(X')[i, j]`` and ``g(X)[p[i], j]`` at an exact input ``point``."""
    X, _, _, _, node = setting(G, claim)
    i, j = entry
    ib = IntervalBackend(prec=prec)
    with ib.session():
        a = ib.to_list(evaluate(G, ib, {X: permuted(point, p)}, nodes=[node], validate=False, outputs=False)[node])[i][j]
        b = ib.to_list(evaluate(G, ib, {X: point}, nodes=[node], validate=False, outputs=False)[node])[p[i]][j]
        apart = ib.lt(a, b) is True or ib.lt(b, a) is True
    return a, b, apart
