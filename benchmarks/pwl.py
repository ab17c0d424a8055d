"""Deciding R2 emulations equal to their maxout targets: symtrans against z3, on the same queries.

For each case (the tent map T^L in 1-D, random integer maxout networks in 2-D and 3-D), three
deciders answer "is the hardmax transformer equal to the maxout network on the box?":

* ``compositional``: symtrans's block-by-block proof (any dimension, no region enumeration);
* ``cells``: symtrans's exact polytope cell enumeration (any dimension; faces where a hardmax
  ties are checked too), which also counts the linear regions;
* ``bare``: the network's cell enumeration alone (no target, no tie faces): the floor an
  equivalence proof by enumeration cannot beat; ``cells / bare`` is the price of the proof
  (refining by the target's cells, comparing maps, tie faces);
* ``z3``: z3 on ``exists x in box: N(x) != f(x)`` in linear real arithmetic, with the graph
  encoded faithfully: ReLU and max as if-then-else, hardmax with ties averaged as a case split
  over the argmax set (every product has a constant side).  ``unsat`` means equal.

It prints the times, linear regions per second of the cell enumeration, and the ratios of z3's
time to each of symtrans's two deciders.  Requires ``pip install z3-solver`` (not a dependency of symtrans).

Run: ``python benchmarks/pwl.py [--timeout SECONDS]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import networkx as nx

from symtrans.claims import Claim
from symtrans.constructions.gu2026 import maxout_transformer
from symtrans.domains import Box
from symtrans.graph import INPUTS, OP, OUTPUTS, arguments
from symtrans.ops import (Add, Embed, Hadamard, Linear, MatMul, Maximum, Normalize, ReLU, Rows, Scores)
from symtrans.polytope import Polytope
from symtrans.regions import enumerate_cells
from symtrans.targets import MaxoutNet, maxout_graph
from symtrans import verify

try:
    import z3
except ImportError:  # pragma: no cover - optional
    z3 = None


def random_net(seed, d, k, L, width):
    return MaxoutNet.random(seed, d, k, L, width)


# ---- z3 encoding of a graph ---------------------------------------------------------------------
def _q(f):
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


def _mul(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    if isinstance(a, Fraction):
        return b * _q(a) if a else Fraction(0)
    if isinstance(b, Fraction):
        return a * _q(b) if b else Fraction(0)
    raise ValueError("a product of two variable terms is not linear")


def _add(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    if isinstance(a, Fraction):
        return b + _q(a) if a else b
    if isinstance(b, Fraction):
        return a + _q(b) if b else a
    return a + b


def _term(v):
    return _q(v) if isinstance(v, Fraction) else v


def _zmax(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return max(a, b)
    return z3.If(_term(a) >= _term(b), _term(a), _term(b))


def _matmul(A, B):
    n, k, m = len(A), len(B), len(B[0])
    return [[_sum([_mul(A[i][t], B[t][j]) for t in range(k)]) for j in range(m)] for i in range(n)]


def _sum(terms):
    out = Fraction(0)
    for t in terms:
        out = _add(out, t)
    return out


def _hardmax_times(S, V):
    """Rows of hardmax(S) @ V with ties averaged, as a case split over each row's argmax set."""
    out = []
    for row in S:
        if all(isinstance(s, Fraction) for s in row):
            top = max(row)
            win = [j for j, s in enumerate(row) if s == top]
            out.append([_sum([_mul(Fraction(1, len(win)), V[j][c]) for j in win]) for c in range(len(V[0]))])
            continue
        k = len(row)
        m = row[0]
        for s in row[1:]:
            m = _zmax(m, s)
        is_max = [(_term(s) == _term(m)) for s in row]
        cells = []
        for c in range(len(V[0])):
            expr = None
            for size in range(k, 0, -1):
                for S_ in itertools.combinations(range(k), size):
                    cond = z3.And([is_max[j] if j in S_ else z3.Not(is_max[j]) for j in range(k)])
                    val = _term(_sum([_mul(Fraction(1, size), V[j][c]) for j in S_]))
                    expr = val if expr is None else z3.If(cond, val, expr)
            cells.append(expr)
        out.append(cells)
    return out


