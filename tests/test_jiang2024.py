"""Issue 13's engine pieces: graph-free scalar claims, exact logarithms, formal equivariance."""

from __future__ import annotations

import copy

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symtrans import Claim, Weights, verify
from symtrans.backends import IntervalBackend, RationalBackend
from symtrans.checking import check_certificate
from symtrans.constructions.jiang2024 import coupling_model, eq5_model, f1_gap_model, indicator_ffn, Tokenwise
from symtrans.errors import BackendError, SpecError, SymtransError
from symtrans.graph import dumps, fingerprint, loads
from symtrans.interpret import evaluate
from symtrans.kinds.equivariant import cyclic_generators, dihedral_generators, symmetric_generators
from symtrans.loglinear import exp_exact, log_of
from symtrans.ops import Mask


def scalar(relation, **more):
    return Claim("scalar", expected={"relation": relation, **more})


# -- scalar claims --------------------------------------------------------------------------------------
@pytest.mark.parametrize("relation, more, verdict", [
    ("exp(log(3)) == 3", {}, "PROVED"),
    ("sqrt(2 + sqrt(3)) == (sqrt(6) + sqrt(2))/2", {}, "PROVED"),
    ("sqrt(2 + sqrt(3)) == (sqrt(6) + sqrt(3))/2", {}, "REFUTED"),
    ("pi < 355/113", {}, "PROVED"),
    ("sum(1/k**2, k, 1, 1000) < pi**2/6", {}, "PROVED"),
    ("m**(-1/2) >= 1/2", {"values": {"m": 4}}, "PROVED"),
    ("m**(-1/2) > 1/2", {"values": {"m": 4}}, "REFUTED"),
    ("(a + b)**2 == a**2 + 2*a*b + b**2", {"free": ["a", "b"]}, "PROVED"),
    ("1/(1 + g) == 1 - g/(1 + g)", {"free": ["g"]}, "PROVED"),
    ("(a + b)**2 == a**2 + b**2", {"free": ["a", "b"]}, "REFUTED"),
])
def test_scalar_verdicts_and_their_certificates_recheck(relation, more, verdict):
    cert = verify(None, scalar(relation, **more))
    assert cert.verdict == verdict, cert.evidence
    assert cert.graph is None
    result = check_certificate(cert.to_json())
    assert result.holds and result.verdict == verdict, result.reason


def test_an_undecidable_transcendental_equality_is_unknown_not_a_guess():
    cert = verify(None, scalar("exp(1) + pi == pi + exp(1) + 0*log(2)", max_bits=128))
    assert cert.verdict in ("PROVED", "UNKNOWN")  # SymPy may cancel it; it is never REFUTED
    cert = verify(None, scalar("exp(pi) - pi == exp(pi) - pi + (sqrt(2) - sqrt(2))", max_bits=128))
    assert cert.verdict != "REFUTED"


@pytest.mark.parametrize("data, field", [
    ({"relation": "1 + 1"}, "relation"),
    ({"relation": "1 < 2 < 3"}, "relation"),
    ({"relation": "x != 1", "free": ["x"]}, "relation"),
    ({"relation": "x == 1", "free": ["x"], "values": {"x": 1}}, "free"),
    ({"relation": "sum(k, k, 1, n) == 1", "free": ["n"]}, "relation"),
    ({"relation": "y == 1"}, "relation"),
    ({"relation": "1 == 1", "values": {"x": "0.5"}}, "values.x"),
    ({"relation": "sum(1, k, 1, 10**9) == 1"}, "relation"),
])
def test_scalar_bad_input_is_one_line_naming_the_field(data, field):
    with pytest.raises(SymtransError) as info:
        Claim("scalar", expected=data)
    assert "\n" not in str(info.value)
    assert getattr(info.value, "field", None) in (field, None) or field in str(info.value)


def test_graph_free_certificates_are_checked_from_their_claim():
    cert = verify(None, scalar("(1 + g)**2 == 1 + g**2", free=["g"])).to_json()
    assert check_certificate(cert).holds
    moved = copy.deepcopy(cert)
    moved["counterexample"]["point"] = {"g": "0"}  # the difference is 0 there
    assert not check_certificate(moved).holds
    changed = copy.deepcopy(cert)
    changed["claim"]["expected"]["relation"] = "(1 + g)**2 == 1 + 2*g + g**2"
    result = check_certificate(changed)
    assert not result.holds and "fingerprint" in result.reason  # the claim no longer hashes as recorded
    with_graph = copy.deepcopy(cert)
    with_graph["graph"] = {"nodes": []}
    assert check_certificate(with_graph).malformed
    flipped = verify(None, scalar("2 < 3")).to_json()
    flipped["verdict"] = "REFUTED"
    assert not check_certificate(flipped).holds


