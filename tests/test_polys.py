"""Polynomials in rings of many generators (python-flint's ``from_dict`` crash).

python-flint 0.9 crashes the whole process (a segmentation fault) when ``from_dict`` gets two or
more terms in a ring of about 7,270 generators or more.  A parametric target with that many
coefficients, or a certificate claiming one, must neither crash the prover nor ``symtrans check``:
the conversions go through :func:`symtrans.polys.from_dict`, which adds single terms there.
The check runs in a subprocess, so a regression fails this test and not the whole suite.
"""

from __future__ import annotations

import subprocess
import sys

from symtrans.polys import MANY_GENERATORS

SCRIPT = """
from symtrans.polys import from_terms, poly_terms, ring, to_flint
import sympy
n = 8000
R = ring([f"c{i}" for i in range(n)])
terms = [[[0] * i + [1] + [0] * (n - i - 1), str(i + 1)] for i in (0, 7, n - 1)]
p = from_terms(terms, R)
assert poly_terms(p) == sorted(terms), "round trip"
q = to_flint(sympy.Symbol("c0") + 8 * sympy.Symbol("c7") + 3 * sympy.Symbol(f"c{n - 1}") ** 2, R)
assert len(q) == 3
print("ok")
"""


def test_polynomials_in_a_ring_of_8000_generators_do_not_crash():
    assert MANY_GENERATORS < 7000
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", (run.returncode, run.stderr[-500:])
