"""``formal_identity``: two nodes of a graph are equal for every input and every parameter value,
with ``exp``, ReLU and max left uninterpreted.

Structural facts about architectures ("``W h(A x - b)`` is again an FFN of the same width", Cheng et
al.'s Definition 2) hold whatever the nonlinearity is.  Both nodes are evaluated on the formal
backend (:mod:`symtrans.backends.formal`: inputs and parameters symbolic, ``exp`` / ``max`` of equal
arguments the same symbol) and compared entry by entry as rational functions: PROVED when every
entry is an identity.  A failed identity proves nothing by itself; REFUTED needs an exact point
(inputs and parameters) where some entry's two Arb enclosures are disjoint.

>>> from symtrans import Claim
>>> Claim("formal_identity", output="a", expected={"other": "b"}).describe()
"node 'a' == node 'b' for all inputs and parameters (exp, ReLU uninterpreted)"
"""

from dataclasses import dataclass

from ..base import ClaimKind, Params, param, text


@dataclass(frozen=True)
class FormalParams(Params):
    other: str = param(text(), doc="the node the output must equal")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"entry {ce['entry']}: {ce['values'][0]} vs {ce['values'][1]}"
    if cert.verdict == "PROVED":
        return f"{ev['entries']} entries are identities; {ev['uninterpreted']} uninterpreted symbols"
    return ev.get("reason", "")


KIND = ClaimKind(
    name="formal_identity", package=__name__, params=FormalParams,
    doc="two nodes are equal for all inputs and parameters, exp / ReLU / max uninterpreted",
    describe=lambda c: (f"node {c.output or 'output'!r} == node {c.expected.other!r} for all inputs and parameters "
                        "(exp, ReLU uninterpreted)"),
    summarize=_summarize,
    evidence={"entries": "entries compared", "uninterpreted": "uninterpreted function symbols"},
    envelope=("output",))
