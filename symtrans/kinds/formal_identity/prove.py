from __future__ import annotations

import random
import time
from fractions import Fraction

from ...backends.formal import same
from ...certificate import Certificate
from ...exact import format_exact
from ...graph import INPUTS, check, parameters
from ...provers._certify import certify
from .common import at_point, formal

_TRIES = 20


def prove(G, claim, name: str = "") -> Certificate:
    """Compare the two nodes formally; refute at a random exact point with disjoint enclosures.

    >>> from symtrans import Claim, Weights, new_graph, add_input, set_outputs
    >>> from symtrans.graph import add_op
    >>> from symtrans.ops import Linear, ReLU
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> a = add_op(G, "a", ReLU(), [add_op(G, "u", Linear(Weights.from_rows([[2]])), [x])])
    >>> b = add_op(G, "b", Linear(Weights.from_rows([[2]])), [add_op(G, "r", ReLU(), [x])])
    >>> set_outputs(G, [a, b])
    >>> prove(G, Claim("formal_identity", output="a", expected={"other": "b"})).verdict  # true, not formal
    'UNKNOWN'
    """
    start = time.perf_counter()
    check(G)
    A, B, bk = formal(G, claim)
    evidence = {"entries": sum(len(r) for r in A)}
    differing = [(i, j) for i, row in enumerate(A) for j, v in enumerate(row) if not same(v, B[i][j])]
    if not differing:
        evidence["uninterpreted"] = len(bk.functions)
        return certify(G, claim, "PROVED", "formal", None, evidence, None, start, name)
    rng = random.Random(0)
    names = parameters(G)
    for _ in range(_TRIES):
        inputs = {X: [[Fraction(rng.randint(-6, 6), 2) for _ in range(G.nodes[X]["shape"][1])]
                      for _ in range(G.nodes[X]["shape"][0])] for X in G.graph[INPUTS]}
        params = {p: Fraction(rng.randint(-6, 6), 3) for p in names}
        ib, a, b = at_point(G, claim, inputs, params, 128)
        for i, j in differing:
            if ib.lt(a[i][j], b[i][j]) is True or ib.lt(b[i][j], a[i][j]) is True:
                ce = {"inputs": {X: [[format_exact(v) for v in r] for r in M] for X, M in inputs.items()},
                      "parameters": {p: format_exact(v) for p, v in params.items()}, "entry": [i, j],
                      "values": [a[i][j].str(12, radius=True), b[i][j].str(12, radius=True)]}
                return certify(G, claim, "REFUTED", "interval", 128, evidence, ce, start, name)
    evidence["reason"] = (f"entry {list(differing[0])} is not a formal identity (it may still hold: exp and max "
                          "are uninterpreted), and no point separated the two nodes")
    return certify(G, claim, "UNKNOWN", "formal", None, evidence, None, start, name)
