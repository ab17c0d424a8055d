"""Symbolic evaluation: the poly backend against naive SymPy, on the same graph, in one run.

The graph: 3 blocks of single-head linear attention with residuals, 4 tokens, width 8, 2 input
variables, random small rational weights (seeded).  Each block triples the degree, so the output
has degree 27.

Baseline: the same graph walked op by op with SymPy ``Matrix`` objects of expressions, each
product followed by ``expand`` (what one writes by hand with SymPy).  symtrans: ``evaluate`` on
the ``poly`` backend (python-flint ``fmpq_mpoly``, sparse matrices).

Run: ``python benchmarks/core.py [--seed N] [--repeat K] [--no-scaling]``.  Prints both times, the
ratio and the number of output terms, and checks that both sides agree; then a scaling table over
1 to 4 blocks (each in a fresh process: time, peak memory, slope of log time against log terms).
"""

from __future__ import annotations

import argparse
import random
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import sympy

from symtrans import (Channels, Head, PolyBackend, Weights, add_input, block, embedding, evaluate,
                      new_graph, readout, set_outputs)
from symtrans.graph import INPUTS, OP, OUTPUTS, arguments
from symtrans.ops import Add, Embed, Linear, MatMul, Normalize, Rows, Scores

TOKENS, WIDTH, D_IN, HEAD_DIM, BLOCKS = 4, 8, 2, 4, 3


def _weights(rng, rows, cols, density=0.5):
    return Weights((rows, cols), {(i, j): Fraction(rng.randint(-3, 3), rng.choice((1, 2, 3, 4)))
                                  for i in range(rows) for j in range(cols) if rng.random() < density})


def build(seed: int = 0, blocks: int = None):
    blocks = BLOCKS if blocks is None else blocks
    rng = random.Random(seed)
    ch = Channels([("S", WIDTH)])
    G = new_graph("bench-core")
    x = add_input(G, "x", (1, D_IN))
    writes = [(t, ("S", i), c, Fraction(rng.randint(-2, 2), rng.choice((1, 2))))
              for t in range(TOKENS) for i in range(WIDTH) for c in range(D_IN + 1) if rng.random() < 0.6]
    H = embedding(G, x, ch, TOKENS, writes)
    for b in range(1, blocks + 1):
        head = Head(_weights(rng, WIDTH, HEAD_DIM), _weights(rng, WIDTH, HEAD_DIM),
                    _weights(rng, WIDTH, HEAD_DIM), _weights(rng, HEAD_DIM, WIDTH))
        H = block(G, H, [head], index=b)
    set_outputs(G, [readout(G, H, _weights(rng, WIDTH, 1, 1.0), tokens=tuple(range(TOKENS)))])
    return G


def _sym(W):
    M = sympy.zeros(*W.shape)
    for (i, j), v in W.items():
        M[i, j] = v if isinstance(v, sympy.Basic) else sympy.Rational(v.numerator, v.denominator)
    return M


def _walk(G, inputs, const, product, rows, after=lambda m: m):
    """Evaluate a linear-attention graph with one matrix arithmetic: ``inputs(op)`` the input matrix,
    ``const(W)`` a weight matrix, ``product(A, B)``, ``rows(A, indices)``, ``after`` applied to each
    result (SymPy's ``expand``).  Matrices need ``+``, ``.T`` and row-major ``reshape`` by the caller."""
    values = {n: inputs(G.nodes[n][OP]) for n in G.graph[INPUTS]}
    for n in G.nodes:
        op = G.nodes[n][OP]
        if n in values:
            continue
        args = [values[a] for a in arguments(G, n)]
        if isinstance(op, Embed):
            out = const.embed(args[0], op)  # each arithmetic builds (1, x) and reshapes its own way
        elif isinstance(op, Linear):
            out = product(args[0], const(op.weight))
            if op.bias is not None:
                out = out + const.broadcast(op.bias, out)
        elif isinstance(op, Scores):
            out = product(args[0], args[1].T)
        elif isinstance(op, Normalize):
            if op.rule != "none" or op.mask is not None:
                raise SystemExit("the baseline walks linear attention only")
            out = args[0]
        elif isinstance(op, MatMul):
            out = product(args[0], args[1].T if op.transpose_b else args[1])
        elif isinstance(op, Add):
            out = args[0]
            for a in args[1:]:
                out = out + a
        elif isinstance(op, Rows):
            out = rows(args[0], op.indices)
        else:
            raise SystemExit(f"the baseline does not know {type(op).__name__}")
        values[n] = after(out)
    return {o: values[o] for o in G.graph[OUTPUTS]}


class _SympyConst:
    def __call__(self, W):
        return _sym(W)

    def embed(self, x, op):
        flat = (sympy.Matrix([[1] + list(x)]) * _sym(op.weight)).expand()
        return sympy.Matrix(op.tokens, op.width, list(flat))

    def broadcast(self, bias, out):
        return sympy.ones(out.rows, 1) * _sym(bias)


def naive_sympy(G):
    """The same graph with SymPy Matrix objects and expand after each product."""
    return _walk(G, lambda op: sympy.Matrix(op.shape[0], op.shape[1], [sympy.Symbol(v) for v in op.variables]),
                 _SympyConst(), lambda A, B: A * B, lambda A, idx: sympy.Matrix([list(A.row(i)) for i in idx]),
                 lambda m: m.expand())


