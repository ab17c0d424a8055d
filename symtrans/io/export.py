"""Models out of symtrans and in from tracr: the TransformerLens layout written back, and tracr's
compiled models read from memory.

:func:`export_model` writes a graph built by :mod:`symtrans.transformer_lens` as a model folder,
never rounding a weight; :func:`from_tracr` reads an in-memory ``AssembledTransformerModel``
(tracr is never a dependency).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import SpecError
from ..graph import INPUTS, OP
from .transformer_lens import TLModel, _validate, load_model  # noqa: F401 - load_model: for the doctests

__all__ = ["export_model", "state_dict", "from_tracr"]


def _node_weights(G, node, field_="weight"):
    if node not in G:
        raise SpecError(f"the graph has no node {node!r}", field="graph",
                        expected="the layout symtrans.transformer_lens builds")
    W = getattr(G.nodes[node][OP], field_, None)
    return W


def _dense(W, shape=None):
    rows, cols = W.shape if W is not None else shape
    out = [[Fraction(0)] * cols for _ in range(rows)]
    for (i, j), v in (W.items() if W is not None else ()):
        if not isinstance(v, Fraction):
            raise SpecError("a weight has a free parameter", field="graph", expected="numbers only")
        out[i][j] = v
    return out


def _as_floats(tensors):
    """float32 arrays when every weight is a float32 exactly, else float64 ones, else refuse (no rounding)."""
    exact = {k: np.array(t, dtype=object) for k, t in tensors.items()}
    for dtype in (np.float32, np.float64):
        arrays = {k: e.astype(np.float64).astype(dtype) for k, e in exact.items()}
        if all(Fraction(float(a)) == v for k, e in exact.items() for a, v in zip(arrays[k].ravel(), e.ravel())):
            return arrays, np.dtype(dtype).name
    raise SpecError("a weight is not a float64 exactly (such as 1/3)", field="graph",
                    expected="weights that are binary fractions, or another format")


def export_model(G, config: dict, out) -> str:
    """Write ``G`` (in the layout :func:`load_model` builds) as a TransformerLens folder ``out``.

    ``config`` supplies what a graph does not hold (the tokenizer and the output description);
    the dimensions are read from the graph.  Weights are written as float32 when every one is a
    float32 exactly, else as float64 when every one is a float64 (the config says
    ``"weights_dtype": "float64"``), else refused: nothing is rounded.  Returns the dtype written.

    >>> import tempfile, pathlib
    >>> m = load_model(pathlib.Path(__file__).parent.parent / "data" / "tracr" / "length_ab_L5")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "copy"
    >>> export_model(m.graph(), m.config, out)
    'float32'
    >>> from symtrans.graph import fingerprint
    >>> fingerprint(load_model(out).graph()) == fingerprint(m.graph())
    True
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SpecError(f"{out} exists and is not empty", field="out", expected="a new folder")
    arrays, dtype, cfg = state_dict(G, config)
    from safetensors.numpy import save_file

    tmp = out.with_name(f".{out.name}.tmp")
    tmp.mkdir(parents=True, exist_ok=False)
    try:
        save_file({k: np.ascontiguousarray(a) for k, a in arrays.items()}, str(tmp / "model.safetensors"))
        (tmp / "config.json").write_text(json.dumps(cfg, indent=1), encoding="utf-8")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    finally:
        if tmp.exists():
            for f in tmp.iterdir():
                f.unlink()
            tmp.rmdir()
    return dtype


