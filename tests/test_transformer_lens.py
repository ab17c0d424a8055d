"""Models built elsewhere (issue 12): TransformerLens-layout import, token domains, the decodes claim."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from symtrans import Claim, check_certificate, verify
from symtrans.backends import FloatBackend, IntervalBackend, RationalBackend
from symtrans.cli import main
from symtrans.errors import BackendError, SpecError
from symtrans.interpret import evaluate
from symtrans.io.transformer_lens import TLModel, load_model, with_length

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "symtrans" / "data" / "tracr"
EXAMPLES = ROOT / "docs" / "examples" / "tracr"


def cases(name):
    return [json.loads(line) for line in (MODELS / name / "cases.jsonl").read_text().splitlines()[1:]]


def floats(model, G, tokens):
    m = len(tokens) + 1
    return evaluate(with_length(G, m), FloatBackend(), {"x": np.array(model.encode(tokens), float)})["logits"][0][:m]


def test_weights_are_the_float32_values_exactly():
    model = load_model(MODELS / "hist_abc_L5")
    G = model.graph()
    W = G.nodes["b0.ffn.hidden"]["op"].weight
    T = model.tensors["blocks.0.mlp.W_in"]
    assert T.dtype == np.float32
    assert all(W[i, j] == Fraction(float(T[i, j])) for i in range(T.shape[0]) for j in range(T.shape[1]))


@pytest.mark.parametrize("name", sorted(p.name for p in MODELS.iterdir() if p.is_dir()))
def test_the_graph_reproduces_tracrs_own_decodes(name):
    """A float64 run of the imported graph gives tracr's float32 decode on the listed inputs (where the
    logits are not tied: a tie at an undefined position is decided by rounding noise)."""
    model = load_model(MODELS / name)
    G = model.graph()
    for case in cases(name)[:150]:
        out = floats(model, G, case["input"])
        for p, want in enumerate(case["tracr"], 1):
            if model.output["kind"] == "numerical":
                assert abs(out[p][0] - want) < 1e-5
            elif case["expected"][p - 1] is not None:
                assert model.output["values"][int(np.argmax(out[p]))] == want


def test_with_length_is_the_model_on_fewer_positions():
    """Rows 0..m-1 of the n_ctx graph restricted to m keys equal a model built for m positions."""
    model = load_model(MODELS / "sort_unique_1to5_L5")
    tokens = [3, 1, 2]
    m = len(tokens) + 1
    short = TLModel("short", dict(model.config, n_ctx=m),
                    dict(model.tensors, **{"pos_embed.W_pos": model.tensors["pos_embed.W_pos"][:m]}))
    bk = RationalBackend()
    with pytest.raises(BackendError, match="sqrt"):  # 1/sqrt(7) is irrational: the exact backend refuses
        evaluate(with_length(model.graph(), m), bk, {"x": model.encode(tokens)})
    ib = IntervalBackend(prec=128)
    a = ib.to_list(evaluate(with_length(model.graph(), m), ib, {"x": model.encode(tokens)})["logits"])[:m]
    b = ib.to_list(evaluate(short.graph(), ib, {"x": short.encode(tokens)})["logits"])
    for ra, rb in zip(a, b):
        for u, v in zip(ra, rb):
            (lo1, hi1), (lo2, hi2) = ib.bounds(u), ib.bounds(v)
            assert max(lo1, lo2) <= min(hi1, hi2) and hi1 - lo1 < Fraction(1, 10 ** 20)


def test_with_length_refuses_token_mixing_it_does_not_know():
    from symtrans import add_input, add_op, new_graph, set_outputs
    from symtrans.ops import Rows

    G = new_graph()
    x = add_input(G, "x", (3, 1))
    set_outputs(G, [add_op(G, "r", Rows((2, 0)), [x])])
    with pytest.raises(SpecError, match="Rows mixes tokens"):
        with_length(G, 2)


def _claim(model, items, **more):
    data = {"vocab": model.vocab, "bos": model.bos, "values": model.output.get("values"),
            "inputs": [c["input"] for c in items], "expected": [c["expected"] for c in items], **more}
    return Claim("decodes", expected=data)


def test_decodes_proved_refuted_and_rechecked():
    model = load_model(MODELS / "length_ab_L5")
    items = cases("length_ab_L5")
    cert = verify(model.graph(), _claim(model, items))
    assert cert.verdict == "PROVED" and cert.evidence["inputs"] == 62 and cert.evidence["positions"] == 258
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    wrong = [dict(c, expected=[v + 1 if k == 2 else v for k, v in enumerate(c["expected"])]) for c in items]
    refuted = verify(model.graph(), _claim(model, wrong))
    ce = refuted.counterexample
    assert refuted.verdict == "REFUTED" and ce["actual"] == ce["expected"] - 1 and ce["position"] == 3
    assert check_certificate(json.loads(refuted.dumps())).holds
    # tampering: a changed reference value, a moved refutation
    tampered = json.loads(json.dumps(data))
    tampered["claim"]["expected"]["expected"][5][0] = 7
    assert not check_certificate(tampered).holds
    moved = json.loads(refuted.dumps())
    moved["counterexample"]["position"] = 1
    assert not check_certificate(moved).holds


def test_boxes_first_then_arb_for_what_they_leave_and_arb_alone_agree(monkeypatch):
    """The three ways to a verdict give one verdict and certificates that re-check: float64 boxes
    for every position; boxes for some and Arb for the rest; Arb alone (``boxes = false``)."""
    import symtrans.kinds.decodes.common as common

    model = load_model(MODELS / "hist_abc_L5")
    items = cases("hist_abc_L5")[:60]
    fast = verify(model.graph(), _claim(model, items))
    assert fast.verdict == "PROVED" and fast.evidence["boxes"] == fast.evidence["positions"]
    assert fast.precision == 53 and check_certificate(json.loads(fast.dumps())).holds
    alone = verify(model.graph(), _claim(model, items, boxes=False))
    assert alone.verdict == "PROVED" and alone.evidence["boxes"] == 0 and alone.precision == 64
    assert alone.evidence["positions"] == fast.evidence["positions"]
    assert check_certificate(json.loads(alone.dumps())).holds
    real = common.decide_boxes

    def every_other_undecided(lo, hi, values, want, positions):
        return [(p, "undecided", None) if p % 2 else d for p, d in zip(positions, real(lo, hi, values, want, positions))]

    monkeypatch.setattr(common, "decide_boxes", every_other_undecided)
    mixed = verify(model.graph(), _claim(model, items))
    assert mixed.verdict == "PROVED" and 0 < mixed.evidence["boxes"] < mixed.evidence["positions"]
    assert mixed.evidence["positions"] == fast.evidence["positions"] and mixed.precision == 64
    assert check_certificate(json.loads(mixed.dumps())).holds
    monkeypatch.setattr(common, "decide_boxes", real)
    # a machine that fails the box backend's check: every position goes to Arb, same verdict
    import symtrans.backends.box as box

    monkeypatch.setattr(box, "machine_rounds_to_nearest", lambda: False)
    slow = verify(model.graph(), _claim(model, items))
    assert slow.verdict == "PROVED" and slow.evidence["boxes"] == 0
    wrong = [dict(c, expected=[None if v is None else v + 1 for v in c["expected"]]) for c in items]
    refuted = verify(model.graph(), _claim(model, wrong))
    assert refuted.verdict == "REFUTED" and refuted.precision == 64
    monkeypatch.undo()
    assert check_certificate(json.loads(refuted.dumps())).holds  # the checker's boxes agree with Arb


def test_an_exact_tie_is_unknown_with_its_input_and_position():
    """Two output columns made equal: wherever they lead, no precision separates them."""
    from symtrans.graph import replace_weight

    model = load_model(MODELS / "length_ab_L5")
    G = model.graph()
    W = G.nodes["logits"]["op"].weight
    for i in range(W.shape[0]):  # column 3 (the value 3) := column 2
        G = replace_weight(G, "logits", "weight", (i, 3), W[i, 2])
    b = G.nodes["logits"]["op"].bias
    G = replace_weight(G, "logits", "bias", (0, 3), b[0, 2])
    items = [{"input": ["a"], "expected": [1]}, {"input": ["a", "b"], "expected": [2, 2]}]
    cert = verify(G, _claim(model, items, max_bits=128))
    assert cert.verdict == "UNKNOWN" and cert.evidence["undecided"] == 2
    assert cert.counterexample == {"input": ["a", "b"], "position": 1, "expected": 2, "actual": None}
    assert cert.evidence["positions"] == 1 and cert.precision == 128


def test_a_box_refutation_is_rechecked_and_a_wrong_actual_value_is_rejected():
    model = load_model(MODELS / "length_ab_L12")
    items = [{"input": ["a"] * 10, "expected": [10] * 10}]
    cert = verify(model.graph(), _claim(model, items))
    assert cert.verdict == "REFUTED" and cert.precision == 53 and cert.counterexample["actual"] == 9
    data = json.loads(cert.dumps())
    assert check_certificate(data).holds
    data["counterexample"]["actual"] = 8
    assert not check_certificate(data).holds


def test_numerical_outputs_within_a_tolerance():
    model = load_model(MODELS / "frac_prevs_ab_L8_causal")
    items = [dict(c, expected=[None if v is None else str(Fraction(float(v))) for v in c["expected"]])
             for c in cases("frac_prevs_ab_L8_causal")[:40]]
    ok = verify(model.graph(), _claim(model, items, tolerance="1/1000"))
    tight = verify(model.graph(), _claim(model, items, tolerance="1/1000000000"))
    assert ok.verdict == "PROVED" and tight.verdict == "REFUTED"
    assert tight.counterexample["input"] == ["a"] and tight.counterexample["actual"].startswith("[0.99999986")
    assert check_certificate(json.loads(tight.dumps())).holds


def test_where_rasp_is_undefined_the_exact_decode_is_not_tracrs_float32_one():
    """At position 1 of "b a a" RASP's detect_pattern is undefined, and tracr's float32 run decodes
    False; the weights themselves give the True logit a lead of about 6e-9 (softmax tails), below
    float32's resolution there.  Asked to confirm False, symtrans refutes it with a certified True."""
    model = load_model(MODELS / "detect_ab_ab_L5")
    items = [{"input": ["b", "a", "a"], "expected": [False, False, False]}]
    cert = verify(model.graph(), _claim(model, items))
    assert cert.verdict == "REFUTED"
    assert cert.counterexample == {"input": ["b", "a", "a"], "position": 1, "expected": False, "actual": True}
    assert check_certificate(json.loads(cert.dumps())).holds