def dense_flint(G, names):
    """The same graph as a competent python-flint user would write it: dense NumPy object arrays of
    ``fmpq_mpoly`` (sparse polynomials, dense matrices), ``@`` for every product, no demand pass."""
    import numpy as np
    from flint import fmpq, fmpq_mpoly_ctx

    from symtrans.polys import to_flint

    ctx = fmpq_mpoly_ctx.get(tuple(names), "degrevlex")
    gens = dict(zip(names, ctx.gens()))
    zero = ctx.from_dict({})

    def array(items, shape):  # an fmpq_mpoly is iterable: fill an object array element by element
        out = np.empty(len(items), dtype=object)
        for i, v in enumerate(items):
            out[i] = v
        return out.reshape(shape)

    class Const:
        def __call__(self, W):
            out = np.empty(W.shape, dtype=object)
            out.fill(zero)  # (np.full would unpack the iterable zero polynomial)
            for (i, j), v in W.items():
                out[i, j] = (ctx.from_dict({(0,) * len(names): fmpq(v.numerator, v.denominator)})
                             if isinstance(v, Fraction) else to_flint(v, ctx))
            return out

        def embed(self, x, op):
            xt = np.concatenate([array([ctx.from_dict({(0,) * len(names): 1})], (1, 1)), x], axis=1)
            return (xt @ self(op.weight)).reshape(op.tokens, op.width)

        def broadcast(self, bias, out):
            return self(bias)

    return _walk(G, lambda op: array([gens[v] for v in op.variables], op.shape), Const(), lambda A, B: A @ B,
                 lambda A, idx: A[list(idx), :])


def timed(f, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="best of K runs for the poly backend")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # blocks: one scaling measurement as JSON
    args = ap.parse_args(argv)
    if args.one:
        scaling_one(args.seed, args.one)
        return 0
    G = build(args.seed)
    bk = PolyBackend()
    t_poly, ours = timed(lambda: evaluate(G, bk), args.repeat)
    t_naive, theirs = timed(lambda: naive_sympy(G), 1)
    names = [v for n in G.graph[INPUTS] for v in G.nodes[n][OP].variables]
    t_dense, dense = timed(lambda: dense_flint(G, names), args.repeat)
    (out,) = G.graph[OUTPUTS]
    ours_m, theirs_m = ours[out], theirs[out]
    terms = sum(len(p) for row in ours_m.rows.values() for p in row.values())
    degree = max(p.total_degree() for row in ours_m.rows.values() for p in row.values())
    # agreement: every output entry equal at a few rational points, and equal term counts
    rng = random.Random(1)
    for _ in range(3):
        pt = {"x1": Fraction(rng.randint(-9, 9), 7), "x2": Fraction(rng.randint(-9, 9), 5)}
        mine = bk.evaluate_at(ours_m, pt)
        subs = {sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in pt.items()}
        for i in range(theirs_m.rows):
            theirs_v = theirs_m[i, 0].xreplace(subs)
            if sympy.Rational(int(mine[i][0].p), int(mine[i][0].q)) != theirs_v:
                print("MISMATCH between poly backend and SymPy baseline", file=sys.stderr)
                return 1
    for i in range(theirs_m.rows):  # python-flint used directly: the same polynomials, term for term
        if str(dense[out][i, 0]) != str(ours_m.rows.get(i, {}).get(0, "0")):
            print("MISMATCH between poly backend and the dense python-flint baseline", file=sys.stderr)
            return 1
    naive_terms = sum(len(sympy.Add.make_args(e)) for e in theirs_m if e != 0)
    print(f"graph: {BLOCKS} blocks x 1 linear-attention head, {TOKENS} tokens, width {WIDTH}, "
          f"{D_IN} inputs; output degree {degree}")
    print(f"output terms: poly {terms}, sympy {naive_terms}")
    print(f"sympy Matrix + expand : {t_naive:10.3f} s   ratio to symtrans {t_naive / t_poly:8.1f}x")
    print(f"python-flint, dense   : {t_dense:10.3f} s   ratio to symtrans {t_dense / t_poly:8.1f}x  (best of {args.repeat})")
    print(f"symtrans poly backend : {t_poly:10.3f} s  (best of {args.repeat})")
    if not args.no_scaling:
        scaling(args.seed)
    return 0


def scaling_one(seed, blocks):
    """One size of the scaling table, as JSON: symtrans and dense python-flint on ``blocks`` blocks."""
    import json
    import resource

    G = build(seed, blocks)
    names = [v for n in G.graph[INPUTS] for v in G.nodes[n][OP].variables]
    evaluate(build(seed, 1), PolyBackend())  # warm
    t_poly, ours = timed(lambda: evaluate(G, PolyBackend()), 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_dense, _ = timed(lambda: dense_flint(G, names), 1)
    (out,) = G.graph[OUTPUTS]
    terms = sum(len(p) for row in ours[out].rows.values() for p in row.values())
    print(json.dumps({"blocks": blocks, "poly": t_poly, "dense": t_dense, "terms": terms, "peak_mb": peak}))


def scaling(seed):
    """How the time grows with depth (each block triples the degree), each size in a fresh process."""
    import json
    import math
    import subprocess

    print("\nscaling: 1 to 4 blocks (degree 3^blocks), each size in a fresh process")
    print(f"{'blocks':>6} {'terms':>7} {'symtrans s':>10} {'flint dense s':>13} {'dense/ours':>10} {'peak MB':>8} {'slope':>6}")
    last = None
    for blocks in (1, 2, 3, 4):
        out = subprocess.run([sys.executable, __file__, "--one", str(blocks), "--seed", str(seed)],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        slope = math.log(r["poly"] / last["poly"]) / math.log(r["terms"] / last["terms"]) if last else float("nan")
        print(f"{blocks:6d} {r['terms']:7d} {r['poly']:10.3f} {r['dense']:13.3f} {r['dense'] / r['poly']:9.1f}x "
              f"{r['peak_mb']:8.0f} {slope:6.2f}")
        last = r
    print("slope: d log(time) / d log(output terms) between sizes")


if __name__ == "__main__":
    raise SystemExit(main())
