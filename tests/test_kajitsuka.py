"""Kajitsuka & Sato: construction hypotheses, separation verifier, precision, tampering, bad input."""

from __future__ import annotations

import json

import pytest

from symtrans import SymtransError
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.kajitsuka2024 import contextual_mapping, theoretical_delta
from symtrans import verify
from symtrans.provers.separation import MAX_BITS_CAP, float_separations

V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
KS_T1 = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]


@pytest.fixture(scope="module")
def ks_t1():
    return contextual_mapping(KS_T1, w=["3/5", "4/5"], eps="11/5")


def test_ks_t1_constants_match_the_notes(ks_t1):
    from fractions import Fraction

    assert ks_t1.r == Fraction(51, 20)
    assert 400.871 <= float(ks_t1.lam) <= 400.873  # (2 log 2 + 3) / (c^2 r_min eps), rounded up
    delta, log10 = theoretical_delta(ks_t1)
    assert -1396.56 < float(log10.mid()) < -1396.54


def test_precision_doubles_until_decided_and_floats_see_nothing(ks_t1):
    cert = verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "r": "51/20",
                                                                     "delta_log10": -1397}))
    assert cert.verdict == "PROVED"
    assert [h[0] for h in cert.evidence["history"]] == [64, 128, 256, 512, 1024, 2048]
    assert -487.8 < cert.evidence["min_separation_log10"] < -487.6
    for dtype in ("float64", "float32"):
        assert float_separations(ks_t1.graph, KS_T1, dtype)["zero_pairs"] > 0


def test_bit_limit_gives_unknown_listing_undecided_pairs(ks_t1):
    cert = verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "max_bits": 1024}))
    assert cert.verdict == "UNKNOWN" and cert.evidence["undecided_count"] >= 1
    assert cert.evidence["undecided"][0][0] == "pair"


def test_absurd_max_bits_is_capped_and_said(ks_t1):
    cert = verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "max_bits": 10 ** 9}))
    assert cert.verdict == "PROVED" and cert.evidence["note"] == f"max_bits capped at {MAX_BITS_CAP}"


def test_norm_bound_refuted_when_r_is_too_small(ks_t1):
    cert = verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "r": "3/2"}))
    assert cert.verdict == "REFUTED" and "norm" in cert.counterexample
    assert check_certificate(json.loads(cert.dumps())).holds


def test_tampered_separation_certificates_fail(ks_t1):
    cert = verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "delta_log10": -1397}))
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    bad = json.loads(json.dumps(data))
    bad["claim"]["expected"]["delta_log10"] = -400
    assert check_certificate(bad).holds is False
    low = json.loads(json.dumps(data))
    low["precision"] = 256
    ok, why = check_certificate(low).astuple()
    assert not ok and "undecided at the recorded precision" in why


def test_permuted_sequences_need_not_be_separated():
    """Permutations of a sequence have the same token set: equivariance makes them collide, and that is allowed."""
    seqs = [[V[0], V[1]], [V[1], V[0]]]
    cm = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")
    cert = verify(cm.graph, Claim("contextual_mapping", expected={"sequences": seqs}))
    assert cert.verdict == "PROVED" and cert.evidence["pairs"] == 4  # the 2 same-token pairs are exempt


@pytest.mark.parametrize("seqs,kw,needle", [
    ([[V[0], V[1]], [V[0]]], {}, "sequence 1 has 1 tokens"),
    ([[V[0], V[1]], [V[0], ["1", "2", "3"]]], {}, "token 1 of sequence 1 has 3 coordinates"),
    ([[V[0], ["0", "0"]]], {}, "is the zero vector"),
    ([[V[0], V[0]]], {}, "duplicate token (1, 0) at positions 0 and 1"),
    ([[V[0], ["0.5", "1"]]], {}, 'is a decimal literal (expected an exact rational: write "1/2")'),
    ([[V[0], [0.5, 1]]], {}, 'is a float'),
    ([[V[0], V[1]]], {"w": ["1", "1"]}, "is not a unit vector"),
    ([[V[0], V[1]]], {"eps": "5"}, "is not a lower bound of the token separation"),
    ([[V[0]]], {}, "n >= 2 tokens"),
    ([], {}, "no sequences given"),
])
def test_bad_input(seqs, kw, needle):
    with pytest.raises(SymtransError) as info:
        contextual_mapping(seqs, **kw)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_max_bits_below_53_is_refused(ks_t1):
    with pytest.raises(SymtransError, match="max_bits = 32"):
        verify(ks_t1.graph, Claim("contextual_mapping", expected={"sequences": KS_T1, "max_bits": 32}))


