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
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symtrans.errors import SpecError
from symtrans.polys import MANY_GENERATORS, ring, to_flint

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


# --- polynomial targets held in python-flint (parsed without SymPy) ----------------------------------
_POLY_TEXT = st.recursive(
    st.sampled_from(["x", "y", "c", "0", "1", "2", "3/4", "-5"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" + ", " - ", "*"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.tuples(inner, st.integers(0, 4)).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(inner, st.sampled_from(["2", "3/5", "-7"])).map(lambda t: f"({t[0]})/{t[1]}"),
        inner.map(lambda t: f"-{t}")),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(_POLY_TEXT)
def test_the_flint_parser_agrees_with_the_sympy_parser(text):
    """parse_polynomial (flint, no SymPy) and parse_expression (SymPy) read every polynomial alike."""
    import sympy

    from symtrans.expr import parse_expression, parse_polynomial

    R = ring(["x", "y", "c"])
    assert parse_polynomial(text, R) == to_flint(sympy.expand(parse_expression(text, ["x", "y", "c"])), R)


def test_polynomial_targets_without_sympy_and_back():
    """Parsing, JSON, renaming into a proof's ring, evaluation, pickling: all from the flint form; the
    SymPy form equals SymPy's own expansion."""
    import pickle

    import sympy

    from symtrans.targets import Polynomial

    p = Polynomial.parse("(a + 1)**2*c - b/3", ["a", "b"], ["c"])
    x1, x2, c = sympy.symbols("x1 x2 c")
    assert p.expr == sympy.expand((sympy.Symbol("a") + 1) ** 2 * c - sympy.Symbol("b") / 3)
    assert p == Polynomial(("a", "b"), p.expr, ("c",)) and hash(p) == hash(Polynomial(("a", "b"), p.expr, ("c",)))
    assert p != Polynomial.parse("(a + 1)**2*d - b/3", ["a", "b"], ["d"]) != Polynomial.parse("a", ["a", "b"])
    assert Polynomial.from_json(p.to_json()) == p
    assert pickle.loads(pickle.dumps(p)) == p
    S = ring(["x1", "u", "x2", "c"])
    assert p.in_ring(["x1", "x2"], S) == to_flint(sympy.expand((x1 + 1) ** 2 * c - x2 / 3), S)
    assert p({"x1": 2, "x2": "3/2", "c": -1}, names=["x1", "x2"]) == Fraction(-19, 2)
    assert p.degree == 2 and Polynomial.parse("0", ["x"]).degree == -1
    assert p.coefficients()[(0, 1)] == Fraction(-1, 3) and p.coefficients()[(2, 0)] == c
    with pytest.raises(SpecError, match="'z' is not a variable or parameter"):
        p.in_ring(["x1", "z"], S)
    with pytest.raises(SpecError, match="up to 45451 terms"):
        Polynomial.parse("(a + b + 1)**300", ["a", "b"])
    with pytest.raises(SpecError, match="degree 1200"):
        Polynomial.parse("a**600 * a**600", ["a"])
    with pytest.raises(SpecError, match="distinct"):
        Polynomial.parse("a", ["a"], ["a"])


def test_long_sums_read_back():
    """A claim's polynomial must read back from its own JSON: a sum of n terms is n deep in Python's
    tree (once "nested too deeply" from about 200 terms, a RecursionError in Python's own parser
    from a few thousand); it is read as one level, and piece by piece where Python's parser gives up."""
    from symtrans.expr import parse_polynomial
    from symtrans.targets import Polynomial

    p = Polynomial.general(4, 12)
    assert len(p.parameters) == 1820 and Polynomial.from_json(p.to_json()) == p
    R = ring(["x", "y"])
    x, y = R.gens()
    assert parse_polynomial(" + ".join(["x - (y - 1)*2"] * 6000), R) == 6000 * (x - 2 * y + 2)


@pytest.mark.slow
def test_a_general_polynomial_of_ten_thousand_coefficients_is_stated_and_read_back_without_sympy():
    """Polynomial.general builds its flint form directly (SymPy's Poly over 1,005 generators once
    raised RecursionError): 10,011 coefficients in about 2 s, read back from JSON in about 5 s."""
    code = ("import sys; from symtrans.targets import Polynomial; p = Polynomial.general(2, 140); "
            "q = Polynomial.from_json(p.to_json()); "
            "print(len(p.parameters), p.degree, q == p, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.stdout.split() == ["10011", "140", "True", "False"], out.stdout + out.stderr
