"""Mutation corpus (issue 11): single-weight mutants of the built-in constructions, each verified against
the original target and decided independently by ``jsoneval`` (which imports nothing of symtrans).

Gates: no PROVED for a mutant that differs from the target at a sampled point of the domain; every
REFUTED point lies in the domain, separates under the independent evaluator, and its certificate
re-checks; every PROVED certificate re-checks.  The default suite runs a quick sample; the slow run
(``python -m pytest -m slow tests/adversarial``) runs 1,200 mutants.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from fractions import Fraction

import pytest

from symtrans import Box, Claim, MaxoutNet, Polynomial, check_certificate, verify
from symtrans.constructions.fang2022 import polynomial_transformer
from symtrans.constructions.gu2026 import maxout_transformer
from symtrans.errors import SymtransError
from symtrans.graph import from_json, to_json

from .jsoneval import evaluate as independent, target_value

MAXOUT = [
    (MaxoutNet.tent(1), Box([(0, 1)])),
    (MaxoutNet.tent(2), Box([(0, 1)])),
    (MaxoutNet(2, [[[[1, 1, 0], [-1, 2, 0], [0, -1, 1]]]], [1, 0]), Box([(-1, 1), (-1, 1)])),
    (MaxoutNet(2, [[[[1, -1, 0], [0, 1, "1/2"]], [[2, 0, -1], [-1, -1, 0]]], [[[1, 1, 0], [1, -2, 1]]]], [2, "-1/3"]),
     Box([(-1, 1), (0, 2)])),
]
POLYNOMIALS = [Polynomial.parse("x1**2*x2 - 3/4*x2 + 1", ["x1", "x2"]), Polynomial.parse("x1**3 - x1", ["x1"])]


def _cases():
    for net, box in MAXOUT:
        yield "emulation", to_json(maxout_transformer(net, box)), net, box
        if box.dimension == 1:
            yield "equivalent", to_json(maxout_transformer(net, box)), net, box
    for p in POLYNOMIALS:
        yield "identity", to_json(polynomial_transformer(p)), p, Box([(-2, 2)] * len(p.variables))


CASES = list(_cases())


def mutate(graph: dict, rng: random.Random) -> dict:
    """One weight entry changed, added or removed (a deep copy)."""
    g = json.loads(json.dumps(graph))
    holders = [(n, f) for n in g["nodes"] for f in ("weight", "bias") if isinstance(n["op"].get(f), dict)]
    node, field = rng.choice(holders)
    w = node["op"][field]
    rows, cols = w["shape"]
    entries = {(i, j): v for i, j, v in w["entries"]}
    if entries and rng.random() < 0.6:
        key = rng.choice(sorted(entries))
    else:
        key = (rng.randrange(rows), rng.randrange(cols))
    old = Fraction(entries.get(key, "0"))
    new = rng.choice([Fraction(0), -old, old + Fraction(rng.choice([1, -1]), rng.choice([1, 2, 3, 64, 10 ** 6])),
                      Fraction(rng.randint(-9, 9), rng.randint(1, 9))])
    if new == old:
        new = old + 1
    entries[key] = str(new)
    w["entries"] = sorted([i, j, v] for (i, j), v in entries.items() if Fraction(v) != 0)
    return g


def _points(box, rng, n=40):
    corners = [[lo if (k >> d) & 1 else hi for d, (lo, hi) in enumerate(box.bounds)] for k in range(2 ** box.dimension)]
    inside = [[lo + (hi - lo) * Fraction(rng.randint(0, 997), 997) for lo, hi in box.bounds] for _ in range(n)]
    return corners + inside


def judge(kind, graph, target, box, rng, tally):
    """Verify one graph and hold the verdict against the independent evaluator."""
    try:
        G = from_json(graph)
        cert = verify(G, Claim(kind, target, domain=box) if kind != "identity" else Claim(kind, target))
    except SymtransError:
        tally["rejected"] += 1  # the mutant is not a valid graph, or the claim cannot be posed: refused in one line
        return
    variables = graph["nodes"][0]["op"]["variables"]
    tj = target.to_json()
    tally[cert.verdict.value] += 1
    if cert.verdict == "PROVED":
        for x in _points(box, rng):
            got = independent(graph, dict(zip(variables, x)))[0][0]
            assert got == target_value(tj, x), f"wrong PROVED: {kind} mutant differs at {x}"
        assert check_certificate(json.loads(cert.dumps())).holds
    elif cert.verdict == "REFUTED":
        point = {v: Fraction(s) for v, s in cert.counterexample["point"].items()}
        x = [point[v] for v in variables]
        if kind != "identity":
            assert box.contains(x), f"REFUTED at {x}, outside {box}"
        assert independent(graph, point)[0][0] != target_value(tj, x), "the REFUTED point does not separate"
        result = check_certificate(json.loads(cert.dumps()))
        assert result.holds, result.reason


def run_corpus(count, seed):
    rng = random.Random(seed)
    tally = Counter()
    for k in range(count):
        kind, graph, target, box = CASES[k % len(CASES)]
        judge(kind, mutate(graph, rng), target, box, rng, tally)
    return tally


def test_the_unmutated_constructions_are_proved():
    tally = Counter()
    for kind, graph, target, box in CASES:
        judge(kind, graph, target, box, random.Random(0), tally)
    assert tally == {"PROVED": len(CASES)}


def test_mutants_quick():
    tally = run_corpus(60, seed=1)
    assert tally["REFUTED"] > 20, tally  # the corpus does break things


@pytest.mark.slow
def test_mutants_1200():
    tally = run_corpus(1200, seed=2)
    print(dict(tally))
    assert sum(tally.values()) == 1200 and tally["REFUTED"] > 400, tally
