"""Speed-up of symtrans's one executor with 1 and 2 workers, and the same work on a Dask cluster.

Four kinds of independent work (five cases), each run serially, on a local process pool of 2, and (with
the ``dask`` extra) on a ``dask.distributed`` ``LocalCluster`` of 2 single-threaded workers:

* ``obligations``: ``symtrans verify -j`` on proof modules (whole obligations in parallel);
* ``decodes``: one ``decodes`` claim on a compiled tracr model, its input domain cut into chunks
  (``decodes-arb``: the same with ``boxes = false``, Arb alone, where a pool has work to share);
* ``bisection``: one ``bound`` claim, each wave of boxes of its bisection cut into pieces;
* ``cells``: one ``equivalent`` claim, its cell enumeration cut into sub-polytopes (breadth-first,
  four per worker) and the target's refinement of the cells cut into pieces.

Printed (after one untimed serial run that warms up imports and caches): wall times, speed-ups
against 1 worker, and whether the certificates' verdicts and
evidence are identical (they must be: pieces are merged in a fixed order).  On a 2-core machine
the ideal speed-up is 2x; start-up of the pool and pickling of the graph are the difference.

Run: ``python benchmarks/parallel.py [--only NAME ...] [--no-dask]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # run from a checkout

from symtrans import Box, Claim, MaxoutNet, verify  # noqa: E402
from symtrans.parallel import dask_client, process_pool  # noqa: E402


def _evidence(cert):
    """What must not depend on the executor: verdict, evidence and counterexample (no timings)."""
    data = cert.to_json()
    keep = {k: data.get(k) for k in ("verdict", "evidence", "counterexample", "claim")}
    return json.dumps(keep, sort_keys=True, default=str)


def obligations_case():
    from symtrans.obligations import collect, run_all

    targets = [os.path.join(ROOT, "proofs", name) for name in ("gu2026_softmax.py", "jiang2024.py", "cheng2025.py")]
    every = collect(targets, quick=True, keep_errors=True)

    def run(jobs, executor=None):
        results = list(run_all(every, targets, True, None, jobs, executor, collected=every))
        return "\n".join(_evidence(r.certificate) for r in results), len(results)

    return f"obligations ({len(every)})", run


def decodes_case(boxes=True):
    from symtrans.io.transformer_lens import load_model

    path = os.path.join(ROOT, "symtrans", "data", "tracr", "sort_unique_1to5_L5")
    sys.path.insert(0, os.path.join(ROOT, "docs", "examples", "tracr"))
    import _refs  # the RASP program's reference outputs

    model = load_model(path)
    skip = {model.bos, model.config["tokenizer"].get("pad")}
    alphabet = [t for t in model.vocab if t not in skip]
    inputs = [list(s) for m in range(1, model.n_ctx) for s in itertools.product(alphabet, repeat=m)]
    claim = Claim("decodes", expected={"vocab": model.vocab, "bos": model.bos, "inputs": inputs,
                                       "expected": [_refs.sort_unique(s) for s in inputs],
                                       "values": model.output.get("values"), "boxes": boxes})
    G = model.graph()

    def run(jobs, executor=None):
        cert = verify(G, claim)
        return _evidence(cert), cert.verdict

    return f"decodes ({len(inputs)} inputs{'' if boxes else ', Arb alone'})", run


def bisection_case():
    from symtrans.constructions.gu2026 import maxout_transformer

    net, box = MaxoutNet.max_of(2), Box([(0, 1), (0, 1)])
    G = maxout_transformer(net, box, score="softmax", beta=20)
    claim = Claim("bound", net, domain=box, expected={"eps": "1/25"})

    def run(jobs, executor=None):
        cert = verify(G, claim)
        return _evidence(cert), cert.evidence.get("boxes")

    return "bisection (2-D softmax)", run


def cells_case():
    from symtrans.constructions.gu2026 import maxout_transformer

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pwl import random_net  # the pwl benchmark's d=3 k=3 N=8 L=3 net (1,639 cells)

    net, box = random_net(5, 3, 3, 3, 8), Box([(-1, 1)] * 3)
    G = maxout_transformer(net, box)
    claim = Claim("equivalent", net, domain=box)

    def run(jobs, executor=None):
        cert = verify(G, claim)
        return _evidence(cert), cert.evidence.get("cells")

    return "cells (3-D maxout, 1,639 cells)", run


CASES = {"obligations": obligations_case, "decodes": decodes_case,
         "decodes-arb": lambda: decodes_case(boxes=False), "bisection": bisection_case, "cells": cells_case}


def _timed(name, run, how):
    """Run with ``how`` in (1, 2, "dask"); the obligations case takes its executor as an argument."""
    start = time.perf_counter()
    if name == "obligations":
        if how == "dask":
            with dask_client("local", 2) as client:
                run(2, client)  # warm-up: the workers import symtrans and fill their caches
                start = time.perf_counter()
                out = run(2, client)
        else:
            out = run(how)
    elif how == "dask":
        with dask_client("local", 2):
            run(2)  # warm-up, as above
            start = time.perf_counter()
            out = run(2)
    else:
        with process_pool(how):
            out = run(how)
    return time.perf_counter() - start, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=sorted(CASES), help="run only this case (repeatable)")
    ap.add_argument("--no-dask", action="store_true", help="skip the dask.distributed LocalCluster column")
    args = ap.parse_args(argv)
    try:
        import dask.distributed  # noqa: F401
        dask = not args.no_dask
    except ImportError:
        dask = False
        print("dask.distributed is not installed (pip install 'symtrans[dask]'): no dask column", file=sys.stderr)
    print(f"{'case':<28} {'1 worker':>9} {'2 workers':>10} {'speed-up':>9} {'dask 2':>8} {'speed-up':>9}  identical")
    for name in args.only or list(CASES):
        label, run = CASES[name]()
        _timed(name, run, 1)  # warm-up: imports and caches, paid once per process
        t1, (ev1, _) = _timed(name, run, 1)
        t2, (ev2, _) = _timed(name, run, 2)
        same = ev1 == ev2
        dask_cols = f"{'-':>8} {'-':>9}"
        if dask:
            td, (evd, _) = _timed(name, run, "dask")
            same = same and ev1 == evd
            dask_cols = f"{td:7.2f}s {t1 / td:8.2f}x"
        print(f"{label:<28} {t1:8.2f}s {t2:9.2f}s {t1 / t2:8.2f}x {dask_cols}  {'yes' if same else 'NO'}", flush=True)
    print("local times include starting the pool's processes; dask times exclude starting the cluster and a "
          "first run on it (imports on the workers)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