def z3_values(G, xs):
    values = {}
    order = {n: i for i, n in enumerate(G.nodes)}
    for n in nx.lexicographical_topological_sort(G, key=order.__getitem__):
        op = G.nodes[n][OP]
        if n in G.graph[INPUTS]:
            values[n] = [list(xs)]
            continue
        args = [values[a] for a in arguments(G, n)]
        if isinstance(op, Embed):
            xt = [[Fraction(1)] + args[0][0]]
            W = [[op.weight[i, j] for j in range(op.weight.shape[1])] for i in range(op.weight.shape[0])]
            flat = _matmul(xt, W)[0]
            values[n] = [flat[t * op.width:(t + 1) * op.width] for t in range(op.tokens)]
        elif isinstance(op, Linear):
            W = [[op.weight[i, j] for j in range(op.weight.shape[1])] for i in range(op.weight.shape[0])]
            out = _matmul(args[0], W)
            if op.bias is not None:
                out = [[_add(v, op.bias[0, j]) for j, v in enumerate(row)] for row in out]
            values[n] = out
        elif isinstance(op, Add):
            values[n] = [[_sum([a[i][j] for a in args]) for j in range(len(args[0][0]))] for i in range(len(args[0]))]
        elif isinstance(op, Hadamard):
            values[n] = [[_mul(a, b) for a, b in zip(r1, r2)] for r1, r2 in zip(*args)]
        elif isinstance(op, ReLU):
            values[n] = [[_zmax(v, Fraction(0)) for v in row] for row in args[0]]
        elif isinstance(op, Maximum):
            out = args[0]
            for a in args[1:]:
                out = [[_zmax(u, v) for u, v in zip(r1, r2)] for r1, r2 in zip(out, a)]
            values[n] = out
        elif isinstance(op, Scores):
            values[n] = _matmul(args[0], [list(col) for col in zip(*args[1])])
        elif isinstance(op, Normalize):
            if op.rule != "hardmax" or op.mask is not None or op.axis != "row":
                raise ValueError(f"the z3 encoding handles unmasked row hardmax only ({n})")
            values[n] = ("hardmax", args[0])
        elif isinstance(op, MatMul):
            if isinstance(args[0], tuple):
                values[n] = _hardmax_times(args[0][1], args[1])
            else:
                values[n] = _matmul(args[0], args[1])
        elif isinstance(op, Rows):
            values[n] = [args[0][i] for i in op.indices]
        else:
            raise ValueError(f"the z3 encoding does not handle {type(op).__name__}")
    return values


def z3_decide(G, net, box, timeout):
    xs = [z3.Real(f"x{i + 1}") for i in range(net.dimension)]
    N = z3_values(G, xs)[G.graph[OUTPUTS][0]][0][0]
    F = z3_values(maxout_graph(net), xs)["f"][0][0]
    s = z3.Solver()
    s.set("timeout", int(timeout * 1000))
    for x, (lo, hi) in zip(xs, box.bounds):
        s.add(x >= _q(lo), x <= _q(hi))
    s.add(_term(N) != _term(F))
    start = time.perf_counter()
    answer = s.check()
    return answer, time.perf_counter() - start


def relu_net(seed, d, L, width):
    """A random ReLU network (rank-2 maxout with one zero piece), integer weights in [-3, 3]."""
    import random

    rng = random.Random(seed)
    layers, n = [], d
    for _ in range(L):
        layers.append([[rng.randint(-3, 3) for _ in range(n + 1)] for _ in range(width)])
        n = width
    return MaxoutNet.relu(d, layers, [rng.randint(-3, 3) for _ in range(n + 1)])


