from __future__ import annotations

import time

from ...certificate import Certificate
from ...provers._certify import STRUCTURE, certify
from .common import MAX_AUTOMORPHISMS, adjacencies, automorphisms, outside, preserves


def prove(G, claim, name: str = "") -> Certificate:
    """Enumerate the common automorphisms; compare with the claimed order and group.

    >>> from symtrans import Claim
    >>> prove(None, Claim("automorphisms", expected={"patterns": [{"name": "one_sided", "n": 7, "w": 2}],
    ...                                             "order": 7})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    data = claim.expected
    mats = adjacencies(data)
    n = len(mats[0])
    evidence = {"tokens": n}
    for g in data.generators:
        if not preserves(g, mats):
            ce = {"automorphism": list(g), "why": "a claimed generator breaks a pattern"}
            return certify(None, claim, "REFUTED", STRUCTURE, None, evidence, ce, start, name)
    if data.generators:
        witness, seen, decided = outside(mats, data.generators)
        if witness is not None:
            ce = {"automorphism": list(witness), "why": "an automorphism outside the claimed group"}
            return certify(None, claim, "REFUTED", STRUCTURE, None, evidence, ce, start, name)
        if not decided:
            evidence["reason"] = f"more than {MAX_AUTOMORPHISMS} automorphisms, all in the group so far"
            return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
        order = seen  # every automorphism lies in <generators>, and every generator is one: Aut = <generators>
        evidence["generated"] = order
    else:
        auts = automorphisms(mats)
        if auts is None:
            evidence["reason"] = f"more than {MAX_AUTOMORPHISMS} automorphisms: the order is not enumerated"
            return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
        order = len(auts)
    evidence["order"] = order
    if data.order is not None and data.order != order:
        return certify(None, claim, "REFUTED", STRUCTURE, None, evidence, {"order": order}, start, name)
    return certify(None, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)
