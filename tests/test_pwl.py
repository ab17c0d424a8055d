"""The 1-D pwl backend, maxout targets, the R2 construction and the equivalence verifier."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest

from symtrans import (BackendError, PWLBackend, RationalBackend, SpecError, SymtransError, Weights, add_input,
                      add_op, evaluate, new_graph, set_outputs)
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.gu2026 import expected_sizes, margins, maxout_transformer
from symtrans.domains import Box
from symtrans.graph import replace_weight, sizes
from symtrans.ops import Hadamard, Linear, Normalize
from symtrans.targets import MaxoutNet, maxout_graph
from symtrans import verify


def _random_net(seed, k, L, width=2):
    rng = random.Random(seed)
    layers, n = [], 1
    for _ in range(L):
        layers.append([[[Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(n + 1)] for _ in range(k)]
                       for _ in range(width)])
        n = width
    return MaxoutNet(1, layers, [rng.randint(-3, 3) for _ in range(n + 1)])


def _pieces_value(pieces, x):
    for a, b, m, c in pieces:
        if a <= x <= b:
            return m * x + c
    raise AssertionError("point outside the pieces")


@pytest.mark.parametrize("seed", range(8))
def test_pwl_backend_agrees_with_rational_backend_inside_cells(seed):
    """On every cell, the pwl piece equals the exact network value at random interior points."""
    net = _random_net(seed, k=2 + seed % 2, L=1 + seed % 3)
    box = Box([(-2, 3)])
    for G, node in ((maxout_graph(net), "f"), (maxout_transformer(net, box, fresh=bool(seed % 2)), "readout")):
        bk = PWLBackend(-2, 3)
        pieces = bk.pieces(evaluate(G, bk)[node], 0, 0)
        assert pieces[0][0] == -2 and pieces[-1][1] == 3
        rng = random.Random(seed)
        rat = RationalBackend()
        for a, b, m, c in pieces:
            for _ in range(2):
                x = a + (b - a) * Fraction(rng.randint(1, 99), 100)
                v = rat.to_list(evaluate(G, rat, {"x": [x]})[node])[0][0]
                assert Fraction(int(v.p), int(v.q)) == m * x + c == net.evaluate([x])


def test_pwl_refuses_products_of_input_dependent_values_naming_the_node():
    G = new_graph()
    x = add_input(G, "x", (1, 1))
    add_op(G, "square", Hadamard(), [x, x])
    set_outputs(G, ["square"])
    with pytest.raises(BackendError) as info:
        evaluate(G, PWLBackend(0, 1))
    assert str(info.value).startswith("node 'square': the pwl backend cannot multiply two input-dependent values")


def test_pwl_refuses_hardmax_with_non_affine_scores():
    """Scores q k^T with both q and k depending on x are products: refused, naming the scores node."""
    from symtrans import Head, attention_head

    G = new_graph()
    x = add_input(G, "x", (1, 1))
    I = Weights.identity(1)
    set_outputs(G, [attention_head(G, x, Head(I, I, I, I, score="hardmax"), name="h")])
    with pytest.raises(BackendError, match="node 'h.scores': the pwl backend cannot multiply"):
        evaluate(G, PWLBackend(-1, 1))


def test_pwl_hardmax_splits_at_crossings_and_averages_identical_scores():
    G = new_graph()
    x = add_input(G, "x", (1, 1))
    s = add_op(G, "s", Linear(Weights.from_rows([[1, -1, 1]]), Weights.from_rows([[0, 0, 0]])), [x])
    add_op(G, "w", Normalize("hardmax"), [s])
    set_outputs(G, ["w"])
    bk = PWLBackend(-1, 1)
    w = evaluate(G, bk)["w"]
    F = Fraction
    assert bk.pieces(w, 0, 0) == [(F(-1), F(0), F(0), F(0)), (F(0), F(1), F(0), F(1, 2))]
    assert bk.pieces(w, 0, 1) == [(F(-1), F(0), F(0), F(1)), (F(0), F(1), F(0), F(0))]
    assert bk.activation_breaks == {0}


def test_regions_versus_activation_cells():
    """max(x, 0) + max(x, 0) - max(x, 0): activation breaks can exist where the function has no kink."""
    G = new_graph()
    x = add_input(G, "x", (1, 1))
    from symtrans.ops import ReLU

    r = add_op(G, "r", ReLU(), [x])
    k = add_op(G, "k", Linear(Weights.from_rows([[0]]), Weights.from_rows([["1/2"]])), [x])
    m = add_op(G, "m", __import__("symtrans.ops", fromlist=["Maximum"]).Maximum(), [k, x])
    out = add_op(G, "out", Linear(Weights((1, 1))), [m])
    set_outputs(G, [out, r])
    bk = PWLBackend(-1, 1)
    vals = evaluate(G, bk)
    assert bk.regions(vals["out"]) == 1  # the zero function
    assert bk.regions(vals["r"]) == 2
    assert bk.activation_breaks == {0, Fraction(1, 2)}


def test_margins_are_sound_upper_bounds():
    rng = random.Random(1)
    for seed in range(5):
        net = _random_net(seed, 3, 2)
        box = Box([(-1, 2)])
        B = margins(net, box)
        for _ in range(50):
            x = Fraction(rng.randint(-100, 200), 100)
            for l in range(2):
                assert all(abs(z) <= B[l] for unit in net.pieces(l, [x]) for z in unit)


def test_sizes_match_the_construction_formula():
    for fresh in (True, False):
        net = _random_net(7, 3, 3, width=3)
        s = sizes(maxout_transformer(net, Box([(-1, 1)]), fresh=fresh))
        assert all(s[k] == v for k, v in expected_sizes(net, fresh).items())


@pytest.mark.parametrize("seed", range(4))
def test_random_emulations_proved_and_perturbations_refuted(seed):
    net = _random_net(10 + seed, 2 + seed % 2, 2)
    box = Box([(-1, 1)])
    G = maxout_transformer(net, box)
    cert = verify(G, Claim("equivalent", net, domain=box))
    assert cert.verdict == "PROVED"
    assert check_certificate(json.loads(cert.dumps())).holds
    bad = replace_weight(G, "readout", "bias", (0, 0), net.output[-1] + Fraction(1, 3))
    refuted = verify(bad, Claim("equivalent", net, domain=box))
    assert refuted.verdict == "REFUTED"
    ce = refuted.counterexample
    x = Fraction(ce["point"]["x1"])
    assert Fraction(ce["target"]) == net.evaluate([x]) != Fraction(ce["network"])
    assert check_certificate(json.loads(refuted.dumps())).holds


def test_too_small_margin_is_refuted_with_a_point():
    tent = MaxoutNet.tent(2)
    unit = Box([(0, 1)])
    cert = verify(maxout_transformer(tent, unit, margins_override=[Fraction(1, 2)] * 2),
                  Claim("equivalent", tent, domain=unit))
    assert cert.verdict == "REFUTED"
    assert check_certificate(json.loads(cert.dumps())).holds


def test_a_discontinuity_at_a_breakpoint_is_caught():
    """Hardmax routing (value != key) jumps at a tie; the exact evaluation at cell ends catches it."""
    G = new_graph()
    x = add_input(G, "x", (1, 1))
    s = add_op(G, "s", Linear(Weights.from_rows([[1, -1]])), [x])  # scores (x, -x): tie at 0
    w = add_op(G, "w", Normalize("hardmax"), [s])
    out = add_op(G, "out", Linear(Weights.from_rows([[1], [0]])), [w])  # weight on key 0: 1, 1/2 at 0, 0
    set_outputs(G, [out])
    step_limits = MaxoutNet(1, [[[[0, 1]]]], [1, -1])  # the zero function
    cert = verify(G, Claim("equivalent", step_limits, domain=Box([(-1, 0)])))
    # on [-1, 0] the network is 0 except at x = 0, where the tie gives weight 1/2
    assert cert.verdict == "REFUTED" and cert.counterexample["point"] == {"x1": "0"}
    assert cert.counterexample["network"] == "1/2" and cert.counterexample["cell"] == "a face of dimension 0"
    assert check_certificate(json.loads(cert.dumps())).holds


def _merge_two_cells(d):
    """Drop the last cut whose two sides are cells: one cell now covers both (the checker's walk
    down the tree must find the network still undecided there)."""
    def find(tree):
        if isinstance(tree, int):
            return None
        if isinstance(tree["le"], int) and isinstance(tree["ge"], int):
            return tree
        return find(tree["ge"]) or find(tree["le"])

    node = find(d["evidence"]["tree"])
    keep, gone = node["le"], node["ge"]

    def renumber(tree):
        if isinstance(tree, int):
            return tree - (tree > gone)
        return {k: renumber(v) if k in ("le", "ge") else v for k, v in tree.items()}

    d["evidence"]["tree"] = renumber(_replace(d["evidence"]["tree"], node, keep))
    del d["evidence"]["regions"][gone]


def _replace(tree, node, leaf):
    if tree is node:
        return leaf
    if isinstance(tree, int):
        return tree
    return {k: _replace(v, node, leaf) if k in ("le", "ge") else v for k, v in tree.items()}


def test_tampered_region_certificates_fail():
    tent = MaxoutNet.tent(3)
    unit = Box([(0, 1)])
    data = json.loads(verify(maxout_transformer(tent, unit), Claim("equivalent", tent, domain=unit)).dumps())
    assert check_certificate(data).holds
    for tamper, reason in [
        (lambda d: d["evidence"]["regions"][1][1].__setitem__(0, "7"), "does not carry the recorded affine map"),
        (lambda d: d["evidence"]["regions"].pop(), "the cut tree names a cell twice or not at all"),
        (lambda d: d["evidence"]["regions"][0].__setitem__(0, ["5"]), "witness point of cell 0 is not inside"),
        (lambda d: d.update(verdict="REFUTED"), "no point to re-check"),
        (lambda d: d["evidence"]["tree"].update(cut=["1", "5"]), "a cut of the tree does not split its cell"),
        (_merge_two_cells, "is not a single affine piece of both sides"),
    ]:
        d = json.loads(json.dumps(data))
        tamper(d)
        ok, why = check_certificate(d).astuple()
        assert not ok and reason in why, why


@pytest.mark.parametrize("build,needle", [
    (lambda: MaxoutNet(1, [[[[1, 0], [1]]]], [1, 0]), "piece 1 of unit 0 of layer 0 has 1 coefficients"),
    (lambda: MaxoutNet(2, [[[[1, 0]]]], [1, 0]), "has 2 coefficients (expected 3"),
    (lambda: MaxoutNet(1, [[]], [0]), "layer 0 has no units"),
    (lambda: MaxoutNet(1, [[[[0.5, 0]]]], [1, 0]), "0.5 is a float"),
    (lambda: MaxoutNet(1, [[[[1, 0]]]], [1]), "the output has 1 entries"),
    (lambda: Box([(1, 0)]), "lower end 1 above upper end 0"),
    (lambda: Box([]), "a box needs at least one interval"),
    (lambda: Claim("equivalent", MaxoutNet.tent(1), domain=Box([(0, 1), (0, 1)])), "a box of dimension 2"),
    (lambda: PWLBackend(1, 1), "empty domain"),
])
def test_bad_input(build, needle):
    with pytest.raises(SymtransError) as info:
        build()
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_point_domain_and_multivariate_graphs_are_refused_clearly():
    tent = MaxoutNet.tent(1)
    with pytest.raises(SpecError, match="is the point 1"):
        verify(maxout_graph(tent), Claim("equivalent", tent, domain=Box([(1, 1)])))
    net2 = MaxoutNet(2, [[[[1, 1, 0]]]], [1, 0])
    square = Box([(0, 1), (0, 1)])
    with pytest.raises(SpecError, match="interval 1 of the box is the point 1"):
        verify(maxout_graph(net2), Claim("regions", expected={"regions": 1}, domain=Box([(0, 1), (1, 1)])))
    with pytest.raises(SpecError, match="the graph has 2 input variables and the box 3 intervals"):
        verify(maxout_graph(net2), Claim("regions", expected={"regions": 1}, domain=Box([(0, 1)] * 3)))
    # 'equivalent' in 2-D enumerates polytope cells
    assert verify(maxout_graph(net2), Claim("equivalent", net2, domain=square)).evidence["dimension"] == 2


def test_single_head_variant_r3():
    from symtrans.constructions.gu2026 import single_head_transformer

    net = MaxoutNet.random(21, 1, 3, 2, 3)
    box = Box([(-1, 1)])
    G = single_head_transformer(net, box)
    s = sizes(G)
    assert s["blocks"] == 2 * 2 + 1 and all(h <= 1 for h in s["heads_per_block"]) and s["tokens"] == 9
    cert = verify(G, Claim("equivalent", net, domain=box))
    assert cert.verdict == "PROVED" and check_certificate(json.loads(cert.dumps())).holds
    bad = verify(single_head_transformer(net, box, c_override=1), Claim("equivalent", net, domain=box))
    assert bad.verdict == "REFUTED"


def test_yarotsky_sup_error_exact_and_tampering_fails():
    from symtrans.targets import Polynomial

    square = Polynomial.parse("x**2", ["x"])
    G = maxout_transformer(MaxoutNet.yarotsky(4), Box([(0, 1)]))
    cert = verify(G, Claim("sup_error", square, domain=Box([(0, 1)]), expected={"value": Fraction(1, 4 ** 5)}))
    assert cert.verdict == "PROVED" and len(cert.evidence["attained_at"]) == 16
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    data["claim"]["expected"]["value"] = "1/1000"
    assert not check_certificate(data).holds
    with pytest.raises(SymtransError, match="degree <= 2"):
        verify(G, Claim("sup_error", Polynomial.parse("x**3", ["x"]), domain=Box([(0, 1)]),
                        expected={"value": 1}))
