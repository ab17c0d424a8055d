from __future__ import annotations

import random
import time
from fractions import Fraction

from ...backends.formal import same
from ...certificate import Certificate
from ...exact import format_exact
from ...graph import check
from ...provers._certify import certify
from .common import enclosures, formal_outputs

#: Random exact inputs tried for a refutation.
_TRIES = 20


def prove(G, claim, name: str = "") -> Certificate:
    """Equivariance under each generator, as exact identities with exp / max left uninterpreted.

    >>> from symtrans import Claim, Weights, Head, attention_head, new_graph, add_input, set_outputs
    >>> G = new_graph(); X = add_input(G, "X", (3, 1)); I = Weights.identity(1)
    >>> set_outputs(G, [attention_head(G, X, Head(I, I, I, I, score="softmax"), name="h")])
    >>> prove(G, Claim("equivariant", expected={"generators": [[1, 0, 2], [1, 2, 0]]})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    check(G)
    base, moved, bk = formal_outputs(G, claim)
    gens = claim.expected.generators
    evidence = {"generators": len(gens), "entries": len(base) * len(base[0]) if base else 0}
    for p, out in zip(gens, moved):
        for i, row in enumerate(out):
            for j, value in enumerate(row):
                if same(value, base[p[i]][j]):
                    continue
                evidence["formal_difference"] = str(value - base[p[i]][j])[:400]
                ce, prec = _refute(G, claim, p, (i, j))
                if ce is None:
                    evidence["reason"] = (f"not an identity under {list(p)} at entry ({i}, {j}), and no input "
                                          f"separated it in {_TRIES} tries")
                    return certify(G, claim, "UNKNOWN", "formal", None, evidence, None, start, name)
                return certify(G, claim, "REFUTED", "interval", prec, evidence, ce, start, name)
    evidence["uninterpreted"] = len(bk.functions)
    return certify(G, claim, "PROVED", "formal", None, evidence, None, start, name)


def _refute(G, claim, p, entry):
    rng = random.Random(0)
    _, d = G.nodes[G.graph["inputs"][0]]["shape"]
    for _ in range(_TRIES):
        point = [[format_exact(Fraction(rng.randint(-6, 6), 2)) for _ in range(d)] for _ in range(len(p))]
        prec = 64
        while prec <= claim.expected.max_bits:
            a, b, apart = enclosures(G, claim, point, p, entry, prec)
            if apart:
                return {"permutation": list(p), "input": point, "entry": list(entry),
                        "values": [a.str(12, radius=True), b.str(12, radius=True)]}, prec
            prec *= 4
    return None, None
