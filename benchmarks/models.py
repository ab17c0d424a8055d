"""Certified decoding of compiled models against a plain NumPy float64 forward pass, in one run.

For each tracr fixture (``symtrans/data/tracr``): every input of length 1..max_len over the
vocabulary.  Baseline: the forward pass a competent user writes with NumPy from the same
tensors (embedding lookup, attention with ``softmax(QK^T / sqrt(d_head))``, ReLU MLP,
unembed), float64, batched over the inputs of each length, argmax decode: what tracr's own
tests do, and no proof.  The claim symtrans proves is that the exact model decodes as the
float run does, at every position where the RASP program is defined.  symtrans: the ``decodes`` claim proved with Arb enclosures at every defined position
(``verify``), which also reports how many positions it certified.  Both run on the same
inputs; the script prints inputs per second for each and the ratio.

Then a scaling table: ``length_ab_L12`` on every input up to ``max_len`` = 6, 8, 10, 12 (126 to
8,190 inputs), each in a fresh process, with both times, symtrans's peak memory (its process's
maximum resident set) and the slope of log time against log inputs, so a regression shows as a
change of slope.

Run: ``python benchmarks/models.py [--fixture NAME] [--max-inputs N] [--workers N] [--no-scaling]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import subprocess
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
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # NAME:MAX_LEN, one measurement as JSON (for the scaling table)
    args = ap.parse_args()
    names = args.fixture or sorted(n for n in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, n)))
    print(f"{'fixture':26s} {'inputs':>7s} {'numpy f64 in/s':>15s} {'symtrans in/s':>14s} {'ratio':>7s}  verdict")
    if args.one:
        name, max_len = args.one.split(":")
        t_np, t_st, n, cert = measure(name, None, args.workers, int(max_len))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"inputs": n, "numpy": t_np, "symtrans": t_st, "peak_mb": peak}))
        return
    for name in names:
        t_np, t_st, n, cert = measure(name, args.max_inputs, args.workers)
        print(f"{name:26s} {n:7d} {n / t_np:15.0f} {n / t_st:14.0f} "
              f"{t_st / t_np:6.1f}x  {cert.verdict.value}"
              + (f" at {cert.counterexample['input']} position {cert.counterexample['position']}"
                 if cert.counterexample else ""))
    if args.no_scaling:
        return
    print("\nscaling: length_ab_L12 on every input up to max_len (each size in a fresh process)")
    print(f"{'max_len':>7s} {'inputs':>7s} {'numpy s':>8s} {'symtrans s':>10s} {'ratio':>6s} {'peak MB':>8s} {'slope':>6s}")
    last = None
    for max_len in (6, 8, 10, 12):
        out = subprocess.run([sys.executable, __file__, "--one", f"length_ab_L12:{max_len}"], capture_output=True,
                             text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        slope = (math.log(r["symtrans"] / last["symtrans"]) / math.log(r["inputs"] / last["inputs"])
                 if last else float("nan"))
        print(f"{max_len:7d} {r['inputs']:7d} {r['numpy']:8.3f} {r['symtrans']:10.3f} "
              f"{r['symtrans'] / r['numpy']:5.1f}x {r['peak_mb']:8.0f} {slope:6.2f}")
        last = r
    print("slope: d log(time) / d log(inputs) between sizes (1 = linear)")


def measure(name, max_inputs, workers, max_len=None):
    """``(numpy seconds, symtrans seconds, inputs, certificate)`` for one fixture."""
    model = load_model(os.path.join(ROOT, name))
    skip = {model.bos, model.config["tokenizer"].get("pad")}
    alphabet = [t for t in model.vocab if t not in skip]
    top = model.n_ctx - 1 if max_len is None else max_len
    inputs = [list(s) for m in range(1, top + 1) for s in itertools.product(alphabet, repeat=m)]
    inputs = inputs[:max_inputs]
    model.f64 = {k: v.astype(np.float64) for k, v in model.tensors.items()}
    start = time.perf_counter()
    logits = {}
    for m in range(1, top + 1):
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
    with process_pool(workers):
        start = time.perf_counter()
        cert = verify(G, Claim("decodes", expected=data))
        t_st = time.perf_counter() - start
    return t_np, t_st, len(inputs), cert

if __name__ == "__main__":
    main()
