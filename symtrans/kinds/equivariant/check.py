from __future__ import annotations

from ...backends.formal import same
from ...checking import _require
from ...exact import exact_rational
from .common import enclosures, formal_outputs


def check(G, claim, cert):
    """PROVED: every generator's identities again; REFUTED: the recorded input's enclosures are disjoint."""
    ce = cert.counterexample
    gens = claim.expected.generators
    if ce is None:
        base, moved, _ = formal_outputs(G, claim)
        for p, out in zip(gens, moved):
            for i, row in enumerate(out):
                for j, value in enumerate(row):
                    _require(same(value, base[p[i]][j]), f"entry ({i}, {j}) under {list(p)} is not an identity")
        return "PROVED"
    _require(isinstance(ce, dict) and tuple(ce.get("permutation") or ()) in gens,
             "the counterexample's permutation is not one of the claim's generators")
    p = tuple(ce["permutation"])
    entry = ce.get("entry")
    _require(isinstance(entry, list) and len(entry) == 2 and all(isinstance(k, int) and k >= 0 for k in entry),
             "the counterexample has no entry")
    point = ce.get("input")
    _require(isinstance(point, list) and len(point) == len(p) and all(isinstance(r, list) for r in point),
             "the counterexample has no input")
    point = [[exact_rational(v, "counterexample.input") for v in row] for row in point]
    _require(isinstance(cert.precision, int), "no precision recorded")
    _, _, apart = enclosures(G, claim, point, p, tuple(entry), cert.precision)
    _require(apart, "the two outputs are not certainly different at the recorded input")
    return "REFUTED"
