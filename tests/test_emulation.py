"""The compositional (block-by-block) proof of maxout emulation, in any dimension."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest

from symtrans import RationalBackend, evaluate
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.gu2026 import maxout_transformer
from symtrans.domains import Box
from symtrans.graph import OP, replace_weight
from symtrans.targets import MaxoutNet
from symtrans import verify


def net_2d(seed, k=2, L=2, width=2):
    return MaxoutNet.random(seed, 2, k, L, width)


BOX = Box([(-1, 1), (-1, 1)])


@pytest.mark.parametrize("fresh", [True, False])
def test_mutations_never_fool_the_compositional_proof(fresh):
    """Change every FFN / attention / read-out weight of a 2-D emulation in turn: a PROVED verdict must
    agree with exact evaluation at random points; a REFUTED one carries a true counterexample."""
    net = net_2d(5)
    G = maxout_transformer(net, BOX, fresh=fresh)
    rng = random.Random(1)
    bk = RationalBackend()
    verdicts = {"PROVED": 0, "REFUTED": 0, "UNKNOWN": 0}
    for n, data in G.nodes(data=True):
        if (data.get("origin") or {}).get("role") == "embed":
            continue
        for field, W in data[OP].weight_items():
            for (i, j), v in list(W.items())[:6]:
                H = replace_weight(G, n, field, (i, j), v + Fraction(1, 2))
                cert = verify(H, Claim("emulation", net, domain=BOX))
                verdicts[cert.verdict] += 1
                if cert.verdict == "PROVED":
                    for _ in range(3):
                        x = [Fraction(rng.randint(-8, 8), 8) for _ in range(2)]
                        got = bk.to_list(evaluate(H, bk, {"x": [x]})["readout"])[0][0]
                        assert Fraction(int(got.p), int(got.q)) == net.evaluate(x), (n, field, i, j)
                elif cert.verdict == "REFUTED":
                    x = [Fraction(cert.counterexample["point"][v]) for v in ("x1", "x2")]
                    assert net.evaluate(x) == Fraction(cert.counterexample["target"])
                    assert Fraction(cert.counterexample["network"]) != Fraction(cert.counterexample["target"])
    assert verdicts["REFUTED"] > 10


def test_softmax_graph_is_not_proved_compositionally():
    net = net_2d(2)
    G = maxout_transformer(net, BOX, score="softmax", beta=3)
    cert = verify(G, Claim("emulation", net, domain=BOX))
    assert cert.verdict in ("REFUTED", "UNKNOWN")
    assert cert.verdict != "PROVED"


def test_deep_tent_is_proved_without_enumerating_regions():
    tent = MaxoutNet.tent(30)
    G = maxout_transformer(tent, Box([(0, 1)]), fresh=False)
    cert = verify(G, Claim("emulation", tent, domain=Box([(0, 1)])))
    assert cert.verdict == "PROVED" and cert.evidence["max_heads"] == 30 and cert.seconds < 5


def test_equivalent_and_emulation_agree_in_two_dimensions():
    net = MaxoutNet.max_of(2)
    G = maxout_transformer(net, BOX)
    cells, blocks = verify(G, Claim("equivalent", net, domain=BOX)), verify(G, Claim("emulation", net, domain=BOX))
    assert (cells.verdict, cells.method, blocks.verdict, blocks.method) == ("PROVED", "equivalent",
                                                                            "PROVED", "emulation")


def test_uncertified_gate_is_unknown_then_refuted_by_a_point():
    net = net_2d(9)
    bad = maxout_transformer(net, BOX, margins_override=[Fraction(1, 10)] * 2)
    cert = verify(bad, Claim("emulation", net, domain=BOX))
    assert cert.verdict == "REFUTED"
    assert cert.evidence["reason"]


def test_compositional_certificates_re_check_and_tampering_fails():
    import json

    from symtrans import check_certificate

    net = net_2d(4, k=3, L=2, width=3)
    for fresh in (True, False):
        cert = verify(maxout_transformer(net, BOX, fresh=fresh), Claim("emulation", net, domain=BOX))
        data = json.loads(cert.dumps())
        assert cert.verdict == "PROVED" and check_certificate(data).holds
        other = json.loads(json.dumps(data))
        other["claim"]["target"]["output"][-1] = str(Fraction(net.output[-1]) + 1)
        ok, why = check_certificate(other).astuple()
        assert not ok and "gives UNKNOWN" in why
    bad = replace_weight(maxout_transformer(net, BOX), "readout", "bias", (0, 0), net.output[-1] + 1)
    refuted = verify(bad, Claim("emulation", net, domain=BOX))
    assert refuted.verdict == "REFUTED" and check_certificate(json.loads(refuted.dumps())).holds


def test_duplicate_units_share_one_symbol():
    """Two units with the same pieces are the same function; the proof must not get stuck on them."""
    unit = [[1, -1, 0], [0, 0, 0]]
    net = MaxoutNet(2, [[unit, unit, [[0, 1, 0], [0, 0, 0]]], [[[1, 2, -1, 0], [0, 0, 0, 0]]]], [1, 0])
    G = maxout_transformer(net, BOX)
    blocks = verify(G, Claim("emulation", net, domain=BOX))
    assert blocks.verdict == "PROVED", blocks.evidence
    assert check_certificate(json.loads(blocks.dumps())).holds
    assert verify(G, Claim("equivalent", net, domain=BOX)).verdict == "PROVED"


def test_nested_relus_with_an_undecided_inner_one_are_unknown_not_a_crash():
    """The inner ReLU becomes a symbol with no enclosure; the outer one's range is then not known
    (it used to raise KeyError).  The prover and the checker share one affine-range helper."""
    from symtrans import Weights, add_input, add_op, new_graph, set_outputs
    from symtrans.ops import Linear, ReLU

    G = new_graph("nested")
    x = add_input(G, "x", (1, 1))
    a = add_op(G, "a", ReLU(), [x])
    b = add_op(G, "b", Linear(Weights.from_rows([["1"]]), Weights.from_rows([["-1/2"]])), [a])
    set_outputs(G, [add_op(G, "c", ReLU(), [b])])
    net = MaxoutNet.relu(1, [[[1, 0]], [[1, "-1/2"]]], [1, 0])
    cert = verify(G, Claim("emulation", net, domain=Box([(-1, 1)])))
    assert cert.verdict == "UNKNOWN" and cert.evidence["reason"]


def _certificate_with_graph(data, edit):
    """A copy of a certificate whose embedded graph is edited by ``edit(nodes_by_id)``,
    with the fingerprint recomputed (so only the proof itself can catch the change)."""
    from symtrans.graph import fingerprint, from_json

    other = json.loads(json.dumps(data))
    edit({n["id"]: n for n in other["graph"]["nodes"]})
    other["fingerprint"] = fingerprint(from_json(other["graph"]))
    return other


def _max_of_three():
    net = MaxoutNet(2, [[[[1, 1, 0], [-1, 2, 0], [0, -1, 1]]]], [1, 0])
    cert = verify(maxout_transformer(net, BOX), Claim("emulation", net, domain=BOX))
    assert cert.verdict == "PROVED"
    return json.loads(cert.dumps())


@pytest.mark.parametrize("what, edit", [
    ("a kernel -s reverses the head's scores",
     lambda n: n["b2.att.h0.scores"]["op"].update(kernel={"formula": "-s"})),
    ("a masked head", lambda n: n["b2.att.h0.weights"]["op"].update(
        mask={"shape": [3, 3], "allowed": [[0, 0], [1, 1], [2, 2]]})),
    ("column-wise normalisation", lambda n: n["b2.att.h0.weights"]["op"].update(axis="col")),
    ("a negative query", lambda n: n["b2.att.h0.q"]["op"]["weight"]["entries"].__setitem__(
        0, [2, 0, "-1"])),
])
def test_the_compositional_checker_reads_the_whole_head(what, edit):
    """Issue 11: a graph edited so that its head no longer takes the max (fingerprint recomputed)
    passed the checker, which ignored the kernel, the mask, the axis."""
    data = _max_of_three()
    try:
        other = _certificate_with_graph(data, edit)
    except Exception as exc:  # the edit made the graph itself invalid: also not accepted
        pytest.skip(f"{what}: the edited graph does not load ({exc})")
    result = check_certificate(other)
    assert not result.holds, what


def test_the_compositional_checker_refuses_a_second_head_column():
    """A second query/key column whose product reverses the scores (issue 11's tamper)."""
    data = _max_of_three()

    def edit(n):
        for part, entries in (("q", [[2, 1, "-1"], [3, 1, "-1"], [4, 1, "-1"]]), ("k", [[5, 1, "2"]])):
            w = n[f"b2.att.h0.{part}"]
            w["op"]["weight"]["shape"] = [7, 2]
            w["op"]["weight"]["entries"] += entries
            w["shape"] = [3, 2]
    result = check_certificate(_certificate_with_graph(data, edit))
    assert not result.holds and "one-dimensional" in result.reason


def test_a_refuting_point_must_lie_in_the_box_and_separate():
    net = net_2d(9)
    bad = replace_weight(maxout_transformer(net, BOX), "readout", "bias", (0, 0), net.output[-1] + 1)
    data = json.loads(verify(bad, Claim("emulation", net, domain=BOX)).dumps())
    assert check_certificate(data).holds
    outside = json.loads(json.dumps(data))
    outside["counterexample"]["point"]["x1"] = "-7"
    assert "outside the claim's domain" in check_certificate(outside).reason
    # the true graph with a "counterexample" where both sides agree: not a refutation
    good = json.loads(verify(maxout_transformer(net, BOX), Claim("emulation", net, domain=BOX)).dumps())
    agree = dict(good, verdict="REFUTED", counterexample=data["counterexample"])
    result = check_certificate(agree)
    assert not result.holds and "does not separate" in result.reason


def test_an_emulation_claim_about_another_node_is_refused():
    data = _max_of_three()
    other = json.loads(json.dumps(data))
    other["claim"]["output"] = "b2.att.h0.mix"
    assert not check_certificate(other).holds


def test_hardmax_weights_used_elsewhere_are_unknown_not_a_crash():
    """Issue 11: a hardmax weight consumed by anything but a MatMul's first argument raised."""
    from symtrans import Weights, add_input, add_op, new_graph, set_outputs
    from symtrans.ops import Linear, MatMul, Normalize, Scores

    G = new_graph("stray")
    x = add_input(G, "x", (1, 1))
    s = add_op(G, "s", Scores(), [x, x])
    w = add_op(G, "w", Normalize("hardmax"), [s])
    m = add_op(G, "m", MatMul(), [x, w])
    set_outputs(G, [add_op(G, "o", Linear(Weights.from_rows([["1"]])), [m])])
    net = MaxoutNet.relu(1, [[[1, 0]]], [1, 0])
    cert = verify(G, Claim("emulation", net, domain=Box([(-1, 1)])))
    assert cert.verdict in ("UNKNOWN", "REFUTED") and "hardmax" in cert.evidence["reason"], cert.evidence


@pytest.mark.parametrize("readout_shift", [0, Fraction(1, 7)])
def test_dead_constant_and_one_piece_units_are_what_they_compute(readout_shift):
    """Issue 16: random ReLU nets have units that are constant on every input (zero weights:
    relu(-2) = 0, relu(3) = 3) or have one distinct piece.  The transformer evaluates such a
    unit's head exactly (its scores are constants), so the walk must see the unit as that
    constant or polynomial, not as a symbol: before, these nets were UNKNOWN ("keys are not the
    pieces of a unit").  A wrong read-out bias is still refuted with a point."""
    layers = [[["1", "1", "0"], ["0", "0", "-2"], ["0", "0", "3"], ["1", "-1", "1/2"], ["0", "0", "3"]],
              [["1", "2", "-1", "1", "0", "1/3"], ["0", "1", "0", "0", "1", "-1"]]]
    net = MaxoutNet.relu(2, layers, ["1", "-1", "0"])
    box = Box([(-1, 1), (-1, 1)])
    G = maxout_transformer(net, box)
    if readout_shift:
        G = replace_weight(G, "readout", "bias", (0, 0), net.output[-1] + readout_shift)
    cert = verify(G, Claim("emulation", net, domain=box))
    assert cert.verdict == ("REFUTED" if readout_shift else "PROVED"), cert.evidence
    assert check_certificate(json.loads(cert.dumps())).holds
    assert verify(G, Claim("equivalent", net, domain=box)).verdict == cert.verdict  # the cells agree