CASES = [
    ("tent L=4", lambda: MaxoutNet.tent(4), Box([(0, 1)])),
    ("tent L=8", lambda: MaxoutNet.tent(8), Box([(0, 1)])),
    ("tent L=12", lambda: MaxoutNet.tent(12), Box([(0, 1)])),
    ("d=2 k=2 N=4 L=2", lambda: random_net(1, 2, 2, 2, 4), Box([(-1, 1)] * 2)),
    ("d=2 k=3 N=6 L=2", lambda: random_net(2, 2, 3, 2, 6), Box([(-1, 1)] * 2)),
    ("d=2 k=3 N=8 L=3", lambda: random_net(3, 2, 3, 3, 8), Box([(-1, 1)] * 2)),
    ("d=2 ReLU N=16 L=2", lambda: relu_net(1, 2, 2, 16), Box([(-1, 1)] * 2)),
    ("d=2 ReLU N=32 L=2", lambda: relu_net(0, 2, 2, 32), Box([(-1, 1)] * 2)),
    ("d=2 ReLU N=48 L=2", lambda: relu_net(3, 2, 2, 48), Box([(-1, 1)] * 2)),
    ("d=3 k=2 N=6 L=2", lambda: random_net(4, 3, 2, 2, 6), Box([(-1, 1)] * 3)),
    ("d=3 ReLU N=12 L=2", lambda: relu_net(2, 3, 2, 12), Box([(-1, 1)] * 3)),
    ("d=3 k=3 N=8 L=3", lambda: random_net(5, 3, 3, 3, 8), Box([(-1, 1)] * 3)),
    ("d=3 ReLU N=24 L=2", lambda: relu_net(6, 3, 2, 24), Box([(-1, 1)] * 3)),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed to z3 per query")
    ap.add_argument("--skip-cells-above", type=int, default=2000,
                    help="skip cell enumeration for cases known to have more regions than this")
    args = ap.parse_args(argv)
    if z3 is None:
        print("z3 is not installed: pip install z3-solver", file=sys.stderr)
        return 2
    print(f"{'case':<18} {'compositional':>13} {'cells (regions, regions/s)':>30} {'bare':>8} {'cells/bare':>10} "
          f"{'z3':>16}  {'z3/compositional':>16} {'z3/cells':>9}")
    for label, make, box in CASES:
        net = make()
        G = maxout_transformer(net, box)
        t = time.perf_counter()
        c = verify(G, Claim("emulation", net, domain=box))
        t_comp = time.perf_counter() - t
        assert c.verdict == "PROVED", label
        cells, t_cells, bare, over = "-", None, "-", "-"
        if not label.startswith("tent") or 2 ** int(label.split("=")[1]) <= args.skip_cells_above:
            t = time.perf_counter()
            e = verify(G, Claim("equivalent", net, domain=box))
            t_cells = time.perf_counter() - t
            assert e.verdict == "PROVED", label
            n = e.evidence["linear_regions"]
            cells = f"{t_cells:7.2f}s {n:5d} ({n / t_cells:6.0f}/s)"
            t = time.perf_counter()
            enumerate_cells(G, [G.graph[OUTPUTS][0]], Polytope.box(list(box.bounds)))
            t_bare = time.perf_counter() - t
            bare, over = f"{t_bare:7.2f}s", f"{t_cells / t_bare:9.1f}x"
        answer, t_z3 = z3_decide(G, net, box, args.timeout)
        proved = str(answer) == "unsat"
        z3_text = f"{t_z3:7.2f}s {str(answer):>7}"
        r_comp = f"{t_z3 / t_comp:15.0f}x" + ("" if proved else "*")
        r_cells = "-" if t_cells is None else f"{t_z3 / t_cells:8.1f}x" + ("" if proved else "*")
        print(f"{label:<18} {t_comp:12.3f}s {cells:>30} {bare:>8} {over:>10} {z3_text:>16}  {r_comp:>16} {r_cells:>9}",
              flush=True)
    print("* z3 gave no proof within its timeout: the ratio is a lower bound")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