@pytest.mark.parametrize("spec, verdict", [("length_ab_L5", "PROVED"), ("frac_prevs_ab_L8_causal_tight", "REFUTED"),
                                           ("detect_ab_ab_L5", "PROVED")])
def test_specs(spec, verdict, tmp_path, capsys):
    out = tmp_path / "c.json"
    assert main(["verify", str(EXAMPLES / f"{spec}.toml"), "--json", "--cert", str(out)]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["verdict"] == verdict
    if verdict == "PROVED":  # --json carries the number of inputs and positions decided
        assert record["evidence"]["inputs"] > 0 and record["evidence"]["positions"] > 0
    else:
        assert set(record["counterexample"]) == {"input", "position", "expected", "actual"}
    assert main(["check", str(out)]) == 0


def test_the_reference_functions_agree_with_rasp():
    import importlib.util

    spec = importlib.util.spec_from_file_location("refs", EXAMPLES / "_refs.py")
    refs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refs)
    for name, fn in [("length_ab_L12", refs.length), ("hist_abc_L5", refs.hist), ("detect_ab_ab_L5", refs.detect_ab),
                     ("sort_unique_1to5_L5", refs.sort_unique), ("frac_prevs_ab_L8_causal", refs.frac_prevs_a)]:
        for c in cases(name):
            got = fn(c["input"])
            assert all((g is None and e is None) or abs(Fraction(g) - Fraction(e)) < Fraction(1, 10 ** 12)
                       if name.startswith("frac") else g == e for g, e in zip(got, c["expected"])), (name, c)


