"""Certified decoding of compiled models against a plain NumPy float64 forward pass, in one run.

For each tracr fixture (``symtrans/data/tracr``): every input of length 1..max_len over the
vocabulary.  Baseline: the forward pass a competent user writes with NumPy from the same
tensors (embedding lookup, attention with ``softmax(QK^T / sqrt(d_head))``, ReLU MLP,
unembed), float64, batched over the inputs of each length, argmax decode: what tracr's own
tests do, and no proof.  The claim symtrans proves is that the exact model decodes as the
float run does, at every position where the RASP program is defined.  symtrans: the ``decodes`` claim proved with Arb enclosures at every defined position
(``verify``), which also reports how many positions it certified.  Both run on the same
inputs; the script prints inputs per second for each and the ratio.

Run: ``python benchmarks/models.py [--fixture NAME] [--max-inputs N] [--workers N]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np

from symtrans import Claim, verify
from symtrans.io.transformer_lens import load_model
from symtrans.parallel import process_pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "examples",
                                "tracr"))
import _refs  # noqa: E402 - the RASP programs' reference outputs

REFS = {"length": _refs.length, "hist": _refs.hist, "detect": _refs.detect_ab, "sort": _refs.sort_unique,
        "frac": _refs.frac_prevs_a}
ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "symtrans", "data", "tracr")


def numpy_forward(model, batch):
    """The float64 logits of ``[BOS] + tokens`` for a batch of equal-length inputs, written directly
    from the tensors (batched over the inputs, as a competent NumPy user would)."""
    c, T = model.config, model.f64
    ids = np.array([[model.vocab.index(t) for t in [model.bos, *tokens]] for tokens in batch])
    n = ids.shape[1]
    h = T["embed.W_E"][ids] + T["pos_embed.W_pos"][:n]
    causal = np.tril(np.ones((n, n))) > 0
    for l in range(c["n_layers"]):
        b = f"blocks.{l}"
        att = np.zeros_like(h)
        for k in range(c["n_heads"]):
            q = h @ T[f"{b}.attn.W_Q"][k] + T[f"{b}.attn.b_Q"][k]
            kk = h @ T[f"{b}.attn.W_K"][k] + T[f"{b}.attn.b_K"][k]
            v = h @ T[f"{b}.attn.W_V"][k] + T[f"{b}.attn.b_V"][k]
            s = q @ np.swapaxes(kk, 1, 2) / np.sqrt(c["d_head"])
            if c["attention_dir"] == "causal":
                s = np.where(causal, s, -np.inf)
            w = np.exp(s - s.max(axis=2, keepdims=True))
            w /= w.sum(axis=2, keepdims=True)
            att += w @ v @ T[f"{b}.attn.W_O"][k]
        h = h + att + T[f"{b}.attn.b_O"]
        if not c.get("attn_only"):
            h = h + np.maximum(h @ T[f"{b}.mlp.W_in"] + T[f"{b}.mlp.b_in"], 0) @ T[f"{b}.mlp.W_out"] + T[f"{b}.mlp.b_out"]
    return h @ T["unembed.W_U"] + T["unembed.b_U"]


def decode(model, logits):
    if model.output["kind"] == "numerical":
        return [float(row[0]) for row in logits[1:]]
    return [model.output["values"][int(np.argmax(row))] for row in logits[1:]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixture", action="append", help="fixture folder name (default: all)")
    ap.add_argument("--max-inputs", type=int, default=None, help="only the first N inputs of each domain")
    ap.add_argument("--workers", type=int, default=1, help="symtrans's local worker processes (default 1)")
    args = ap.parse_args()
    names = args.fixture or sorted(n for n in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, n)))
    print(f"{'fixture':26s} {'inputs':>7s} {'numpy f64 in/s':>15s} {'symtrans in/s':>14s} {'ratio':>7s}  verdict")
    for name in names:
        model = load_model(os.path.join(ROOT, name))
        skip = {model.bos, model.config["tokenizer"].get("pad")}
        alphabet = [t for t in model.vocab if t not in skip]
        inputs = [list(s) for m in range(1, model.n_ctx) for s in itertools.product(alphabet, repeat=m)]
        inputs = inputs[:args.max_inputs]
        model.f64 = {k: v.astype(np.float64) for k, v in model.tensors.items()}
        start = time.perf_counter()
        logits = {}
        for m in range(1, model.n_ctx):
            batch = [seq for seq in inputs if len(seq) == m]
            if batch:
                for seq, out in zip(batch, numpy_forward(model, batch)):
                    logits[tuple(seq)] = out
        floats = [decode(model, logits[tuple(seq)]) for seq in inputs]
        t_np = time.perf_counter() - start
        # the reference: the float decodes where RASP defines the output (refs in docs/examples/tracr)
        ref = REFS[name.split("_")[0] if not name.startswith("sort") else "sort"]
        floats = [[f if r is not None else None for f, r in zip(row, ref(seq))] for row, seq in zip(floats, inputs)]
        data = {"vocab": model.vocab, "bos": model.bos, "inputs": inputs, "expected": floats,
                "values": model.output.get("values")}
        if model.output["kind"] == "numerical":  # the float outputs, exactly, within 1/1000
            data.update(values=None, tolerance="1/1000",
                        expected=[[str(Fraction(v)) for v in row] for row in floats])
        G = model.graph()
        with process_pool(args.workers):
            start = time.perf_counter()
            cert = verify(G, Claim("decodes", expected=data))
            t_st = time.perf_counter() - start
        print(f"{name:26s} {len(inputs):7d} {len(inputs) / t_np:15.0f} {len(inputs) / t_st:14.0f} "
              f"{t_st / t_np:6.1f}x  {cert.verdict.value}"
              + (f" at {cert.counterexample['input']} position {cert.counterexample['position']}"
                 if cert.counterexample else ""))


if __name__ == "__main__":
    main()
