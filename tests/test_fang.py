"""Fang et al. 2022 (R1): construction, identity verifier, read-out verifier, certificates."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from math import comb

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from symtrans import RationalBackend, Weights, add_input, add_op, evaluate, new_graph, set_outputs, sizes
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.fang2022 import (expected_sizes, monomial_encoder, polynomial_transformer,
                                             stream_channels, token_count)
from symtrans.graph import OP, parameters, replace_weight
from symtrans.targets import Polynomial
from symtrans import verify


def random_polynomial(rng, d, D):
    names = [f"x{i + 1}" for i in range(d)]
    xs = sympy.symbols(names)
    expr = sympy.Integer(0)
    for _ in range(rng.randint(1, 6)):
        mono = sympy.Integer(1)
        budget = rng.randint(0, D)
        for _ in range(budget):
            mono *= rng.choice(xs)
        expr += sympy.Rational(rng.randint(-9, 9), rng.randint(1, 7)) * mono
    expr += sympy.Rational(rng.randint(1, 5), 3) * xs[0] ** D  # make the degree exactly D
    return Polynomial(tuple(names), expr)


@pytest.mark.parametrize("d,D", [(1, 1), (1, 5), (2, 2), (2, 4), (3, 3), (4, 2)])
def test_random_targets_are_proved_and_sizes_match_the_theorem(d, D):
    rng = random.Random(d * 100 + D)
    target = random_polynomial(rng, d, D)
    G = polynomial_transformer(target)
    cert = verify(G, Claim("identity", target))
    assert cert.verdict == "PROVED" and cert.evidence["residual"] == "0"
    s = sizes(G)
    assert s["blocks"] == D and s["heads_per_block"] == [1] * D
    assert s["tokens"] == token_count(d, D) and s["width"] == stream_channels(d, D).width
    assert s["max_weight_bits"] >= 1
    # every encoder weight is 0/1; only the read-out carries the target
    for n, data in G.nodes(data=True):
        if (data.get("origin") or {}).get("role") == "readout":
            continue
        for _, W in data[OP].weight_items():
            assert {v for _, v in W.items()} <= {1}


def test_notes_worked_example_f1():
    target = Polynomial.parse("x1**2*x2 + 3", ["x1", "x2"])
    G = polynomial_transformer(target)
    assert {k: sizes(G)[k] for k in ("blocks", "tokens", "width")} == {"blocks": 3, "tokens": 6, "width": 44}
    assert expected_sizes(2, 3)["free_parameters"] == 10
    assert verify(G, Claim("identity", target)).verdict == "PROVED"


@pytest.mark.parametrize("d,D", [(1, 3), (2, 3), (3, 2)])
def test_parametric_identity_covers_every_polynomial(d, D):
    target = Polynomial.general(d, D)
    G = polynomial_transformer(target)
    assert len(parameters(G)) == comb(d + D, D)
    cert = verify(G, Claim("identity", target))
    assert cert.verdict == "PROVED"
    # instantiate the parameters: the same graph computes any specific polynomial exactly
    rng = random.Random(0)
    values = {p: Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for p in parameters(G)}
    x = [Fraction(rng.randint(-5, 5), 3) for _ in range(d)]
    bk = RationalBackend()
    got = bk.to_list(evaluate(G, bk, {"x": x}, values)[G.graph["outputs"][0]])[0][0]
    subs = {sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in values.items()}
    subs.update({sympy.Symbol(f"x{i + 1}"): sympy.Rational(v.numerator, v.denominator) for i, v in enumerate(x)})
    assert Fraction(int(got.p), int(got.q)) == Fraction(str(target.expr.xreplace(subs)))


def _mutations(G):
    """Every single-entry change of every encoder weight to 2 or to 0."""
    for n, data in G.nodes(data=True):
        if (data.get("origin") or {}).get("role") == "readout":
            continue
        for field, W in data[OP].weight_items():
            for (i, j), _ in W.items():
                for value in (2, 0):
                    yield n, field, (i, j), value


def test_mutated_encoder_weights_never_fool_the_verifier():
    """Change each 0/1 weight of R1 (d=2, D=2) in turn.  A REFUTED verdict must come with a
    counterexample the checker confirms; a PROVED verdict (the weight only feeds tokens the
    read-out ignores) must agree with exact evaluation at random points."""
    target = Polynomial.general(2, 2)
    G = polynomial_transformer(target)
    out = G.graph["outputs"][0]
    rng = random.Random(4)
    bk = RationalBackend()
    refuted = proved = 0
    for n, field, entry, value in _mutations(G):
        H = replace_weight(G, n, field, entry, value)
        cert = verify(H, Claim("identity", target))
        if cert.verdict == "REFUTED":
            refuted += 1
            assert cert.counterexample["network"] != cert.counterexample["target"]
            ok, reason = check_certificate(json.loads(cert.dumps())).astuple()
            assert ok, reason
        else:
            proved += 1
            for _ in range(3):
                x = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(2)]
                params = {p: Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for p in parameters(G)}
                a = bk.to_list(evaluate(G, bk, {"x": x}, params)[out])
                b = bk.to_list(evaluate(H, bk, {"x": x}, params)[out])
                assert a == b, (n, field, entry, value)
    assert refuted > 40 and proved > 0


def test_wrong_target_is_refuted_at_a_small_integer_point_with_leading_terms():
    G = polynomial_transformer(Polynomial.parse("x1**3 - x2", ["x1", "x2"]))
    cert = verify(G, Claim("identity", Polynomial.parse("x1**3 + x2", ["x1", "x2"])))
    assert cert.verdict == "REFUTED"
    assert cert.counterexample["point"] == {"x1": "0", "x2": "1"}
    assert cert.counterexample["network"] == "-1" and cert.counterexample["target"] == "1"
    assert cert.evidence["residual_leading"] == ["-2*x2"]


@pytest.mark.parametrize("d,D", [(1, 2), (1, 6), (2, 4), (3, 3)])
def test_too_few_blocks_cannot_reach_the_degree(d, D):
    names = [f"x{i + 1}" for i in range(d)]
    target = Polynomial.parse(" + ".join(f"{n}**{D}" for n in names), names)
    cert = verify(monomial_encoder(d, D - 1), Claim("readout", target))
    assert cert.verdict == "REFUTED" and cert.evidence["argument"] == "degree"
    assert cert.evidence["max_channel_degree"] == D - 1
    assert check_certificate(json.loads(cert.dumps())).holds
    found = verify(monomial_encoder(d, D), Claim("readout", target))
    assert found.verdict == "PROVED" and check_certificate(json.loads(found.dumps())).holds


def test_readout_refuted_by_a_separating_vector_when_degrees_do_not_decide():
    """Channels (x^2, 1) reach degree 2 but not the target x: refuted by y with y^T A = 0, y.b != 0."""
    G = new_graph()
    x = add_input(G, "x", (1, 1))
    from symtrans.ops import Hadamard, Linear as Lin

    sq = add_op(G, "sq", Hadamard(), [x, x])
    out = add_op(G, "ch", Lin(Weights.from_rows([[1, 0]]), Weights.from_rows([[0, 1]])), [sq])
    set_outputs(G, [out])
    cert = verify(G, Claim("readout", Polynomial.parse("x", ["x"])))
    assert cert.verdict == "REFUTED" and cert.evidence["argument"] == "farkas"
    assert check_certificate(json.loads(cert.dumps())).holds
    bad = json.loads(cert.dumps())
    bad["evidence"]["y"] = ["0"] * len(bad["evidence"]["y"])
    assert check_certificate(bad).astuple() == (False, "y . b is zero")


def test_encoder_invariant_refutes_a_wrong_claim():
    G = monomial_encoder(2, 2)
    claim = Claim("channels", output="b1.res1", expected={"R1": ["1", "x1", "x1"]})
    cert = verify(G, claim)
    assert cert.verdict == "REFUTED" and cert.counterexample["where"] == "token 0, R1[2]"
    assert check_certificate(json.loads(cert.dumps())).holds


def test_size_audit_refutes_a_wrong_size_claim():
    G = polynomial_transformer(Polynomial.general(2, 2))
    wrong = dict(expected_sizes(2, 2), tokens=2)
    cert = verify(G, Claim("sizes", expected=wrong))
    assert cert.verdict == "REFUTED" and cert.counterexample == {"tokens": {"graph": 3, "claimed": 2}}
    assert check_certificate(json.loads(cert.dumps())).holds


# ---- certificates and tampering -------------------------------------------------------------------
def _proved_certificate():
    target = Polynomial.parse("(x1 - x2)**2 / 3", ["x1", "x2"])
    return json.loads(verify(polynomial_transformer(target), Claim("identity", target)).dumps())


@pytest.mark.parametrize("tamper,reason", [
    (lambda ce: ce.update(target="5"), "the target's value at the counterexample is not as recorded"),
    (lambda ce: ce.update(network="5"), "the network's value at the counterexample is not as recorded"),
    (lambda ce: ce["point"].update(x1="1", x2="2"), "at the counterexample is not as recorded"),
])
def test_tampered_refutations_fail(tamper, reason):
    """A REFUTED identity: the checker evaluates the target exactly (FLINT, at the recorded point)
    and the network (rationals), and rejects a counterexample whose values were altered."""
    wrong = Polynomial.parse("x1*x2 + 1/2", ["x1", "x2"], ["c"])
    G = polynomial_transformer(Polynomial.parse("x1*x2", ["x1", "x2"]))
    cert = json.loads(verify(G, Claim("identity", wrong)).dumps())
    assert cert["verdict"] == "REFUTED" and check_certificate(cert).holds
    tamper(cert["counterexample"])
    ok, why = check_certificate(cert).astuple()
    assert not ok and reason in why, why


@pytest.mark.parametrize("tamper,reason", [
    (lambda c: c.update(verdict="REFUTED"), "the certificate says REFUTED, the evidence gives PROVED"),
    (lambda c: c["evidence"].update(output=c["evidence"]["output"].replace("x1", "7*x1", 1)),
     "differs from the recorded coefficients"),
    (lambda c: c["evidence"].update(output=c["evidence"]["output"] + " "), "differs from the recorded coefficients"),
    (lambda c: c["evidence"].update(output=c["evidence"]["output"].split(" ")), "is not [exponents, coefficient]"),
    (lambda c: c["evidence"].update(residual="x1"), "the recorded residual"),
    (lambda c: c["evidence"].update(output_terms=c["evidence"]["output_terms"] + 1), "number of terms or degree"),
    (lambda c: c["evidence"].update(output_degree=7), "number of terms or degree"),
    (lambda c: c.update(fingerprint="0" * 64), "fingerprint mismatch"),
    (lambda c: c["graph"]["nodes"][-1]["op"]["weight"]["entries"][0].__setitem__(2, "2/3"),
     "fingerprint mismatch"),
    (lambda c: c["claim"]["target"].update(expr="(x1 - x2)**2 / 4"), "the recorded residual"),
    (lambda c: c.update(method="magic"), "method 'magic' is not the claim's kind"),
])
def test_tampered_certificates_fail(tamper, reason):
    cert = _proved_certificate()
    assert check_certificate(cert).holds
    tamper(cert)
    ok, why = check_certificate(cert).astuple()
    assert not ok and reason in why


def test_checker_imports_neither_constructions_nor_provers():
    """The checker and every kind's check load no prover, no construction and not the pipeline."""
    code = ("import sys, importlib, symtrans.checking, symtrans.kinds as K; "
            "[importlib.import_module(k.package + '.check') for k in K.KINDS.values()]; "
            "assert len(K.KINDS) >= 14; "
            "bad = [m for m in sys.modules if m.startswith(('symtrans.provers', 'symtrans.constructions', "
            "'symtrans.pipeline', 'symtrans.spec', 'symtrans.obligations')) or m.endswith('.prove')]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_full_sweep_of_the_proof_module():
    """`symtrans verify proofs/ --full`: every obligation of the long sweep as expected."""
    from pathlib import Path

    from symtrans.obligations import collect, run

    root = Path(__file__).resolve().parents[1]
    results = [run(ob) for ob in collect([root / "proofs"], quick=False)]
    assert len(results) > 60
    assert all(r.as_expected for r in results), [r.obligation.name for r in results if not r.as_expected]


def test_a_certificate_with_the_older_term_lists_still_checks():
    """Identity evidence was once lists of ``[exponents, coefficient]`` over every generator; such
    a certificate is still checked, and still rejected when a coefficient was altered."""
    from symtrans.polys import from_terms, poly_terms, ring

    cert = _proved_certificate()
    R = ring(cert["evidence"]["generators"])
    x1, x2 = R.gens()[:2]
    out = (x1 - x2) ** 2 / 3
    assert cert["evidence"]["output"] == "1/3*x1**2 - 2/3*x1*x2 + 1/3*x2**2"
    cert["evidence"].update(output=poly_terms(out), residual=[])
    assert from_terms(cert["evidence"]["output"], R) == out and check_certificate(cert).holds
    cert["evidence"]["output"][0][1] = "7"
    ok, why = check_certificate(cert).astuple()
    assert not ok and "differs from the recorded coefficients" in why


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2), st.integers(-5, 5)), max_size=6))
def test_the_degree_read_off_the_text_is_the_degree(terms):
    from symtrans._flint import flint
    from symtrans.polys import degree_in, from_dict, poly_text, ring

    R = ring(["x1", "x10", "c1"])  # "x1" must not be read inside "x10"
    p = from_dict(R, {(a, b, c): flint.fmpq(k, 3) for a, b, c, k in terms if k})
    expected = max((int(m[0]) + int(m[1]) for m in p.monoms()), default=-1)
    assert degree_in(p, ["x1", "x10"]) == expected
    assert poly_text(p) == poly_text(from_dict(R, dict(zip(map(tuple, p.monoms()), p.coeffs()))))
