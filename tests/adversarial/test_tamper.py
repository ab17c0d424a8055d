"""Tamper corpus (issue 11): single-field changes of real certificates, one per claim kind and verdict,
each re-checked and judged.

A change is *benign* when the assertion (verdict, claim, embedded graph) is unchanged: evidence is a
hint, and the checker may accept or reject it.  A change of the assertion is *harmful* when the new
assertion is false.  Where the independent evaluator (``jsoneval``, no symtrans imports) applies
(hardmax and linear-attention graphs against maxout or polynomial targets) it decides: a PROVED claim is
false if the graph and the target differ at a sampled point of the domain, a REFUTED one if its point is
outside the domain or does not separate.  Elsewhere (softmax, contextual mappings, counts) the judge is
weaker, and says so: a flipped verdict on an unchanged claim and graph is false (one of PROVED / REFUTED
must be), and for a changed claim the verdict symtrans's own verifier gives is taken as the truth.

Gates: 0 harmful accepted, 0 exceptions out of ``check_certificate``, 0 checks beyond the time limit.
The default suite runs a sample of the tampers; the slow run all of them.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from fractions import Fraction

import pytest

from symtrans import check_certificate, verify
from symtrans.claims import Claim
from symtrans.errors import SymtransError
from symtrans.graph import fingerprint, from_json
from symtrans.obligations import collect, run

from .jsoneval import Unsupported, evaluate as independent, target_value
from .test_mutations import mutate

SKIP = {"seconds", "versions", "name", "format", "version"}


@pytest.fixture(scope="module")
def certificates():
    """One certificate for each (claim kind, verdict) among the built-in proofs and examples."""
    chosen = {}
    for ob in collect(["proofs", "docs/examples"]):
        chosen.setdefault((ob.claim.kind, ob.expected), ob)
    out = {}
    for key, ob in sorted(chosen.items()):
        cert = run(ob).certificate
        assert cert.verdict == ob.expected
        out[key] = json.loads(cert.dumps())
    return out


def leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            if not path and (k in SKIP or k == "graph"):
                continue
            yield from leaves(v, path + (k,))
    elif isinstance(data, list):
        if data and path and path[0] == "evidence":
            yield path + ("pop",), None
        for i, v in enumerate(data):
            yield from leaves(v, path + (i,))
    else:
        yield path, data


def changed(value, rng):
    """Another value of the same JSON kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, -1, 7])
    if isinstance(value, float):
        return value * 2 + 1
    if isinstance(value, str):
        if value in ("PROVED", "REFUTED", "UNKNOWN"):
            return rng.choice([v for v in ("PROVED", "REFUTED", "UNKNOWN") if v != value])
        try:
            f = Fraction(value)
        except (ValueError, ZeroDivisionError):
            return value + "x"
        return str(rng.choice([f + 1, -f, f / 2, f + Fraction(1, 10 ** 6)]) if f else Fraction(rng.choice([1, -1])))
    if value is None:
        return 0
    return value


def tampered(data, path, rng):
    d = copy.deepcopy(data)
    *parent, last = path
    holder = d
    for k in parent:
        holder = holder[k]
    if last == "pop":
        holder.pop(rng.randrange(len(holder)))
    else:
        holder[last] = changed(holder[last], rng)
    return d


def graph_tampers(data, rng, count):
    """The embedded graph with one weight changed and the fingerprint recomputed."""
    if data.get("graph") is None:  # a graph-free claim: nothing to mutate
        return
    for _ in range(count):
        d = copy.deepcopy(data)
        try:
            d["graph"] = mutate(d["graph"], rng)
            d["fingerprint"] = fingerprint(from_json(d["graph"]))
        except (SymtransError, IndexError, ValueError):
            continue
        yield d


def assertion(d):
    return d.get("verdict"), json.dumps(d.get("claim"), sort_keys=True), d.get("fingerprint")


def _points(box, rng, n=30):
    return [[lo + (hi - lo) * Fraction(rng.randint(0, 991), 991) for lo, hi in box] for _ in range(n)] + \
        [[lo for lo, _ in box], [hi for _, hi in box]]


