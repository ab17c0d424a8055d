"""Transformers in the TransformerLens layout, imported as graphs with exact rational weights.

A model folder holds ``model.safetensors`` (or ``model.npz``, or ``model.pt`` with the torch
extra) with the tensors of a
TransformerLens ``HookedTransformer`` state dict, and ``config.json`` with its
``HookedTransformerConfig`` fields plus a ``tokenizer`` (vocabulary, BOS) and an
``output`` description (categorical ``values`` or numerical), as in
``symtrans/data/tracr`` (models compiled by tracr).  Every float weight converts to the
rational it denotes exactly (a float32 is a dyadic rational).

The graph for a model reads one matrix ``x`` of ``n_ctx`` rows, row ``i`` the one-hot of
token ``i`` followed by the one-hot of position ``i``; the embedding is one linear map (the
token and positional tables stacked).  Each block is the usual pre-residual sum: attention
heads ``softmax(Q K^T / attn_scale)`` with ``attn_scale = sqrt(d_head)`` kept exact as
``Normalize(root=d_head)`` (enclosed rigorously by interval backends; never a rounded
rational), an optional causal mask, then a ReLU MLP; with ``normalization_type`` ``"LN"`` or
``"LNPre"``, LayerNorm before attention, before the MLP and before the unembedding
(its square root, like the scale's, is enclosed by interval backends only).  A sequence shorter than ``n_ctx``
is evaluated on :func:`with_length`'s graph, whose attention only sees its first ``m``
keys (the rows after them carry padding and are not read), which equals the model run on
the ``m`` tokens alone because every other op acts row by row.

>>> from pathlib import Path
>>> model = load_model(Path(__file__).parent.parent / "data" / "tracr" / "length_ab_L5")
>>> model.describe().splitlines()[0]
'length_ab_L5: 1 layer, d_model 17, 1 head of width 4, MLP width 12, 6 positions, bidirectional, vocabulary BOS PAD a b'
>>> G = model.graph()
>>> G.nodes["b0.att.h0.weights"]["op"].root
4
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import networkx as nx
import numpy as np

from ..errors import SpecError
from ..graph import INPUTS, OP, add_input, add_op, arguments, new_graph, set_outputs
from ..ops import Add, LayerNorm, Linear, Mask, MatMul, Normalize, ReLU, Scores
from ..weights import Weights

__all__ = ["TLModel", "load_model", "with_length", "encode"]

#: Config fields this importer reads, and the values it supports where there is a choice.
SUPPORTED = {"act_fn": ("relu",), "normalization_type": (None, "LN", "LNPre"), "positional_embedding_type": ("standard",),
             "attention_dir": ("bidirectional", "causal")}


def _exact_matrix(a, name):
    """A 2-D float array as exact rational Weights (each float is the dyadic rational it denotes)."""
    if not np.all(np.isfinite(a)):
        raise SpecError(f"tensor {name} has a NaN or infinite entry", field=name, expected="finite weights")
    rows, cols = a.shape
    return Weights((rows, cols), {(i, j): Fraction(float(v)) for (i, j), v in np.ndenumerate(a) if v != 0})


@dataclass
class TLModel:
    """A model read by :func:`load_model`: its config, its tensors (NumPy) and where it came from."""

    name: str
    config: dict
    tensors: dict
    path: Path = None
    _graph: object = field(default=None, repr=False)

    @property
    def vocab(self) -> list:
        return list(self.config["tokenizer"]["vocab"])

    @property
    def bos(self) -> str:
        return self.config["tokenizer"]["bos"]

    @property
    def n_ctx(self) -> int:
        return self.config["n_ctx"]

    @property
    def output(self) -> dict:
        return self.config["output"]

    def describe(self) -> str:
        """The structure, layer by layer, in a few lines."""
        c = self.config
        lines = [f"{self.name}: {c['n_layers']} layer{'s' if c['n_layers'] != 1 else ''}, d_model {c['d_model']}, "
                 f"{c['n_heads']} head{'s' if c['n_heads'] != 1 else ''} of width {c['d_head']}, "
                 f"MLP width {c.get('d_mlp') or 0}, {c['n_ctx']} positions, {c['attention_dir']}, "
                 f"vocabulary {' '.join(map(str, self.vocab))}"]
        out = self.output
        lines.append(f"  output: {out['kind']}" + (f" values {out['values']}" if out["kind"] == "categorical" else ""))
        for l in range(c["n_layers"]):
            mlp = "" if c.get("attn_only") else f", MLP {c['d_model']} -> {c['d_mlp']} -> {c['d_model']} (ReLU)"
            lines.append(f"  block {l}: attention {c['n_heads']} x {c['d_head']} "
                         f"(scale 1/sqrt({c['d_head']})){mlp}")
        return "\n".join(lines)

    def graph(self):
        """The model as a graph over all ``n_ctx`` positions (built once)."""
        if self._graph is None:
            self._graph = _build(self)
        return self._graph

    def encode(self, tokens) -> list:
        """``[BOS] + tokens`` as the graph's input rows (see :func:`encode`)."""
        return encode(self.vocab, self.bos, self.n_ctx, tokens)


