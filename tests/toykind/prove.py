"""The toy kind's prover: one exact evaluation on the rational backend."""

import time

from symtrans.exact import format_exact
from symtrans.graph import OUTPUTS, input_variables
from symtrans.interpret import evaluate_at_point
from symtrans.provers._certify import certify


def prove(G, claim, name=""):
    start = time.perf_counter()
    point = dict(zip(input_variables(G), claim.expected.point))
    got = evaluate_at_point(G, point, claim.output or G.graph[OUTPUTS][0], claim.row, claim.col)
    ce = None if got == claim.expected.value else {"claimed": format_exact(claim.expected.value)}
    return certify(G, claim, "PROVED" if ce is None else "REFUTED", "rational", None,
                   {"output": format_exact(got)}, ce, start, name)