def test_a_graph_free_claim_takes_no_graph():
    with pytest.raises(SpecError, match="about no graph"):
        verify(f1_gap_model(), scalar("1 == 1"))


# -- exact logarithms -----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10 ** 6), st.integers(1, 10 ** 6), st.integers(-3, 3))
def test_exp_of_log_is_exact(p, q, k):
    r = sympy.Rational(p, q)
    x = k * log_of(r.p) - k * log_of(r.q)
    value = exp_exact(x)
    assert value == (r ** k if k >= 0 else 1 / r ** (-k))


def test_log_linear_values_compare_exactly_and_refuse_what_is_not_exact():
    two, three = log_of(2), log_of(3)
    assert (two + three) == log_of(6) and two < three and not (two == three)
    assert exp_exact(two / 2) is None  # sqrt(2): irrational
    with pytest.raises(BackendError):
        _ = two * three


def test_log_weights_survive_a_file_and_evaluate_exactly_and_rigorously():
    G = f1_gap_model()
    H = loads(dumps(G))
    assert fingerprint(H) == fingerprint(G)
    bk = RationalBackend()
    assert bk.to_list(evaluate(H, bk, {"X": [["1/4"], [3]]})["mix"]) == [[1], [sympy.Rational(5, 4)]]
    ib = IntervalBackend(prec=80)
    with ib.session():
        v = ib.to_list(evaluate(H, ib, {"X": [["1/4"], [3]]})["mix"])[0][0]
    assert ib.contains(v, 1)


def test_indicators_are_exact_on_their_intervals_and_refuse_overlaps():
    f = indicator_ffn([(0, 1), (2, 3), (5, 6)])
    assert f.widths == (1, 3)
    with pytest.raises(SpecError):
        indicator_ffn([(0, 2), (1, 3)])


# -- equivariance -----------------------------------------------------------------------------------------
def _model(tau, mask=None):
    I2 = Weights.identity(2)
    G = eq5_model(tau, 2, Tokenwise(I2, None, Weights.from_rows([[1, -1], [2, 1]])), I2,
                  Weights.from_rows([["1/2", 0], [0, -1]]), I2)
    if mask is not None:
        op = G.nodes["head.weights"]["op"]
        G.nodes["head.weights"]["op"] = type(op)("softmax", 1, "row", mask)
    return G


@pytest.mark.parametrize("gens", [symmetric_generators(3), cyclic_generators(3), dihedral_generators(3)])
def test_eq5_is_equivariant_and_the_certificate_rechecks(gens):
    cert = verify(_model(3), Claim("equivariant", output="mix", expected={"generators": gens}))
    assert cert.verdict == "PROVED"
    assert check_certificate(cert.to_json()).holds


def test_a_masked_head_is_refuted_with_a_checkable_input_and_tampering_is_caught():
    cert = verify(_model(3, Mask.causal(3)), Claim("equivariant", output="mix",
                                                  expected={"generators": symmetric_generators(3)}))
    assert cert.verdict == "REFUTED"
    data = cert.to_json()
    assert check_certificate(data).holds
    bad = copy.deepcopy(data)
    bad["counterexample"]["permutation"] = [0, 1, 2]
    assert not check_certificate(bad).holds
    same = copy.deepcopy(data)
    same["counterexample"]["input"] = [["1", "1"], ["1", "1"], ["1", "1"]]  # equal tokens: no difference
    assert not check_certificate(same).holds


@pytest.mark.parametrize("gens, match", [([[0, 0, 1]], "not a permutation"), ([[0, 1], [0, 1, 2]], "lengths"),
                                         ([], "non-empty"), ([[0, 1, "2"]], "positions")])
def test_bad_permutations_are_refused(gens, match):
    with pytest.raises(SpecError, match=match):
        Claim("equivariant", expected={"generators": gens})


def test_generators_must_permute_the_models_tokens():
    with pytest.raises(SpecError, match="4 positions for an input of 3 tokens"):
        verify(_model(3), Claim("equivariant", output="mix", expected={"generators": cyclic_generators(4)}))


def test_the_coupling_model_refuses_a_head_larger_than_the_rank():
    with pytest.raises(SpecError, match="m_h"):
        coupling_model(3, ["1", "2"], 3)


# -- factors through ------------------------------------------------------------------------------------
def _inner():
    from symtrans import Polynomial
    return Polynomial.parse("X_1_1 + (4 - X_2_1)/2", ["X_1_1", "X_2_1"])


def test_the_printed_f1_gap_is_refuted_by_an_exact_pair_that_rechecks():
    cert = verify(f1_gap_model(), Claim("factors_through", _inner(), output="mix",
                                        expected={"points": [[0, 2], ["1/4", 3]]}))
    assert cert.verdict == "REFUTED" and cert.counterexample["H"] == ["1", "3/4"]
    data = cert.to_json()
    assert check_certificate(data).holds
    moved = copy.deepcopy(data)
    moved["counterexample"]["points"][1] = ["1/2", "3"]  # not in the finite domain
    assert not check_certificate(moved).holds