def state_dict(G, config: dict):
    """``(tensors, dtype, config)``: ``G``'s weights under TransformerLens's state-dict names, as float32
    arrays when every weight is a float32 exactly, else float64 ones, else refused (nothing is
    rounded); the config completed with the dimensions read from the graph.

    >>> import pathlib
    >>> m = load_model(pathlib.Path(__file__).parent.parent / "data" / "tracr" / "length_ab_L5")
    >>> tensors, dtype, cfg = state_dict(m.graph(), m.config)
    >>> dtype, tensors["blocks.0.attn.W_Q"].shape, cfg["n_ctx"]
    ('float32', (1, 17, 4), 6)
    """
    x = G.graph[INPUTS][0] if len(G.graph[INPUTS]) == 1 else None
    if x is None:
        raise SpecError("the graph has several inputs", field="graph", expected="one token input")
    n, width = G.nodes[x]["shape"]
    V = width - n
    emb = _dense(_node_weights(G, "embed"))
    d = len(emb[0])
    L = 1 + max((int(k.split(".")[0][1:]) for k in G if k.startswith("b") and k.endswith(".res1")), default=-1)
    H = 1 + max((int(k.split(".")[2][1:]) for k in G if k.startswith("b0.att.h") and k.endswith(".q")), default=-1)
    if L < 1 or H < 1:
        raise SpecError("the graph has no attention block in the importer's layout", field="graph")
    h = len(_dense(_node_weights(G, "b0.att.h0.q"))[0])
    weights = G.nodes["b0.att.h0.weights"][OP]
    if weights.rule != "softmax" or weights.beta != 1 or (weights.root or 1) != h:
        raise SpecError("attention is not softmax(QK^T / sqrt(d_head))", field="graph")
    causal = weights.mask is not None
    attn_only = "b0.ffn.hidden" not in G
    T = {"embed.W_E": emb[:V], "pos_embed.W_pos": emb[V:]}

    def bias(node, size):
        B = _node_weights(G, node, "bias")
        return _dense(B, (1, size))[0]

    for l in range(L):
        b = f"blocks.{l}.attn"
        for S, s in (("Q", "q"), ("K", "k"), ("V", "v")):
            T[f"{b}.W_{S}"] = [_dense(_node_weights(G, f"b{l}.att.h{k}.{s}")) for k in range(H)]
            T[f"{b}.b_{S}"] = [bias(f"b{l}.att.h{k}.{s}", h) for k in range(H)]
        T[f"{b}.W_O"] = [_dense(_node_weights(G, f"b{l}.att.h{k}.out")) for k in range(H)]
        T[f"{b}.b_O"] = bias(f"b{l}.att.bias", d)
        if not attn_only:
            m = f"blocks.{l}.mlp"
            T[f"{m}.W_in"] = _dense(_node_weights(G, f"b{l}.ffn.hidden"))
            T[f"{m}.b_in"] = bias(f"b{l}.ffn.hidden", len(T[f"{m}.W_in"][0]))
            T[f"{m}.W_out"] = _dense(_node_weights(G, f"b{l}.ffn.out"))
            T[f"{m}.b_out"] = bias(f"b{l}.ffn.out", d)
    norm = "LN" if "ln_final" in G else None
    if norm:
        eps = G.nodes["ln_final"][OP].eps
        if Fraction(float(eps)) != eps:
            raise SpecError(f"LayerNorm eps {eps} is not a float", field="graph", expected="a binary fraction")
        names = [("ln_final", "ln_final")] + [(f"b{l}.{ln}", f"blocks.{l}.{ln}") for l in range(L)
                                              for ln in ("ln1",) + (() if attn_only else ("ln2",))]
        for node, key in names:
            op = G.nodes[node][OP]
            T[f"{key}.w"], T[f"{key}.b"] = _dense(op.gamma)[0], _dense(op.beta)[0]
    T["unembed.W_U"] = _dense(_node_weights(G, "logits"))
    T["unembed.b_U"] = bias("logits", len(T["unembed.W_U"][0]))
    arrays, dtype = _as_floats(T)
    cfg = dict(config, n_layers=L, d_model=d, d_head=h, n_heads=H, d_vocab=V, n_ctx=n,
               d_vocab_out=len(T["unembed.W_U"][0]), d_mlp=None if attn_only else len(T["blocks.0.mlp.W_in"][0]),
               attn_only=attn_only, attention_dir="causal" if causal else "bidirectional", act_fn="relu",
               normalization_type=norm, positional_embedding_type="standard", use_attn_scale=True,
               attn_scale=math.sqrt(h))
    if norm:
        cfg["eps"] = float(eps)
    if dtype != "float32":
        cfg["weights_dtype"] = dtype
    return arrays, dtype, cfg


