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
>>> from symtrans.claims import Claim
>>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
>>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
>>> cm = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
>>> claim = Claim("contextual_mapping", expected={"sequences": seqs, "r": "51/20", "delta_log10": -1397})
>>> c = prove_separation(cm.graph, claim)
>>> c.verdict, c.evidence["bits"], round(c.evidence["min_separation_log10"], 1)
('PROVED', 2048, -487.7)
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

from ..backends import IntervalBackend
from ..backends._flint import flint
from ..certificate import Certificate
from ._certify import certify
from ..errors import SpecError
from ..exact import exact_rational, format_exact
from ..graph import INPUTS, OP, OUTPUTS, check
from ..interpret import evaluate, evaluate_many

__all__ = ["prove_separation", "prove_logit_gap", "prove_same_output", "prove_boltzmann", "prove_memorised",
           "float_separations",
           "required_pairs",
           "separation_claim_data",
           "MAX_BITS_CAP"]

#: Largest precision the verifier will use, whatever the claim asks (it says so when capping).
MAX_BITS_CAP = 1 << 16


def separation_claim_data(claim):
    """Parse and check the claim's data: sequences, r, delta threshold, start and max bits."""
    exp = claim.expected or {}
    seqs = exp.get("sequences")
    if not isinstance(seqs, list) or not seqs:
        raise SpecError("a contextual_mapping claim needs sequences", field="sequences")
    X = [[tuple(exact_rational(v, f"sequence {i} token {k}") for v in tok) for k, tok in enumerate(seq)]
         for i, seq in enumerate(seqs)]
    r = exact_rational(exp["r"], "r") if exp.get("r") is not None else None
    if "delta" in exp and "delta_log10" in exp:
        raise SpecError("give delta or delta_log10, not both", field="delta")
    delta = exact_rational(exp.get("delta", 0), "delta")
    delta_log10 = exact_rational(exp["delta_log10"], "delta_log10") if "delta_log10" in exp else None
    if delta_log10 is not None and delta_log10.denominator != 1:
        raise SpecError(f"delta_log10 = {delta_log10}", field="delta_log10", expected="an integer exponent")
    if delta < 0:
        raise SpecError(f"delta = {delta}", field="delta", expected="delta >= 0")
    max_bits = exp.get("max_bits", 8192)
    if isinstance(max_bits, bool) or not isinstance(max_bits, int) or max_bits < 53:
        raise SpecError(f"max_bits = {max_bits!r}", field="max_bits", expected="an integer >= 53")
    capped = max_bits > MAX_BITS_CAP
    start = exp.get("start_bits", 64)
    engine = exp.get("engine", "arb")
    if engine not in ("arb", "mpmath"):
        raise SpecError(f"engine {engine!r}", field="engine", expected="'arb' or 'mpmath'")
    return X, r, delta, delta_log10, min(max_bits, MAX_BITS_CAP), capped, start, engine


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
            d2 = sum(((a - b) * (a - b) for a, b in zip(outs[i][k], outs[j][l])), zero)
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


