"""The command line: help, version, and `show` on a real graph file."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
import sys

import pytest

from symtrans import dumps, fingerprint, sizes
from symtrans.cli import main

from cases import CASES


def run(*args):
    return subprocess.run([sys.executable, "-m", "symtrans", *args], capture_output=True, text=True)


def test_help_and_version():
    proc = run("--help")
    assert proc.returncode == 0 and "show" in proc.stdout
    assert run("--version").stdout.startswith("symtrans ")


def test_show_reports_fingerprint_and_sizes(tmp_path):
    G = CASES[1].build(random.Random(0))
    path = tmp_path / "g.json"
    path.write_text(dumps(G))
    proc = run("show", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["fingerprint"] == fingerprint(G)
    assert report["valid"] and report["sizes"] == json.loads(json.dumps(sizes(G)))
    text = run("show", str(path))
    assert text.returncode == 0 and text.stdout.rstrip().endswith("valid")


def test_show_on_an_invalid_graph_lists_problems_and_exits_2(tmp_path, capsys):
    G = CASES[0].build(random.Random(0))
    data = json.loads(dumps(G))
    data["outputs"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["show", str(path)]) == 2
    out = capsys.readouterr().out
    assert "problem: the graph declares no outputs" in out and "INVALID" in out


def test_obligations_in_parallel_give_the_same_certificates(tmp_path, capsys):
    """-j 2 runs obligations on two processes; every verdict and certificate is the serial one."""
    targets = ["docs/examples/cheng2025_performer.toml", "docs/examples/cheng2025_convolution.toml",
               "docs/examples/cubic.toml", "docs/examples/too_few_blocks.toml"]
    out = {}
    for jobs in (1, 2):
        folder = tmp_path / f"j{jobs}"
        assert main(["verify", *targets, "-j", str(jobs), "--cert", str(folder)]) == 0
        lines = capsys.readouterr().out.splitlines()
        out[jobs] = ([line.split()[1] for line in lines[:-1]],
                     {p.name: {k: v for k, v in json.loads(p.read_text()).items() if k != "seconds"}
                      for p in sorted(folder.iterdir())})
    assert out[1] == out[2] and len(out[1][1]) == 4
    assert main(["verify", *targets, "-j", "2", "--workers", "2"]) == 2
    assert "not both" in capsys.readouterr().err


def test_obligations_on_a_dask_local_cluster_give_the_same_certificates(tmp_path, capsys, monkeypatch):
    """--scheduler local: a LocalCluster of two worker processes runs the obligations; same certificates."""
    pytest.importorskip("dask.distributed")
    targets = ["docs/examples/cheng2025_convolution.toml", "docs/examples/cubic.toml",
               "docs/examples/too_few_blocks.toml"]
    certs = {}
    for extra in ([], ["--scheduler", "local"]):
        folder = tmp_path / ("dask" if extra else "serial")
        assert main(["verify", *targets, *extra, "--cert", str(folder)]) == 0
        capsys.readouterr()
        certs[bool(extra)] = {p.name: {k: v for k, v in json.loads(p.read_text()).items() if k != "seconds"}
                              for p in sorted(folder.iterdir())}
    assert certs[True] == certs[False] and len(certs[True]) == 3
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # the extra absent: a one-line refusal
    assert main(["verify", *targets, "--scheduler", "local"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'symtrans[dask]'" in err and len(err.strip().splitlines()) == 1


def test_version_starts_without_sympy_and_the_exact_module_is_callable():
    """`symtrans --version` imports no SymPy (start-up); `symtrans.exact` is both the module and the function."""
    code = ("import sys; from symtrans.cli import main; code = main(['--version']); "
            "print(code, 'sympy' in sys.modules, 'symtrans.kinds' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[-3:] == ["0", "False", "False"], out
    import symtrans
    import symtrans.exact as module
    assert symtrans.exact("3/4") == module.exact("3/4") == module("3/4")


def _imports_when_checked(path):
    code = ("import sys; from symtrans.cli import main; code = main(['check', sys.argv[1]]); "
            "print(code, 'sympy' in sys.modules, 'mpmath' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()[-3:]


def test_checking_a_numeric_certificate_imports_no_sympy(tmp_path):
    """SymPy and mpmath are imported on first use (symtrans._lazy, the backends package): re-checking
    a certificate about numbers (here a compiled model's decodes) never needs them."""
    from symtrans import Claim, verify
    from symtrans.io.transformer_lens import load_model

    model = load_model(Path(__file__).resolve().parent.parent / "symtrans" / "data" / "tracr" / "length_ab_L5")
    cert = verify(model.graph(), Claim("decodes", expected={
        "vocab": model.vocab, "bos": model.bos, "values": model.output["values"],
        "inputs": [["a", "b"]], "expected": [[2, 2]]}))
    path = tmp_path / "c.json"
    path.write_text(cert.dumps())
    assert _imports_when_checked(path) == ["0", "False", "False"]


@pytest.mark.parametrize("target", ["x1**2*x2 - 3/4*x2 + 1", "x1**2*x2 + 1"])
def test_checking_a_polynomial_identity_imports_no_sympy(tmp_path, target):
    """A polynomial target is held and parsed in python-flint: checking an identity (PROVED, or
    REFUTED with its counterexample evaluated exactly) needs neither SymPy nor mpmath."""
    from symtrans import Claim, Polynomial, verify
    from symtrans.constructions.fang2022 import polynomial_transformer

    G = polynomial_transformer(Polynomial.parse("x1**2*x2 - 3/4*x2 + 1", ["x1", "x2"]))
    cert = verify(G, Claim("identity", Polynomial.parse(target, ["x1", "x2"])))
    assert cert.verdict == ("PROVED" if "3/4" in target else "REFUTED")
    path = tmp_path / "c.json"
    path.write_text(cert.dumps())
    assert _imports_when_checked(path) == ["0", "False", "False"]


def test_verifying_a_polynomial_spec_imports_no_sympy():
    """The spec reader imports only the construction it names, the target is parsed by python-flint,
    and the claim is described from flint's text: verifying docs/examples/cubic.toml needs no SymPy."""
    spec = Path(__file__).resolve().parent.parent / "docs" / "examples" / "cubic.toml"
    code = ("import sys; from symtrans.cli import main; code = main(['verify', sys.argv[1]]); "
            "print(code, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(spec)], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["0", "False"], out.stdout + out.stderr


def _write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return str(path)


def test_a_batch_reports_every_item_and_exits_by_precedence(tmp_path, capsys):
    """One bad spec or a missing file is an ERROR line (and one stderr line); the others still run;
    exit codes: 2 any ERROR > 1 unexpected PROVED/REFUTED > 3 unexpected UNKNOWN only > 0."""
    from pathlib import Path
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    good, refuted = str(examples / "cubic.toml"), str(examples / "too_few_blocks.toml")
    bad = _write(tmp_path, "bad.toml", "[construction\n")
    wrong = _write(tmp_path, "wrong.toml", (examples / "too_few_blocks.toml").read_text()
                   .replace('expect = "REFUTED"\n', ""))  # now expected PROVED: an unexpected REFUTED
    assert main(["verify", good, bad, str(tmp_path / "gone.toml"), refuted, "--cert", str(tmp_path / "certs")]) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if not line.startswith(" ")]  # (wrapped summaries)
    assert [line.split()[1] for line in lines[:4]] == ["PROVED", "ERROR", "ERROR", "REFUTED"]
    assert "4 obligations: 1 proved, 1 refuted, 0 unknown, 2 errors" in lines[-1]
    assert len(captured.err.strip().splitlines()) == 2 and "bad.toml" in captured.err and "gone.toml" in captured.err
    assert sorted(p.name for p in (tmp_path / "certs").iterdir()) == ["cubic.json", "too_few_blocks.json"]
    assert main(["verify", good, wrong]) == 1
    capsys.readouterr()
    assert main(["verify", wrong, bad, good, "-x"]) == 1  # stops after the first surprise
    out = capsys.readouterr().out
    assert "1 of 3 obligations" in out and "cubic" not in out
    assert main(["verify", good, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary == {**summary, "obligations": 1, "proved": 1, "errors": 0, "exit_code": 0}
    assert main(["verify", bad, "--json"]) == 2
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["verdict"] == "ERROR" and "bad.toml" in record["reason"]


def test_k_expressions_select_by_name_and_bad_ones_are_one_line(capsys):
    from symtrans.obligations import name_filter
    keep = name_filter("(tent or cubic) and not NOT_THERE")
    assert keep("tent3") and keep("CUBIC") and not keep("relu_2d")
    for bad in ("", "a and", "(a", "a b", "or a", "a )"):
        assert main(["verify", "docs/examples", "-k", bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symtrans: error: -k") and len(err.strip().splitlines()) == 1


def test_ctrl_c_stops_cleanly_with_the_partial_summary():
    import signal
    import time as clock
    # a shell's background job starts with SIGINT ignored, and Python then installs no handler:
    # give the child the default disposition, as an interactive terminal would
    proc = subprocess.Popen([sys.executable, "-m", "symtrans", "verify", "proofs/"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    clock.sleep(4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out[-500:], err)
    assert "interrupted" in out.splitlines()[-1] and "Traceback" not in err


def test_json_records_follow_the_documented_schema(tmp_path, capsys):
    """Every line of ``--json`` (results of each verdict, an ERROR, the summary) validates."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).parent.parent / "docs" / "schemas" / "verify-record.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    bad = tmp_path / "bad.toml"
    bad.write_text('[construction]\nbuiltin = "fang2022.cubic"\n')
    out = tmp_path / "certs"
    code = main(["verify", "docs/examples/cubic.toml", "docs/examples/too_few_blocks.toml",
                 "proofs/cheng2025.py", str(bad), "-k", "cubic or too_few or CL-1 or bad", "--json", "--cert", str(out)])
    assert code == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    validator = jsonschema.Draft202012Validator(schema)
    for record in lines:
        errors = list(validator.iter_errors(record))
        assert not errors, (record.get("name"), errors[0].message)
    verdicts = {r.get("verdict") for r in lines}
    assert {"PROVED", "REFUTED", "UNKNOWN", "ERROR"} <= verdicts and "summary" in lines[-1]
    for r in lines:
        if r.get("verdict") in ("PROVED", "REFUTED", "UNKNOWN"):
            assert r["reason"] and r["kind"] and Path(r["certificate"]).is_file()
            assert json.loads(Path(r["certificate"]).read_text())["verdict"] == r["verdict"]
    # the schema is not vacuous: a record missing its reason, or a made-up verdict, fails
    broken = dict(next(r for r in lines if r.get("verdict") == "PROVED"))
    assert list(validator.iter_errors({**broken, "verdict": "MAYBE"}))
    del broken["reason"]
    assert list(validator.iter_errors(broken))


def test_a_missing_parent_directory_is_an_error_before_anything_runs(tmp_path, capsys):
    for argv in (["verify", "docs/examples/cubic.toml", "--cert", str(tmp_path / "no" / "c.json")],
                 ["verify", "docs/examples/cubic.toml", "docs/examples/tent3.toml", "--cert",
                  str(tmp_path / "no" / "certs")],
                 ["export", "docs/examples/cubic.toml", "--graph", str(tmp_path / "no" / "g.json")]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        err = captured.err.strip().splitlines()
        assert len(err) == 1 and "does not exist" in err[0] and str(tmp_path / "no") in err[0]
        assert "PROVED" not in captured.out  # refused before running
    assert not (tmp_path / "no").exists()
    # the batch directory itself is made (its parent exists)
    assert main(["verify", "docs/examples/cubic.toml", "docs/examples/tent3.toml", "--cert",
                 str(tmp_path / "certs")]) == 0
    assert sorted(p.name for p in (tmp_path / "certs").iterdir()) == ["cubic.json", "tent3.json"]


def test_verify_without_targets_runs_the_builtin_proofs_from_any_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "-k", "negative and mutated and d=1"]) == 0
    out = capsys.readouterr().out
    assert "REFUTED  (expected) fang2022/negative mutated weight d=1" in out and "1 obligation:" in out


def test_builtin_proofs_are_found_where_a_wheel_installs_them(tmp_path, monkeypatch):
    """Outside a checkout the proofs are data files under <prefix>/share/symtrans/proofs."""
    import sysconfig

    from symtrans import obligations
    from symtrans.errors import SymtransError

    monkeypatch.setattr(obligations, "__file__", str(tmp_path / "site-packages" / "symtrans" / "obligations.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "empty"))
    monkeypatch.setattr("site.getuserbase", lambda: str(tmp_path / "user"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *a, **k: str(tmp_path / "prefix"))
    with pytest.raises(SymtransError, match="built-in proofs are not installed"):
        obligations.builtin_proofs()
    installed = tmp_path / "prefix" / "share" / "symtrans" / "proofs"
    installed.mkdir(parents=True)
    (installed / "fang2022_polynomial.py").write_text("OBLIGATIONS = []\n")
    assert obligations.builtin_proofs() == installed


def test_list_names_the_claim_kinds_fits_100_columns_and_refuses_a_missing_directory(capsys):
    from symtrans.kinds import KINDS

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert all(any(line.split()[:1] == [k] for line in lines) for k in KINDS)
    assert main(["list", "no/such/dir"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no/such/dir" in err[0]
    assert main([]) == 2  # no command: one line on stderr, exit 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no command given" in err[0] and "verify" in err[0]


def test_certificates_do_not_depend_on_the_hash_seed(tmp_path):
    """A worker process (a dask cluster spawns them) has its own hash seed: the evidence must not
    depend on the iteration order of sets (the formal backend once drew its random points in that
    order, and a REFUTED equivariance certificate printed max(a, b) as max(b, a))."""
    records = []
    for seed in ("1", "2"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "symtrans", "verify", "proofs/jiang2024.py", "proofs/cheng2025.py",
                               "-k", "equivariant or JL-1 or CL-10", "--json"], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr[-300:]
        records.append([{k: r.get(k) for k in ("name", "verdict", "evidence", "counterexample")}
                        for r in map(json.loads, proc.stdout.splitlines()) if "summary" not in r])
    assert records[0] == records[1] and len(records[0]) > 5


def _run_with_terminal_stderr(argv, timeout=120):
    """Run ``python -m symtrans argv`` with stderr on a pseudo-terminal; (stdout text, stderr bytes)."""
    import os
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "symtrans", *argv], stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=timeout)
    os.close(master)
    return proc.returncode, out, err


def test_a_live_progress_line_on_a_terminal_only():
    spec = "docs/examples/tent3_softmax.toml"  # a few seconds of bisection
    code, out, err = _run_with_terminal_stderr(["verify", spec, "docs/examples/cubic.toml"])
    assert code == 0 and "[1/2] PROVED" in out and "\r" not in out
    assert b"[0/2 done] tent3_softmax" in err and b"/4,000 boxes" in err
    assert err.endswith(b"\r\x1b[K")  # cleared at the end
    proc = subprocess.run([sys.executable, "-m", "symtrans", "verify", spec], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""  # a pipe gets no progress
    code, out, err = _run_with_terminal_stderr(["verify", spec, "--json"])
    assert code == 0 and err == b""  # nor does --json


def test_result_lines_fit_100_columns_unless_verbose(capsys):
    assert main(["verify", "docs/examples/", "-k", "cheng2025 or cubic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert any(line.startswith("      ") for line in lines)  # a long summary wrapped below its head
    assert main(["verify", "docs/examples/", "-k", "cheng2025 or cubic", "-v"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(len(line) > 100 for line in lines) and not any(line.startswith("      ") for line in lines)


def test_targets_may_follow_options(capsys):
    assert main(["verify", "docs/examples/cubic.toml", "-k", "cubic or tent3", "docs/examples/tent3.toml"]) == 0
    assert "2 obligations: 2 proved" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["verify", "docs/examples/cubic.toml", "--bogus"])
    assert info.value.code == 2


def test_a_parallel_run_ends_without_noise_on_stderr():
    """A process pool left closing at exit races CPython's exit hook, which then printed
    "OSError: Bad file descriptor" (about one run in ten): a finished run waits for its pool."""
    for _ in range(4):
        proc = subprocess.run([sys.executable, "-m", "symtrans", "verify", "docs/examples/cubic.toml",
                               "docs/examples/every_quartic.toml", "docs/examples/tent3.toml", "-j", "2"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr[-500:]
