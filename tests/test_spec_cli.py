"""Specs and the CLI end to end: verify, --json, --cert, check, export, list, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from symtrans.cli import main

CUBIC = """
[construction]
builtin = "fang2022.polynomial"

[target]
kind = "polynomial"
variables = ["x1", "x2"]
expr = "x1**2*x2 - 3/4*x2 + 1"

[domain]
box = [["-1", "1"], ["0", "1/2"]]

[check]
crosscheck = 50
"""


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symtrans", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "cubic.toml"
    path.write_text(CUBIC)
    return path


def test_verify_spec_text_json_and_certificate(spec, tmp_path, capsys):
    assert main(["verify", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "PROVED" in out and "cubic" in out and "1 obligation: 1 proved" in out
    cert = tmp_path / "cert.json"
    assert main(["verify", str(spec), "--json", "--cert", str(cert)]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["verdict"] == "PROVED" and record["as_expected"] and record["sizes"]["blocks"] == 3
    assert record["float_drift"]["verdict"] == "not a proof"
    assert main(["check", str(cert)]) == 0
    assert capsys.readouterr().out.startswith("OK: PROVED re-checked")


def test_export_edit_and_reverify_a_graph(spec, tmp_path, capsys):
    graph = tmp_path / "net.json"
    assert main(["export", str(spec), "--graph", str(graph)]) == 0
    edited = tmp_path / "edited.toml"
    edited.write_text(CUBIC.replace('builtin = "fang2022.polynomial"', 'graph = "net.json"'))
    assert main(["verify", str(edited)]) == 0
    data = json.loads(graph.read_text())
    readout = next(n for n in data["nodes"] if n["id"] == "readout")
    readout["op"]["weight"]["entries"][0][2] = "5"  # break one read-out weight
    graph.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["verify", str(edited), "--json"]) == 1
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["verdict"] == "REFUTED" and not record["as_expected"]
    assert record["counterexample"]["network"] != record["counterexample"]["target"]


def test_verify_several_writes_a_certificate_directory(spec, tmp_path):
    other = tmp_path / "line.toml"
    other.write_text(CUBIC.replace("x1**2*x2 - 3/4*x2 + 1", "x1 - x2"))
    out = tmp_path / "certs"
    proc = cli("verify", spec, other, "--cert", out)
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["cubic.json", "line.json"]
    for f in out.iterdir():
        assert cli("check", f).returncode == 0


def test_expected_refutation_in_a_spec_exits_0_and_unexpected_exits_1(tmp_path):
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(CUBIC.replace("[check]", '[check]\nexpect = "REFUTED"\nmethod = "identity"').replace(
        'builtin = "fang2022.polynomial"', 'builtin = "fang2022.polynomial"\n[construction.params]\ndegree = 3'))
    proc = cli("verify", wrong)
    assert proc.returncode == 1 and "UNEXPECTED (expected REFUTED)" in proc.stdout


def test_list_shows_builtins_and_proofs():
    root = Path(__file__).resolve().parents[1]
    proc = cli("list", root / "proofs")
    assert proc.returncode == 0
    assert "fang2022.polynomial" in proc.stdout and "fang2022/general d=1 D=1" in proc.stdout


def test_verify_the_builtin_proofs_quick():
    root = Path(__file__).resolve().parents[1]
    proc = cli("verify", root / "proofs", "--json")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    summary = records.pop()["summary"]  # the last record sums up
    assert summary["exit_code"] == 0 and summary["run"] == summary["obligations"] == len(records)
    assert records and all(r["as_expected"] for r in records)
    assert {r["verdict"] for r in records} >= {"PROVED", "REFUTED"}
    # an UNKNOWN only where the obligation says the method is inconclusive (Cheng et al.'s CL-1 polynomial kernel)
    assert all(r["expected"] == "UNKNOWN" for r in records if r["verdict"] == "UNKNOWN")


# ---- bad input: one line on stderr, exit 2, nothing written ----------------------------------------
BAD_SPECS = [
    ("[construction\nbuiltin = 1", "malformed TOML"),
    (CUBIC.replace("fang2022.polynomial", "fang2022.quartic"), "unknown builtin 'fang2022.quartic'"),
    (CUBIC.replace("fang2022.polynomial", "fang2022.polynomal"),
     "unknown builtin 'fang2022.polynomal'; did you mean 'fang2022.polynomial'?"),
    (CUBIC + '\n[construction.params]\ndegre = 3\n', "unknown parameter 'degre' for fang2022.polynomial; did you mean 'degree'?"),
    (CUBIC.replace("- 3/4*x2", "- 3/4*x3"), "unknown name 'x3'"),
    (CUBIC.replace("x1**2*x2", "x1**(1/2)*x2"), "is not an integer from 0"),
    (CUBIC.replace("x1**2*x2", "x1**-2*x2"), "is not an integer from 0"),
    (CUBIC.replace("- 3/4*x2", "- 0.75*x2"), "float literal 0.75 (expected an exact rational: write 3/4)"),
    (CUBIC.replace('["0", "1/2"]', '["0", 0.1]'), 'is a TOML float (expected an exact rational: write "1/10")'),
    (CUBIC.replace("crosscheck = 50", "crosscheck = -1"), "is not an integer >= 0"),
    (CUBIC.replace("crosscheck", "crosscheks"), "unknown key 'crosscheks' in [check] for method 'identity'; did you mean 'crosscheck'?"),
    (CUBIC.replace("[domain]", "[domian]"), "unknown section [domian]; did you mean 'domain'?"),
    (CUBIC.replace('builtin = "fang2022.polynomial"', ""), "needs exactly one of builtin, graph, module"),
    (CUBIC + '\n[construction.params]\nwidth = 3\n', "unknown parameter 'width' for fang2022.polynomial"),
    (CUBIC.replace('builtin = "fang2022.polynomial"', 'module = "nowhere.py:build"'), "no such file"),
]


@pytest.mark.parametrize("text,needle", BAD_SPECS)
def test_bad_specs(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out.json"
    for args in (["verify", path, "--cert", out], ["export", path, "--graph", out]):
        proc = cli(*args)
        assert proc.returncode == 2, (proc.stdout, proc.stderr)
        assert proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not out.exists()


def _graph_spec(tmp_path, mutate, variables='["x1", "x2"]'):
    good = tmp_path / "good.toml"
    good.write_text(CUBIC)
    assert cli("export", good, "--graph", tmp_path / "net.json").returncode == 0
    data = json.loads((tmp_path / "net.json").read_text())
    mutate(data)
    (tmp_path / "net.json").write_text(json.dumps(data))
    spec = tmp_path / "fromgraph.toml"
    spec.write_text(CUBIC.replace('builtin = "fang2022.polynomial"', 'graph = "net.json"')
                    .replace('variables = ["x1", "x2"]', f"variables = {variables}")
                    .replace("x1**2*x2 - 3/4*x2 + 1", "x1")
                    .replace('box = [["-1", "1"], ["0", "1/2"]]', ""))
    return spec


@pytest.mark.parametrize("mutate,needle", [
    (lambda d: d["nodes"][-1]["op"]["weight"]["entries"].__setitem__(0, [0, 0, "0.5"]),
     'is a decimal literal (expected an exact rational: write "1/2")'),
    (lambda d: d["nodes"][-1]["op"]["weight"]["entries"].__setitem__(0, [0, 0, 0.5]), "is not a string"),
    (lambda d: d["edges"].append({"source": "ghost", "target": "readout", "positions": [1]}),
     "edge source 'ghost' is not a node"),
    (lambda d: d.update(version=7), "version 7 is not supported"),
])
def test_bad_graph_files(tmp_path, mutate, needle):
    spec = _graph_spec(tmp_path, mutate)
    proc = cli("verify", spec, "--cert", tmp_path / "c.json")
    assert proc.returncode == 2 and needle in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert not (tmp_path / "c.json").exists()


def test_mismatched_variable_count_between_target_and_graph(tmp_path):
    spec = _graph_spec(tmp_path, lambda d: None, variables='["x1"]')
    proc = cli("verify", spec)
    assert proc.returncode == 2
    assert "the target has 1 variables, the graph's inputs have 2" in proc.stderr


def test_certificate_with_a_wrong_fingerprint_is_bad_input(spec, tmp_path):
    cert = tmp_path / "c.json"
    assert cli("verify", spec, "--cert", cert).returncode == 0
    data = json.loads(cert.read_text())
    data["fingerprint"] = "f" * 64
    cert.write_text(json.dumps(data))
    proc = cli("check", cert)
    assert proc.returncode == 2 and "fingerprint mismatch" in proc.stderr and proc.stderr.count("\n") == 1


def test_tampered_certificate_fails_check_with_exit_1(spec, tmp_path):
    cert = tmp_path / "c.json"
    assert cli("verify", spec, "--cert", cert).returncode == 0
    data = json.loads(cert.read_text())
    data["verdict"] = "REFUTED"
    cert.write_text(json.dumps(data))
    proc = cli("check", cert)
    assert proc.returncode == 1 and proc.stdout.startswith("FAILED: the certificate says REFUTED")


@pytest.mark.parametrize("content,needle", [("{", "not valid JSON"), ('{"format": "x"}', "not a symtrans certificate")])
def test_check_bad_files(tmp_path, content, needle):
    path = tmp_path / "c.json"
    path.write_text(content)
    proc = cli("check", path)
    assert proc.returncode == 2 and needle in proc.stderr


def test_user_module_construction(tmp_path):
    (tmp_path / "mine.py").write_text(
        "from symtrans.constructions.fang2022 import polynomial_transformer\n"
        "def build(target, degree=None):\n    return polynomial_transformer(target, degree)\n")
    spec = tmp_path / "mine.toml"
    spec.write_text(CUBIC.replace('builtin = "fang2022.polynomial"', 'module = "mine.py:build"')
                    + "\n[construction.params]\ndegree = 4\n")
    proc = cli("verify", spec)
    assert proc.returncode == 0 and "PROVED" in proc.stdout, proc.stderr


def test_contextual_mapping_defaults_prove_a_true_claim(tmp_path, capsys):
    """Issue 15: only the sequences (all 2-subsets of four tokens in 2-D) and every default: PROVED.
    With the paper's worst-case lambda the same spec is UNKNOWN at 8,192 bits."""
    from itertools import combinations

    from symtrans.cli import main

    vocab = [["1", "0"], ["0", "2"], ["-1", "-1"], ["2", "1"]]
    seqs = [list(pair) for pair in combinations(vocab, 2)]
    text = ('[construction]\nbuiltin = "kajitsuka2024.contextual_mapping"\n\n[target]\n'
            f'kind = "contextual_mapping"\nsequences = {json.dumps(seqs)}\n')
    spec = tmp_path / "cm.toml"
    spec.write_text(text)
    assert main(["verify", str(spec)]) == 0
    assert "PROVED" in capsys.readouterr().out
    spec.write_text(text.replace('contextual_mapping"\n\n', 'contextual_mapping"\n[construction.params]\n'
                                 'lam_from = "theorem"\n\n', 1))
    assert main(["verify", str(spec)]) == 3
    assert "UNKNOWN" in capsys.readouterr().out