def test_boltzmann_identity_ks_t4_symbolically():
    """KS-T4: a rank-1 head's read-out w.X softmax(a) equals boltz(a) / (lambda w.x_k), with exp(a_j) as symbols."""
    import sympy

    n = 3
    lam, wk = sympy.symbols("lam wk", positive=True)
    p = sympy.symbols(f"p0:{n}")  # p_j = w . x_j
    E = sympy.symbols(f"E0:{n}", positive=True)  # E_j = exp(a_j), a_j = lam * wk * p_j
    a = [lam * wk * pj for pj in p]
    readout = sum(pj * Ej for pj, Ej in zip(p, E)) / sum(E)
    boltz = sum(aj * Ej for aj, Ej in zip(a, E)) / sum(E)
    assert sympy.simplify(readout - boltz / (lam * wk)) == 0


def test_permutation_equivariance_ks_t4_symbolically_and_on_the_construction(ks_t1):
    """KS-T4: F_SA(XP) = F_SA(X)P.  Symbolically, with exp an uninterpreted function (so only the
    structure of the head is used, never a property of exp); then on the built KS-T1 layer, where
    the enclosures of permuted outputs overlap and are 10^-600 narrow."""
    import itertools
    from fractions import Fraction

    import sympy

    from symtrans.backends import IntervalBackend
    from symtrans.graph import INPUTS, OUTPUTS
    from symtrans.interpret import evaluate

    n, d = 3, 2
    ex = sympy.Function("ex")
    X = sympy.Matrix(n, d, sympy.symbols(f"x0:{n * d}"))
    wq, wk, wv = (sympy.Matrix(d, 1, sympy.symbols(f"{s}0:{d}")) for s in "qkv")
    lam = sympy.Symbol("lam")

    def head(X):
        q, k, v = X * wq, X * wk, X * wv
        return sympy.Matrix([sum(ex(lam * q[i] * k[j]) * v[j] for j in range(n)) /
                             sum(ex(lam * q[i] * k[j]) for j in range(n)) for i in range(n)])

    out = head(X)
    for perm in itertools.permutations(range(n)):
        P = sympy.Matrix(n, n, lambda i, j: 1 if perm[i] == j else 0)
        assert sympy.simplify(head(P * X) - P * out) == sympy.zeros(n, 1)

    G = ks_t1.graph
    bk = IntervalBackend(prec=2048)
    seq = [[1, 0], [0, 2]]
    a = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: seq})[G.graph[OUTPUTS][0]])
    b = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: seq[::-1]})[G.graph[OUTPUTS][0]])
    for x, y in zip(a, b[::-1]):
        for u, v in zip(x, y):
            (ulo, uhi), (vlo, vhi) = bk.bounds(u), bk.bounds(v)
            assert ulo <= vhi and vlo <= uhi and uhi - ulo < Fraction(1, 10 ** 600)


SPEC = (__import__("pathlib").Path(__file__).resolve().parents[1] / "docs" / "examples" / "ks_t1.toml").read_text()


def test_spec_verifies(tmp_path, capsys):
    from symtrans.cli import main

    path = tmp_path / "ks.toml"
    path.write_text(SPEC)
    assert main(["verify", str(path)]) == 0
    assert "achieved >= 10^-487.7" in capsys.readouterr().out


