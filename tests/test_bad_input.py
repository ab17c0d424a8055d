"""Issue 11's classes of bad input, one regression test each: one line on stderr, exit 2, no traceback,
nothing written; certificates written atomically, 0644, under unique names; time limits."""

from __future__ import annotations

import json
import os
import stat

import pytest

from symtrans.cli import main

from test_spec_cli import CUBIC  # the cubic spec the CLI tests use (it also carries a [check] table)

CUBIC = CUBIC.split("[check]")[0]


def one_line_error(capsys, argv, *words):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("what, text, words", [
    ("an integer over 4,300 digits", CUBIC + "[check]\ncrosscheck = " + "9" * 5000 + "\n", ["4300 digits"]),
    ("TOML 1e400", CUBIC + "[check]\ncrosscheck = 1e400\n", ["check.crosscheck", "inf is a TOML float"]),
    ("deep nesting", "a = " + "[" * 50000 + "]" * 50000 + "\n", ["nested too deeply"]),
    ("a box of the wrong type", CUBIC.replace('box = [["-1", "1"], ["0", "1/2"]]', "box = 5"), ["domain"]),
    ("a coefficient over 4,300 digits", CUBIC.replace("3/4*x2", "9" * 5000 + "*x2"), ["4300 digits"]),
])
def test_bad_specs_are_one_line(tmp_path, capsys, what, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    one_line_error(capsys, ["verify", path, "--cert", tmp_path / "out.json"], "bad.toml", *words)
    assert not (tmp_path / "out.json").exists()


def test_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin.toml"
    path.write_bytes(b"\xff\xfe[construction]\n")
    one_line_error(capsys, ["verify", path], "latin.toml", "not UTF-8")
    cert = tmp_path / "latin.json"
    cert.write_bytes(b"\xff{}")
    one_line_error(capsys, ["check", cert], "latin.json", "not UTF-8")


@pytest.mark.parametrize("body, words", [
    ("import sys\nsys.exit(0)\n", ["sys.exit(0)"]),
    ("def obligations(quick=True):\n    raise ZeroDivisionError('boom')\n", ["ZeroDivisionError: boom"]),
    ("obligations = 3\n", ["must define obligations"]),
])
def test_proof_modules_that_misbehave(tmp_path, capsys, body, words):
    path = tmp_path / "mod.py"
    path.write_text(body)
    one_line_error(capsys, ["verify", path], "mod.py", *words)


@pytest.mark.parametrize("ref, words", [("user.py:NOT_A_FUNCTION", ["no function"]),
                                        ("user.py:Klass", ["no function"]),
                                        ("user.py:quits", ["sys.exit(3)"])])
def test_user_construction_references(tmp_path, capsys, ref, words):
    (tmp_path / "user.py").write_text("NOT_A_FUNCTION = 1\nclass Klass:\n    pass\n"
                                      "def quits(target):\n    raise SystemExit(3)\n")
    spec = tmp_path / "s.toml"
    spec.write_text(CUBIC.replace('builtin = "fang2022.polynomial"', f'module = "{ref}"'))
    one_line_error(capsys, ["verify", spec], *words)


@pytest.fixture
def certificate(tmp_path, capsys):
    spec = tmp_path / "cubic.toml"
    spec.write_text(CUBIC)
    out = tmp_path / "c.json"
    assert main(["verify", str(spec), "--cert", str(out)]) == 0
    capsys.readouterr()
    return out


def test_certificates_are_readable_by_others(certificate):
    old = os.umask(0o022)
    os.umask(old)
    if old == 0o022:
        assert stat.S_IMODE(certificate.stat().st_mode) == 0o644
    assert not [p for p in certificate.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize("edit, words", [
    (lambda d: d.update(extra=1), ["unknown certificate field 'extra'"]),
    (lambda d: d.update(precision=2 ** 20), ["precision"]),
    (lambda d: d.update(precision=True), ["precision"]),
    (lambda d: d.update(claim=[1, 2]), ["claim"]),
    (lambda d: d.update(evidence="none"), ["evidence"]),
])
def test_certificate_fields_of_the_wrong_kind_fail_with_the_field_named(certificate, capsys, edit, words):
    data = json.loads(certificate.read_text())
    edit(data)
    certificate.write_text(json.dumps(data))
    one_line_error(capsys, ["check", certificate], certificate.name, *words)  # malformed input: exit 2


def test_certificate_json_that_is_hostile(certificate, capsys):
    certificate.write_text("[" * 100000 + "]" * 100000)
    one_line_error(capsys, ["check", certificate], "nested too deeply")
    certificate.write_text('{"format": "symtrans-certificate", "version": ' + "9" * 5000 + "}")
    one_line_error(capsys, ["check", certificate], "4300 digits")


def test_check_has_a_time_limit(certificate, capsys, monkeypatch):
    """A re-check that keeps evaluating (here: the real check, made to repeat) stops at the limit."""
    import symtrans.checking as checking

    real = checking._check

    def slow(data):
        while True:  # each round re-evaluates the embedded graph; the deadline stops one of them
            result = real(data)
            if not result.holds:
                return result

    monkeypatch.setattr(checking, "_check", slow)
    assert main(["check", str(certificate), "--timeout", "0.2"]) == 1
    assert "time limit of 0.2 s reached" in capsys.readouterr().out


def test_verify_has_a_time_limit_per_obligation(tmp_path, capsys):
    spec = tmp_path / "slow.toml"
    spec.write_text(CUBIC.replace('expr = "x1**2*x2 - 3/4*x2 + 1"', 'expr = "x1**6*x2**5 - x2"'))
    code = main(["verify", str(spec), "--timeout", "0.001", "--json"])
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert code == 3 and record["verdict"] == "UNKNOWN"


def test_certificate_names_never_collide(tmp_path, capsys):
    """R2 and R2' used to be written to the same file, one overwriting the other."""
    from symtrans.cli import certificate_filename

    names = ["R2", "R2'", "R2_", "R 2", "R/2", "..", ""]  # R2 and r2: refused (case-insensitive disks)
    files = [certificate_filename(n) for n in names]
    assert len({f.lower() for f in files}) == len(files)
    assert all("/" not in f and not f.startswith(".") for f in files)
    mod = tmp_path / "proof.py"
    mod.write_text(
        "from symtrans import Claim, MaxoutNet\nfrom symtrans.domains import Box\n"
        "from symtrans.constructions.gu2026 import maxout_transformer\nfrom symtrans.obligations import Obligation\n"
        "def obligations(quick=True):\n"
        "    net, box = MaxoutNet.tent(1), Box([(0, 1)])\n"
        "    for name in ('R2', \"R2'\"):\n"
        "        yield Obligation(name, lambda: maxout_transformer(net, box), Claim('emulation', net, domain=box))\n")
    out = tmp_path / "certs"
    assert main(["verify", str(mod), "--cert", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(certificate_filename(n) for n in ("R2", "R2'"))


@pytest.mark.parametrize("edit, field", [
    (lambda g: g["nodes"][1]["op"].update(type=["Linear"]), "op"),
    (lambda g: g["nodes"][2]["origin"].update(block=[1]), "origin.block"),
    (lambda g: g["nodes"][2]["origin"].update(block="1"), "origin.block"),
    (lambda g: g.update(stream=[3]), "stream"),
    (lambda g: g.update(parameters=[[1]]), "parameters"),
    (lambda g: g.update(outputs=[["readout"]]), "outputs"),
    (lambda g: g["edges"][0].update(source=["x"]), "edges"),
])
def test_graph_json_of_the_wrong_shape_is_a_field_error(edit, field):
    """Found by the fuzzer (tests/adversarial/test_fuzz.py): these raised TypeError or IndexError."""
    from symtrans import Box, MaxoutNet
    from symtrans.constructions.gu2026 import maxout_transformer
    from symtrans.errors import GraphError
    from symtrans.graph import from_json, sizes, to_json

    data = to_json(maxout_transformer(MaxoutNet.tent(1), Box([(0, 1)])))
    edit(data)
    with pytest.raises(GraphError) as info:
        sizes(from_json(data))
    assert f"field '{field}'" in str(info.value), str(info.value)


def test_a_claim_about_an_entry_the_output_does_not_have():
    """Found by the tamper corpus: a bound claim with row 1 on a 1 x 1 output raised IndexError."""
    from symtrans import Box, Claim, MaxoutNet, verify
    from symtrans.constructions.gu2026 import maxout_transformer
    from symtrans.errors import SpecError

    net, box = MaxoutNet.tent(1), Box([(0, 1)])
    with pytest.raises(SpecError, match="entry \\(1, 0\\) of output 'readout', which is 1 x 1"):
        verify(maxout_transformer(net, box, beta=10), Claim("bound", net, domain=box, row=1, expected={"eps": "1/10"}))


def test_budgets_refuse_in_one_line(tmp_path, capsys):
    """x1**1000 through Fang's construction used to run for minutes (D = 1000 blocks); (x1+x2+1)**300 spent
    a minute expanding before any check; a degree-32 target's float cross-check took 24 GB."""
    spec = tmp_path / "big.toml"
    spec.write_text(CUBIC.replace('expr = "x1**2*x2 - 3/4*x2 + 1"', 'expr = "x1**1000"'))
    one_line_error(capsys, ["verify", spec], "big.toml", "over the budget of 20000000 entries")
    spec.write_text(CUBIC.replace('expr = "x1**2*x2 - 3/4*x2 + 1"', 'expr = "(x1 + x2 + 1)**300"'))
    one_line_error(capsys, ["verify", spec], "big.toml", "up to 45451 terms")


def test_the_float_cross_check_runs_in_chunks():
    import numpy as np

    from symtrans import Polynomial
    from symtrans.constructions.fang2022 import polynomial_transformer
    from symtrans.provers import crosscheck

    G = polynomial_transformer(Polynomial.parse("x1**3 - x2", ["x1", "x2"]))
    whole = crosscheck.float_drift(G, points=30)
    old = crosscheck.FLOAT_BUDGET
    try:
        crosscheck.FLOAT_BUDGET = 1  # one point per chunk
        chunked = crosscheck.float_drift(G, points=30)
    finally:
        crosscheck.FLOAT_BUDGET = old
    assert chunked == whole and np.isfinite(whole["max_abs"])


def test_a_graph_the_kind_cannot_evaluate_is_unknown(tmp_path, capsys):
    """Issue 11: an equivalent / regions claim on a softmax graph ended the run with exit 2."""
    from symtrans import Box, Claim, MaxoutNet, verify
    from symtrans.constructions.gu2026 import maxout_transformer

    net, box = MaxoutNet.tent(2), Box([(0, 1)])
    G = maxout_transformer(net, box, score="softmax", beta=100)
    for claim in (Claim("equivalent", net, domain=box), Claim("regions", domain=box, expected={"regions": 4})):
        cert = verify(G, claim)
        assert cert.verdict == "UNKNOWN" and "cannot compute exp" in cert.evidence["reason"]


def test_an_agreeing_point_is_no_proof_and_no_refutation():
    """Issue 11: a PROVED equivalence certificate whose target was changed to a false one, carrying a
    "counterexample" where both sides agree, was accepted without the regions being looked at."""
    from symtrans import Box, Claim, MaxoutNet, check_certificate, verify
    from symtrans.constructions.gu2026 import maxout_transformer

    net, box = MaxoutNet.tent(2), Box([(0, 1)])
    data = json.loads(verify(maxout_transformer(net, box), Claim("equivalent", net, domain=box)).dumps())
    data["claim"]["target"]["output"][-1] = "1"                      # now false everywhere
    data["counterexample"] = {"point": {"x1": "0"}, "network": "0", "target": "0"}
    for verdict in ("PROVED", "REFUTED"):
        result = check_certificate(dict(data, verdict=verdict))
        assert not result.holds, (verdict, result.reason)


def test_a_bound_refutation_must_lie_in_the_box():
    from symtrans import Box, Claim, MaxoutNet, check_certificate, verify
    from symtrans.constructions.gu2026 import maxout_transformer

    net, box = MaxoutNet.tent(1), Box([(0, 1)])
    G = maxout_transformer(net, box, score="softmax", beta=2)
    cert = verify(G, Claim("bound", net, domain=box, expected={"eps": "1/100"}))
    assert cert.verdict == "REFUTED"
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    data["counterexample"]["point"]["x1"] = "-7"
    assert "outside the claim's domain" in check_certificate(data).reason


def test_time_limits_are_cooperative_and_leave_nothing_behind():
    """The limit is a deadline the interpreter and the provers' loops check between steps (no signal,
    so nothing can be raised from a gc callback or outlive the block); nested limits keep the earliest."""
    import signal
    import time

    from symtrans.budget import TimeLimit, checkpoint, time_limit

    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TimeLimit, match="inner"):
        with time_limit(10, "outer"), time_limit(0.01, "inner"):
            while True:
                checkpoint()
    with time_limit(0.01, "done"):
        pass
    time.sleep(0.02)
    checkpoint()  # the block is over: nothing fires
    assert signal.getsignal(signal.SIGALRM) == handler and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("content, words", [(b"[" * 100000, "nested too deeply"), (b"\xff{}", "not UTF-8"),
                                            (b'{"version": ' + b"9" * 5000 + b"}", "4300 digits")])
def test_a_spec_graph_file_that_is_hostile(tmp_path, capsys, content, words):
    """A [construction] graph file goes through the same JSON reader as certificates (these escaped as
    RecursionError / UnicodeDecodeError and came out as the CLI's last-resort line without the file)."""
    (tmp_path / "g.json").write_bytes(content)
    spec = tmp_path / "s.toml"
    spec.write_text(CUBIC.replace('builtin = "fang2022.polynomial"', 'graph = "g.json"'))
    one_line_error(capsys, ["verify", spec], "g.json", words)


@pytest.mark.parametrize("text, words", [
    ('[check]\nmethod = "scalar"\nrelation = "x^2 <= 1"\n', ["check.relation", "unknown name 'x'"]),
    ('[check]\nmethod = "scalar"\nrelation = "1 + 1"\n', ["check.relation", "not a relation"]),
    ('[check]\nmethod = "identity"\n', ["check.method", "about no graph"]),
    ('[check]\nmethod = "spectrum"\ncoefficients = [[1, 2]]\ngram_left = [[1, 0]]\nrank = 1\n',
     ["check.gram_left", "square"]),
    ('[check]\nmethod = "spectrum"\ncoefficients = [[1]]\nleft = ["u*sin(2*pi*u)"]\nrank = 1\n',
     ["left[0]", "period 1"]),
    ('[check]\nmethod = "scalar"\nrelation = "1 <= 1"\ncrosscheck = 5\n', ["unknown key 'crosscheck'"]),
    ('[check]\nmethod = "scalar"\nrelation = "1 <= 1"\n[domain]\nbox = [[0, 1]]\n', ["takes no [domain]"]),
])
def test_bad_graph_free_specs_are_one_line(tmp_path, capsys, text, words):
    path = tmp_path / "step.toml"
    path.write_text(text)
    one_line_error(capsys, ["verify", path, "--cert", tmp_path / "out.json"], "step.toml", *words)
    assert not (tmp_path / "out.json").exists()


def test_a_weight_string_of_5000_digits_is_one_line(tmp_path, capsys):
    """Found by the slow fuzz harness: Python refuses to convert a 5,000-digit string to an int, and the
    ValueError reached the CLI's last-resort line."""
    graph = tmp_path / "g.json"
    assert main(["export", "docs/examples/tent3.toml", "--graph", str(graph)]) == 0
    capsys.readouterr()
    data = json.loads(graph.read_text())
    node = next(n for n in data["nodes"] if n["op"].get("weight", {}).get("entries"))
    node["op"]["weight"]["entries"][0][2] = "9" * 5000
    graph.write_text(json.dumps(data))
    one_line_error(capsys, ["show", graph], "more than 4000 digits")


_LAYER = ('[construction]\nbuiltin = "cheng2025.attention_layer"\n'
          'params = {{ n = 3, query = {q}, key = [[1, 0], [0, 1]], value = [[1, 0], [0, 1]]{extra} }}\n'
          '[check]\nmethod = "{method}"\n')


@pytest.mark.parametrize("text, words", [
    (_LAYER.format(q='[[1, 0], [0, "x"]]', extra="", method="analytic"), ["construction.params.query", "'x'"]),
    (_LAYER.format(q="[[1, 0], [0, 1]]", extra=', kernel = "exp(s"', method="analytic"),
     ["construction.params.kernel", "never closed"]),
    (_LAYER.format(q="[[1, 0], [0, 1]]", extra=', features = [[1, 0]], feature_map = "tanh"', method="analytic"),
     ["construction.params.feature_map", "elu1"]),
    (_LAYER.format(q="[[1, 0], [0, 1]]", extra=", tokens = [[[1, 0, 0]]]", method="analytic"),
     ["construction.params.tokens", "[E, F]"]),
    (_LAYER.format(q="[[1, 0], [0, 1]]", extra="", method="identity"), ["check.method", "takes no target"]),
    ('[construction]\nbuiltin = "cheng2025.convolution_mixer"\nparams = { n = 3, taps = [1, "1/0"], layers = 2 }\n'
     '[check]\nmethod = "token_dependence"\n', ["construction.params.taps"]),
    ('[construction]\nbuiltin = "cheng2025.convolution_mixer"\nparams = { n = 3, taps = [1, 1], layers = 0 }\n'
     '[check]\nmethod = "token_dependence"\n', ["construction.params.layers"]),
])
def test_targetless_specs_and_cheng_builtins_name_the_field(tmp_path, capsys, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    one_line_error(capsys, ["verify", path], "bad.toml", *words)
