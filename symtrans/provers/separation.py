"""Certified separation: a layer is an ``(r, delta)``-contextual mapping on given sequences.

For each sequence ``X^(i)`` the graph is evaluated with Arb balls (exact rational inputs) and,
for every pair of token positions that must be told apart (the tokens differ, or the
sequences' token *sets* differ), the squared distance of the two output tokens is enclosed.
The claim holds when every output norm is ``<= r`` and every required distance is ``> delta``,
each decided by a certain comparison of enclosures.  Precision adapts: it starts low and
doubles until every comparison is decided or ``max_bits`` is reached (then UNKNOWN, with the
undecided pairs).  A comparison decided the wrong way REFUTES the claim, naming the pair.

``delta`` is a rational (``"delta"``) or a power of ten (``"delta_log10": -1397``): the
separations of Kajitsuka & Sato's construction are like ``10^-488``; float64 sees 0.

>>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
>>> from symtrans import Claim, verify
>>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
>>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
>>> cm = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
>>> claim = Claim("contextual_mapping", expected={"sequences": seqs, "r": "51/20", "delta_log10": -1397})
>>> c = verify(cm.graph, claim)
>>> c.verdict, c.evidence["bits"], round(c.evidence["min_separation_log10"], 1)
('PROVED', 2048, -487.7)
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..backends import FloatBackend, IntervalBackend
from ..budget import MAX_PRECISION
from ..exact import exact_rational
from ..graph import INPUTS, OUTPUTS
from ..interpret import evaluate, evaluate_many

__all__ = ["float_separations", "squared_distance",
           "required_pairs",
           "separation_claim_data", "claim_sequences",
           "MAX_BITS_CAP"]

#: Largest precision the verifier will use, whatever the claim asks (it says so when capping): the
#: precision budget a certificate may record (:data:`symtrans.budget.MAX_PRECISION`).
MAX_BITS_CAP = MAX_PRECISION


def claim_sequences(claim) -> list:
    """The claim's sequences as lists of token tuples (exact Fractions)."""
    return [[tuple(tok) for tok in seq] for seq in claim.expected.sequences]


def separation_claim_data(claim):
    """A contextual-mapping claim's data, unpacked: sequences, r, delta, delta_log10, max bits
    (capped), whether capped, start bits, engine.  Validation is the claim's own (its kind's Params)."""
    exp = claim.expected
    return (claim_sequences(claim), exp.r, exp.delta or Fraction(0), exp.delta_log10,
            min(exp.max_bits, MAX_BITS_CAP), exp.max_bits > MAX_BITS_CAP, exp.start_bits, exp.engine)


def required_pairs(X):
    """Pairs ``((i, k), (j, l))`` that must be separated: tokens differ, or token sets differ."""
    sets = [frozenset(seq) for seq in X]
    positions = [(i, k) for i, seq in enumerate(X) for k in range(len(seq))]
    out = []
    for a, (i, k) in enumerate(positions):
        for (j, l) in positions[a + 1:]:
            if X[i][k] != X[j][l] or sets[i] != sets[j]:
                out.append(((i, k), (j, l)))
    return out


def _threshold2(delta, delta_log10) -> Fraction:
    """The squared threshold, exactly (``delta_log10`` is an integer exponent)."""
    if delta_log10 is not None:
        return Fraction(10) ** (2 * int(delta_log10))
    return delta * delta


def _outputs(G, X, prec, engine):
    bk = IntervalBackend(prec=prec, engine=engine)
    name = G.graph[INPUTS][0]
    node = G.graph[OUTPUTS][0]
    runs = evaluate_many(G, bk, [{name: [list(t) for t in seq]} for seq in X], validate=False)
    return bk, [bk.to_list(out[node]) for out in runs]


def _log10(q: Fraction) -> float:
    return math.log10(q.numerator) - math.log10(q.denominator) if q > 0 else float("-inf")


def squared_distance(outs, pair, zero):
    """The enclosure of ``|F(X^i)_k - F(X^j)_l|^2`` for ``pair = ((i, k), (j, l))``."""
    (i, k), (j, l) = pair
    return sum(((a - b) * (a - b) for a, b in zip(outs[i][k], outs[j][l])), zero)


def _decide(G, X, r, delta, delta_log10, prec, pairs, engine="arb"):
    """Decide every norm and pair at ``prec``: (refutation or None, undecided, min separation log10, pair)."""
    bk, outs = _outputs(G, X, prec, engine)
    undecided, min_log10, worst_pair = [], None, None
    with bk.session():
        zero = bk.zero()
        if r is not None:
            r2 = bk.scalar(r * r)
            for i, rows in enumerate(outs):
                for k, row in enumerate(rows):
                    norm2 = sum((v * v for v in row), zero)
                    within = bk.le(norm2, r2)
                    if within is False:
                        return ({"norm": [i, k], "norm2_log10": list(bk.log10_bounds(norm2))}, undecided, None, None)
                    if within is not True:
                        undecided.append(("norm", i, k))
        thr2 = bk.scalar(_threshold2(delta, delta_log10))
        closest = None  # (lower key, d2): the proved distance with the smallest lower end
        for (i, k), (j, l) in pairs:
            d2 = squared_distance(outs, ((i, k), (j, l)), zero)
            beyond = bk.lt(thr2, d2)
            if beyond is True:
                key = bk.lower_key(d2)
                if closest is None or bk.lt(key, closest[0]) is True:
                    closest, worst_pair = (key, d2), [[i, k], [j, l]]
            elif beyond is False and bk.lt(d2, thr2) is True:
                return ({"pair": [[i, k], [j, l]], "distance_log10_upper": bk.log10_bounds(d2)[1] / 2},
                        undecided, None, None)
            else:
                undecided.append(("pair", [i, k], [j, l]))
        if closest is not None:
            min_log10 = bk.log10_bounds(closest[1])[0] / 2
    return None, undecided, min_log10, worst_pair


def float_separations(G, sequences, dtype="float64") -> dict:
    """What floats report for the same separations (a cross-check, never a proof).

    Returns the smallest float distance over the required pairs and how many of them are 0.

    >>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
    >>> cm = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
    >>> r = float_separations(cm.graph, seqs)
    >>> r["min_distance"], r["zero_pairs"] > 0
    (0.0, True)
    """
    import numpy as np


    X = [[tuple(exact_rational(v) for v in tok) for tok in seq] for seq in sequences]
    pairs = required_pairs(X)
    batch = np.array([[[float(v) for v in tok] for tok in seq] for seq in X], dtype=dtype)
    out = evaluate(G, FloatBackend(np.dtype(dtype)), {G.graph[INPUTS][0]: batch})[G.graph[OUTPUTS][0]]
    dists = [float(np.linalg.norm(out[i, k] - out[j, l])) for (i, k), (j, l) in pairs]
    return {"dtype": str(np.dtype(dtype)), "min_distance": min(dists), "zero_pairs": sum(d == 0 for d in dists),
            "pairs": len(pairs)}
