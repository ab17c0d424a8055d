"""Bad input anywhere gives one line naming the offending node / field / value and what was expected."""

from __future__ import annotations

import json
import subprocess
import sys

import flint
import pytest
import sympy

from symtrans import (BackendError, Channels, ExactnessError, ExpressionError, FloatBackend, GraphError, Head,
                      IntervalBackend, Kernel, Mask, PolyBackend, RationalBackend, SpecError, SymtransError,
                      Weights, add_input, add_op, evaluate, exact, loads, new_graph, parse_expression,
                      set_outputs, to_json)
from symtrans.expr import parse_polynomial
from symtrans.ops import Embed, LayerNorm, Linear, Normalize, Reduce, Rows, Scores, op_from_json


def one_line(exc_info):
    text = str(exc_info.value)
    assert "\n" not in text and text
    return text


@pytest.mark.parametrize("value,needle", [
    (0.5, "0.5 is a float"),
    (True, "is a bool"),
    ("3/0", "zero denominator"),
    ("1e5", 'is a decimal literal (expected an exact rational: write "100000")'),
    ("0.1", 'is a decimal literal (expected an exact rational: write "1/10")'),
    (0.1, 'is a float (expected an exact rational: write "1/10")'),
    ("nan", "is not a rational number"),
    (sympy.Float(0.25), "contains a float"),
    (sympy.sqrt(2), "not a rational number or a polynomial"),
    (sympy.Symbol("c") * 0.5, "contains a float"),
    (sympy.exp(sympy.Symbol("c")), "not a rational number or a polynomial"),
    (object(), "is not a rational number"),
])
def test_inexact_values_are_refused(value, needle):
    with pytest.raises(ExactnessError) as info:
        exact(value)
    assert needle in one_line(info)


@pytest.mark.parametrize("text,needle", [
    ("x +", "the expression ends after '+' at column 3 (expected an operand after it)"),
    ("x^2", "'^' in 'x^2' is not a power (expected ** for powers, as in x1**2)"),
    ("2 x", "two operands side by side at column 3 (expected an operator between them: 2*x)"),
    ("(x + 1", "'(' at column 1 is never closed"),
    ("x + 1)", "')' at column 6 has no '('"),
    ("x +* 1", "syntax error at column 4, near '* 1'"),
    ("sin(x)", "unknown function 'sin': no functions are allowed here"),
    ("y", "unknown name 'y'"),
    ("x ** x", "exponent 'x' is not an integer"),
    ("x ** -1", "is not an integer from 0"),
    ("x ** 100000", "is not an integer from 0"),
    ("x / x", "division by a non-constant"),
    ("x / 0", "division by zero"),
    ("exp(x)", "unknown function 'exp'"),
    ("x.real", "attribute is not allowed"),
    ("[x]", "list is not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("'a'", "is not a number"),
    ("0.1 * x", "float literal 0.1 (expected an exact rational: write 1/10)"),
    ("x if x else 1", "ifexp is not allowed"),
    ("-" * 300 + "x", "nested too deeply"),
    ("(" * 300 + "x" + ")" * 300, "syntax error"),
])
def test_restricted_parser_rejects_everything_else(text, needle):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, ["x"])
    assert needle in one_line(info)
    with pytest.raises(ExpressionError) as flint_info:  # the polynomial parser: the same refusal, word for word
        parse_polynomial(text, flint.fmpq_mpoly_ctx.get(("x",), "degrevlex"))
    assert one_line(flint_info) == one_line(info)


def test_unknown_names_get_the_nearest_valid_one():
    with pytest.raises(ExpressionError, match="unknown function 'exq'; did you mean 'exp'"):
        parse_expression("exq(x)", ["x"], functions=["exp", "sqrt"])
    with pytest.raises(ExpressionError, match="unknown name 'alpah'; did you mean 'alpha'"):
        parse_expression("alpah + beta", ["alpha", "beta"])