# -- bad input: one line naming the key, exit 2 ---------------------------------------------------------

def _broken_model(tmp_path, edit_config=None, edit_tensors=None):
    from safetensors.numpy import load_file, save_file

    src = MODELS / "length_ab_L5"
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    if edit_config:
        config = json.loads((dst / "config.json").read_text())
        edit_config(config)
        (dst / "config.json").write_text(json.dumps(config))
    if edit_tensors:
        tensors = dict(load_file(str(dst / "model.safetensors")))
        edit_tensors(tensors)
        save_file(tensors, str(dst / "model.safetensors"))
    return dst


@pytest.mark.parametrize("config, tensors, words", [
    (lambda c: c.update(act_fn="gelu"), None, "act_fn"),
    (lambda c: c.update(positional_embedding_type="rotary"), None, "positional_embedding_type"),
    (lambda c: c.update(d_model=16), None, "embed.W_E"),
    (lambda c: c["tokenizer"].update(bos="<s>"), None, "tokenizer.bos"),
    (lambda c: c.update(attn_scale=3.0), None, "attn_scale"),
    (None, lambda t: t.pop("blocks.0.mlp.b_in"), "blocks.0.mlp.b_in is missing"),
    (None, lambda t: t.update({"unembed.W_U": t["unembed.W_U"][:, :3].copy()}), "unembed.W_U has shape"),
    (None, lambda t: t["blocks.0.attn.W_Q"].__setitem__((0, 0, 0), np.nan), "NaN"),
])
def test_bad_models_are_one_line(tmp_path, capsys, config, tensors, words):
    model = _broken_model(tmp_path, config, tensors)
    assert main(["show", str(model)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err, err


@pytest.mark.parametrize("body, words", [
    ("def f(tokens):\n    raise ValueError('no')\n", "ValueError: no"),
    ("def f(tokens):\n    return [1]\n", "returned 1 values for the input"),
])
def test_bad_references_are_one_line(tmp_path, capsys, body, words):
    (tmp_path / "ref.py").write_text(body)
    spec = tmp_path / "s.toml"
    spec.write_text(f'[construction]\nmodel = "{MODELS / "length_ab_L5"}"\n[target]\nkind = "decodes"\n'
                    f'reference = "ref.py:f"\n[domain]\nmax_len = 3\n')
    assert main(["verify", str(spec), "--cert", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err and "s.toml" in err, err
    assert not (tmp_path / "c.json").exists()


def test_a_cases_file_must_cover_the_domain(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[construction]\nmodel = "{MODELS / "length_ab_L12"}"\n[target]\nkind = "decodes"\n'
                    f'cases = "{MODELS / "length_ab_L12" / "cases.jsonl"}"\n')
    assert main(["verify", str(spec)]) == 2
    assert "has no line for the input" in capsys.readouterr().err


def test_a_tie_is_undecided_never_a_guess():
    from symtrans.kinds.decodes.common import decide_arb, decide_boxes, decide_numerical_box

    ib = IntervalBackend(prec=64)
    with ib.session():
        tied = [ib.scalar(1), ib.scalar(1), ib.scalar(0)]
        lead = [ib.scalar(1), ib.scalar(Fraction(1, 2 ** 60)), ib.scalar(0)]
        assert decide_arb(ib, tied, ["x", "y", "z"], "x", None) == ("undecided", None)
        assert decide_arb(ib, lead, ["x", "y", "z"], "y", None) == ("wrong", "x")
        third = [ib.scalar(Fraction(1, 3))]  # a ball around 1/3 at 64 bits
        assert decide_arb(ib, third, None, "1/3", Fraction(0)) == ("undecided", None)
        assert decide_arb(ib, third, None, "1/3", Fraction(1, 10 ** 9)) == ("ok", None)
    # the same on float64 boxes: rows are positions 0..2 (position 0 is BOS, never decided)
    lo = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.5, 0.0]])
    hi = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])  # position 2: 0.5 <= y <= 1, a touch
    assert decide_boxes(lo, hi, ["x", "y", "z"], ["x", "x"], [1, 2]) == [(1, "undecided", None),
                                                                       (2, "undecided", None)]
    hi[2, 1] = np.nextafter(1.0, 0)
    assert decide_boxes(lo, hi, ["x", "y", "z"], ["x", "y"], [1, 2])[1] == (2, "wrong", "x")
    nan = np.array([[np.nan, 0.0, 0.0]] * 2)
    assert decide_boxes(nan, nan, ["x", "y", "z"], ["x"], [1]) == [(1, "undecided", None)]
    assert decide_numerical_box(0.25, 0.25, "1/4", Fraction(0)) == ("ok", None)
    assert decide_numerical_box(np.nextafter(0.25, 0), 0.25, "1/4", Fraction(0)) == ("undecided", None)
    assert decide_numerical_box(-np.inf, 0.25, "1/4", Fraction(1)) == ("undecided", None)


