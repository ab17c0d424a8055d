
from __future__ import annotations

import time

from ...backends import PolyBackend
from ...certificate import Certificate
from ...exact import format_exact
from ...graph import INPUTS, OUTPUTS, check, parameters
from ...interpret import evaluate
from ...provers._certify import certify
from ...provers.polynomial import nonzero_point


def prove(G, claim, name: str = "") -> Certificate:
    """Two inputs give the same output row for *every* value of the graph's parameters.

    ``expected``: ``{"inputs": [A, B], "row": r}``; each input is the token matrix of the graph's
    single input.  Both outputs are computed exactly on the poly backend (parameters symbolic);
    PROVED when the rows are identical polynomials, REFUTED with a parameter point otherwise.

    >>> from symtrans.claims import Claim
    >>> from symtrans.graph import new_graph, add_input, set_outputs
    >>> from symtrans.layers import Head, attention_head
    >>> from symtrans.weights import Weights
    >>> import sympy
    >>> G = new_graph(); X = add_input(G, "X", (4, 1))
    >>> v = Weights((1, 1), {(0, 0): sympy.Symbol("v")})
    >>> one = Weights.identity(1)
    >>> set_outputs(G, [attention_head(G, X, Head(one, one, v, one, score="hardmax"), name="h")])
    >>> claim = Claim("same_output", expected={"inputs": [[[1], [3], [4], [6]], [[1], [2], [5], [6]]], "row": 0})
    >>> prove(G, claim).verdict
    'PROVED'
    """
    start_time = time.perf_counter()
    check(G)
    inputs, row = [[list(t) for t in A] for A in claim.expected.inputs], claim.expected.row
    names = parameters(G)
    node = claim.output or G.graph[OUTPUTS][0]
    bk = PolyBackend(names)
    rows = []
    for A in inputs:
        value = evaluate(G, bk, {G.graph[INPUTS][0]: A}, nodes=[node], validate=False, outputs=False)[node]
        rows.append([value.get(row, j, None) for j in range(value.shape[1])])
    evidence = {"parameters": names, "row": row}
    for j, (p, q) in enumerate(zip(*rows)):
        ring = (p or q).context() if (p or q) is not None else None
        if ring is None:
            continue
        diff = (p if p is not None else ring.from_dict({})) - (q if q is not None else ring.from_dict({}))
        if not diff.is_zero():
            point = nonzero_point(diff, list(ring.names()))
            ce = {"column": j, "parameters": {k: format_exact(v) for k, v in point.items()},
                  "outputs": [str(p), str(q)]}
            return certify(G, claim, "REFUTED", "poly", None, evidence, ce, start_time, name)
    evidence["output"] = [str(p) for p in rows[0]]
    return certify(G, claim, "PROVED", "poly", None, evidence, None, start_time, name)
