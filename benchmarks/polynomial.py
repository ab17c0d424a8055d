"""Proving Fang et al.'s construction: the poly backend against the baselines a competent user would
write and against its own arithmetic, in one run.

For (d, D) on the grid up to (4, 12), parametric (every polynomial of degree <= D, the read-out
weights symbols) and fixed (a dense random target), the time to prove the identity:

* ``symtrans``: ``verify`` on the ``poly`` backend (python-flint ``fmpq_mpoly``, sparse matrices,
  the demand pass: each product forms only the entries that reach the read-out);
* ``arithmetic``: the flint products and sums of symtrans's matrix products alone, recorded during
  an evaluation and replayed in a tight loop: the arithmetic this proof needs, without the
  interpreter (``symtrans / arithmetic`` is the overhead);
* ``flint-dense``: python-flint used directly, as a competent user would: dense NumPy object arrays
  of ``fmpq_mpoly`` and ``@`` for every product (the strongest baseline);
* ``sympy-ring``: sparse matrix code (symtrans's, without its demand pass) with SymPy ``ring(QQ)``
  polynomials as scalars (SymPy's fastest sparse polynomials, gmpy2-backed when installed);
* ``naive``: the same graph with SymPy ``Matrix`` objects of expressions and ``expand``.

Ratios are baseline / symtrans (above 1: symtrans is faster) and symtrans / arithmetic.  Every
method first runs once on a tiny target (d = 1, D = 2), so that imports are not timed.

Each measurement runs in a fresh subprocess (so its peak memory is its own) with a time limit;
a baseline that hits the limit is reported as ``> limit`` and its ratio as a lower bound.

Run: ``python benchmarks/polynomial.py [--limit SECONDS] [--only D,d ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [(1, 16), (2, 8), (3, 6), (4, 5), (3, 10), (4, 8), (4, 10), (4, 12)]
METHODS = ("symtrans", "arithmetic", "flint-dense", "sympy-ring", "naive")


def _target(d, D, mode):
    from symtrans.targets import Polynomial

    if mode == "parametric":
        return Polynomial.general(d, D)
    import sympy

    rng = random.Random(d * 1000 + D)
    xs = sympy.symbols([f"x{i + 1}" for i in range(d)])
    from symtrans.targets import monomials

    expr = sympy.Add(*(sympy.Rational(rng.randint(-99, 99), rng.randint(1, 9)) *
               sympy.Mul(*[x ** a for x, a in zip(xs, alpha)]) for alpha in monomials(d, D)))
    return Polynomial(tuple(str(x) for x in xs), expr)


def _sympy_ring_backend(names):
    from sympy import QQ
    from sympy.polys.rings import ring as sympy_ring

    from symtrans.backends.base import ScalarBackend

    R, *_ = sympy_ring(",".join(names), QQ)
    gens = dict(zip(names, R.gens))

    class SympyRingBackend(ScalarBackend):
        name = "sympy-ring"
        is_exact = True
        is_rigorous = True
        restrict = None  # a user's sparse matrix code has no demand pass: every entry is formed

        def _s_from_fraction(self, f):
            return R(QQ(f.numerator, f.denominator))

        def _s_from_symbolic(self, value):
            return R(value)

        def _s_lift(self, value, variable):
            return gens[variable] if value is None else R(QQ(Fraction(value).numerator, Fraction(value).denominator))

        def _s_is_zero(self, s):
            return not s

    return SympyRingBackend(), R


def _recording_backend(names):
    """A poly backend whose matrix products record the pairs they multiply, for replay."""
    from symtrans.backends import PolyBackend
    from symtrans.backends.base import SparseMatrix

    log = []

    class Recording(PolyBackend):
        def matmul(self, A, B):
            out = {}
            for i, arow in A.rows.items():
                acc = {}
                for k, a in arow.items():
                    brow = B.rows.get(k)
                    if not brow:
                        continue
                    for j, b in brow.items():
                        acc.setdefault(j, []).append((a, b))
                row = {}
                for j, pairs in acc.items():
                    log.append(pairs)
                    total = pairs[0][0] * pairs[0][1]
                    for a, b in pairs[1:]:
                        total = total + a * b
                    if not total.is_zero():
                        row[j] = total
                if row:
                    out[i] = row
            return SparseMatrix((A.shape[0], B.shape[1]), out)

    return Recording(names), log


def _replay(log):
    """The recorded products and sums, and nothing else (a product by an exact 1 is skipped, as symtrans does)."""
    start = time.perf_counter()
    for pairs in log:
        a, b = pairs[0]
        total = a if b.is_one() else a * b
        for a, b in pairs[1:]:
            total = total + (a if b.is_one() else a * b)
    return time.perf_counter() - start


def measure(method, d, D, mode, warm=True):
    """Prove the identity once, after a warm-up on a tiny target (imports and first-call set-up are not
    the proof); returns seconds, terms, peak RSS (MiB)."""
    if warm:
        measure(method, 1, 2, mode, warm=False)
    from symtrans.claims import Claim
    from symtrans.constructions.fang2022 import polynomial_transformer
    from symtrans.graph import OUTPUTS, input_variables, parameters
    from symtrans.interpret import evaluate
    from symtrans import verify

    target = _target(d, D, mode)
    G = polynomial_transformer(target)
    start = time.perf_counter()
    if method == "symtrans":
        cert = verify(G, Claim("identity", target))
        ok, terms = cert.verdict == "PROVED", cert.evidence["output_terms"]
    elif method == "arithmetic":
        names = input_variables(G) + parameters(G)
        bk, log = _recording_backend(names)
        out = evaluate(G, bk)[G.graph[OUTPUTS][0]].rows[0][0]
        ok, terms = True, len(out)
        start = time.perf_counter() - min(_replay(log) for _ in range(3))  # seconds = the best replay
    elif method == "flint-dense":
        sys.path.insert(0, HERE)
        from core import dense_flint
        from symtrans.polys import to_flint

        names = input_variables(G) + parameters(G)
        out = dense_flint(G, names)[G.graph[OUTPUTS][0]][0, 0]
        expected = to_flint(target.in_variables(input_variables(G)), out.context())
        ok, terms = (out - expected).is_zero(), len(out)
    elif method == "sympy-ring":
        names = input_variables(G) + parameters(G)
        bk, R = _sympy_ring_backend(names)
        out = evaluate(G, bk)[G.graph[OUTPUTS][0]].rows[0][0]
        expected = R(target.in_variables(input_variables(G)))
        ok, terms = (out - expected) == 0, len(out)
    else:
        sys.path.insert(0, HERE)
        import sympy
        from core import naive_sympy

        out = naive_sympy(G)[G.graph[OUTPUTS][0]][0, 0]
        ok = sympy.expand(out - target.in_variables(input_variables(G))) == 0
        terms = len(sympy.Add.make_args(out))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "terms": terms, "ok": bool(ok), "peak_mib": peak}


def _child(method, d, D, mode, limit):
    cmd = [sys.executable, __file__, "--one", method, str(d), str(D), mode]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"{method} d={d} D={D} {mode} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=300.0, help="seconds allowed to each baseline run")
    ap.add_argument("--one", nargs=4, metavar=("METHOD", "d", "D", "MODE"), help=argparse.SUPPRESS)
    ap.add_argument("--only", nargs="*", help="sizes as d,D (default: all four)")
    args = ap.parse_args(argv)
    if args.one:
        method, d, D, mode = args.one
        print(json.dumps(measure(method, int(d), int(D), mode)))
        return 0
    sizes = [tuple(map(int, s.split(","))) for s in args.only] if args.only else SIZES
    print(f"{'d':>2} {'D':>3} {'mode':<10} {'method':<11} {'seconds':>10} {'peak MiB':>9} {'terms':>6}  ratio")
    print(f"{'':>28}(baseline / symtrans; for arithmetic: symtrans / arithmetic)")
    for d, D in sizes:
        for mode in ("parametric", "fixed"):
            ours = _child("symtrans", d, D, mode, None)
            assert ours["ok"], "symtrans did not prove the identity"
            print(f"{d:>2} {D:>3} {mode:<10} {'symtrans':<11} {ours['seconds']:>10.3f} {ours['peak_mib']:>9.0f} "
                  f"{ours['terms']:>6}")
            for method in METHODS[1:]:
                r = _child(method, d, D, mode, args.limit)
                if r is None:
                    print(f"{'':>2} {'':>3} {'':<10} {method:<11} {'>' + format(args.limit, '.0f'):>10} "
                          f"{'-':>9} {'-':>6}  > {args.limit / ours['seconds']:.0f}x (time limit)")
                    continue
                assert r["ok"], f"{method} did not confirm the identity"
                ratio = ours["seconds"] / r["seconds"] if method == "arithmetic" else r["seconds"] / ours["seconds"]
                print(f"{'':>2} {'':>3} {'':<10} {method:<11} {r['seconds']:>10.3f} {r['peak_mib']:>9.0f} "
                      f"{r['terms']:>6}  {ratio:.1f}x")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