# -- export and other file formats ------------------------------------------------------------------------

def test_export_round_trips_every_fixture(tmp_path):
    from symtrans.graph import fingerprint
    from symtrans.io.export import export_model

    for folder in sorted(p for p in MODELS.iterdir() if p.is_dir()):
        model = load_model(folder)
        assert export_model(model.graph(), model.config, tmp_path / folder.name) == "float32"
        again = load_model(tmp_path / folder.name)
        assert fingerprint(again.graph()) == fingerprint(model.graph())
        for key, t in model.tensors.items():
            assert np.array_equal(again.tensors[key], t), key


def test_export_never_rounds(tmp_path):
    from symtrans.graph import replace_weight
    from symtrans.io.export import export_model

    model = load_model(MODELS / "length_ab_L5")
    G = replace_weight(model.graph(), "logits", "weight", (0, 0), 1 + Fraction(1, 2 ** 40))  # a float64, not a float32
    assert export_model(G, model.config, tmp_path / "f64") == "float64"
    back = load_model(tmp_path / "f64")
    assert json.loads((tmp_path / "f64" / "config.json").read_text())["weights_dtype"] == "float64"
    assert back.graph().nodes["logits"]["op"].weight[0, 0] == 1 + Fraction(1, 2 ** 40)
    third = replace_weight(model.graph(), "logits", "weight", (0, 0), Fraction(1, 3))
    with pytest.raises(SpecError, match="not a float64 exactly"):
        export_model(third, model.config, tmp_path / "third")
    assert not (tmp_path / "third").exists() and not (tmp_path / ".third.tmp").exists()


