"""The toy kind's checker: re-evaluates the point exactly (imports no prover)."""

from symtrans.checking import _require
from symtrans.exact import format_exact
from symtrans.graph import OUTPUTS, input_variables
from symtrans.interpret import evaluate_at_point


def check(G, claim, cert):
    point = dict(zip(input_variables(G), claim.expected.point))
    got = evaluate_at_point(G, point, claim.output or G.graph[OUTPUTS][0], claim.row, claim.col)
    _require(format_exact(got) == cert.evidence["output"], "the recorded output is not the graph's")
    return "PROVED" if got == claim.expected.value else "REFUTED"