def false_assertion(original, d, rng) -> str:
    """Why the tampered certificate asserts something false, or "" (see the module docstring)."""
    if assertion(d) == assertion(original):
        return ""
    verdict, claim, graph = d["verdict"], d["claim"], d["graph"]
    if verdict == "UNKNOWN":
        return ""
    try:
        c = Claim.from_json(claim)
    except SymtransError:
        return ""  # a claim that cannot be read: the checker must reject it, but it asserts nothing
    try:
        if c.kind in ("emulation", "equivalent", "identity") and c.row == 0 and c.col == 0 and c.output is None:
            tj, variables = claim["target"], graph["nodes"][0]["op"]["variables"]
            box = claim["domain"]["bounds"] if claim.get("domain") and claim["domain"].get("kind") == "box" \
                else [["-2", "2"]] * len(variables)
            box = [(Fraction(lo), Fraction(hi)) for lo, hi in box]
            if verdict == "PROVED":
                for x in _points(box, rng):
                    if independent(graph, dict(zip(variables, x)))[0][0] != target_value(tj, x):
                        return f"PROVED, but graph and target differ at {x}"
                return ""
            point = {v: Fraction(s) for v, s in d["counterexample"]["point"].items()}
            x = [point[v] for v in variables]
            if c.kind != "identity" and not all(lo <= a <= hi for a, (lo, hi) in zip(x, box)):
                return f"REFUTED at {x}, outside the box"
            if independent(graph, point)[0][0] == target_value(tj, x):
                return f"REFUTED at {x}, where graph and target agree"
            return ""
    except (Unsupported, KeyError, TypeError, ValueError, ZeroDivisionError):
        pass
    if (claim, d["fingerprint"]) == (original["claim"], original["fingerprint"]):
        return f"the verdict flipped from {original['verdict']} to {verdict} on the same claim and graph"
    try:
        truth = verify(from_json(graph) if graph is not None else None, c).verdict.value
    except SymtransError:
        return ""
    return "" if truth in (verdict, "UNKNOWN") else f"{verdict}, the verifier says {truth}"


def run_tampers(certificates, per_certificate, seed):
    rng = random.Random(seed)
    tally, harmful = Counter(), []
    for key, data in certificates.items():
        paths = [p for p, _ in leaves(data)]
        if per_certificate is not None:
            paths = rng.sample(paths, min(per_certificate, len(paths)))
        variants = [tampered(data, p, rng) for p in paths]
        variants += list(graph_tampers(data, rng, 3 if per_certificate is not None else 20))
        variants.append(dict(copy.deepcopy(data), method="sizes" if key[0] != "sizes" else "identity"))
        for d in variants:
            result = check_certificate(d, timeout=120)  # must not raise
            assert "time limit" not in result.reason, (key, result.reason)
            why = false_assertion(data, d, rng)
            tally["harmful" if why else "benign"] += 1
            tally["accepted" if result.holds else "rejected"] += 1
            if result.holds and why:
                harmful.append((key, why))
    return tally, harmful


def test_the_corpus_covers_every_kind_and_verdict(certificates):
    from symtrans.kinds import KINDS

    kinds = {k for k, _ in certificates}
    assert kinds == set(KINDS), set(KINDS) - kinds
    assert {"PROVED", "REFUTED"} <= {v for _, v in certificates} <= {"PROVED", "REFUTED", "UNKNOWN"}
    for data in certificates.values():
        assert check_certificate(data).holds


def test_tampers_quick(certificates):
    tally, harmful = run_tampers(certificates, per_certificate=12, seed=3)
    assert not harmful, harmful[:5]
    assert tally["harmful"] > 20 and tally["rejected"] > 100, tally


@pytest.mark.slow
def test_tampers_all(certificates):
    tally, harmful = run_tampers(certificates, per_certificate=None, seed=4)
    print(dict(tally))
    assert not harmful, harmful[:5]
