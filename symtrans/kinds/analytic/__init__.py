"""``analytic``: every op of the graph is real-analytic in its weights and inputs (a syntactic audit).

Cheng et al.'s Theorem 2 turns a two-sample distinguishability test into the full condition when
the token mixer is real-analytic in its parameters.  The audit walks the graph: linear maps,
products, exp and softmax, kernel formulas of exp and polynomials, sums, divisions and square
roots (analytic where defined: nonzero divisors, positive arguments, which the evidence lists)
pass; ReLU, max, hardmax and kernels with abs / max / min fail.  PROVED when every op passes;
REFUTED naming the first op that does not (a non-analytic *op*: the audit is about the
architecture, as the corollaries use it).

>>> from symtrans import Claim
>>> Claim("analytic").describe()
'every op is analytic in the weights and inputs'
"""

from ..base import ClaimKind, NoParams


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"node {ce['node']!r} ({ce['op']}): {ce['why']}"
    where = f"; analytic where defined: {len(ev['conditions'])} divisions / square roots" if ev.get("conditions") else ""
    return f"{ev['ops']} ops, all analytic{where}"


KIND = ClaimKind(
    name="analytic", package=__name__, params=NoParams,
    doc="every op of the graph is real-analytic in its weights and inputs (Cheng et al.'s Theorem 2)",
    describe=lambda c: "every op is analytic in the weights and inputs",
    summarize=_summarize,
    evidence={"ops": "ops audited", "conditions": "ops analytic only where defined (divisions, square roots)"},
    envelope=())
