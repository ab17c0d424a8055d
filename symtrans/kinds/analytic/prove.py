from __future__ import annotations

import time

from ...certificate import Certificate
from ...graph import check
from ...provers._certify import STRUCTURE, certify
from .common import audit


def prove(G, claim, name: str = "") -> Certificate:
    """Audit every op.

    >>> from symtrans import Claim, Weights, Head, attention_head, new_graph, add_input, set_outputs
    >>> G = new_graph(); X = add_input(G, "X", (3, 2)); I = Weights.identity(2)
    >>> set_outputs(G, [attention_head(G, X, Head(I, I, I, I, score="softmax"), name="h")])
    >>> prove(G, Claim("analytic")).verdict
    'PROVED'
    """
    start = time.perf_counter()
    check(G)
    failing, count, conditions = audit(G)
    evidence = {"ops": count, "conditions": conditions}
    if failing is None:
        return certify(G, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)
    node, op, why = failing
    return certify(G, claim, "REFUTED", STRUCTURE, None, evidence, {"node": node, "op": op, "why": why}, start, name)