def prove_separation(G, claim, name: str = "") -> Certificate:
    """Certify the ``(r, delta)``-contextual mapping property with adaptive precision."""
    start_time = time.perf_counter()
    check(G)
    if len(G.graph[INPUTS]) != 1 or G.nodes[G.graph[INPUTS][0]][OP].shape[0] != len(
            (claim.expected or {}).get("sequences", [[]])[0]):
        raise SpecError("the graph's single input must be a token matrix of the sequences' length",
                        field="sequences")
    X, r, delta, delta_log10, max_bits, capped, prec, engine = separation_claim_data(claim)
    pairs = required_pairs(X)
    evidence = {"pairs": len(pairs), "sequences": len(X), "max_bits": max_bits, "engine": engine}
    if capped:
        evidence["note"] = f"max_bits capped at {MAX_BITS_CAP}"
    history = []
    while True:
        refuted, undecided, min_log10, worst = _decide(G, X, r, delta, delta_log10, prec, pairs, engine)
        history.append([prec, len(undecided)])
        if refuted is not None:
            evidence.update(bits=prec, history=history)
            return certify(G, claim, "REFUTED", "separation", "interval", prec, evidence, refuted, start_time, name)
        if not undecided:
            evidence.update(bits=prec, history=history, min_separation_log10=min_log10, closest_pair=worst)
            return certify(G, claim, "PROVED", "separation", "interval", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            evidence.update(bits=prec, history=history, undecided=[list(u) for u in undecided[:20]],
                            undecided_count=len(undecided))
            return certify(G, claim, "UNKNOWN", "separation", "interval", prec, evidence, None, start_time, name)
        prec *= 2



def prove_logit_gap(G, claim, name: str = "") -> Certificate:
    """Lemma 1's hypothesis: in every row of the score matrix, distinct keys' logits differ by >= 2 log n + 3.

    The scores are exact rationals (rational backend at the given sequences); ``2 log n + 3`` is
    enclosed by Arb, so the comparison is certain.  REFUTED names the row, the two keys and the gap.

    >>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
    >>> from symtrans.claims import Claim
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
    >>> ok = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
    >>> prove_logit_gap(ok.graph, Claim("logit_gap", expected={"sequences": seqs})).verdict
    'PROVED'
    >>> weak = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5", lam_factor="1/100")
    >>> c = prove_logit_gap(weak.graph, Claim("logit_gap", expected={"sequences": seqs}))
    >>> c.verdict, c.counterexample["gap"] < c.counterexample["needed"]
    ('REFUTED', True)
    """
    from ..backends import RationalBackend
    from ..ops import Scores

    start_time = time.perf_counter()
    check(G)
    X = separation_claim_data(claim)[0]
    scores = [n for n in G if isinstance(G.nodes[n][OP], Scores)]
    if len(scores) != 1:
        raise SpecError(f"the graph has {len(scores)} score nodes", field="claim", expected="exactly one head")
    node = scores[0]
    n = len(X[0])
    with flint.ctx.workprec(128):
        needed = 2 * flint.arb(n).log() + 3
    bk = RationalBackend()
    smallest = None
    for i, seq in enumerate(X):
        S = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [list(t) for t in seq]}, nodes=[node],
                                validate=False, outputs=False)[node])
        for k, row in enumerate(S):
            vals = [Fraction(int(v.p), int(v.q)) for v in row]
            for a in range(len(vals)):
                for b in range(a + 1, len(vals)):
                    gap = abs(vals[a] - vals[b])
                    if smallest is None or gap < smallest[0]:
                        smallest = (gap, [i, k, a, b])
    gap, where = smallest
    with flint.ctx.workprec(128):
        g = flint.arb(flint.fmpq(gap.numerator, gap.denominator))
        ok = g >= needed
        bad = g < needed
    evidence = {"min_gap": format_exact(gap), "needed": f"2 log {n} + 3 = {float(needed.mid()):.6f}",
                "at": where}
    if ok:
        return certify(G, claim, "PROVED", "logit_gap", "rational", None, evidence, None, start_time, name)
    verdict = "REFUTED" if bad else "UNKNOWN"
    ce = {"sequence": where[0], "query": where[1], "keys": where[2:], "gap": float(gap),
          "needed": float(needed.mid())} if bad else None
    return certify(G, claim, verdict, "logit_gap", "rational", None, evidence, ce, start_time, name)


def prove_same_output(G, claim, name: str = "") -> Certificate:
    """Two inputs give the same output row for *every* value of the graph's parameters.

    ``expected``: ``{"inputs": [A, B], "row": r}``; each input is the token matrix of the graph's
    single input.  Both outputs are computed exactly on the poly backend (parameters symbolic);
    PROVED when the rows are identical polynomials, REFUTED with a parameter point otherwise.

    >>> from symtrans.claims import Claim
    >>> from symtrans.graph import new_graph, add_input, set_outputs
    >>> from symtrans.layers import Head, attention_head
    >>> from symtrans.weights import Weights
    >>> import sympy
    >>> G = new_graph(); X = add_input(G, "X", (4, 1))
    >>> v = Weights((1, 1), {(0, 0): sympy.Symbol("v")})
    >>> one = Weights.identity(1)
    >>> set_outputs(G, [attention_head(G, X, Head(one, one, v, one, score="hardmax"), name="h")])
    >>> claim = Claim("same_output", expected={"inputs": [[[1], [3], [4], [6]], [[1], [2], [5], [6]]], "row": 0})
    >>> prove_same_output(G, claim).verdict
    'PROVED'
    """
    from ..backends import PolyBackend
    from ..graph import parameters
    from .polynomial import nonzero_point

    start_time = time.perf_counter()
    check(G)
    exp = claim.expected or {}
    inputs, row = exp.get("inputs"), exp.get("row", 0)
    if not isinstance(inputs, list) or len(inputs) != 2:
        raise SpecError("a same_output claim needs two inputs", field="inputs")
    names = parameters(G)
    node = claim.output or G.graph[OUTPUTS][0]
    bk = PolyBackend(names)
    rows = []
    for A in inputs:
        value = evaluate(G, bk, {G.graph[INPUTS][0]: A}, nodes=[node], validate=False)[node]
        rows.append([value.get(row, j, None) for j in range(value.shape[1])])
    evidence = {"parameters": names, "row": row}
    for j, (p, q) in enumerate(zip(*rows)):
        ring = (p or q).context() if (p or q) is not None else None
        if ring is None:
            continue
        diff = (p if p is not None else ring.from_dict({})) - (q if q is not None else ring.from_dict({}))
        if not diff.is_zero():
            point = nonzero_point(diff, list(ring.names()))
            ce = {"column": j, "parameters": {k: format_exact(v) for k, v in point.items()},
                  "outputs": [str(p), str(q)]}
            return certify(G, claim, "REFUTED", "same_output", "poly", None, evidence, ce, start_time, name)
    evidence["output"] = [str(p) for p in rows[0]]
    return certify(G, claim, "PROVED", "same_output", "poly", None, evidence, None, start_time, name)


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

    from ..backends import FloatBackend

    X = [[tuple(exact_rational(v) for v in tok) for tok in seq] for seq in sequences]
    pairs = required_pairs(X)
    batch = np.array([[[float(v) for v in tok] for tok in seq] for seq in X], dtype=dtype)
    out = evaluate(G, FloatBackend(np.dtype(dtype)), {G.graph[INPUTS][0]: batch})[G.graph[OUTPUTS][0]]
    dists = [float(np.linalg.norm(out[i, k] - out[j, l])) for (i, k), (j, l) in pairs]
    return {"dtype": str(np.dtype(dtype)), "min_distance": min(dists), "zero_pairs": sum(d == 0 for d in dists),
            "pairs": len(pairs)}


