"""Graph IR: JSON round trip, fingerprints, validate(), sizes(), substitute()."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import networkx as nx
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symtrans import (Channels, Head, RationalBackend, Weights, add_input, add_op, block, broadcast_writes,
                      dumps, embedding, evaluate, fingerprint, from_json, loads, new_graph, parameters,
                      positional_writes, readout, set_outputs, sizes, substitute, to_json, validate)
from symtrans.graph import OP, OUTPUTS, POSITIONS, SHAPE
from symtrans.ops import Add, Hadamard, Linear, ReLU

from cases import CASES, random_inputs, random_params


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_case_round_trips_through_json(case):
    rng = random.Random(4)
    G = case.build(rng)
    text = dumps(G)
    H = loads(text)
    assert validate(H) == []
    assert fingerprint(H) == fingerprint(G)
    assert dumps(H) == text
    # every weight is an exact rational string (or a parameter polynomial) in the file
    for node in json.loads(text)["nodes"]:
        for value in node["op"].values():
            if isinstance(value, dict) and "entries" in value:
                assert all(isinstance(e[2], str) for e in value["entries"])
    if not case.rational_refuses:
        point, params = random_inputs(case, rng), random_params(case, rng)
        a = evaluate(G, RationalBackend(), point, params)
        b = evaluate(H, RationalBackend(), point, params)
        assert {k: RationalBackend().to_list(v) for k, v in a.items()} == \
               {k: RationalBackend().to_list(v) for k, v in b.items()}


def test_fingerprint_ignores_names_and_origins_but_not_weights():
    G = CASES[0].build(random.Random(9))
    H = from_json(to_json(G))
    H.graph["name"] = "renamed"
    for n in H:
        H.nodes[n]["origin"] = {"note": "changed"}
    assert fingerprint(H) == fingerprint(G)
    data = to_json(G)
    for node in data["nodes"]:
        if node["op"]["type"] == "Linear" and node["op"]["weight"]["entries"]:
            entry = node["op"]["weight"]["entries"][0]
            entry[2] = str(Fraction(entry[2]) + Fraction(1, 10 ** 30))
            break
    assert fingerprint(from_json(data)) != fingerprint(G)


# ---- hypothesis: random graphs built from random exact weights ---------------------------------------
rationals = st.fractions(min_value=-8, max_value=8, max_denominator=12)


@st.composite
def weight_matrices(draw, rows, cols):
    entries = draw(st.dictionaries(st.tuples(st.integers(0, rows - 1), st.integers(0, cols - 1)), rationals,
                                   max_size=rows * cols))
    return Weights((rows, cols), entries)


@st.composite
def random_graphs(draw):
    d = draw(st.integers(1, 3))
    tokens = draw(st.integers(1, 3))
    ch = Channels([("P", tokens), ("X", d + 1), ("R", draw(st.integers(1, 3)))])
    G = new_graph("hyp")
    x = add_input(G, "x", (1, d))
    H = embedding(G, x, ch, tokens, positional_writes("P", tokens) + broadcast_writes("X", tokens, d, True))
    nblocks = draw(st.integers(1, 2))
    for b in range(1, nblocks + 1):
        heads = []
        for _ in range(draw(st.integers(0, 2))):
            h = draw(st.integers(1, 2))
            heads.append(Head(draw(weight_matrices(ch.width, h)), draw(weight_matrices(ch.width, h)),
                              draw(weight_matrices(ch.width, h)), draw(weight_matrices(h, ch.width)),
                              score=draw(st.sampled_from(["linear", "hardmax", "softmax"])),
                              beta=draw(st.fractions(1, 4, max_denominator=4))))
        ffn = None
        if draw(st.booleans()) or not heads:
            f = draw(st.integers(1, 3))
            ffn = (draw(weight_matrices(ch.width, f)), draw(weight_matrices(1, f)),
                   draw(weight_matrices(f, ch.width)), None)
        H = block(G, H, heads, ffn, index=b)
    if draw(st.booleans()):
        c = sympy.Symbol("theta")
        W = Weights((ch.width, 1), {(0, 0): c * draw(rationals) + 1})
    else:
        W = draw(weight_matrices(ch.width, 1))
    set_outputs(G, [readout(G, H, W)])
    return G


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_hypothesis_json_round_trip_preserves_fingerprint(G):
    assert validate(G) == []
    H = loads(dumps(G))
    assert fingerprint(H) == fingerprint(G)
    assert validate(H) == []
    assert parameters(H) == parameters(G)
    assert sizes(H) == sizes(G)


@settings(max_examples=40, deadline=None)
@given(random_graphs(), st.data())
def test_hypothesis_validate_catches_injected_faults(G, data):
    fault = data.draw(st.sampled_from(["cycle", "shape", "unknown_op", "positions", "dangling", "no_output"]))
    nodes = [n for n in G if G.in_degree(n)]
    victim = data.draw(st.sampled_from(nodes))
    if fault == "cycle":
        out = G.graph[OUTPUTS][0]
        G.add_edge(out, victim, **{POSITIONS: (99,)})
        expect = "cycle"
    elif fault == "shape":
        G.nodes[victim][SHAPE] = (97, 89)
        expect = "shape"
    elif fault == "unknown_op":
        G.nodes[victim][OP] = "Softmax"
        expect = "unknown op"
    elif fault == "positions":
        u = next(iter(G.predecessors(victim)))
        G.edges[u, victim][POSITIONS] = (7,)
        expect = "positions"
    elif fault == "dangling":
        add_op(G, "stray", ReLU(), [victim])
        expect = "does not reach any output"
    else:
        G.graph[OUTPUTS] = []
        expect = "no outputs"
    problems = validate(G)
    assert problems and any(expect in p for p in problems), problems


def test_validate_reports_non_exact_weights_even_if_smuggled_in():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    W = Weights.identity(2)
    object.__setattr__(W, "entries", (((0, 0), 0.5),))  # bypass the constructor
    add_op(G, "y", Linear(W), [x])
    set_outputs(G, ["y"])
    problems = validate(G)
    assert any("0.5 is a float" in p and "'y'" in p for p in problems)


def test_validate_reports_undeclared_and_unused_inputs():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    add_input(G, "z", (1, 1))
    y = add_op(G, "y", ReLU(), [x])
    set_outputs(G, [y])
    assert validate(G) == ["input 'z' does not reach any output"]
    G.graph["inputs"].remove("z")
    assert "node 'z': an Input node not declared in the graph's inputs" in validate(G)


def test_repeated_argument_is_kept_in_position_order():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    s = add_op(G, "s", Hadamard(), [x, x])
    t = add_op(G, "t", Add(), [s, x, s])
    set_outputs(G, [t])
    assert G.edges["s", "t"][POSITIONS] == (0, 2)
    H = loads(dumps(G))
    out = evaluate(H, RationalBackend(), {"x": [2, 3]})["t"]
    assert [int(v) for v in RationalBackend().to_list(out)[0]] == [10, 21]


def test_sizes_of_a_two_block_graph():
    ch = Channels([("P", 2), ("X", 3)])
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    H = embedding(G, x, ch, 2, positional_writes("P", 2) + broadcast_writes("X", 2, 2, True))
    I = Weights.identity(5)
    H = block(G, H, [Head(I, I, I, Weights.identity(5, "255/2"))], index=1)
    H = block(G, H, [Head(I, I, I, I), Head(I, I, I, I, score="hardmax")],
              (Weights.zeros(5, 7), None, Weights.zeros(7, 5), None), index=2)
    set_outputs(G, [readout(G, H, Weights((5, 1), {(0, 0): sympy.Symbol("a")}))])
    s = sizes(G)
    assert s["blocks"] == 2 and s["heads_per_block"] == [1, 2]
    assert (s["tokens"], s["width"]) == (2, 5)
    assert s["ffn_widths"] == [0, 7]
    assert s["max_weight_bits"] == 8
    assert s["free_parameters"] == 1
    embed_nnz = 2 + 2 * 3  # two positional one-hots, (1, x1, x2) in each of two tokens
    head_nnz = 5 * 4  # four 5x5 identities (beta of a non-softmax head is not a parameter)
    assert s["nonzero_parameters"] == embed_nnz + 3 * head_nnz + 1  # + the read-out symbol


def test_substitute_binds_every_parameter_or_says_which_is_missing():
    from symtrans import GraphError

    G = new_graph()
    x = add_input(G, "x", (1, 1))
    a, b = sympy.symbols("a b")
    add_op(G, "y", Linear(Weights((1, 2), {(0, 0): a, (0, 1): a * b - 1})), [x])
    set_outputs(G, ["y"])
    H = substitute(G, {"a": 2, "b": "1/2"})
    assert parameters(H) == [] and parameters(G) == ["a", "b"]
    assert H.nodes["y"][OP].weight.to_rows() == [["2", "0"]]
    with pytest.raises(GraphError, match="no value for parameter 'b'"):
        substitute(G, {"a": 1})


def test_graph_is_a_plain_networkx_digraph():
    G = CASES[0].build(random.Random(0))
    assert isinstance(G, nx.DiGraph) and nx.is_directed_acyclic_graph(G)
