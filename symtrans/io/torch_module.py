"""A PyTorch module from a model in the TransformerLens layout (the ``torch`` extra).

:func:`to_torch` builds an ``nn.Module`` whose parameters carry TransformerLens's state-dict
names (``embed.W_E``, ``blocks.0.attn.W_Q``, ...), from a symtrans graph in the importer's layout
(through :func:`~symtrans.io.export.state_dict`, which never rounds a weight) or from a loaded
:class:`~symtrans.io.transformer_lens.TLModel`.  Its forward pass is the graph's semantics in
floats: token plus positional embedding, attention ``softmax(QK^T / sqrt(d_head))`` per head
(causal when the config says so), ReLU MLPs, LayerNorm, unembedding.  It proves nothing; it is
for running a certified model where PyTorch runs (``tests/test_torch_module.py`` checks its
output against symtrans's enclosures on every fixture).

torch is imported only when a module is built.  The CPU-only wheel is enough::

    pip install torch --index-url https://download.pytorch.org/whl/cpu

>>> import pathlib
>>> from symtrans.io.transformer_lens import load_model
>>> model = load_model(pathlib.Path(__file__).parent.parent / "data" / "tracr" / "length_ab_L5")
>>> net = to_torch(model)                                                    # doctest: +SKIP
>>> net.decode([["a", "b", "a"]])                                            # doctest: +SKIP
[[3, 3, 3]]
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import SpecError
from .export import state_dict
from .transformer_lens import TLModel, token_ids

__all__ = ["to_torch"]

_CPU_WHEEL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def _torch():
    try:
        import torch
    except ImportError:
        raise SpecError(f"building a PyTorch module needs the torch extra (the CPU-only wheel is enough: "
                        f"{_CPU_WHEEL})", field="torch") from None
    return torch


def to_torch(model, config: dict = None, dtype: str = "float64"):
    """An ``nn.Module`` computing ``model``'s logits from token ids ``(batch, positions)``, BOS first.

    ``model`` is a :class:`~symtrans.io.transformer_lens.TLModel` or a symtrans graph in the
    importer's layout (then ``config`` supplies the tokenizer and the output description, as for
    :func:`~symtrans.io.export.export_model`).  ``dtype``: ``"float64"`` (default) or
    ``"float32"``, the precision of the forward pass; every weight converts exactly to float64,
    and to float32 only when it is a float32 (else refused: nothing is rounded).

    The module has ``tokenize(sequences)`` (token lists to ids, BOS prepended), ``forward(ids)``
    and ``decode(sequences)`` (the categorical values, or the numbers, at positions 1..n).
    """
    torch = _torch()
    if dtype not in ("float64", "float32"):
        raise SpecError(f"dtype {dtype!r}", field="dtype", expected="'float64' or 'float32'")
    if isinstance(model, TLModel):
        tensors, cfg = {k: np.asarray(v) for k, v in model.tensors.items()}, dict(model.config)
    else:
        if config is None:
            raise SpecError("a graph needs its config (the tokenizer and the output)", field="config")
        tensors, _, cfg = state_dict(model, config)
    if dtype == "float32":
        for key, t in tensors.items():
            if not np.array_equal(t.astype(np.float32).astype(np.float64), t.astype(np.float64)):
                raise SpecError(f"tensor {key} is not float32 exactly", field=key, expected="dtype='float64'")
    module = _module_class(torch)(cfg, {k: torch.tensor(np.asarray(v, dtype=np.float64)).to(getattr(torch, dtype))
                                        for k, v in tensors.items()})
    module.eval()
    return module


_CLASS = {}


def _module_class(torch):
    """The module class, made once torch is imported (this file imports without torch)."""
    if "module" in _CLASS:
        return _CLASS["module"]
    nn = torch.nn

    class TransformerLensModule(nn.Module):
        """TransformerLens's forward pass on its state-dict names (ReLU MLPs, LN/LNPre, standard positions)."""

        def __init__(self, config, tensors):
            super().__init__()
            self.config = config
            self._names = {}
            for key, t in tensors.items():
                name = key.replace(".", "__")
                self._names[key] = name
                self.register_parameter(name, nn.Parameter(t, requires_grad=False))

        def state_dict_tl(self):
            """The parameters under their TransformerLens names."""
            return {key: getattr(self, name).detach() for key, name in self._names.items()}

        def _p(self, key):
            return getattr(self, self._names[key])

        def _norm(self, h, key):
            kind = self.config.get("normalization_type")
            if kind is None:
                return h
            centred = h - h.mean(dim=-1, keepdim=True)
            scale = (centred.pow(2).mean(dim=-1, keepdim=True) + self.config.get("eps", 1e-5)).sqrt()
            y = centred / scale
            return y * self._p(f"{key}.w") + self._p(f"{key}.b") if kind == "LN" else y

        def forward(self, ids):
            c = self.config
            n = ids.shape[1]
            h = self._p("embed.W_E")[ids] + self._p("pos_embed.W_pos")[:n]
            root = math.sqrt(c["d_head"]) if c.get("use_attn_scale", True) else 1.0
            causal = torch.tril(torch.ones(n, n, dtype=torch.bool))
            for l in range(c["n_layers"]):
                b = f"blocks.{l}"
                x = self._norm(h, f"{b}.ln1")
                q = torch.einsum("bpd,hde->bhpe", x, self._p(f"{b}.attn.W_Q")) + self._p(f"{b}.attn.b_Q")[:, None]
                k = torch.einsum("bpd,hde->bhpe", x, self._p(f"{b}.attn.W_K")) + self._p(f"{b}.attn.b_K")[:, None]
                v = torch.einsum("bpd,hde->bhpe", x, self._p(f"{b}.attn.W_V")) + self._p(f"{b}.attn.b_V")[:, None]
                scores = q @ k.transpose(-1, -2) / root
                if c.get("attention_dir") == "causal":
                    scores = scores.masked_fill(~causal, float("-inf"))
                z = torch.softmax(scores, dim=-1) @ v
                h = h + torch.einsum("bhpe,hed->bpd", z, self._p(f"{b}.attn.W_O")) + self._p(f"{b}.attn.b_O")
                if not c.get("attn_only"):
                    x = self._norm(h, f"{b}.ln2")
                    hidden = torch.relu(x @ self._p(f"{b}.mlp.W_in") + self._p(f"{b}.mlp.b_in"))
                    h = h + hidden @ self._p(f"{b}.mlp.W_out") + self._p(f"{b}.mlp.b_out")
            h = self._norm(h, "ln_final")
            return h @ self._p("unembed.W_U") + self._p("unembed.b_U")

        def tokenize(self, sequences):
            """Token lists of one length as ids ``(batch, length + 1)``, BOS first."""
            tok = self.config["tokenizer"]
            lengths = {len(s) for s in sequences}
            if len(lengths) != 1:
                raise SpecError("sequences of different lengths", field="sequences", expected="one length per call")
            return torch.tensor(token_ids(tok["vocab"], tok["bos"], lengths.pop() + 1, sequences))

        def decode(self, sequences):
            """The output at positions 1..n of each sequence: ``values[argmax]`` or logit 0."""
            with torch.no_grad():
                logits = self(self.tokenize(sequences))[:, 1:]
            out = self.config["output"]
            if out.get("kind") == "numerical":
                return logits[:, :, 0].tolist()
            return [[out["values"][int(i)] for i in row] for row in logits.argmax(dim=-1)]

    _CLASS["module"] = TransformerLensModule
    return TransformerLensModule
