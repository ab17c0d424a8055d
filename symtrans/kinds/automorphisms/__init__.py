"""``automorphisms``: the symmetry group of sparse attention patterns.

The automorphisms of patterns ``N_1, N_2, ...`` (permutations ``s`` of the tokens with
``A(s i, s j) = A(i, j)`` for every pattern) are the group ``G`` under which a sparse-attention
stack is universal (Cheng et al. 2025, Corollary 2).  The claim gives its ``order``, or
``generators`` of the group it should be (then ``Aut = <generators>`` is claimed), or both.
No graph: the patterns are the claim's subject.

PROVED by enumeration (networkx's VF2 matcher) and, for generators, SymPy's Schreier-Sims:
every generator preserves the patterns and ``|<generators>| = |Aut|``.  REFUTED by the
computed order, by a generator that breaks a pattern, or by an automorphism outside the
claimed group (a witness anyone can check by hand).

>>> from symtrans import Claim
>>> from symtrans.kinds.equivariant import dihedral_generators
>>> c = Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": 6, "w": 2}],
...                                      "generators": dihedral_generators(6)})
>>> c.describe()
'Aut(circulant n=6 w=2) = <2 generators>'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param
from ..equivariant import optional_permutations
from .common import adjacencies


def _patterns(value, name):
    if not isinstance(value, (list, tuple)) or not value:
        raise SpecError(f"{str(value)[:60]!r} is not a non-empty list of patterns", field=name)
    return tuple(value)


@dataclass(frozen=True)
class AutParams(Params):
    patterns: tuple = param(_patterns, doc="patterns: {name, n, w, hubs, ...} or {adjacency}")
    order: int = param(integer(lo=1, optional=True), default=None, doc="the claimed order of the group")
    generators: tuple = param(optional_permutations, default=(), doc="generators of the claimed group")

    def validate(self):
        mats = adjacencies(self)
        if self.order is None and not self.generators:
            raise SpecError("nothing claimed", field="order", expected="order, generators or both")
        if self.generators and len(self.generators[0]) != len(mats[0]):
            raise SpecError(f"permutations of {len(self.generators[0])} positions for patterns on {len(mats[0])} "
                            "tokens", field="generators", expected=f"permutations of {len(mats[0])} positions")

    def to_json(self):
        out = {"patterns": [dict(p) for p in self.patterns]}
        if self.order is not None:
            out["order"] = self.order
        if self.generators:
            out["generators"] = [list(g) for g in self.generators]
        return out


def _name(p):
    if "adjacency" in p:
        return f"{len(p['adjacency'])}-token pattern"
    return " ".join([str(p.get("name"))] + [f"{k}={v}" for k, v in p.items() if k != "name"])


def _describe(claim):
    e = claim.expected
    what = f"Aut({' n '.join(_name(p) for p in e.patterns)})"
    parts = []
    if e.generators:
        parts.append(f"= <{len(e.generators)} generators>")
    if e.order is not None:
        parts.append(f"has order {e.order}")
    return what + " " + " and ".join(parts)


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce and "automorphism" in ce:
        return f"{ce['why']}: {ce['automorphism']}"
    return f"|Aut| = {ev.get('order', '?')}" + (f", |<generators>| = {ev['generated']}" if "generated" in ev else "")


KIND = ClaimKind(
    name="automorphisms", package=__name__, params=AutParams,
    doc="the automorphism group of sparse attention patterns: its order, or the group it is",
    describe=_describe, summarize=_summarize,
    evidence={"order": "the number of common automorphisms", "generated": "the order of <generators>",
              "tokens": "the number of tokens"},
    envelope=(), graph=False)
