"""Fuzzing (issue 11): spec TOML, graph JSON, certificate JSON and command lines, altered by hypothesis.

Whatever the input, ``symtrans`` exits 0-3; on bad input (exit 2) it prints one line on stderr, no
traceback, and writes nothing.  The default suite runs 40 cases per target; the slow run 600 (2,400).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symtrans.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "docs" / "examples" / n for n in ("cubic.toml", "relu_2d.toml", "tent3.toml", "too_few_blocks.toml")]

NASTY = ["1e400", "-inf", "nan", "0.1", '"1/0"', '"x"', "[]", "{}", "true", '"' + "9" * 5000 + '"', "9" * 5000,
         "[[[[[[[[[[]]]]]]]]]]", '"\\u0000"', '"../../etc/passwd"', '"x1**99999"', '"x1^2"', '"__import__(\'os\')"',
         "-1", "0", "2147483648", '"-51/20"', '"1/3"', '["-1", "1"]']
JSON_NASTY = [None, True, -1, 0, 2 ** 70, "__HUGE__", 1e308, "", "x", "1/0", "-7", [], {}, [[[]]], {"a": {"b": []}},
              "9" * 5000]

QUICK, SLOW = 40, 600


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse's own exits (usage errors, --help)
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def assert_clean(code, err, written: Path = None):
    assert code in (0, 1, 2, 3), code
    assert "Traceback" not in err, err
    if code == 2:  # one line per bad item (a batch reports each and goes on), none of them a bug
        lines = err.strip().splitlines()
        assert lines and all(line.startswith("symtrans: ") for line in lines), err
        assert "internal error" not in err, err
        if written is not None:
            assert not written.exists(), f"{written} written on exit 2"


@st.composite
def spec_texts(draw):
    lines = draw(st.sampled_from(SPECS)).read_text().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["value", "delete", "duplicate", "key", "section"]))
        line = lines[k]
        if how == "value" and "=" in line:
            lines[k] = line.split("=", 1)[0] + "= " + draw(st.sampled_from(NASTY))
        elif how == "delete":
            del lines[k]
        elif how == "duplicate":
            lines.insert(k, line)
        elif how == "key" and "=" in line:
            lines[k] = line.replace(line.split("=", 1)[0].strip(), draw(st.sampled_from(
                ["method", "crosscheck", "builtin", "expr", "box", "r", "eps", "kind", "expect", "xyz"])), 1)
        elif how == "section":
            lines.insert(k, draw(st.sampled_from(["[check]", "[target]", "[nonsense]", "[[domain]]", "["])))
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


def _fuzz_spec(text):
    with tempfile.TemporaryDirectory() as tmp:
        spec, cert = Path(tmp) / "fuzz.toml", Path(tmp) / "out" / "fuzz.json"
        cert.parent.mkdir()  # symtrans makes no missing directory (that is its own, tested, error)
        spec.write_text(text)
        code, _, err = run_cli(["verify", spec, "--cert", cert, "--timeout", "20"])
        assert_clean(code, err, cert)
        if code == 2:
            assert "fuzz.toml" in err or "obligation" in err or "crosscheck" in err, err


@settings(max_examples=QUICK, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec_texts())
def test_fuzz_specs(text):
    _fuzz_spec(text)


@pytest.mark.slow
@settings(max_examples=SLOW, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec_texts())
def test_fuzz_specs_slow(text):
    _fuzz_spec(text)


def _tree_edit(data, draw):
    """Replace, delete or wrap one node of a JSON tree."""
    paths = []

    def walk(x, path):
        paths.append(path)
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, path + (k,))
        elif isinstance(x, list):
            for i, v in enumerate(x[:6]):
                walk(v, path + (i,))

    walk(data, ())
    path = draw(st.sampled_from(paths[1:]))
    holder = data
    for k in path[:-1]:
        holder = holder[k]
    how = draw(st.sampled_from(["replace", "delete", "wrap"]))
    if how == "delete":
        holder.pop(path[-1]) if isinstance(holder, dict) else holder.pop(path[-1])
    elif how == "wrap":
        holder[path[-1]] = [holder[path[-1]]]
    else:
        holder[path[-1]] = copy.deepcopy(draw(st.sampled_from(JSON_NASTY)))  # never share (and grow) a sample
    return data


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    cert, graph = tmp / "cert.json", tmp / "graph.json"
    assert run_cli(["verify", SPECS[2], "--cert", cert])[0] == 0
    assert run_cli(["export", SPECS[2], "--graph", graph])[0] == 0
    return json.loads(cert.read_text()), json.loads(graph.read_text())


def _fuzz_json(data, command, draw):
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        data = _tree_edit(data, draw)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.json"
        path.write_text(json.dumps(data).replace('"__HUGE__"', "9" * 5000))  # an integer JSON may hold
        code, out, err = run_cli([command, path] + (["--timeout", "60"] if command == "check" else []))
        if command == "show" and code == 2 and not err:
            assert "INVALID" in out, out  # show lists a loaded graph's problems on stdout, one per line
            return
        assert_clean(code, err)
        if command == "check":
            assert code != 0 or out.startswith("OK"), out


@settings(max_examples=QUICK, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_fuzz_certificates(files, data):
    _fuzz_json(files[0], "check", data.draw)


@settings(max_examples=QUICK, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_fuzz_graphs(files, data):
    _fuzz_json(files[1], "show", data.draw)


@pytest.mark.slow
@settings(max_examples=SLOW, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_fuzz_certificates_slow(files, data):
    _fuzz_json(files[0], "check", data.draw)


@pytest.mark.slow
@settings(max_examples=SLOW, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_fuzz_graphs_slow(files, data):
    _fuzz_json(files[1], "show", data.draw)


ARGS = ["verify", "check", "export", "show", "list", "plot", "--json", "--cert", "--graph", "--timeout", "-k",
        "--full", "--regions", "--version", "-1", "nan", "1e999", "", "/nonexistent", ".", "x.toml", "--", "-"]


def _fuzz_argv(argv):
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            code, _, err = run_cli(argv)
            assert_clean(code, err)
        finally:
            os.chdir(cwd)


@settings(max_examples=QUICK, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(ARGS), max_size=5))
def test_fuzz_command_lines(argv):
    _fuzz_argv(argv)


@pytest.mark.slow
@settings(max_examples=SLOW, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(ARGS), max_size=6))
def test_fuzz_command_lines_slow(argv):
    _fuzz_argv(argv)
