from __future__ import annotations

from ..._lazy import sympy

from ...checking import _require
from .common import adjacencies, automorphisms, generated, outside, preserves


def check(G, claim, cert):
    """A witness automorphism is re-checked by hand; otherwise the automorphisms are enumerated again."""
    data = claim.expected
    mats = adjacencies(data)
    n = len(mats[0])
    ce = cert.counterexample
    if isinstance(ce, dict) and "automorphism" in ce:
        s = tuple(ce["automorphism"])
        _require(sorted(s) == list(range(n)), "the witness is not a permutation of the tokens")
        if ce.get("why") == "a claimed generator breaks a pattern":
            _require(s in data.generators and not preserves(s, mats), "the witness is not a breaking generator")
            return "REFUTED"
        _require(bool(data.generators) and preserves(s, mats), "the witness is not an automorphism")
        _require(not generated(data.generators, n).contains(sympy.combinatorics.Permutation(list(s), size=n)),
                 "the witness lies in the claimed group")
        return "REFUTED"
    _require(all(preserves(g, mats) for g in data.generators), "a claimed generator breaks a pattern")
    if data.generators:
        witness, order, decided = outside(mats, data.generators)
        _require(decided, "too many automorphisms to enumerate")
        if witness is not None:
            return "REFUTED"
    else:
        auts = automorphisms(mats)
        _require(auts is not None, "too many automorphisms to enumerate")
        order = len(auts)
    return "PROVED" if data.order is None or data.order == order else "REFUTED"
