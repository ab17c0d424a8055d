"""Specs for maxout targets: equivalent / regions / bound checks, and their bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from symtrans.cli import main
from symtrans.spec import parse_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
TENT = (EXAMPLES / "tent3.toml").read_text()


@pytest.mark.parametrize("name", ["tent3.toml", "relu_net.toml", "relu_2d.toml", "regions_2d.toml"])
def test_example_specs_verify(name, capsys):
    assert main(["verify", str(EXAMPLES / name)]) == 0
    assert "PROVED" in capsys.readouterr().out


def test_two_dimensional_certificates_round_trip_through_the_cli(tmp_path, capsys):
    out = tmp_path / "certs"
    assert main(["verify", str(EXAMPLES / "relu_2d.toml"), str(EXAMPLES / "regions_2d.toml"),
                 "--cert", str(out)]) == 0
    for name in ("relu_2d.json", "regions_2d.json"):
        assert main(["check", str(out / name)]) == 0
    spec = tmp_path / "wrong.toml"
    spec.write_text((EXAMPLES / "regions_2d.toml").read_text().replace("regions = 5", "regions = 4"))
    assert main(["verify", str(spec)]) == 1
    assert "5 linear regions" in capsys.readouterr().out
    spec.write_text((EXAMPLES / "relu_2d.toml").read_text().replace('["-1", "1"]]', '["1", "1"]]'))
    assert main(["verify", str(spec)]) == 2
    assert "interval 1 of the box is the point 1" in capsys.readouterr().err


def test_regions_check_from_a_spec(tmp_path, capsys):
    spec = tmp_path / "r.toml"
    spec.write_text(TENT.replace('method = "equivalent"', 'method = "regions"\nregions = 8'))
    assert main(["verify", str(spec)]) == 0
    spec.write_text(TENT.replace('method = "equivalent"', 'method = "regions"\nregions = 7\nexpect = "REFUTED"'))
    assert main(["verify", str(spec)]) == 0
    assert "8 linear regions" in capsys.readouterr().out


@pytest.mark.parametrize("old,new,needle", [
    ("[[[-2, 0], [2, -2]]], [[[2, 0]", "[[[-2, 0], [2]]], [[[2, 0]", "has 1 coefficients (expected 2"),
    ("[[[-2, 0], [2, -2]]], [[[2, 0]", "[[[-2, 0, 1], [2, -2]]], [[[2, 0]", "has 3 coefficients"),
    ("output = [-1, 0]", "output = [-1, 0.5]", 'is a TOML float (expected an exact rational: write "1/2")'),
    ('box = [["0", "1"]]', 'box = [["1", "0"]]', "lower end 1 above upper end 0"),
    ('box = [["0", "1"]]', 'box = [["0", "1"], ["0", "1"]]', "box of dimension 2 for 1 variables"),
    ('box = [["0", "1"]]', "", "needs a [domain] box"),
    ('method = "equivalent"', 'method = "bound"\neps = "0"', "eps = 0 (expected eps > 0)"),
    ('method = "equivalent"', 'method = "bound"', "a bound check needs eps"),
    ('method = "equivalent"', 'method = "identity"', "check method 'identity' for a MaxoutNet target"),
    ("fresh = false", "fresh = 1", "fresh = 1 (expected true or false)"),
    ("output = [-1, 0]", "output = [-1, 0, 3]", "the output has 3 entries"),
    ("dimension = 1", "dimension = 2", "piece 0 of unit 0 of layer 0 has 2 coefficients (expected 3"),
])
def test_bad_maxout_specs(tmp_path, capsys, old, new, needle):
    assert old in TENT
    spec = tmp_path / "bad.toml"
    spec.write_text(TENT.replace(old, new))
    assert main(["verify", str(spec)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1, err


def test_pwl_refusal_names_the_node_for_non_affine_scores():
    """A hardmax head whose queries and keys both depend on x is refused by the pwl backend: the claim is
    UNKNOWN, with the node named (issue 11: it used to end the run with exit 2)."""
    from symtrans import Head, Weights, add_input, attention_head, new_graph, set_outputs
    from symtrans.claims import Claim
    from symtrans.domains import Box
    from symtrans.targets import MaxoutNet
    from symtrans import verify

    G = new_graph()
    x = add_input(G, "x", (1, 1))
    I = Weights.identity(1)
    set_outputs(G, [attention_head(G, x, Head(I, I, I, I, score="hardmax"), name="bad")])
    cert = verify(G, Claim("equivalent", MaxoutNet.tent(1), domain=Box([(0, 1)])))
    assert cert.verdict == "UNKNOWN"
    assert "node 'bad.scores': the pwl backend cannot multiply" in cert.evidence["reason"]


def test_a_maxout_target_reads_its_dimension_from_its_layers(tmp_path, capsys):
    spec = tmp_path / "tent.toml"
    spec.write_text(TENT.replace("dimension = 1\n", ""))
    assert "dimension" not in spec.read_text()
    assert main(["verify", str(spec)]) == 0


def test_parse_spec_keeps_eps_exact():
    spec = parse_spec(TENT.replace('method = "equivalent"', 'method = "bound"\neps = "1/20"'))
    assert str(spec.claim.expected.eps) == "1/20"


def test_cpwl_spec_and_bad_cpwl_input(tmp_path, capsys):
    good = """