@pytest.mark.parametrize("old,new,needle", [
    ('[["0", "2"], ["-1", "-1"]]]', '[["0", "2"], ["0", "2"]]]', "duplicate token (0, 2)"),
    ('[["0", "2"], ["-1", "-1"]]]', '[["0", "2"]]]', "sequence 2 has 1 tokens"),
    ('[["0", "2"], ["-1", "-1"]]]', '[["0", "2"], ["-1", "-1", "3"]]]', "has 3 coordinates"),
    ('[["0", "2"], ["-1", "-1"]]]', '[["0", "2"], ["0", "0"]]]', "is the zero vector"),
    ('["-1", "-1"]]]', '[-1, -0.5]]]', 'bad.toml: field \'target.sequences[2][1][1]\': -0.5 is a TOML float'),
    ("max_bits = 4096", "max_bits = 32", "max_bits = 32 (expected an integer >= 53)"),
    ('w = ["3/5", "4/5"]', 'w = ["1/2", "1/2"]', "is not a unit vector"),
    ('method = "contextual_mapping"', 'method = "hardmax"', "check method 'hardmax' for sequences"),
])
def test_bad_specs(tmp_path, capsys, old, new, needle):
    from symtrans.cli import main

    assert old in SPEC
    path = tmp_path / "bad.toml"
    path.write_text(SPEC.replace(old, new))
    assert main(["verify", str(path), "--cert", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1, err
    assert not (tmp_path / "c.json").exists()


def test_absurd_max_bits_from_a_spec_is_capped(tmp_path, capsys):
    from symtrans.cli import main

    path = tmp_path / "ks.toml"
    path.write_text(SPEC.replace("max_bits = 4096", "max_bits = 1000000000"))
    assert main(["verify", str(path), "--json"]) == 0


def test_memoriser_outputs_labels_exactly_and_tampering_fails():
    from symtrans.constructions.kajitsuka2024 import memorizer

    labels = [["1/2", 2], [3, -4], [5, 6]]
    m = memorizer(KS_T1, labels, w=["3/5", "4/5"], eps="11/5")
    claim = Claim("memorise", expected={"sequences": KS_T1, "labels": labels, "z": "mem.z"})
    cert = verify(m.graph, claim)
    assert cert.verdict == "PROVED"
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    data["claim"]["expected"]["labels"][0][0] = "1"
    ok, why = check_certificate(data).astuple()
    assert not ok and "gives REFUTED" in why
    counts = m.parameter_count()
    assert counts["paper"] == 4 * 3 + 2 * (2 * 2 * 3 + 2) and counts["ffn"] > 0


@pytest.mark.parametrize("labels,needle", [
    ([[1, 2], [3, 4]], "labels do not match the sequences"),
    ([[1, 2], [3, 4], [5, "0.5"]], "is a decimal literal"),
])
def test_memoriser_bad_labels(labels, needle):
    from symtrans.constructions.kajitsuka2024 import memorizer

    with pytest.raises(SymtransError, match=needle.replace("(", r"\(")):
        memorizer(KS_T1, labels, w=["3/5", "4/5"], eps="11/5")


def test_memoriser_rejects_labels_that_break_equivariance():
    from symtrans.constructions.kajitsuka2024 import memorizer

    seqs = [[V[0], V[1]], [V[1], V[0]]]  # the same token set: token (1,0) must get one label
    with pytest.raises(SymtransError, match="permutation equivariance"):
        memorizer(seqs, [[1, 2], [2, 3]], w=["3/5", "4/5"], eps="11/5")


def test_dataset_spec_memorises_and_rejects_inconsistent_labels(tmp_path, capsys):
    from pathlib import Path

    from symtrans.cli import main

    text = (Path(__file__).resolve().parents[1] / "docs" / "examples" / "memorise.toml").read_text()
    path = tmp_path / "m.toml"
    path.write_text(text)
    assert main(["verify", str(path)]) == 0
    assert "6 outputs equal their labels exactly" in capsys.readouterr().out
    perm = text.replace('[["0", "2"], ["-1", "-1"]]]', '[["0", "2"], ["1", "0"]]]').replace(
        'labels = [["1", "2"], ["3", "4"], ["5", "6"]]', 'labels = [["1", "2"], ["3", "4"], ["5", "6"]]')
    path.write_text(perm)
    assert main(["verify", str(path)]) == 2
    assert "permutation equivariance" in capsys.readouterr().err


def test_same_output_refuted_when_the_hardmax_picks_differ():
    """X1 = (1,3,4,6) vs X3 = (1,3,4,7): with c > 0 the hardmax picks 6 vs 7, so token 1 differs."""
    import sympy

    from symtrans import Head, Weights, add_input, attention_head, new_graph, set_outputs

    G = new_graph()
    X = add_input(G, "X", (4, 1))
    v = Weights((1, 1), {(0, 0): sympy.Symbol("v")})
    one = Weights.identity(1)
    set_outputs(G, [attention_head(G, X, Head(one, one, v, one, score="hardmax"), name="h")])
    claim = Claim("same_output", expected={"inputs": [[[1], [3], [4], [6]], [[1], [3], [4], [7]]], "row": 0})
    cert = verify(G, claim)
    assert cert.verdict == "REFUTED" and cert.counterexample["parameters"]["v"] != "0"
    assert check_certificate(json.loads(cert.dumps())).holds


@pytest.mark.parametrize("vectors,delta,needle", [
    ([["10", "0", "-10"], ["10", "0", "-10"]], "5", "permutations of each other"),
    ([["10", "0", "-10"], ["10", "0", "-9"]], "5", "differ by at most delta"),
    ([["10", "10", "-10"], ["10", "0", "-9"]], "5", "repeats an entry"),
    ([["10", "0", "-10"], ["10", "-20", "-10"]], "5", "beyond r"),
    ([["10", "0", "-10"], ["10", "0", "-20"]], "4", r"not certainly above 2 log 3 \+ 3"),
])
def test_boltzmann_hypotheses_are_checked_exactly(vectors, delta, needle):
    from symtrans.constructions.kajitsuka2024 import boltzmann_graph

    with pytest.raises(SymtransError, match=needle):
        verify(boltzmann_graph(3), Claim("boltzmann", expected={"vectors": vectors, "r": "10" if "beyond" in needle
                                                                 else "20", "delta": delta}))


def test_a_refuted_memorisation_checks_though_other_points_are_undecided():
    """Issue 11: REFUTED memorisation certificates failed `check` when other data points were still
    undecided at the precision that decided the wrong one.  Here point (1, 0) is decided at 64 bits,
    the others need 256."""
    import json
    import sys
    from pathlib import Path

    from symtrans import Claim, check_certificate, verify
    from symtrans.constructions.kajitsuka2024 import memorizer

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))
    try:
        import kajitsuka2024 as proof
    finally:
        sys.path.pop(0)
    seqs = proof._random_sequences(302, 3, 2, count=4)
    labels = proof._equivariant_labels(seqs, 302)
    G = memorizer(seqs, labels, lam_from="ratio").graph
    wrong = [list(r) for r in labels]
    wrong[1][0] += 1
    cert = verify(G, Claim("memorise", expected={"sequences": seqs, "labels": wrong, "z": "mem.z"}))
    assert cert.verdict == "REFUTED" and cert.precision == 64
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    data["counterexample"]["token"] = 1  # a point that gives its label, or is undecided at 64 bits
    assert not check_certificate(data).holds


def test_boltzmann_never_records_more_bits_than_a_certificate_may_hold(monkeypatch):
    """max_bits may say 2^20, but check refuses certificates over budget.MAX_PRECISION bits; the
    prover caps its precision there (here a cap of 64 bits, where n=8's family needs 128)."""
    import json

    import sys
    from pathlib import Path

    import symtrans.kinds.boltzmann.prove as prove
    from symtrans.constructions.kajitsuka2024 import boltzmann_graph

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))
    try:
        from kajitsuka2024 import adversarial_family
    finally:
        sys.path.pop(0)
    vectors, r, delta = adversarial_family(8)
    monkeypatch.setattr(prove, "MAX_PRECISION", 64)
    cert = verify(boltzmann_graph(8), Claim("boltzmann", expected={"vectors": vectors, "r": r, "delta": delta,
                                                                    "max_bits": 1 << 20}))
    assert cert.precision <= 64 and cert.verdict == "UNKNOWN", (cert.verdict, cert.precision)
    assert check_certificate(json.loads(cert.dumps())).verdict == "UNKNOWN"
