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
    from symtrans.kinds import unit
    assert unit("kernel_limit").summarize(cert).startswith("the ratio tends to 1 for every W with w11 in [")
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


# -- attention families as ops: Performer features, Linformer token maps, top-k routing, convolution mixers --
OMEGA = Weights.from_rows([[1, 0, -1, "1/3"], [0, 1, "1/2", -1]])


def test_performer_features_reproduce_their_kernel_rigorously():
    """phi(q) . phi(k) == exp(-(|q|^2 + |k|^2)/2) sum_j exp(omega_j . (q + k)), both as Arb balls."""
    from symtrans.backends import IntervalBackend
    from symtrans.ops import FeatureMap
    from symtrans._flint import flint
    bk = IntervalBackend(prec=200)
    q, k = [1, "-1/2"], ["2/3", 2]
    phi = FeatureMap(OMEGA, "positive")
    with bk.session([]):
        fq = bk.to_list(phi.apply(bk, bk.const(Weights.from_rows([q]))))[0]
        fk = bk.to_list(phi.apply(bk, bk.const(Weights.from_rows([k]))))[0]
    from fractions import Fraction as F
    qv, kv = [F(v) for v in q], [F(v) for v in k]
    gauss = -(sum(v * v for v in qv) + sum(v * v for v in kv)) / 2
    exponents = [gauss + sum(F(w) * (a + b) for w, a, b in zip(c, qv, kv)) for c in zip(*OMEGA.to_rows())]
    with flint.ctx.workprec(200):
        got = sum((a * b for a, b in zip(fq, fk)), flint.arb(0))
        want = sum((flint.arb(flint.fmpq(e.numerator, e.denominator)).exp() for e in exponents), flint.arb(0))
    assert got.overlaps(want) and got.rad() < 1e-50


def test_feature_maps_token_maps_and_top_k_are_validated():
    from symtrans.errors import GraphError
    from symtrans.layers import Head
    from symtrans.ops import FeatureMap, Normalize, TokenMix
    I = Weights.identity(2)
    with pytest.raises(GraphError, match="feature map kind 'tanh'"):
        FeatureMap(I, "tanh")
    with pytest.raises(GraphError, match="3 tokens for a 2x4 token map"):
        TokenMix(Weights.ones(2, 4)).out_shape((3, 2))
    with pytest.raises(GraphError, match="taps"):
        TokenMix.circulant(2, [1, 1, 1])
    with pytest.raises(GraphError, match="with rule 'sum'"):
        Normalize("sum", top=2)
    with pytest.raises(GraphError, match="needs a FeatureMap"):
        Head(I, I, I, I, score="features")
    with pytest.raises(GraphError, match="both token-axis maps"):
        Head(I, I, I, I, key_tokens=Weights.ones(2, 3))
    with pytest.raises(GraphError, match="top-2 routing with score 'kernel'"):
        Head(I, I, I, I, score="kernel", kernel=Kernel.exp(), top=2)


def test_new_ops_survive_the_graph_format_and_their_certificates_recheck():
    from symtrans.graph import from_json, to_json
    from symtrans.ops import FeatureMap
    E = Weights.from_rows([[1, "1/2", 0], [0, "1/3", 1]])
    for G in (attention_layer(3, 2, W, W, W, score="features", features=FeatureMap(OMEGA, "positive")),
              attention_layer(3, 2, W, W, W, tokens=(E, E)), attention_layer(3, 2, W, W, W, top=2)):
        again = from_json(to_json(G))
        assert to_json(again) == to_json(G)
        cert = verify(G, Claim("distinct_tokens", expected={"sequences": [X, Y]}))
        assert cert.verdict == "PROVED" and check_certificate(cert.to_json()).holds


def test_top_k_routing_is_decided_rigorously_or_undecided():
    from symtrans.backends import FloatBackend, IntervalBackend
    from symtrans.errors import Undecided
    from symtrans.ops import Normalize
    import numpy as np
    S = Weights.from_rows([[1, 3, 3, 0], [2, 0, 1, 5]])
    op = Normalize("softmax", top=2)
    ib, fb = IntervalBackend(prec=64), FloatBackend()
    exact = ib.to_list(op.apply(ib, ib.const(S)))
    floats = op.apply(fb, fb.const(S))[0]
    for row_i, row_f in zip(exact, floats):
        for a, b in zip(row_i, row_f):
            assert (a == 0 and b == 0) or a.contains(b)
    assert list(np.count_nonzero(floats, axis=1)) == [2, 2]
    s = ib.scalar_at(64, (0, 1))  # an enclosure that straddles its neighbour: no guess
    from symtrans.backends.base import SparseMatrix
    wide = SparseMatrix((1, 3), {0: {0: s, 1: ib.scalar_at(64, ("1/2", "1/2")), 2: ib.scalar_at(64, (-1, -1))}})
    with pytest.raises(Undecided, match="cannot be ordered"):
        ib.top_softmax(wide, 1, 1)


