"""The claim-kind structure: units, the registry, typed results, aliases, and a toy kind added from outside."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import symtrans
from symtrans import Box, Certificate, Claim, MaxoutNet, Polynomial, SpecError, Verdict, check_certificate, verify
from symtrans import kinds
from symtrans.cli import main
from symtrans.constructions.fang2022 import polynomial_transformer
from symtrans.errors import ExactnessError
from symtrans.provers._certify import certify

HERE = Path(__file__).parent


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    import toykind

    kinds.register(toykind.KIND)
    yield toykind.KIND
    kinds.unregister("value_at")


def test_every_unit_is_complete_and_named_once():
    names = set()
    for kind in kinds.UNITS:
        assert kind.name not in names and not names & set(kind.aliases)
        names |= {kind.name, *kind.aliases}
        assert kind.evidence and kind.doc and callable(kind.describe) and callable(kind.summarize)
        for key, doc in kind.params.keys().items():
            assert doc, f"{kind.name}.{key} has no documentation"


def test_a_toy_kind_runs_through_spec_cli_json_certificate_and_check(toy, tmp_path, capsys):
    G = polynomial_transformer(Polynomial.parse("x1*x2 + 1", ["x1", "x2"]))
    (tmp_path / "net.json").write_text(symtrans.dumps(G))
    spec = tmp_path / "toy.toml"
    spec.write_text('[construction]\ngraph = "net.json"\n[target]\nvariables = ["x1", "x2"]\nexpr = "x1*x2 + 1"\n'
                    '[check]\nmethod = "value_at"\npoint = ["1/2", "3"]\nvalue = "5/2"\n')
    assert main(["verify", str(spec), "--json", "--cert", str(tmp_path / "toy.cert.json")]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["verdict"] == "PROVED" and record["claim"]["kind"] == "value_at"
    assert main(["check", str(tmp_path / "toy.cert.json")]) == 0
    assert "PROVED re-checked (value_at" in capsys.readouterr().out
    # a wrong value is REFUTED, and the refutation re-checks
    spec.write_text(spec.read_text().replace('"5/2"', '"2"').replace('[check]', '[check]\nexpect = "REFUTED"'))
    assert main(["verify", str(spec), "--cert", str(tmp_path / "bad.cert.json")]) == 0
    assert "the output is 5/2 exactly, not 2" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "bad.cert.json")]) == 0
    # a key the kind does not read is refused, naming the kind's keys
    spec.write_text(spec.read_text() + "eps = \"1\"\n")
    assert main(["verify", str(spec)]) == 2
    assert "unknown key 'eps' in [check] for method 'value_at'" in capsys.readouterr().err


def test_registering_a_name_twice_is_refused(toy):
    with pytest.raises(SpecError, match="registered already"):
        kinds.register(toy)


def test_claims_compare_by_their_data():
    tent, box = MaxoutNet.tent(1), Box([(0, 1)])
    a = Claim("bound", tent, domain=box, expected={"eps": "1/10"})
    assert a == Claim("bound", tent, domain=box, expected={"eps": Fraction(1, 10)})
    assert a != Claim("bound", tent, domain=box, expected={"eps": "1/2"})
    assert len({a, Claim("bound", tent, domain=box, expected={"eps": "1/10"})}) == 1
    assert Claim.from_json(a.to_json()) == a


@pytest.mark.parametrize("build, message", [
    (lambda: Claim("bound", MaxoutNet.tent(1), domain=Box([(0, 1)]), expected={"eps": "1/10", "epsilon": 1}),
     "field 'epsilon': unknown claim data"),
    (lambda: Claim("bound", MaxoutNet.tent(1), domain=Box([(0, 1)])), "field 'eps': missing"),
    (lambda: Claim("identity", Polynomial.parse("x", ["x"]), groups=("R1",)), "'groups' does not apply"),
    (lambda: Claim("regions", MaxoutNet.tent(1), domain=Box([(0, 1)]), expected={"regions": 2}), "takes no target"),
    (lambda: Claim("equivalent", Polynomial.parse("x", ["x"]), domain=Box([(0, 1)])), "needs a maxout or graph"),
    (lambda: Claim("no_such_kind"), "claim kind 'no_such_kind'"),
    (lambda: Claim("contextual_mapping", expected={"sequences": [[["1"]]], "r": "-51/20"}), "r >= 0"),
])
def test_claims_validate_their_data(build, message):
    with pytest.raises(SpecError, match=message):
        build()


def test_old_names_are_aliases():
    box = Box([(0, 1)])
    assert Claim("compositional", MaxoutNet.tent(1), domain=box).kind == "emulation"
    assert kinds.alias_note("interval", "check.method").startswith("check.method 'interval' is an old name")
    assert kinds.alias_note("contextual_mapping", "check.method") == ""


def test_certificates_are_frozen_and_typed():
    t = Polynomial.parse("x1 + x2", ["x1", "x2"])
    cert = verify(polynomial_transformer(t), Claim("identity", t))
    assert cert.verdict is Verdict.PROVED and cert.method == "identity"
    with pytest.raises(AttributeError):
        cert.verdict = Verdict.REFUTED
    assert len(repr(cert)) < 200 and "PROVED identity" in repr(cert)
    data = cert.to_json()
    data["evidence"]["output"] = []
    assert cert.evidence["output"], "to_json must not hand out the certificate's own containers"
    assert cert.with_evidence(note="x").evidence["note"] == "x" and "note" not in cert.evidence


@pytest.mark.parametrize("backend", ["floats", "mp", "poly+floats", "gpu"])
def test_certify_refuses_proved_from_a_non_rigorous_backend(backend):
    G = polynomial_transformer(Polynomial.parse("x", ["x"]))
    claim = Claim("identity", Polynomial.parse("x", ["x"]))
    with pytest.raises(ExactnessError, match="neither exact nor rigorous"):
        certify(G, claim, "PROVED", backend, None, {}, None, 0.0, "")
    assert certify(G, claim, "UNKNOWN", backend, None, {}, None, 0.0, "").verdict is Verdict.UNKNOWN


def test_the_checker_dispatches_on_the_claim_not_the_method():
    t = Polynomial.parse("x1*x2", ["x1", "x2"])
    data = verify(polynomial_transformer(t), Claim("identity", t)).to_json()
    for method in ("sizes", "same_output", "equivalent", "compositional"):
        relabelled = dict(data, method=method)
        result = check_certificate(relabelled)
        assert not result and "is not the claim's kind 'identity'" in result.reason


def test_an_unknown_certificate_checks_as_unknown(tmp_path):
    tent, box = MaxoutNet.tent(1), Box([(0, 1)])
    from symtrans.constructions.gu2026 import maxout_transformer

    G = maxout_transformer(tent, box, score="softmax", beta=10)
    cert = verify(G, Claim("bound", tent, domain=box, expected={"eps": "69/1000", "max_boxes": 3}))
    assert cert.verdict is Verdict.UNKNOWN
    result = check_certificate(cert.to_json())
    assert result and result.verdict is Verdict.UNKNOWN
    path = tmp_path / "unknown.json"
    path.write_text(cert.dumps())
    assert main(["check", str(path)]) == 3


def test_the_front_door_has_what_a_user_needs():
    for name in ("verify", "check_certificate", "load_spec", "Claim", "Certificate", "Verdict", "Polynomial",
                 "MaxoutNet", "GraphTarget", "Box", "AllReals", "evaluate", "evaluate_many", "KINDS"):
        assert name in symtrans.__all__ and getattr(symtrans, name) is not None
    namespace = {}
    exec("from symtrans import *", namespace)
    assert {"verify", "Claim", "Polynomial", "Box"} <= set(namespace)
    assert isinstance(Certificate, type)


@pytest.mark.parametrize("example, old, new", [("ks_t1.toml", "interval", "contextual_mapping"),
                                              ("ks_t1.toml", "separation", "contextual_mapping"),
                                              ("memorise.toml", "exact", "memorise")])
def test_old_spec_spellings_still_verify_with_a_one_line_note(tmp_path, capsys, example, old, new):
    root = Path(__file__).resolve().parent.parent / "docs" / "examples"
    text = (root / example).read_text()
    assert f'method = "{new}"' in text
    spec = tmp_path / example
    spec.write_text(text.replace(f'method = "{new}"', f'method = "{old}"'))
    assert main(["verify", str(spec)]) == 0
    out, err = capsys.readouterr()
    assert "PROVED" in out and err.count("\n") == 1
    assert f"check.method '{old}' is an old name for '{new}'" in err


def test_verify_and_check_leave_the_garbage_collector_as_they_found_it():
    """verify and check_certificate freeze the older objects only while they run (budget.
    older_objects_frozen): nothing stays frozen afterwards, and a caller's own freeze is kept."""
    import gc
    import json

    from symtrans import Claim, Polynomial, check_certificate, verify
    from symtrans.constructions.fang2022 import polynomial_transformer

    target = Polynomial.parse("x1*x2 - 1", ["x1", "x2"])
    G = polynomial_transformer(target)
    assert gc.get_freeze_count() == 0
    cert = verify(G, Claim("identity", target))
    assert check_certificate(json.loads(cert.dumps())).holds
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        verify(G, Claim("identity", target))
        # the caller's freeze is left alone (an unfreeze would empty it; a frozen object may die)
        assert gc.get_freeze_count() > frozen - 100
    finally:
        gc.unfreeze()
