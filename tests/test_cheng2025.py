"""Issue 14's engine pieces: sparse patterns, their automorphism groups and hop counts, the analyticity
audit, certified token distinguishability."""

from __future__ import annotations

import copy
from math import ceil

import pytest

from symtrans import Claim, Weights, verify
from symtrans.checking import check_certificate
from symtrans.constructions.cheng2025 import attention_layer
from symtrans.errors import SpecError
from symtrans.kinds.equivariant import cyclic_generators, dihedral_generators
from symtrans.ops import Kernel
from symtrans.patterns import pattern

X = [[1, 0], [0, 2], [-1, -2]]
Y = [[1, 0], [1, 1], [-2, -1]]
W = Weights.from_rows([["1/2", 1], [-1, "1/3"]])


def aut(pat, **claim):
    return verify(None, Claim("automorphisms", expected={"patterns": [pat], **claim}))


@pytest.mark.parametrize("n", range(4, 13))
def test_circulant_windows_have_dihedral_symmetry_exactly_up_to_the_bound(n):
    for w in range(1, (n - 1) // 2 + 1):
        cert = aut({"name": "circulant", "n": n, "w": w}, generators=dihedral_generators(n))
        inside = w <= (n - 1) // 2 - 1 or (n, w) == (4, 1)
        if (n, w) in ((5, 2), (7, 3), (9, 4), (11, 5)):  # w = (n - 1)/2 at odd n: the full pattern, S_n
            assert cert.verdict in ("REFUTED", "UNKNOWN")
            continue
        assert cert.verdict == ("PROVED" if inside else "REFUTED"), (n, w, cert.evidence)
        assert check_certificate(cert.to_json()).holds


@pytest.mark.parametrize("n", range(4, 13))
def test_one_sided_windows_are_cyclic_and_hops_match_the_formulas(n):
    assert aut({"name": "one_sided", "n": n, "w": 1}, generators=cyclic_generators(n), order=n).verdict == "PROVED"
    for w in (1, 2, 3):
        for name, layers in (("window", ceil((n - 1) / w)), ("circulant", ceil((n // 2) / w))):
            claim = Claim("hops", expected={"patterns": [{"name": name, "n": n, "w": w}], "layers": layers})
            cert = verify(None, claim)
            assert cert.verdict == "PROVED", (name, n, w, cert.evidence)
            wrong = Claim("hops", expected={"patterns": [{"name": name, "n": n, "w": w}], "layers": layers + 1})
            assert verify(None, wrong).verdict == "REFUTED"


def test_automorphism_witnesses_are_checked_by_hand():
    cert = aut({"name": "circulant", "n": 6, "w": 2}, generators=dihedral_generators(6)).to_json()
    assert cert["verdict"] == "REFUTED" and check_certificate(cert).holds
    forged = copy.deepcopy(cert)
    forged["counterexample"]["automorphism"] = [1, 2, 3, 4, 5, 0]  # a rotation: inside D_6
    assert not check_certificate(forged).holds
    forged["counterexample"]["automorphism"] = [1, 0, 2, 3, 4, 5]  # not an automorphism
    assert not check_certificate(forged).holds
    broken = aut({"name": "window", "n": 5, "w": 1}, generators=cyclic_generators(5))  # rotation breaks a window
    assert broken.verdict == "REFUTED" and broken.counterexample["why"].startswith("a claimed generator")


@pytest.mark.parametrize("data, match", [
    ({"adjacency": [[1, 0], [1]]}, "square"),
    ({"adjacency": [[1, 2], [0, 1]]}, "0 or 1"),
    ({"name": "spiral", "n": 4}, "pattern 'spiral'"),
    ({"name": "window", "n": 4, "w": 1, "hubs": [0]}, "unknown key 'hubs'"),
    ({"name": "star", "n": 4, "hubs": [7]}, "positions"),
    ({"name": "window", "n": 0, "w": 1}, "n = 0"),
])
def test_bad_patterns_are_one_line(data, match):
    with pytest.raises(SpecError, match=match):
        pattern(data)


def test_a_group_claim_on_a_pattern_of_another_size_is_refused():
    with pytest.raises(SpecError, match="permutations of 5 positions for patterns on 6 tokens"):
        Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": 6, "w": 1}],
                                         "generators": dihedral_generators(5)})
    with pytest.raises(SpecError, match="one number of tokens"):
        Claim("automorphisms", expected={"patterns": [{"name": "full", "n": 5}, {"name": "full", "n": 6}],
                                         "order": 1})


def test_intersections_of_patterns_and_connectivity_of_sequences():
    pats = [{"name": "circulant", "n": 8, "w": 1}, {"name": "one_sided", "n": 8, "w": 2}]
    assert verify(None, Claim("automorphisms", expected={"patterns": pats, "order": 8})).verdict == "PROVED"
    seq = [{"name": "window", "n": 8, "w": 1}, {"name": "star", "n": 8, "hubs": [0]}]
    # window, star, window, star: the hub sees everything after 2 layers, a far token reaches it after 4
    assert verify(None, Claim("hops", expected={"patterns": seq, "layers": 4})).verdict == "PROVED"
    disconnected = [{"adjacency": [[1, 0], [0, 1]]}]
    cert = verify(None, Claim("hops", expected={"patterns": disconnected, "layers": 1}))
    assert cert.verdict == "REFUTED" and cert.counterexample == {"least": None}


def test_the_analyticity_audit():
    dense = attention_layer(3, 2, W, W, W)
    assert verify(dense, Claim("analytic")).verdict == "PROVED"
    hard = attention_layer(3, 2, W, W, W, score="hardmax")
    cert = verify(hard, Claim("analytic"))
    assert cert.verdict == "REFUTED" and "hardmax" in cert.counterexample["why"]
    assert check_certificate(cert.to_json()).holds


def test_distinguishability_certified_and_the_uniform_kernel_collision():
    pair = {"sequences": [X, Y]}
    cert = verify(attention_layer(3, 2, W, W, W), Claim("distinct_tokens", expected=pair))
    assert cert.verdict == "PROVED" and check_certificate(cert.to_json()).holds
    flat = attention_layer(3, 2, W, W, W, score="kernel", kernel=Kernel.constant())
    cert = verify(flat, Claim("distinct_tokens", expected=pair))
    assert cert.verdict == "REFUTED" and cert.counterexample["first"] == [0, 0]
    data = cert.to_json()
    assert check_certificate(data).holds
    data["counterexample"]["second"] = [1, 1]
    assert not check_certificate(data).holds


def test_orbit_mates_are_not_compared_and_bad_sequences_are_refused():
    layer = attention_layer(3, 2, W, W, W)
    swapped = [X[1], X[0], X[2]]
    cert = verify(layer, Claim("distinct_tokens", expected={"sequences": [X, swapped]}))
    assert cert.verdict == "REFUTED"  # without a group the two outputs share tokens
    grouped = Claim("distinct_tokens", expected={"sequences": [X, swapped], "generators": [[1, 0, 2], [1, 2, 0]]})
    assert verify(layer, grouped).verdict == "PROVED"
    with pytest.raises(SpecError, match="repeats a token"):
        Claim("distinct_tokens", expected={"sequences": [[[1, 0], [1, 0]]]})


def test_kernel_limits_proved_inconclusive_and_rechecked():
    for kernel, verdict, degree in (("exp(s)", "PROVED", 1), ("exp(-2*r)", "PROVED", 2), ("(1 + s)**3", "UNKNOWN", None),
                                    ("exp(qq)*(1 + kk)", "UNKNOWN", None)):
        cert = verify(None, Claim("kernel_limit", expected={"kernel": kernel}))
        assert cert.verdict == verdict and cert.evidence.get("degree") == degree, (kernel, cert.evidence)
        assert check_certificate(cert.to_json()).holds
    data = verify(None, Claim("kernel_limit", expected={"kernel": "exp(-r)"})).to_json()
    data["evidence"]["degree"] = 1  # not the highest nonzero power
    assert not check_certificate(data).holds
    data = verify(None, Claim("kernel_limit", expected={"kernel": "exp(s)"})).to_json()
    data["evidence"]["witness"] = {k: "0" for k in data["evidence"]["witness"]}
    assert not check_certificate(data).holds


@pytest.mark.parametrize("data, match", [
    ({"kernel": "exp(abs(s))"}, "unknown function 'abs'"),
    ({"kernel": "exp(s) + r"}, "neither exp"),
    ({"kernel": "exp(exp(s))"}, "not a polynomial"),
    ({"kernel": "exp(s)", "x": [1, 0]}, "all three"),
    ({"kernel": "exp(s)", "x": [1, 0], "y1": [1, 1], "y2": [1, 1]}, "distinct nonzero"),
    ({"kernel": "exp(s)", "x": [1, 0, 0], "y1": [1, 1], "y2": [1, 2]}, "3 entries"),
])
def test_kernel_limit_bad_input(data, match):
    with pytest.raises(SpecError, match=match):
        Claim("kernel_limit", expected=data)


def test_the_sum_kernel_is_refuted_on_a_box_and_a_shrunk_or_moved_box_is_rejected():
    cert = verify(None, Claim("kernel_limit", expected={"kernel": "exp(wq) + exp(wk)", "w": [1, 1]}))
    assert cert.verdict == "REFUTED" and cert.evidence["limit"] == "1"
    data = cert.to_json()
    assert check_certificate(data).holds
    flat = copy.deepcopy(data)
    flat["counterexample"]["box"]["w11"] = ["-1", "-1"]  # no volume
    assert not check_certificate(flat).holds
    moved = copy.deepcopy(data)
    moved["counterexample"]["box"] = {k: ["1", "2"] for k in data["counterexample"]["box"]}  # both terms grow
    assert not check_certificate(moved).holds
    with pytest.raises(SpecError, match="wq / wk and w go together"):
        Claim("kernel_limit", expected={"kernel": "exp(wq) + exp(wk)"})


def test_ffn_closure_is_a_formal_identity_and_a_sign_error_is_refuted_with_a_checkable_point():
    from symtrans.constructions.cheng2025 import ffn_closure
    claim = Claim("formal_identity", output="moved", expected={"other": "refit"})
    cert = verify(ffn_closure(), claim)
    assert cert.verdict == "PROVED" and check_certificate(cert.to_json()).holds
    bad = verify(ffn_closure(shift_sign=1), claim)
    assert bad.verdict == "REFUTED"
    data = bad.to_json()
    assert check_certificate(data).holds
    data["counterexample"]["inputs"]["x"] = [["0", "0"]]
    data["counterexample"]["parameters"] = {k: "0" for k in data["counterexample"]["parameters"]}  # both nodes 0
    assert not check_certificate(data).holds
    with pytest.raises(SpecError, match="not in the graph"):
        verify(ffn_closure(), Claim("formal_identity", output="moved", expected={"other": "nowhere"}))
