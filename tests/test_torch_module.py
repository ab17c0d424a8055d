"""The PyTorch module builder: its forward pass against symtrans's rigorous enclosures on every
fixture, built from a loaded model and from a graph (the export path), and its refusals."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from symtrans.backends.box import BoxBackend
from symtrans.errors import SpecError
from symtrans.interpret import evaluate
from symtrans.io.torch_module import to_torch
from symtrans.io.transformer_lens import encode_many, load_model, with_length

MODELS = Path(__file__).resolve().parent.parent / "symtrans" / "data" / "tracr"
FIXTURES = sorted(p.name for p in MODELS.iterdir() if p.is_dir())


def test_without_torch_the_builder_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    with pytest.raises(SpecError, match="torch extra.*download.pytorch.org/whl/cpu"):
        to_torch(load_model(MODELS / "length_ab_L5"))


@pytest.mark.parametrize("name", FIXTURES)
def test_round_trip_torch_forward_lies_in_the_enclosures(name):
    torch = pytest.importorskip("torch")
    model = load_model(MODELS / name)
    from_model, from_graph = to_torch(model), to_torch(model.graph(), model.config)
    for key, t in from_model.state_dict_tl().items():  # the export path gives the same weights
        assert torch.equal(t, from_graph.state_dict_tl()[key]), key
    G = model.graph()
    alphabet = [t for t in model.vocab if t not in (model.bos, model.config["tokenizer"].get("pad"))]
    for m in range(1, model.n_ctx):
        seqs = [list(s) for s in itertools.islice(itertools.product(alphabet, repeat=m), 64)]
        with torch.no_grad():
            logits = from_model(from_model.tokenize(seqs)).numpy()
        box = evaluate(with_length(G, m + 1), BoxBackend(),
                       {"x": encode_many(model.vocab, model.bos, model.n_ctx, seqs)})["logits"]
        lo, hi = np.broadcast_arrays(box.lo, box.hi)
        lo, hi = lo[:, :m + 1], hi[:, :m + 1]
        slack = 1e-9 * (1 + np.abs(logits))  # float64 rounding of the torch run
        assert np.all(lo - slack <= logits) and np.all(logits <= hi + slack), (name, m)
        assert np.all(hi - lo < 1e-6), (name, m)  # the enclosures are tight enough to mean something


def test_float32_only_where_every_weight_is_a_float32():
    pytest.importorskip("torch")
    from fractions import Fraction

    from symtrans.graph import replace_weight

    model = load_model(MODELS / "length_ab_L5")
    assert to_torch(model, dtype="float32").decode([["a", "b"]]) == [[2, 2]]
    G = replace_weight(model.graph(), "logits", "weight", (0, 0), 1 + Fraction(1, 2 ** 40))  # a float64 only
    with pytest.raises(SpecError, match="not float32 exactly"):
        to_torch(G, model.config, dtype="float32")
    assert float(to_torch(G, model.config).state_dict_tl()["unembed.W_U"][0, 0]) == 1 + 2 ** -40
    with pytest.raises(SpecError, match="dtype"):
        to_torch(model, dtype="float16")
