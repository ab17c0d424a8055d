"""``token_dependence``: every output token of a polynomial graph depends on every input token.

The graph-side counterpart of ``hops`` (which reads only sparsity patterns): the node's value is
computed on the poly backend with the input and every parameter symbolic, and output token ``i``
*depends on* input token ``j`` when some entry of output row ``i`` contains a variable of input row
``j`` (a nonzero coefficient over ``Q[parameters]``).  Exact, so cancellations are seen: a
structural reach (a nonzero pattern) can only over-approximate dependence, this cannot.  PROVED
when every pair depends (with symbolic parameters: for every parameter value off a proper
algebraic set); REFUTED with an output token, an input token and the output row, which then does
not change with that input token at all.  A graph that is not polynomial in its input (softmax,
ReLU) is UNKNOWN with the reason: use ``hops`` on its patterns.

>>> from symtrans import Claim
>>> Claim("token_dependence").describe()
'every output token depends on every input token'
"""

from dataclasses import dataclass

from ..base import ClaimKind, Params, param, text


@dataclass(frozen=True)
class TokenDependenceParams(Params):
    input: str = param(text(optional=True), default=None, doc="the input node (default: the graph's only input)")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"output token {ce['output_token']} does not depend on input token {ce['input_token']}"
    if cert.verdict == "PROVED":
        over = f", over Q[{', '.join(ev['parameters'])}]" if ev["parameters"] else ""
        return f"all {ev['outputs']} x {ev['inputs']} token pairs depend (exact{over})"
    return ev.get("reason", "")


KIND = ClaimKind(
    name="token_dependence", package=__name__, params=TokenDependenceParams,
    doc="every output token of a polynomial graph depends on every input token (exact)",
    describe=lambda c: "every output token depends on every input token"
                       + (f" of {c.expected.input}" if c.expected.input else ""),
    summarize=_summarize,
    evidence={"outputs": "output tokens", "inputs": "input tokens", "parameters": "the parameter symbols",
              "reason": "UNKNOWN: why the graph could not be expanded"},
    envelope=("output",))
