"""The dependence matrix, shared by the prover and the checker."""

from __future__ import annotations

from ...backends import PolyBackend
from ...errors import SpecError
from ...graph import INPUTS, OUTPUTS, parameters
from ...interpret import evaluate

__all__ = ["dependence"]


def dependence(G, claim):
    """``(rows: [[bool]] output token x input token, parameter names)``; raises BackendError when the node is
    not a polynomial in its input."""
    source = claim.expected.input or (G.graph[INPUTS][0] if len(G.graph[INPUTS]) == 1 else None)
    if source not in G.graph[INPUTS]:
        raise SpecError(f"input {source!r}", field="input", expected="one of " + ", ".join(G.graph[INPUTS]))
    node = claim.output or G.graph[OUTPUTS][0]
    names = parameters(G)
    others = {n: [[0] * G.nodes[n]["shape"][1] for _ in range(G.nodes[n]["shape"][0])]
              for n in G.graph[INPUTS] if n != source}  # other inputs held at 0: only the source is symbolic
    value = evaluate(G, PolyBackend(names), others, nodes=[node], validate=False, outputs=False)[node]
    variables = G.nodes[source]["op"].variables
    n_in, d = G.nodes[source]["shape"]
    rows = []
    for i in range(value.shape[0]):
        used = set()
        for j in range(value.shape[1]):
            p = value.get(i, j, None)
            if p is not None:
                ring = p.context().names()
                used |= {ring[k] for k, e in enumerate(p.degrees()) if e > 0}
        rows.append([any(variables[t * d + c] in used for c in range(d)) for t in range(n_in)])
    return rows, names
