
from __future__ import annotations

from ...backends import PolyBackend
from ...checking import _node
from ...graph import parameters
from ...interpret import evaluate


def check(G, claim, cert):
    exp = claim.expected
    names = parameters(G)
    node = _node(G, claim)
    rows = []
    for A in [[list(t) for t in A] for A in exp.inputs]:
        value = evaluate(G, PolyBackend(names), {G.graph["inputs"][0]: A}, nodes=[node], outputs=False)[node]
        rows.append([value.get(exp.row, j, None) for j in range(value.shape[1])])
    same = all((p is None and q is None) or (p is not None and q is not None and p == q) or
               (p is None and q is not None and q.is_zero()) or (q is None and p is not None and p.is_zero())
               for p, q in zip(*rows))
    return "PROVED" if same else "REFUTED"