def from_tracr(assembled, output: str, name: str = "tracr") -> TLModel:
    """A tracr ``AssembledTransformerModel`` (in memory) as a :class:`TLModel`, in the layout above.

    tracr is never a dependency: this reads only the compiled model's attributes (``params`` in
    Haiku's naming, ``residual_labels``, ``input_encoder``, ``output_encoder``, ``model_config``).
    ``output`` is the RASP program's label: the unembedding reads the residual directions
    ``"{output}:{value}"`` (categorical, in the output encoder's order) or ``"{output}"``
    (numerical).  In CI (no tracr) it is tested on stand-ins built from the shipped fixtures;
    ``tests/test_from_tracr.py``, run where tracr is importable, checks that it reproduces the
    six fixtures exactly from freshly compiled programs.
    """
    cfg, params, labels = assembled.model_config, assembled.params, list(assembled.residual_labels)
    H, h, L = cfg.num_heads, cfg.key_size, cfg.num_layers
    arr = {k: {kk: np.asarray(vv) for kk, vv in v.items()} for k, v in params.items()}
    d = len(labels)
    enc = assembled.input_encoder
    vocab = [t for t, _ in sorted(enc.encoding_map.items(), key=lambda kv: kv[1])]
    T = {"embed.W_E": arr["token_embed"]["embeddings"], "pos_embed.W_pos": arr["pos_embed"]["embeddings"]}
    for l in range(L):
        p, b = f"transformer/layer_{l}", f"blocks.{l}"
        for S, part in (("Q", "query"), ("K", "key"), ("V", "value")):
            w = arr[f"{p}/attn/{part}"]
            T[f"{b}.attn.W_{S}"] = w["w"].reshape(d, H, h).transpose(1, 0, 2)
            T[f"{b}.attn.b_{S}"] = w["b"].reshape(H, h)
        T[f"{b}.attn.W_O"] = arr[f"{p}/attn/linear"]["w"].reshape(H, h, d)
        T[f"{b}.attn.b_O"] = arr[f"{p}/attn/linear"]["b"]
        T[f"{b}.mlp.W_in"] = arr[f"{p}/mlp/linear_1"]["w"]
        T[f"{b}.mlp.b_in"] = arr[f"{p}/mlp/linear_1"]["b"]
        T[f"{b}.mlp.W_out"] = arr[f"{p}/mlp/linear_2"]["w"]
        T[f"{b}.mlp.b_out"] = arr[f"{p}/mlp/linear_2"]["b"]
    out_enc = assembled.output_encoder
    if out_enc is not None and getattr(out_enc, "encoding_map", None):
        values = [v for v, _ in sorted(out_enc.encoding_map.items(), key=lambda kv: kv[1])]
        rows = [f"{output}:{v}" for v in values]
        output_desc = {"kind": "categorical", "values": values}
    else:
        rows, output_desc = [output], {"kind": "numerical"}
    missing = [r for r in rows if r not in labels]
    if missing:
        raise SpecError(f"the residual stream has no direction {missing[0]!r}", field="output",
                        expected="the RASP program's label")
    W_U = np.zeros((d, len(rows)), dtype=T["embed.W_E"].dtype)
    for j, r in enumerate(rows):
        W_U[labels.index(r), j] = 1
    T["unembed.W_U"], T["unembed.b_U"] = W_U, np.zeros(len(rows), dtype=W_U.dtype)
    act = getattr(cfg, "activation_function", None)
    config = {"n_layers": L, "d_model": d, "d_head": h, "n_heads": H, "d_mlp": T["blocks.0.mlp.W_in"].shape[1],
              "d_vocab": len(vocab), "d_vocab_out": len(rows), "n_ctx": T["pos_embed.W_pos"].shape[0],
              "act_fn": "relu" if act is None or getattr(act, "__name__", "") == "relu" else str(act),
              "normalization_type": "LN" if getattr(cfg, "layer_norm", False) else None,
              "attention_dir": "causal" if cfg.causal else "bidirectional", "attn_only": False,
              "use_attn_scale": True, "attn_scale": math.sqrt(h), "positional_embedding_type": "standard",
              "tokenizer": {"vocab": vocab, "bos": enc.bos_token, "pad": getattr(enc, "pad_token", None)},
              "output": output_desc, "residual_labels": labels}
    model = TLModel(name, config, T)
    _validate(model)
    return model