def test_parser_never_evaluates_code(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(ExpressionError):
        parse_expression(f"__import__('pathlib').Path({str(marker)!r}).touch()", ["x"])
    assert not marker.exists()


@pytest.mark.parametrize("build,needle", [
    (lambda: Weights.from_rows([[1, 2], [3]]), "row 1 has 1 entries"),
    (lambda: Weights((2, 2), {(2, 0): 1}), "lies outside shape"),
    (lambda: Weights((2, -1)), "not a pair of non-negative integers"),
    (lambda: Weights.from_json({"shape": [1, 1], "entries": [[0, 0, 0.5]]}), "is not a string"),
    (lambda: Weights.from_json({"shape": [1, 1], "entries": [[0, 0, "c"]]}), "'c' is not a rational"),
    (lambda: Weights.from_json({"shape": [1, 1], "entries": [[0, 0, "1"], [0, 0, "2"]]}), "appears twice"),
    (lambda: Channels([("A", 1), ("A", 2)]), "appears twice"),
    (lambda: Channels([("A", -1)]), "has size -1"),
    (lambda: Channels([("A", 1)]).index("B", 0), "no channel group 'B'"),
    (lambda: Channels([("A", 1)]).index("A", 3), "out of range"),
    (lambda: Mask((2, 2), [(2, 0)]), "lies outside"),
    (lambda: Normalize("softmax", mask=Mask((2, 2), [(0, 0)])), "nothing to attend"),
    (lambda: Normalize("sparsemax"), "normalisation rule 'sparsemax'"),
    (lambda: Normalize(axis="diag"), "normalisation axis 'diag'"),
    (lambda: Normalize("softmax", beta=0.5), "0.5 is a float"),
    (lambda: Reduce("mean"), "Reduce kind 'mean'"),
    (lambda: Linear(Weights.identity(2), Weights.identity(2)), "bias has shape"),
    (lambda: Linear([[1]]), "is a list"),
    (lambda: Embed(Weights((2, 5)), 2, 3), "Embed weight has 5 columns"),
    (lambda: LayerNorm(Weights.ones(1, 2), Weights.ones(1, 3)), "two 1 x width rows"),
    (lambda: LayerNorm(Weights.ones(1, 2), Weights.ones(1, 2), -1), "is negative"),
    (lambda: Rows(()), "selects no row"),
    (lambda: Head(Weights.identity(2), Weights.identity(3), Weights.identity(2), Weights.identity(2)),
     "differ"),
    (lambda: Head(*[Weights.identity(2)] * 4, score="sigmoid"), "score function 'sigmoid'"),
    (lambda: Kernel("exp(s) + os"), "unknown name 'os'"),
])
def test_construction_errors(build, needle):
    with pytest.raises(SymtransError) as info:
        build()
    assert needle in one_line(info)


def _graph():
    G = new_graph("g")
    x = add_input(G, "x", (1, 2))
    add_op(G, "y", Linear(Weights.identity(2)), [x])
    set_outputs(G, ["y"])
    return G


@pytest.mark.parametrize("mutate,needle", [
    (lambda d: d.update(format="onnx"), "format is 'onnx'"),
    (lambda d: d.update(version=99), "version 99 is not supported"),
    (lambda d: d.pop("nodes"), "'nodes' is missing"),
    (lambda d: d["nodes"][1]["op"].update(type="Conv2d"), "node 'y', field 'type': unknown op 'Conv2d'"),
    (lambda d: d["nodes"][1]["op"].update(stride=2), "unknown field 'stride'"),
    (lambda d: d["nodes"][1]["op"].pop("weight"), "missing field 'weight'"),
    (lambda d: d["nodes"][1]["op"]["weight"]["entries"].append([1, 0, "0.1e1"]), 'write "1"'),
    (lambda d: d["nodes"][1]["op"]["weight"]["entries"].append([1, 0, "one"]), "is not a rational"),
    (lambda d: d["nodes"][1]["op"]["weight"]["entries"].append([5, 0, "1"]), "lies outside shape"),
    (lambda d: d["nodes"][1].update(shape="big"), "is not [rows, cols]"),
    (lambda d: d["nodes"].append(dict(d["nodes"][1])), "node id appears twice"),
    (lambda d: d["edges"].append({"source": "q", "target": "y", "positions": [1]}), "is not a node"),
    (lambda d: d["edges"][0].update(positions=[-1]), "are not non-negative integers"),
    (lambda d: d["nodes"][0]["op"].update(variables=["x1", "x1"]), "names repeat"),
])
def test_bad_graph_json(mutate, needle):
    data = to_json(_graph())
    mutate(data)
    with pytest.raises(SymtransError) as info:
        loads(json.dumps(data))
    assert needle in one_line(info)


def test_not_json_at_all():
    with pytest.raises(GraphError, match="not valid JSON: Expecting value at line 1 column 1"):
        loads("hello")


def test_shape_mismatch_names_node_and_expected_shape():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    with pytest.raises(GraphError) as info:
        add_op(G, "b3.q", Scores(), [x, add_op(G, "k", Linear(Weights((2, 3))), [x])])
    text = one_line(info)
    assert "node 'b3.q'" in text and "expected equal head widths" in text
    with pytest.raises(GraphError, match="takes 2 argument"):
        add_op(G, "s", Scores(), [x])
    with pytest.raises(GraphError, match="already exists"):
        add_op(G, "x", Linear(Weights.identity(2)), [x])
    with pytest.raises(GraphError, match="argument 'nope' is not a node"):
        add_op(G, "z", Linear(Weights.identity(2)), ["nope"])
    with pytest.raises(GraphError, match="is not an op"):
        add_op(G, "z", "ReLU", [x])


def test_evaluate_input_errors():
    G = _graph()
    with pytest.raises(SpecError, match="'z', which is not an input"):
        evaluate(G, RationalBackend(), {"z": [1, 2]})
    with pytest.raises(SpecError, match="does not have shape 1 x 2"):
        evaluate(G, RationalBackend(), {"x": [1, 2, 3]})
    with pytest.raises(ExactnessError, match="0.5 is a float"):
        evaluate(G, RationalBackend(), {"x": [0.5, 1]})
    with pytest.raises(BackendError, match="needs a value for every input"):
        evaluate(G, RationalBackend())
    with pytest.raises(SpecError, match="input array has shape"):
        evaluate(G, FloatBackend(), {"x": [[1.0, 2.0, 3.0]]})
    with pytest.raises(SymtransError, match="lower end 1 above upper end 0"):
        evaluate(G, IntervalBackend(), {"x": [(1, 0), 0]})
    with pytest.raises(SpecError, match="no node 'q' to return"):
        evaluate(G, RationalBackend(), {"x": [1, 2]}, nodes=["q"])


def test_invalid_graph_is_refused_before_evaluation():
    G = _graph()
    G.nodes["y"]["shape"] = (3, 3)
    with pytest.raises(GraphError, match=r"invalid graph 'g': node 'y': stored shape \(3, 3\) differs"):
        evaluate(G, RationalBackend(), {"x": [1, 2]})


def test_backend_refusal_names_op_backend_and_node():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    add_op(G, "b2.relu", __import__("symtrans.ops", fromlist=["ReLU"]).ReLU(), [x])
    set_outputs(G, ["b2.relu"])
    with pytest.raises(BackendError) as info:
        evaluate(G, PolyBackend())
    text = one_line(info)
    assert text.startswith("node 'b2.relu': the poly backend cannot compute max exactly")
    assert "expected a backend that can" in text


def test_unknown_op_type_in_json_lists_the_known_ones():
    with pytest.raises(GraphError) as info:
        op_from_json({"type": "Attention"})
    assert "expected one of Input, Embed, Linear" in one_line(info)


def test_cli_bad_input_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "symtrans-graph", "version": 1, "inputs": [], "outputs": [], '
                   '"parameters": [], "edges": [], "nodes": [{"id": "a", "op": {"type": "Nope"}}]}')
    for args, needle in [([str(bad)], "node 'a', field 'type': unknown op 'Nope'"),
                         ([str(tmp_path / "missing.json")], "No such file or directory")]:
        proc = subprocess.run([sys.executable, "-m", "symtrans", "show", *args], capture_output=True, text=True)
        assert proc.returncode == 2
        assert proc.stdout == ""
        assert proc.stderr.count("\n") == 1 and needle in proc.stderr
        assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "symtrans", "frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("symtrans: error: argument command")