def load_model(path) -> TLModel:
    """Read a model folder (``config.json`` and ``model.safetensors`` or ``model.npz``)."""
    path = Path(path)
    if not path.is_dir():
        raise SpecError(f"{path}: not a model folder", expected="a folder with config.json and model.safetensors")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"{path / 'config.json'}: {exc.strerror}") from None
    except (ValueError, RecursionError) as exc:
        raise SpecError(f"{path / 'config.json'}: not valid JSON ({str(exc)[:80]})") from None
    if not isinstance(config, dict):
        raise SpecError(f"{path / 'config.json'}: not an object")
    tensors = _read_tensors(path)
    model = TLModel(path.name, config, tensors, path)
    try:
        _validate(model)
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None
    return model


def _read_tensors(path):
    st, npz = path / "model.safetensors", path / "model.npz"
    if st.exists():
        try:
            from safetensors.numpy import load_file
        except ImportError:  # pragma: no cover - safetensors is a dependency
            raise SpecError("reading .safetensors needs the safetensors package (pip install safetensors)") from None
        try:
            return dict(load_file(str(st)))
        except Exception as exc:  # noqa: BLE001 - a malformed file: one line
            raise SpecError(f"{st}: not a readable safetensors file ({str(exc)[:80]})") from None
    if npz.exists():
        try:
            with np.load(npz, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except Exception as exc:  # noqa: BLE001
            raise SpecError(f"{npz}: not a readable npz file ({str(exc)[:80]})") from None
    pt = path / "model.pt"
    if pt.exists():
        try:
            import torch
        except ImportError:
            raise SpecError(f"{pt}: reading .pt files needs the torch extra (pip install symtrans[torch]; the "
                            "CPU-only wheel is enough: pip install torch --index-url "
                            "https://download.pytorch.org/whl/cpu)") from None
        try:  # weights_only: a state dict of tensors, never arbitrary pickled code
            state = torch.load(str(pt), map_location="cpu", weights_only=True)
            return {k: v.detach().cpu().numpy() for k, v in state.items()}
        except Exception as exc:  # noqa: BLE001 - a malformed file: one line
            raise SpecError(f"{pt}: not a readable state dict ({str(exc)[:80]})") from None
    raise SpecError(f"{path}: no model.safetensors, model.npz or model.pt", field="model")


def _int(config, key, lo=1):
    v = config.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise SpecError(f"config {key} = {v!r}", field=key, expected=f"an integer >= {lo}")
    return v


def _validate(model):
    c = model.config
    for key, allowed in SUPPORTED.items():
        if c.get(key) not in allowed:
            raise SpecError(f"config {key} = {c.get(key)!r} is not supported", field=key,
                            expected=" or ".join(repr(a) for a in allowed))
    L, d, h, H, V, n = (_int(c, k) for k in ("n_layers", "d_model", "d_head", "n_heads", "d_vocab", "n_ctx"))
    attn_only = bool(c.get("attn_only"))
    m = 0 if attn_only else _int(c, "d_mlp")
    Vout = _int(c, "d_vocab_out")
    if c.get("use_attn_scale", True):
        scale = c.get("attn_scale", math.sqrt(h))
        if not isinstance(scale, (int, float)) or abs(scale - math.sqrt(h)) > 1e-6 * math.sqrt(h):
            raise SpecError(f"config attn_scale = {scale!r}", field="attn_scale",
                            expected=f"sqrt(d_head) = {math.sqrt(h):.6g} (other scales are not supported)")
    tok = c.get("tokenizer")
    if not isinstance(tok, dict) or not isinstance(tok.get("vocab"), list) or len(tok["vocab"]) != V:
        raise SpecError("config tokenizer.vocab must list the d_vocab tokens", field="tokenizer.vocab",
                        expected=f"{V} names")
    if tok.get("bos") not in tok["vocab"]:
        raise SpecError(f"the BOS token {tok.get('bos')!r} is not in the vocabulary", field="tokenizer.bos")
    out = c.get("output")
    if not isinstance(out, dict) or out.get("kind") not in ("categorical", "numerical"):
        raise SpecError("config output.kind must be 'categorical' or 'numerical'", field="output.kind")
    if out["kind"] == "categorical" and (not isinstance(out.get("values"), list) or len(out["values"]) != Vout):
        raise SpecError("config output.values must list one value per output logit", field="output.values",
                        expected=f"{Vout} values")
    shapes = {"embed.W_E": (V, d), "pos_embed.W_pos": (n, d), "unembed.W_U": (d, Vout), "unembed.b_U": (Vout,)}
    for l in range(L):
        b = f"blocks.{l}"
        shapes.update({f"{b}.attn.W_Q": (H, d, h), f"{b}.attn.W_K": (H, d, h), f"{b}.attn.W_V": (H, d, h),
                       f"{b}.attn.W_O": (H, h, d), f"{b}.attn.b_Q": (H, h), f"{b}.attn.b_K": (H, h),
                       f"{b}.attn.b_V": (H, h), f"{b}.attn.b_O": (d,)})
        if not attn_only:
            shapes.update({f"{b}.mlp.W_in": (d, m), f"{b}.mlp.b_in": (m,), f"{b}.mlp.W_out": (m, d),
                           f"{b}.mlp.b_out": (d,)})
    if c.get("normalization_type") == "LN":
        for l in range(L):
            for ln in ("ln1",) + (() if attn_only else ("ln2",)):
                shapes.update({f"blocks.{l}.{ln}.w": (d,), f"blocks.{l}.{ln}.b": (d,)})
        shapes.update({"ln_final.w": (d,), "ln_final.b": (d,)})
    if c.get("normalization_type") is not None:
        eps = c.get("eps", 1e-5)
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
            raise SpecError(f"config eps = {eps!r}", field="eps", expected="a LayerNorm epsilon between 0 and 1")
    for key, shape in shapes.items():
        t = model.tensors.get(key)
        if t is None:
            raise SpecError(f"tensor {key} is missing", field=key, expected=f"shape {list(shape)}")
        if tuple(t.shape) != shape:
            raise SpecError(f"tensor {key} has shape {list(t.shape)}", field=key, expected=f"shape {list(shape)} "
                            "from the config")
        if not np.issubdtype(t.dtype, np.floating) or not np.all(np.isfinite(t)):
            raise SpecError(f"tensor {key} has a NaN, an infinity or a non-float dtype", field=key,
                            expected="finite float weights")


def _row(v):
    return _exact_matrix(np.asarray(v)[None, :], "bias")


def _build(model):
    c, T = model.config, model.tensors
    n, V, H = c["n_ctx"], c["d_vocab"], c["n_heads"]
    G = new_graph(model.name)
    x = add_input(G, "x", (n, V + n), [f"x_{i}_{j}" for i in range(n) for j in range(V + n)])
    table = np.vstack([T["embed.W_E"], T["pos_embed.W_pos"]]).astype(np.float64)
    h = add_op(G, "embed", Linear(_exact_matrix(table, "embed.W_E / pos_embed.W_pos")), [x],
               origin={"role": "embed"})
    mask = Mask.causal(n) if c["attention_dir"] == "causal" else None
    root = c["d_head"] if c.get("use_attn_scale", True) else None
    norm = c.get("normalization_type")

    def layer_norm(h, name, key):
        """TransformerLens's LayerNorm (LN: learned w and b; LNPre: none), exact epsilon."""
        if norm is None:
            return h
        d = c["d_model"]
        w = _row(T[f"{key}.w"]) if norm == "LN" else Weights((1, d), {(0, j): 1 for j in range(d)})
        b = _row(T[f"{key}.b"]) if norm == "LN" else Weights((1, d), {})
        return add_op(G, name, LayerNorm(w, b, eps=Fraction(c.get("eps", 1e-5))), [h], origin={"role": "norm"})

    for l in range(c["n_layers"]):
        b, heads = f"blocks.{l}.attn", []
        h_in = layer_norm(h, f"b{l}.ln1", f"blocks.{l}.ln1")
        for k in range(H):
            p, org = f"b{l}.att.h{k}", {"block": l, "head": k, "role": "attention"}
            q, kk, v = (add_op(G, f"{p}.{s}", Linear(_exact_matrix(T[f"{b}.W_{S}"][k], f"{b}.W_{S}"),
                                                     _row(T[f"{b}.b_{S}"][k])), [h_in], origin=dict(org, part=s))
                        for s, S in (("q", "Q"), ("k", "K"), ("v", "V")))
            s_ = add_op(G, f"{p}.scores", Scores(), [q, kk], origin=dict(org, part="scores"))
            w = add_op(G, f"{p}.weights", Normalize("softmax", mask=mask, root=root), [s_],
                       origin=dict(org, part="weights"))
            z = add_op(G, f"{p}.mix", MatMul(), [w, v], origin=dict(org, part="mix"))
            heads.append(add_op(G, f"{p}.out", Linear(_exact_matrix(T[f"{b}.W_O"][k], f"{b}.W_O")), [z],
                                origin=dict(org, part="output")))
        bias = add_op(G, f"b{l}.att.bias", Linear(Weights((c["d_model"], c["d_model"]), {}),
                                                  _row(T[f"{b}.b_O"])), [h], origin={"block": l, "role": "attention"})
        h = add_op(G, f"b{l}.res1", Add(), [h, *heads, bias], origin={"block": l, "role": "residual"})
        if not c.get("attn_only"):
            m, org = f"blocks.{l}.mlp", {"block": l, "role": "ffn"}
            h_in = layer_norm(h, f"b{l}.ln2", f"blocks.{l}.ln2")
            hid = add_op(G, f"b{l}.ffn.hidden", Linear(_exact_matrix(T[f"{m}.W_in"], f"{m}.W_in"),
                                                        _row(T[f"{m}.b_in"])), [h_in], origin=dict(org, part="hidden"))
            act = add_op(G, f"b{l}.ffn.relu", ReLU(), [hid], origin=dict(org, part="relu"))
            out = add_op(G, f"b{l}.ffn.out", Linear(_exact_matrix(T[f"{m}.W_out"], f"{m}.W_out"),
                                                     _row(T[f"{m}.b_out"])), [act], origin=dict(org, part="output"))
            h = add_op(G, f"b{l}.res2", Add(), [h, out], origin={"block": l, "role": "residual"})
    h = layer_norm(h, "ln_final", "ln_final")
    logits = add_op(G, "logits", Linear(_exact_matrix(T["unembed.W_U"], "unembed.W_U"), _row(T["unembed.b_U"])),
                    [h], origin={"role": "readout"})
    set_outputs(G, [logits])
    return G


def token_ids(vocab, bos, n: int, sequences) -> np.ndarray:
    """The vocabulary rows of ``[bos] + tokens`` for sequences of one length, padded with ``bos`` to
    ``n`` positions: an integer array ``(batch, n)``.  A token outside the vocabulary, or a sequence
    longer than ``n - 1``, is a one-line error.

    >>> token_ids(["BOS", "a"], "BOS", 3, [["a"], ["a"]]).tolist()
    [[0, 1, 0], [0, 1, 0]]
    """
    vocab = list(vocab)
    index = {t: i for i, t in enumerate(vocab)}
    if bos not in index:
        raise SpecError(f"token {bos!r} is not in the vocabulary", field="input", expected=" ".join(map(str, vocab)))
    ids = np.full((len(sequences), n), index[bos], dtype=np.intp)
    for b, tokens in enumerate(sequences):
        if len(tokens) + 1 > n:
            raise SpecError(f"an input of {len(tokens)} tokens is longer than the model's {n - 1}", field="input")
        try:
            ids[b, 1:len(tokens) + 1] = [index[t] for t in tokens]
        except KeyError as err:
            raise SpecError(f"token {err.args[0]!r} is not in the vocabulary", field="input",
                            expected=" ".join(map(str, vocab))) from None
    return ids


def encode_many(vocab, bos, n: int, sequences) -> np.ndarray:
    """The ``n`` input rows of each ``[bos] + tokens`` (sequences of one length), a float array
    ``(batch, n, V + n)``: the token's one-hot over ``vocab``, then the position's one-hot over
    ``n``; rows after the sequence repeat ``bos`` (attention never sees them).

    >>> encode_many(["BOS", "a"], "BOS", 3, [["a"]]).tolist() == [encode(["BOS", "a"], "BOS", 3, ["a"])]
    True
    """
    ids = token_ids(vocab, bos, n, sequences)
    V = len(list(vocab))
    out = np.zeros((len(sequences), n, V + n))
    np.put_along_axis(out, ids[:, :, None], 1.0, axis=2)
    out[:, np.arange(n), V + np.arange(n)] = 1.0
    return out


def encode(vocab, bos, n: int, tokens) -> list:
    """:func:`encode_many` of one sequence, as nested lists of the integers 0 and 1.

    >>> encode(["BOS", "a"], "BOS", 3, ["a"])
    [[1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 0, 0, 0, 1]]
    """
    return encode_many(vocab, bos, n, [tokens])[0].astype(int).tolist()


def with_length(G, m: int):
    """``G`` whose attention sees only the first ``m`` keys: the model on ``m`` tokens, in rows ``0..m-1``.

    Every op other than attention acts row by row, so rows ``0..m-1`` of the result equal the
    model run on the first ``m`` rows alone.  Refuses a graph with any other token-mixing op.

    >>> from symtrans.ops import Mask
    >>> G = new_graph(); x = add_input(G, "x", (3, 1))
    >>> s = add_op(G, "s", Scores(), [x, x]); w = add_op(G, "w", Normalize("softmax", mask=Mask.causal(3)), [s])
    >>> set_outputs(G, [add_op(G, "y", MatMul(), [w, x])])
    >>> sorted(with_length(G, 2).nodes["w"]["op"].mask.allowed)
    [(0, 0), (1, 0), (1, 1), (2, 0), (2, 1)]
    """
    H = G.copy()
    for node in nx.topological_sort(G):
        op = G.nodes[node][OP]
        if node in G.graph[INPUTS] or isinstance(op, (Linear, Add, ReLU, Scores, LayerNorm)):
            continue
        if isinstance(op, MatMul) and not op.transpose_b and isinstance(G.nodes[arguments(G, node)[0]][OP], Normalize):
            continue  # attention weights times values: the masked keys' rows get weight 0
        if isinstance(op, Normalize) and op.axis == "row":
            rows, cols = G.nodes[node]["shape"]
            old = op.mask.allowed if op.mask is not None else {(i, j) for i in range(rows) for j in range(cols)}
            allowed = {(i, j) for i, j in old if j < m}
            H.nodes[node][OP] = Normalize(op.rule, op.beta, op.axis, Mask((rows, cols), allowed), op.root)
            continue
        raise SpecError(f"node {node!r}: {type(op).__name__} mixes tokens in a way with_length cannot restrict",
                        node=node, expected="row-wise ops and row-normalised attention")
    return H