def test_a_box_search_finds_a_pair_and_a_finite_proof_rechecks():
    from symtrans import Box, Polynomial
    cert = verify(f1_gap_model(), Claim("factors_through", _inner(), output="mix", domain=Box([(0, 1), (2, 4)])))
    assert cert.verdict == "REFUTED" and check_certificate(cert.to_json()).holds
    whole = Polynomial.parse("2*X_1_1 + (4 - X_2_1)/2", ["X_1_1", "X_2_1"])  # h itself: determined
    pts = [[i, j] for i in ("0", "1/2", "1") for j in ("2", "3", "4")]
    cert = verify(f1_gap_model(), Claim("factors_through", whole, output="mix", expected={"points": pts}))
    assert cert.verdict == "PROVED" and check_certificate(cert.to_json()).holds
    cert = verify(f1_gap_model(), Claim("factors_through", whole, output="mix", domain=Box([(0, 1), (2, 4)])))
    assert cert.verdict == "UNKNOWN"  # no pair on the grid, and no proof on a continuum is attempted


@pytest.mark.parametrize("data, domain, match", [
    ({}, None, "needs points or a box"),
    ({"points": [[0, 2, 1]]}, None, "3 coordinates"),
    ({"points": [[0, 2]]}, "box", "one domain"),
])
def test_factors_through_bad_input(data, domain, match):
    from symtrans import Box
    with pytest.raises(SpecError, match=match):
        Claim("factors_through", _inner(), expected=data, domain=Box([(0, 1), (2, 4)]) if domain else None)


# -- spectrum ------------------------------------------------------------------------------------------
MIXED = {"coefficients": [[1, 0, 0], [0, 2, 0], [0, 0, 2]],
         "left": ["1", "sin(2*pi*u)**2", "sin(2*pi*u)*cos(2*pi*u)"], "right": ["1", "cos(2*pi*v)", "sin(2*pi*v)"],
         "kernel": "1 + 2*sin(2*pi*u)*sin(2*pi*(u + v))"}


@pytest.mark.parametrize("extra, verdict", [
    ({"values": ["sqrt((7 + sqrt(33))/8)", "1/2", "sqrt((7 - sqrt(33))/8)"]}, "PROVED"),
    ({"values": ["sqrt((7 + sqrt(33))/8)", "sqrt((7 - sqrt(33))/8)", "1/2"]}, "REFUTED"),  # wrong order
    ({"values": ["sqrt((7 + sqrt(33))/8)", "1/2"]}, "REFUTED"),  # one missing
    ({"values": ["1262169/1000000", "1/2", "sqrt((7 - sqrt(33))/8)"]}, "REFUTED"),  # a close rational
    ({"decimals": ["1.262", "0.500", "0.396"]}, "PROVED"),
    ({"decimals": ["1.265", "0.500", "0.396"]}, "REFUTED"),
    ({"rank": 3}, "PROVED"),
    ({"rank": 2}, "REFUTED"),
])
def test_spectrum_of_the_mixed_coupling(extra, verdict):
    cert = verify(None, Claim("spectrum", expected={**MIXED, **extra}))
    assert cert.verdict == verdict, cert.evidence
    data = cert.to_json()
    assert check_certificate(data).holds
    flipped = copy.deepcopy(data)
    flipped["verdict"] = "REFUTED" if verdict == "PROVED" else "PROVED"
    assert not check_certificate(flipped).holds


def test_plain_singular_values_of_a_matrix_and_repeated_roots():
    c = Claim("spectrum", expected={"coefficients": [[0, 2], [2, 0]], "values": ["2", "2"]})
    assert verify(None, c).verdict == "PROVED"
    c = Claim("spectrum", expected={"coefficients": [[1, 2], [2, 4]], "values": ["5"], "rank": 1})
    assert verify(None, c).verdict == "PROVED"


@pytest.mark.parametrize("data, match", [
    ({"coefficients": [[1, 0], [0, 1]], "gram_left": [[1, 0]], "rank": 2}, "2 x 2"),
    ({"coefficients": [[1, 0], [0, 1]], "left": ["1"], "rank": 2}, "1 left functions"),
    ({"coefficients": [[1, 0], [0, 1]], "rank": 2, "left": ["1", "u"], "gram_left": [[1, 0], [0, 1]]}, "both"),
    ({"coefficients": [[1, 0], [0, 1]]}, "nothing claimed"),
    ({"coefficients": [[1, 0], [0]], "rank": 1}, "different lengths"),
    ({"coefficients": [[1]], "decimals": ["one"]}, "not a decimal"),
    ({"coefficients": [[1]], "kernel": "u*v", "rank": 1}, "without both bases"),
])
def test_spectrum_bad_claims(data, match):
    with pytest.raises(SpecError, match=match):
        Claim("spectrum", expected=data)