[construction]
builtin = "gu2026.maxout"
[target]
kind = "cpwl"
variables = ["x", "y"]
expr = "max(x, y) - min(x, 0) + abs(y - 1/2)"
[domain]
box = [["-1", "1"], ["-1", "1"]]
[check]
method = "emulation"
"""
    spec = tmp_path / "cpwl.toml"
    spec.write_text(good)
    assert main(["verify", str(spec)]) == 0
    for old, new, needle in [("max(x, y)", "x*y", "is not piecewise linear"),
                             ("max(x, y)", "max(x, z)", "unknown name 'z'"),
                             ("1/2", "0.5", "float literal 0.5 (expected an exact rational: write 1/2)"),
                             ("max(x, y)", "exp(x)", "unknown function 'exp'")]:
        spec.write_text(good.replace(old, new))
        capsys.readouterr()
        assert main(["verify", str(spec)]) == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1, err


def test_cpwl_compilation_agrees_with_the_expression_at_random_points():
    import random
    from fractions import Fraction

    import sympy

    from symtrans.expr import parse_expression
    from symtrans.targets import cpwl_network

    rng = random.Random(3)
    for text in ["max(x, y, 1 - x) - 2*min(y, relu(x - 1/2))", "abs(abs(x) - abs(y)) + 3",
                 "min(max(x, y), max(y, -x), 1/3)", "relu(relu(x) - relu(y)) - relu(x + y)", "x - 2*y + 1"]:
        net = cpwl_network(text, ["x", "y"])
        expr = parse_expression(text, ["x", "y"], functions=("max", "min", "abs", "relu"))
        for _ in range(100):
            p = [Fraction(rng.randint(-30, 30), rng.randint(1, 7)) for _ in range(2)]
            v = expr.xreplace({sympy.Symbol("x"): sympy.Rational(p[0].numerator, p[0].denominator),
                               sympy.Symbol("y"): sympy.Rational(p[1].numerator, p[1].denominator)})
            assert Fraction(int(v.p), int(v.q)) == net.evaluate(p), text


GRAPH_TARGET_SPEC = """[construction]
graph = "r2prime.json"

[target]
kind = "graph"
graph = "r2.json"

[domain]
box = [["0", "1"]]

[check]
method = "equivalent"
"""


@pytest.fixture
def r2_pair(tmp_path, capsys):
    """R2' and R2 (fresh registers) for the 3-fold tent map, exported as graph JSON files."""
    (tmp_path / "r2.toml").write_text(TENT.replace("fresh = false", "fresh = true"))
    assert main(["export", str(EXAMPLES / "tent3.toml"), "--graph", str(tmp_path / "r2prime.json")]) == 0
    assert main(["export", str(tmp_path / "r2.toml"), "--graph", str(tmp_path / "r2.json")]) == 0
    capsys.readouterr()
    return tmp_path


def test_graph_target_spec_proves_two_constructions_equal_and_certifies(r2_pair, capsys):
    spec = r2_pair / "same.toml"
    spec.write_text(GRAPH_TARGET_SPEC)
    assert main(["verify", str(spec), "--cert", str(r2_pair / "same.cert.json")]) == 0
    assert "8 cells equal" in capsys.readouterr().out
    assert main(["check", str(r2_pair / "same.cert.json")]) == 0


def test_graph_target_spec_refutes_an_edited_weight_with_a_point(r2_pair, capsys):
    import json

    doc = json.loads((r2_pair / "r2.json").read_text())
    node = next(n for n in doc["nodes"] if n["op"]["type"] == "Linear" and n["op"]["weight"]["entries"])
    node["op"]["weight"]["entries"][0][2] = "3"
    (r2_pair / "r2.json").write_text(json.dumps(doc))
    spec = r2_pair / "same.toml"
    spec.write_text(GRAPH_TARGET_SPEC)
    assert main(["verify", str(spec), "--json"]) == 1
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-2])
    assert result["verdict"] == "REFUTED"
    point = result["counterexample"]["point"]
    from fractions import Fraction

    from symtrans.graph import loads
    from symtrans.interpret import evaluate_at_point

    ours = evaluate_at_point(loads((r2_pair / "r2prime.json").read_text()), point, "readout")
    theirs = evaluate_at_point(loads((r2_pair / "r2.json").read_text()), point, "readout")
    assert Fraction(ours) != Fraction(theirs)


@pytest.mark.parametrize("old,new,needle", [
    ('graph = "r2.json"', 'graph = "nope.json"', "field 'target.graph': graph file"),
    ('graph = "r2.json"', 'graph = "r2.json"\noutput = "nope"', "the target graph has no node 'nope'"),
    ('kind = "graph"\ngraph = "r2.json"', 'kind = "graph"', "a graph target needs 'graph'"),
    ('method = "equivalent"', 'method = "regions"', "check method 'regions' for a GraphTarget target"),
    ('[construction]\ngraph = "r2prime.json"', '[construction]\nbuiltin = "gu2026.maxout"',
     "gu2026.maxout needs a maxout target"),
])
def test_bad_graph_target_specs(r2_pair, capsys, old, new, needle):
    spec = r2_pair / "bad.toml"
    assert old in GRAPH_TARGET_SPEC
    spec.write_text(GRAPH_TARGET_SPEC.replace(old, new))
    assert main(["verify", str(spec)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
