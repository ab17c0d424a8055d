"""Proving Fang et al.'s construction: the poly backend against two SymPy baselines, in one run.

For (d, D) in (1, 16), (2, 8), (3, 6), (4, 5), parametric (every polynomial of degree <= D, the
read-out weights symbols) and fixed (a dense random target), the time to prove the identity:

* ``symtrans``: ``verify`` on the ``poly`` backend (python-flint ``fmpq_mpoly``, sparse matrices);
* ``sympy-ring``: the same sparse matrix code with SymPy ``ring(QQ)`` polynomials as scalars
  (SymPy's fastest sparse polynomials, gmpy2-backed when gmpy2 is installed);
* ``naive``: the same graph with SymPy ``Matrix`` objects of expressions and ``expand``.

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
SIZES = [(1, 16), (2, 8), (3, 6), (4, 5)]
METHODS = ("symtrans", "sympy-ring", "naive")


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

        def _s_from_fraction(self, f):
            return R(QQ(f.numerator, f.denominator))

        def _s_from_symbolic(self, value):
            return R(value)

        def _s_lift(self, value, variable):
            return gens[variable] if value is None else R(QQ(Fraction(value).numerator, Fraction(value).denominator))

        def _s_is_zero(self, s):
            return not s

    return SympyRingBackend(), R


def measure(method, d, D, mode):
    """Prove the identity once; returns seconds, terms, peak RSS (MiB)."""
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
    for d, D in sizes:
        for mode in ("parametric", "fixed"):
            ours = _child("symtrans", d, D, mode, None)
            assert ours["ok"], "symtrans did not prove the identity"
            print(f"{d:>2} {D:>3} {mode:<10} {'symtrans':<11} {ours['seconds']:>10.3f} {ours['peak_mib']:>9.0f} "
                  f"{ours['terms']:>6}")
            for method in ("sympy-ring", "naive"):
                r = _child(method, d, D, mode, args.limit)
                if r is None:
                    print(f"{'':>2} {'':>3} {'':<10} {method:<11} {'>' + format(args.limit, '.0f'):>10} "
                          f"{'-':>9} {'-':>6}  > {args.limit / ours['seconds']:.0f}x (time limit)")
                    continue
                assert r["ok"], f"{method} did not confirm the identity"
                print(f"{'':>2} {'':>3} {'':<10} {method:<11} {r['seconds']:>10.3f} {r['peak_mib']:>9.0f} "
                      f"{r['terms']:>6}  {r['seconds'] / ours['seconds']:.1f}x")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
