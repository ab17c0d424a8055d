from __future__ import annotations

import time
from fractions import Fraction

from ...certificate import Certificate
from ...graph import check
from ...provers._certify import certify
from .common import holds, value_of


def prove(G, claim, name: str = "") -> Certificate:
    """Integrate exactly over the graph's cells and compare.

    >>> from symtrans import Box, Claim, Weights, new_graph, add_input, set_outputs
    >>> from symtrans.graph import add_op
    >>> from symtrans.ops import Linear
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> set_outputs(G, [add_op(G, "y", Linear(Weights.from_rows([[2]]), Weights.from_rows([[-1]])), [x])])
    >>> prove(G, Claim("integral", domain=Box([(0, 1)]), expected={"mode": "abs", "value": "1/2"})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    check(G)
    value, cells, count = value_of(G, claim)
    exact = Fraction(int(value.p), int(value.q))
    evidence = {"integral": str(value), "cells": cells, "simplices": count}
    verdict = "PROVED" if holds(claim.expected.relation, exact, claim.expected.value) else "REFUTED"
    return certify(G, claim, verdict, "pwl", None, evidence, None, start, name)