def test_export_from_the_command_line(tmp_path, capsys):
    from symtrans.graph import fingerprint

    out = tmp_path / "tl"
    assert main(["export", str(EXAMPLES / "length_ab_L5.toml"), "--to", "transformer-lens", str(out)]) == 0
    assert fingerprint(load_model(out).graph()) == fingerprint(load_model(MODELS / "length_ab_L5").graph())
    assert main(["export", str(EXAMPLES / "length_ab_L5.toml"), "--to", "onnx", str(tmp_path / "x")]) == 2
    assert "export format 'onnx'" in capsys.readouterr().err


def test_npz_models_read_like_safetensors(tmp_path):
    from symtrans.graph import fingerprint

    model = load_model(MODELS / "hist_abc_L5")
    (tmp_path / "m").mkdir()
    np.savez(tmp_path / "m" / "model.npz", **model.tensors)
    shutil.copy(MODELS / "hist_abc_L5" / "config.json", tmp_path / "m" / "config.json")
    assert fingerprint(load_model(tmp_path / "m").graph()) == fingerprint(model.graph())


def test_layer_norm_models(tmp_path):
    """normalization_type "LN": LayerNorm before attention, MLP and unembedding, its square root enclosed
    rigorously; the enclosures contain a float64 NumPy forward pass written from TransformerLens's
    definitions; export and re-import give the same graph."""
    from safetensors.numpy import save_file

    from symtrans.graph import fingerprint
    from symtrans.io.export import export_model

    src = load_model(MODELS / "length_ab_L5")
    rng = np.random.default_rng(0)
    d = src.config["d_model"]
    tensors = dict(src.tensors)
    for key in ("blocks.0.ln1", "blocks.0.ln2", "ln_final"):
        tensors[f"{key}.w"] = (1 + rng.normal(0, 0.1, d)).astype(np.float32)
        tensors[f"{key}.b"] = rng.normal(0, 0.1, d).astype(np.float32)
    (tmp_path / "ln").mkdir()
    save_file(tensors, str(tmp_path / "ln" / "model.safetensors"))
    config = dict(src.config, normalization_type="LN", eps=1e-5)
    (tmp_path / "ln" / "config.json").write_text(json.dumps(config))
    model = load_model(tmp_path / "ln")
    T = {k: v.astype(np.float64) for k, v in tensors.items()}

    def ln(x, key):
        x = x - x.mean(axis=1, keepdims=True)
        return x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-5) * T[f"{key}.w"] + T[f"{key}.b"]

    tokens = ["a", "b", "b"]
    ids = [model.vocab.index(t) for t in [model.bos, *tokens]]
    h = T["embed.W_E"][ids] + T["pos_embed.W_pos"][:4]
    x = ln(h, "blocks.0.ln1")
    q, k, v = (x @ T[f"blocks.0.attn.W_{s}"][0] + T[f"blocks.0.attn.b_{s}"][0] for s in "QKV")
    s = q @ k.T / 2
    w = np.exp(s - s.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    h = h + w @ v @ T["blocks.0.attn.W_O"][0] + T["blocks.0.attn.b_O"]
    h = h + np.maximum(ln(h, "blocks.0.ln2") @ T["blocks.0.mlp.W_in"] + T["blocks.0.mlp.b_in"], 0) @ \
        T["blocks.0.mlp.W_out"] + T["blocks.0.mlp.b_out"]
    want = ln(h, "ln_final") @ T["unembed.W_U"] + T["unembed.b_U"]
    ib = IntervalBackend(prec=128)
    got = ib.to_list(evaluate(with_length(model.graph(), 4), ib, {"x": model.encode(tokens)})["logits"])[:4]
    for grow, wrow in zip(got, want):
        for g, f in zip(grow, wrow):
            lo, hi = ib.bounds(g)
            assert float(lo) - 1e-9 <= f <= float(hi) + 1e-9 and hi - lo < Fraction(1, 10 ** 20)
    assert export_model(model.graph(), model.config, tmp_path / "again") == "float32"
    assert fingerprint(load_model(tmp_path / "again").graph()) == fingerprint(model.graph())


@pytest.mark.parametrize("name, output", [("length_ab_L5", "length_1"), ("frac_prevs_ab_L8_causal", "frac_prevs_32"),
                                          ("sort_unique_1to5_L5", None)])
def test_from_tracr_reads_the_compiled_models_layout(name, output):
    """A stand-in with the attributes of tracr's AssembledTransformerModel (Haiku parameter names,
    residual labels, encoders), made from a fixture, converts back to the fixture's tensors."""
    from types import SimpleNamespace

    from symtrans.graph import fingerprint
    from symtrans.io.export import from_tracr

    model = load_model(MODELS / name)
    c, T = model.config, model.tensors
    labels = c["residual_labels"]
    if output is None:  # sort_unique's output label: the one whose directions the unembedding reads
        output = labels[int(np.argmax(T["unembed.W_U"][:, 0]))].split(":")[0]
    d, H, h = c["d_model"], c["n_heads"], c["d_head"]
    params = {"token_embed": {"embeddings": T["embed.W_E"]}, "pos_embed": {"embeddings": T["pos_embed.W_pos"]}}
    for l in range(c["n_layers"]):
        p, b = f"transformer/layer_{l}", f"blocks.{l}"
        for S, part in (("Q", "query"), ("K", "key"), ("V", "value")):
            params[f"{p}/attn/{part}"] = {"w": T[f"{b}.attn.W_{S}"].transpose(1, 0, 2).reshape(d, H * h),
                                          "b": T[f"{b}.attn.b_{S}"].reshape(H * h)}
        params[f"{p}/attn/linear"] = {"w": T[f"{b}.attn.W_O"].reshape(H * h, d), "b": T[f"{b}.attn.b_O"]}
        params[f"{p}/mlp/linear_1"] = {"w": T[f"{b}.mlp.W_in"], "b": T[f"{b}.mlp.b_in"]}
        params[f"{p}/mlp/linear_2"] = {"w": T[f"{b}.mlp.W_out"], "b": T[f"{b}.mlp.b_out"]}
    tok = c["tokenizer"]
    out = c["output"]
    fake = SimpleNamespace(
        params=params, residual_labels=labels,
        model_config=SimpleNamespace(num_heads=H, key_size=h, num_layers=c["n_layers"], layer_norm=False,
                                     causal=c["attention_dir"] == "causal", activation_function=None),
        input_encoder=SimpleNamespace(encoding_map={t: i for i, t in enumerate(tok["vocab"])}, bos_token=tok["bos"],
                                      pad_token=tok["pad"]),
        output_encoder=None if out["kind"] == "numerical" else SimpleNamespace(
            encoding_map={v: i for i, v in enumerate(out["values"])}))
    got = from_tracr(fake, output, name=name)
    assert fingerprint(got.graph()) == fingerprint(model.graph())
    assert got.output == {k: v for k, v in out.items() if k != "decode"}


def test_pt_files_need_the_torch_extra_or_load(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    shutil.copy(MODELS / "length_ab_L5" / "config.json", tmp_path / "m" / "config.json")
    try:
        import torch
    except ImportError:
        (tmp_path / "m" / "model.pt").write_bytes(b"not a pickle")
        assert main(["show", str(tmp_path / "m")]) == 2
        assert "needs the torch extra" in capsys.readouterr().err
        return
    model = load_model(MODELS / "length_ab_L5")
    torch.save({k: torch.from_numpy(v) for k, v in model.tensors.items()}, tmp_path / "m" / "model.pt")
    from symtrans.graph import fingerprint
    assert fingerprint(load_model(tmp_path / "m").graph()) == fingerprint(model.graph())


def test_a_process_pool_gives_the_same_certificate():
    """Pieces run on the executor in scope merge in input order: the certificate does not depend on it."""
    from symtrans.parallel import process_pool, workers

    model = load_model(MODELS / "hist_abc_L5")
    claim = _claim(model, cases("hist_abc_L5"))
    serial = verify(model.graph(), claim)
    with process_pool(2):
        assert workers() == 2
        pooled = verify(model.graph(), claim)
    assert workers() == 1
    assert serial.verdict == pooled.verdict == "PROVED"
    assert (serial.evidence, serial.counterexample) == (pooled.evidence, pooled.counterexample)
    wrong = [dict(c, expected=[None] * (len(c["input"]) - 1) + [0]) for c in cases("hist_abc_L5")]
    refuted_serial = verify(model.graph(), _claim(model, wrong))
    with process_pool(2):
        refuted_pooled = verify(model.graph(), _claim(model, wrong))
    assert refuted_serial.counterexample == refuted_pooled.counterexample


def test_a_reference_may_return_numpy_scalars(tmp_path, capsys):
    (tmp_path / "ref.py").write_text("import numpy as np\ndef f(tokens):\n    return [np.int64(len(tokens))] * len(tokens)\n")
    spec = tmp_path / "s.toml"
    spec.write_text(f'[construction]\nmodel = "{MODELS / "length_ab_L5"}"\n[target]\nkind = "decodes"\n'
                    f'reference = "ref.py:f"\n[domain]\nmax_len = 3\n')
    assert main(["verify", str(spec)]) == 0
    assert "PROVED" in capsys.readouterr().out
