"""``hops``: how many layers of sparse attention until every output token depends on every input token.

Layer ``r`` attends by pattern ``r mod len(patterns)``; with the residual connection (``residual =
true``, the default) each token also keeps itself.  After ``m`` layers, output token ``i`` depends on
input token ``k`` when the boolean product of the ``m`` adjacency matrices (with the identity added)
has a 1 at ``(i, k)``: Cheng et al.'s "connected within m layers" (Definition 4).  The claim gives
``layers``: the *least* such ``m`` (both that ``m`` layers connect every pair and that ``m - 1`` do not).
Exact boolean products; no graph.

>>> from symtrans import Claim
>>> Claim("hops", expected={"patterns": [{"name": "window", "n": 9, "w": 2}], "layers": 4}).describe()
'least layers to connect window n=9 w=2: 4'
"""

from dataclasses import dataclass

from ..automorphisms import _name, _patterns
from ..automorphisms.common import adjacencies
from ..base import ClaimKind, Params, boolean, integer, param


@dataclass(frozen=True)
class HopsParams(Params):
    patterns: tuple = param(_patterns, doc="the layers' patterns, used in turn")
    layers: int = param(integer(lo=0), doc="the least number of layers connecting every pair")
    residual: bool = param(boolean(), default=True, doc="each token keeps itself (the residual connection)")

    def validate(self):
        adjacencies(self)

    def to_json(self):
        out = {"patterns": [dict(p) for p in self.patterns], "layers": self.layers}
        if not self.residual:
            out["residual"] = False
        return out


def _describe(claim):
    e = claim.expected
    return f"least layers to connect {' then '.join(_name(p) for p in e.patterns)}: {e.layers}"


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"the least number is {ce['least']}" if ce.get("least") is not None else "never connected"
    fewer = ev["layers"] - 1
    if fewer < 0:
        return f"0 layers: every token already sees every token ({ev['tokens']} tokens)"
    return (f"{ev['layers']} layers connect all {ev['tokens']} tokens; "
            f"{fewer} {'layer leaves' if fewer == 1 else 'layers leave'} a pair unconnected")


KIND = ClaimKind(
    name="hops", package=__name__, params=HopsParams,
    doc="the least number of sparse-attention layers after which every output depends on every input",
    describe=_describe, summarize=_summarize,
    evidence={"layers": "the least number of layers", "tokens": "the number of tokens"},
    envelope=(), graph=False)