def test_token_dependence_of_the_convolution_mixer_and_tampering():
    import sympy
    from symtrans.constructions.cheng2025 import convolution_mixer
    for n, l in ((5, 1), (7, 2), (9, 4)):
        need = ceil((n - 1) / l)
        taps = [1] * (l + 1)
        assert verify(convolution_mixer(n, 1, taps, need), Claim("token_dependence")).verdict == "PROVED"
        short = verify(convolution_mixer(n, 1, taps, need - 1), Claim("token_dependence"))
        assert short.verdict == "REFUTED" and check_certificate(short.to_json()).holds
        data = short.to_json()
        data["counterexample"] = {"output_token": 0, "input_token": 0}  # token 0 does depend on itself
        assert not check_certificate(data).holds
    # With psi0 = 0 each layer is a pure shift: two layers leave token 0 depending on token 2 only.
    assert verify(convolution_mixer(3, 1, [0, 1], 2), Claim("token_dependence")).verdict == "REFUTED"
    p = sympy.symbols("p0 p1")
    assert verify(convolution_mixer(5, 1, list(p), 4), Claim("token_dependence")).verdict == "PROVED"
    softmax = verify(attention_layer(3, 2, W, W, W), Claim("token_dependence"))
    assert softmax.verdict == "UNKNOWN" and "not a polynomial" in softmax.evidence["reason"]
    with pytest.raises(SpecError, match="field 'input'"):
        verify(convolution_mixer(3, 1, [1, 1], 2), Claim("token_dependence", expected={"input": "Y"}))


def test_performer_kernel_limit_needs_its_growth_bound():
    perf = "exp(-(qq + kk)/2) * (exp(oq1 + ok1) + exp(oq2 + ok2))"
    cert = verify(None, Claim("kernel_limit", expected={"kernel": perf, "omega": [[1, 0], [0, 1]]}))
    assert cert.verdict == "PROVED" and cert.evidence["growth"] == 1 and check_certificate(cert.to_json()).holds
    # exp(s) times the same sum: the sum grows like t, as fast as the leading difference: inconclusive.
    slow = verify(None, Claim("kernel_limit", expected={"kernel": "exp(s) * (exp(oq1 + ok1) + exp(oq2 + ok2))",
                                                        "omega": [[1, 0], [0, 1]]}))
    assert slow.verdict == "UNKNOWN" and "as fast as" in slow.evidence["reason"]
    data = verify(None, Claim("kernel_limit", expected={"kernel": "exp(s)"})).to_json()
    data["claim"]["expected"] = {"kernel": "exp(s) * (exp(oq1 + ok1) + exp(oq2 + ok2))", "omega": [[1, 0], [0, 1]]}
    assert not check_certificate(data).holds  # a PROVED evidence for the inconclusive kernel is rejected
    with pytest.raises(SpecError, match="field 'omega'"):
        Claim("kernel_limit", expected={"kernel": perf, "omega": [[1, 0, 0], [0, 1, 0]]})
    with pytest.raises(SpecError, match="unknown name 'oq3'"):
        Claim("kernel_limit", expected={"kernel": "exp(oq3) * exp(s)", "omega": [[1, 0], [0, 1]]})


def test_performer_as_a_kernel_and_as_feature_maps_agree_and_fixed_vectors_are_checked():
    """Two ways to build the same layer (a kernel formula with vectors, or features on q and k) enclose the
    same outputs; the sum kernel of appendix C.2 and exp(w.(q + k)) are kernels too."""
    from symtrans.backends import IntervalBackend
    from symtrans.errors import GraphError
    from symtrans.interpret import evaluate
    from symtrans.ops import FeatureMap
    rows = [list(r) for r in zip(*OMEGA.to_rows())]
    by_kernel = attention_layer(3, 2, W, W, W, score="kernel", kernel=Kernel.performer(rows))
    by_features = attention_layer(3, 2, W, W, W, score="features", features=FeatureMap(OMEGA, "positive"))
    bk = IntervalBackend(prec=128)
    a = bk.to_list(evaluate(by_kernel, bk, {"X": X})["layer"])
    b = bk.to_list(evaluate(by_features, bk, {"X": X})["layer"])
    assert all(p.overlaps(q) and p.rad() < 1e-25 for r, s in zip(a, b) for p, q in zip(r, s))
    for formula in ("exp(oq1) + exp(ok1)", "exp(oq1 + ok1)"):
        G = attention_layer(3, 2, W, W, W, score="kernel", kernel=Kernel(formula, omega=[[1, 1]]))
        cert = verify(G, Claim("distinct_tokens", expected={"sequences": [X, Y]}))
        assert cert.verdict == "PROVED" and check_certificate(cert.to_json()).holds
    with pytest.raises(GraphError, match="kernel vectors of length 3 on heads of width 2"):
        attention_layer(3, 2, W, W, W, score="kernel", kernel=Kernel("exp(oq1)", omega=[[1, 1, 1]]))
    with pytest.raises(Exception, match="unknown name 'oq2'"):
        Kernel("exp(oq2)", omega=[[1, 1]])
