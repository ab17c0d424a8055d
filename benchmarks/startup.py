"""Start-up: how long ``symtrans --version`` and ``symtrans check`` of small certificates take, next to
the floor a competent user cannot go below (a bare Python, and Python importing only networkx and
python-flint, which the graph model and the exact arithmetic need).

Each command runs ``--repeat`` times in a fresh process (the median and the best are printed), after
one untimed run that writes the byte-code caches (``pip install`` writes them too; without them
every module is compiled on every start, as with ``PYTHONDONTWRITEBYTECODE``, which this script
unsets).  The certificates are made first, in a temporary folder: a polynomial identity (Fang et
al.'s cubic), a region count of a maxout network, a hops claim (structure only) and a compiled
model's ``decodes`` claim.  For each check the script also prints which of SymPy, mpmath and NumPy
the check imported (a check that needs none of them should import none).

The issue's goal: under 0.3 s for ``--version`` and a small certificate's check.

Run: ``python benchmarks/startup.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

HEAVY = ("sympy", "mpmath", "numpy")


def certificates(folder: Path) -> dict:
    """Write the four small certificates; name -> path."""
    from symtrans import Claim, Polynomial, verify
    from symtrans.constructions.fang2022 import polynomial_transformer
    from symtrans.constructions.gu2026 import maxout_transformer
    from symtrans.domains import Box
    from symtrans.io.transformer_lens import load_model
    from symtrans.targets import MaxoutNet

    made = {}
    cubic = Polynomial.parse("x1**2*x2 - 3/4*x2 + 1", ["x1", "x2"])
    made["identity (cubic)"] = verify(polynomial_transformer(cubic), Claim("identity", cubic))
    net, box = MaxoutNet.tent(2), Box([(0, 1)])
    made["regions (tent L=2)"] = verify(maxout_transformer(net, box), Claim("regions", domain=box,
                                                                          expected={"regions": 4}))
    made["hops (window)"] = verify(None, Claim("hops", expected={"layers": 4, "patterns": [
        {"name": "window", "n": 9, "w": 2}]}))
    model = load_model(ROOT / "symtrans" / "data" / "tracr" / "length_ab_L5")
    made["decodes (tracr)"] = verify(model.graph(), Claim("decodes", expected={
        "vocab": model.vocab, "bos": model.bos, "values": model.output["values"],
        "inputs": [["a", "b"]], "expected": [[2, 2]]}))
    paths = {}
    for k, (name, cert) in enumerate(made.items()):
        assert cert.verdict == "PROVED", (name, cert.verdict)
        paths[name] = folder / f"c{k}.json"
        paths[name].write_text(cert.dumps())
    return paths


def timed(argv, repeat, env):
    subprocess.run(argv, capture_output=True, env=env, check=True)  # writes the byte-code caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def imported(path, env) -> str:
    code = ("import sys; from symtrans.cli import main; main(['check', sys.argv[1]]); "
            f"print('imported:', *(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env)
    return out.stdout.split("imported:")[-1].strip()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        paths = certificates(Path(tmp))
        rows = [("bare python", [py, "-c", "pass"], None),
                ("floor: import networkx, flint", [py, "-c", "import networkx, flint"], None),
                ("symtrans --version", [py, "-m", "symtrans", "--version"], None)]
        rows += [(f"check {name}", [py, "-m", "symtrans", "check", str(p)], p) for name, p in paths.items()]
        print(f"{'command':<34} {'median s':>9} {'best s':>7} {'- floor':>8}  imports")
        floor = None
        for name, argv_, path in rows:
            median, best = timed(argv_, args.repeat, env)
            if name.startswith("floor"):
                floor = median
            over = f"{median - floor:>8.3f}" if floor is not None and not name.startswith("floor") else f"{'':>8}"
            heavy = imported(path, env) if path is not None else ""
            print(f"{name:<34} {median:>9.3f} {best:>7.3f} {over}  {heavy or '-' if path else ''}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