def prove_boltzmann(G, claim, name: str = "") -> Certificate:
    """Lemma 1: ``|boltz(a^i) - boltz(a^j)| > (log n)^2 e^(-2r)`` for vectors meeting the hypotheses.

    ``expected``: ``{"vectors": [...], "r": r, "delta": delta}``.  The hypotheses are checked exactly
    (entries ``|a_k| <= r``; entries across the family equal or more than ``delta`` apart; distinct
    entries within a vector; no two vectors permutations of each other) and ``delta > 2 log n + 3``
    with Arb; a violated hypothesis is an error naming it.  The inequality is certified for every
    pair with precision doubling (``G`` computes ``boltz`` of a 1 x n input).

    >>> from symtrans.constructions.kajitsuka2024 import boltzmann_graph
    >>> from symtrans.claims import Claim
    >>> r, delta = Fraction(15592, 1000), Fraction(51973, 10000)
    >>> vs = [[r, r - Fraction(26, 5), Fraction(-10394, 1000)], [r, r - Fraction(26, 5), -r]]
    >>> c = prove_boltzmann(boltzmann_graph(3), Claim("boltzmann", expected={"vectors": vs, "r": r, "delta": delta}))
    >>> c.verdict, round(c.evidence["min_difference_log10"], 2), round(c.evidence["bound_log10"], 2)
    ('PROVED', -9.88, -13.46)
    """
    start_time = time.perf_counter()
    check(G)
    exp = claim.expected or {}
    vecs = [[exact_rational(v, "vector entry") for v in vec] for vec in exp.get("vectors", [])]
    if len(vecs) < 2:
        raise SpecError("Lemma 1 needs at least two vectors", field="vectors")
    n = len(vecs[0])
    r, delta = exact_rational(exp.get("r"), "r"), exact_rational(exp.get("delta"), "delta")
    for i, v in enumerate(vecs):
        if len(v) != n:
            raise SpecError(f"vector {i} has {len(v)} entries", field="vectors", expected=f"{n}")
        if any(abs(x) > r for x in v):
            raise SpecError(f"vector {i} has an entry beyond r = {r}", field="vectors", expected="|a_k| <= r")
        if len(set(v)) != n:
            raise SpecError(f"vector {i} repeats an entry", field="vectors", expected="distinct entries")
    entries = sorted({x for v in vecs for x in v})
    close = [(a, b) for a, b in zip(entries, entries[1:]) if b - a <= delta]
    if close:
        raise SpecError(f"entries {close[0][0]} and {close[0][1]} differ by at most delta", field="vectors",
                        expected=f"equal or more than {delta} apart")
    if len({tuple(sorted(v)) for v in vecs}) != len(vecs):
        raise SpecError("two vectors are permutations of each other", field="vectors")
    with flint.ctx.workprec(128):
        if not flint.arb(flint.fmpq(delta.numerator, delta.denominator)) > 2 * flint.arb(n).log() + 3:
            raise SpecError(f"delta = {delta} is not certainly above 2 log {n} + 3", field="delta",
                            expected="delta > 2 log n + 3")
    prec, max_bits = 64, exp.get("max_bits", 4096)
    while True:
        bk = IntervalBackend(prec=prec)
        values = [bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [v]}, validate=False)[G.graph[OUTPUTS][0]])[0][0]
                  for v in vecs]
        with bk.session():
            logn = flint.arb(n).log()
            rr = flint.arb(flint.fmpq(r.numerator, r.denominator))
            bound = logn * logn * (-2 * rr).exp()
            undecided, smallest = 0, None
            for i in range(len(vecs)):
                for j in range(i + 1, len(vecs)):
                    d = abs(values[i] - values[j])
                    if d > bound:
                        lo, _ = bk.bounds(d)
                        smallest = lo if smallest is None or lo < smallest else smallest
                    elif d < bound:
                        ce = {"pair": [i, j], "difference_log10_upper": _log10(bk.bounds(d)[1])}
                        return certify(G, claim, "REFUTED", "boltzmann", "interval", prec, {"bits": prec}, ce,
                                       start_time, name)
                    else:
                        undecided += 1
            bound_log10 = _log10(bk.bounds(bound)[1])
        if not undecided:
            evidence = {"bits": prec, "min_difference_log10": _log10(smallest), "bound_log10": bound_log10,
                        "pairs": len(vecs) * (len(vecs) - 1) // 2}
            return certify(G, claim, "PROVED", "boltzmann", "interval", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            return certify(G, claim, "UNKNOWN", "boltzmann", "interval", prec, {"bits": prec, "undecided": undecided},
                           None, start_time, name)
        prec *= 2


def prove_memorised(G, claim, name: str = "") -> Certificate:
    """The network outputs ``labels[i][k]`` *exactly* for token ``k`` of sequence ``i``.

    ``expected``: ``{"sequences", "labels", "z": node, "max_bits"}``.  For every data point the
    value of the scalar node ``z`` (the context id) is enclosed with Arb, and the part of the
    graph after ``z`` (a token-wise FFN) is evaluated *exactly* on the pwl backend over that
    enclosure: it must be the constant label there, so the output is the label whatever the
    exact ``z``.  Precision doubles while an enclosure straddles a step; a constant different
    from the label REFUTES the claim.

    >>> from symtrans.constructions.kajitsuka2024 import memorizer
    >>> from symtrans.claims import Claim
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs, labels = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]], [[1, 2], [3, 4], [5, 6]]
    >>> m = memorizer(seqs, labels, w=["3/5", "4/5"], eps="11/5")
    >>> claim = Claim("memorise", expected={"sequences": seqs, "labels": labels, "z": "mem.z"})
    >>> c = prove_memorised(m.graph, claim)
    >>> c.verdict, c.evidence["bits"], c.evidence["points"]
    ('PROVED', 2048, 6)
    """
    from ..backends import PWLBackend
    from ..graph import token_slice

    start_time = time.perf_counter()
    check(G)
    exp = claim.expected or {}
    X = separation_claim_data(claim)[0]
    labels = [[exact_rational(v, "label") for v in row] for row in exp.get("labels", [])]
    if len(labels) != len(X) or any(len(row) != len(X[0]) for row in labels):
        raise SpecError("labels do not match the sequences", field="labels")
    z_node = exp.get("z")
    if z_node not in G:
        raise SpecError(f"no node {z_node!r} for the context id", field="z")
    S = token_slice(G, z_node)
    prec, max_bits = exp.get("start_bits", 64), min(exp.get("max_bits", 8192), MAX_BITS_CAP)
    while True:
        bk = IntervalBackend(prec=prec)
        pending = 0
        for i, seq in enumerate(X):
            zs = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [list(t) for t in seq]}, nodes=[z_node],
                                     validate=False, outputs=False)[z_node])
            for k, (z,) in enumerate(zs):
                lo, hi = bk.bounds(z)
                if lo is None:
                    pending += 1
                    continue
                if lo == hi:
                    from ..interpret import evaluate_at_point

                    value = evaluate_at_point(S, {S.nodes[z_node]["op"].variables[0]: lo}, S.graph[OUTPUTS][0])
                    constant = value
                else:
                    pw = PWLBackend(lo, hi)
                    pieces = pw.pieces(evaluate(S, pw, validate=False)[S.graph[OUTPUTS][0]], 0, 0)
                    constant = pieces[0][3] if len(pieces) == 1 and pieces[0][2] == 0 else None
                if constant is None:
                    pending += 1
                elif constant != labels[i][k]:
                    ce = {"sequence": i, "token": k, "output": format_exact(constant),
                          "label": format_exact(labels[i][k])}
                    return certify(G, claim, "REFUTED", "memorise", "interval+pwl", prec, {"bits": prec}, ce,
                                   start_time, name)
        if not pending:
            evidence = {"bits": prec, "points": sum(len(s) for s in X)}
            return certify(G, claim, "PROVED", "memorise", "interval+pwl", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            return certify(G, claim, "UNKNOWN", "memorise", "interval+pwl", prec,
                           {"bits": prec, "undecided_points": pending}, None, start_time, name)
        prec *= 2