@pytest.mark.parametrize("data, match", [
    ({"coefficients": [[1, 0], [0, 1]], "left": ["u", "2*u"], "rank": 2}, "positive definite"),
    ({"coefficients": [[1]], "left": ["u*sin(2*pi*u)"], "rank": 1}, "mixes"),
    ({"coefficients": [[1]], "left": ["sin(pi*u)"], "rank": 1}, "integer multiple"),
    ({"coefficients": [[1, 0], [0, 1]], "gram_left": [[1, 2], [2, 1]], "rank": 2}, "positive definite"),
    ({**MIXED, "kernel": "1 + 2*sin(2*pi*u)*sin(2*pi*(u - v))", "rank": 3}, "not sum_ij"),
])
def test_spectrum_input_that_cannot_be_computed_is_refused(data, match):
    with pytest.raises(SpecError, match=match):
        verify(None, Claim("spectrum", expected=data))


# -- exact integration over cells ------------------------------------------------------------------------
def test_integrals_of_the_diagonal_bump_are_exact_and_recheck():
    from fractions import Fraction

    from symtrans import Box
    from symtrans.constructions.jiang2024 import diagonal_bump
    for M in (1, 3, 8):
        claim = Claim("integral", domain=Box([(0, 1), (0, 1)]),
                      expected={"mode": "abs", "value": Fraction(3 * M - 1, 3 * M * M)})
        cert = verify(diagonal_bump(M), claim)
        assert cert.verdict == "PROVED", cert.evidence
        data = cert.to_json()
        assert check_certificate(data).holds
        data["claim"]["expected"]["value"] = "1/2"  # a different claim: the recorded fingerprint still matches
        assert not check_certificate(data).holds  # PROVED no longer re-derives


@settings(max_examples=25, deadline=None)
@given(st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5))
def test_the_integral_of_an_affine_function_and_its_square_match_the_closed_forms(a, b, c):
    from fractions import Fraction

    from symtrans.graph import add_input, add_op, new_graph, set_outputs
    from symtrans.integrate import integrate
    from symtrans.ops import Linear
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    set_outputs(G, [add_op(G, "f", Linear(Weights((2, 1), {(0, 0): a, (1, 0): b}), Weights((1, 1), {(0, 0): c})),
                           [x])])
    box = [(0, 2), (-1, 1)]  # area 4, E[x1] = 1, E[x2] = 0, E[x1^2] = 4/3, E[x2^2] = 1/3
    signed, _, _ = integrate(G, [("f", 0, 0)], box, "signed")
    square, _, _ = integrate(G, [("f", 0, 0)], box, "square")
    assert Fraction(int(signed.p), int(signed.q)) == 4 * (a + c)
    assert Fraction(int(square.p), int(square.q)) == 4 * (a * a * Fraction(4, 3) + b * b * Fraction(1, 3) + c * c
                                                          + 2 * a * c)


def test_integral_bad_input():
    from symtrans import Box
    with pytest.raises(SpecError, match="box domain"):
        Claim("integral", expected={"value": 1})
    with pytest.raises(SpecError, match="square with a second factor"):
        Claim("integral", domain=Box([(0, 1)]), expected={"value": 1, "mode": "square", "times": ["a", 0, 0]})
    with pytest.raises(SpecError, match="node, row, col"):
        Claim("integral", domain=Box([(0, 1)]), expected={"value": 1, "times": ["a", 0]})


TINY = "sqrt(2 + 2*10**(-30)*sqrt(2) + 10**(-60)) - sqrt(2)"  # exactly 10^-30, but 0 +/- something at 64 bits


def test_a_closed_form_whose_sign_64_bits_cannot_tell_is_decided_at_more_bits_never_refuted():
    """Regressions: the spectrum kind REFUTED a true value whose enclosure held 0 (an undecided sign read
    as negative), and a scalar with sqrt or log of such a number was an error instead of more bits."""
    c = verify(None, Claim("spectrum", expected={"coefficients": [["1/" + "1" + "0" * 30]], "values": [TINY]}))
    assert c.verdict == "PROVED" and c.precision > 64 and check_certificate(c.to_json()).holds
    wrong = verify(None, Claim("spectrum", expected={"coefficients": [["1/" + "1" + "0" * 30]],
                                                     "values": ["-" + TINY.replace(" - ", " + ")]}))
    assert wrong.verdict == "REFUTED"
    for relation, verdict in ((f"sqrt({TINY}) > 0", "PROVED"), (f"log({TINY}) > 0", "REFUTED")):
        cert = verify(None, scalar(relation))
        assert cert.verdict == verdict and check_certificate(cert.to_json()).holds
