"""The box backend's primitives (rigorous float64 intervals): each enclosure checked against exact
rationals or Arb at 300 bits, on random and adversarial inputs.

Each test targets one step of the proof sketch in :mod:`symtrans.backends.box`: dropping the
rounding allowance of a matrix product (R2), the exactness test, the outward step of an
operation (R1), a table bound or the Taylor remainder of exp (R3), or the machine check (R4)
makes one of them fail.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symtrans.backends import box as boxmod
from symtrans.backends.box import Box, BoxBackend, exp_bounds
from symtrans.errors import BackendError
from symtrans.weights import Weights

flint = pytest.importorskip("flint")


def exact_product(A, B):
    return [[sum((Fraction(a) * Fraction(b) for a, b in zip(row, col)), Fraction(0)) for col in zip(*B)] for row in A]


def contains(box, exact):
    lo, hi = box.lo[0], box.hi[0]
    return all(Fraction(lo[i, j]) <= v <= Fraction(hi[i, j]) for i, row in enumerate(exact) for j, v in enumerate(row))


def point(rows):
    return Box(np.array([rows], dtype=np.float64))


def arb_exp_bounds(x):
    flint.ctx.prec = 300
    try:
        e = flint.arb(x).exp()
        from symtrans.backends.interval import _arf_to_fraction
        m, r = _arf_to_fraction(e.mid()), _arf_to_fraction(e.rad())
    finally:
        flint.ctx.prec = 53
    return m - r, m + r


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(-760, 720, allow_nan=False), st.floats(-1e-300, 1e-300, allow_nan=False),
                 st.sampled_from([0.0, -0.0, 709.0, 709.5, -700.0, -700.5, 1 / 128, -1 / 128, 0.5 / 64])))
def test_exp_bounds_enclose_arb_and_are_tight(x):
    lo, hi = exp_bounds(np.array([x]))
    lo, hi = float(lo[0]), float(hi[0])
    true_lo, true_hi = arb_exp_bounds(x)
    assert Fraction(lo) <= true_lo and true_hi <= Fraction(hi) if np.isfinite(hi) else x > 709
    if -650 <= x <= 709:  # below, the outward steps' absolute 2**-1021 shows
        assert (hi - lo) / lo < 2.0 ** -45   # a few hundred units in the last place at most, not a vacuous bound


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-0.5, 0.5, allow_nan=False), min_size=1, max_size=50))
def test_the_taylor_step_alone_encloses(ts):
    """R3's polynomial and its allowance, without the outward steps that follow them.  (Horner's
    actual error is rarely above one unit, which R1's outward step alone covers: the 2**-48
    allowance is for the proved worst case, and a test cannot tell it from none.)"""
    lo, hi = boxmod._exp_taylor(np.array(ts), boxmod._exp_tables()["coeffs"])
    flint.ctx.prec = 300
    try:
        for t, a, b in zip(ts, lo, hi):
            e = (flint.arb(t) / 64).exp()
            assert flint.arb(float(a)) < e < flint.arb(float(b))
    finally:
        flint.ctx.prec = 53


def test_exp_bounds_at_the_edges():
    lo, hi = exp_bounds(np.array([np.nan, -np.inf, np.inf, -800.0, 800.0]))
    assert lo.tolist() == [0.0, 0.0, float(lo[2]), 0.0, float(lo[4])] and hi[0] == np.inf
    assert hi[1] > 0 and hi[3] > 0 and hi[2] == hi[4] == np.inf
    assert Fraction(float(lo[4])) <= arb_exp_bounds(709)[0]  # a lower bound of e^800 too


def test_a_wrong_exp_table_is_caught(monkeypatch):
    """The table test is not vacuous: shifting e^(b/64) up by one float breaks an enclosure."""
    tables = dict(boxmod._exp_tables())
    monkeypatch.setitem(boxmod._TABLES, "b_lo", np.nextafter(tables["b_hi"], np.inf) * (1 + 2.0 ** -40))
    lo, _ = exp_bounds(np.array([1 / 64]))
    assert Fraction(float(lo[0])) > arb_exp_bounds(1 / 64)[1]


def test_matmul_cancellation_needs_the_rounding_allowance():
    """1e16 + 1 - 1e16 is 0 or 2 in floats, 1 exactly: the enclosure must hold it."""
    bk = BoxBackend()
    A, B = [[1e16, 1.0, -1e16, 1 / 3]], [[1.0], [1.0], [1.0], [3.0]]
    C = bk.matmul(point(A), point(B))
    assert not C.is_point and contains(C, exact_product(A, B))
    assert float(C.hi[0, 0, 0] - C.lo[0, 0, 0]) < 1e3


def test_exact_products_stay_points_and_only_those():
    bk = BoxBackend()
    A, B = [[1.0, 0.5, -3.0], [0.25, 0.0, 8.0]], [[2.0, 1.0], [4.0, -1.0], [0.125, 3.0]]
    C = bk.matmul(point(A), point(B))
    assert C.is_point and C.lo[0].tolist() == [[float(v) for v in row] for row in exact_product(A, B)]
    big = [[2.0 ** 53, 1.0]]  # 2^53 + 1 is not a float: not exact, and enclosed
    D = bk.matmul(point(big), point([[1.0], [1.0]]))
    assert not D.is_point and contains(D, [[Fraction(2 ** 53 + 1)]])
    tiny = [[2.0 ** -600]]  # 2^-1200 underflows: not exact
    E = bk.matmul(point(tiny), point(tiny))
    assert not E.is_point and contains(E, [[Fraction(2) ** -1200]])


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(1, 4), st.integers(1, 4), st.randoms(use_true_random=False))
def test_matmul_encloses_every_product_of_points_in_the_boxes(k, rows, cols, rnd):
    scales = [1e-300, 1e-12, 1.0, 1e12, 1e150]

    def entry():
        return rnd.uniform(-1, 1) * rnd.choice(scales)

    def interval():
        a, b = entry(), entry()
        return (min(a, b), max(a, b)) if rnd.random() < 0.5 else (a, a)

    A = [[interval() for _ in range(k)] for _ in range(rows)]
    B = [[interval() for _ in range(cols)] for _ in range(k)]
    box = lambda M: Box(np.array([[[lo for lo, _ in r] for r in M]]), np.array([[[hi for _, hi in r] for r in M]]))
    C = BoxBackend().matmul(box(A), box(B))
    for _ in range(3):
        pick = lambda M: [[rnd.choice(e) for e in r] for r in M]
        assert contains(C, exact_product(pick(A), pick(B)))


def test_an_overflow_on_the_way_gives_no_information():
    A, B = [[1e308, 1e308, -1e308]], [[1.0], [1.0], [1.0]]  # true sum 1e308, a float partial sum overflows
    C = BoxBackend().matmul(point(A), point(B))
    assert C.lo[0, 0, 0] <= 1e308 <= C.hi[0, 0, 0]


def test_elementwise_operations_round_outward():
    third = Box(np.array([1.0]), np.array([1.0])) / Box(np.array([3.0]))
    assert Fraction(float(third.lo[0])) < Fraction(1, 3) < Fraction(float(third.hi[0]))
    m = Box(np.array([0.1])) * Box(np.array([3.0]))  # two points: the product still rounds
    assert Fraction(float(m.lo[0])) < Fraction(0.1) * 3 < Fraction(float(m.hi[0]))
    s = Box(np.array([0.1])) + Box(np.array([0.2]))
    assert Fraction(float(s.lo[0])) < Fraction(0.1) + Fraction(0.2) < Fraction(float(s.hi[0]))
    p = Box(np.array([-2.0]), np.array([3.0])) * Box(np.array([-5.0]), np.array([1.0 / 3]))
    assert p.lo[0] <= -15 and p.hi[0] >= 10
    q = Box(np.array([1.0])) / Box(np.array([-1.0]), np.array([1.0]))  # a divisor that may be 0
    assert q.lo[0] == -np.inf and q.hi[0] == np.inf
    n = Box(np.array([np.inf])) + Box(np.array([-np.inf]))  # NaN: no information, never a decision
    assert n.lo[0] == -np.inf and n.hi[0] == np.inf
    r = BoxBackend().sqrt(Box(np.array([[[2.0]]])))
    assert Fraction(float(r.lo[0, 0, 0])) ** 2 < 2 < Fraction(float(r.hi[0, 0, 0])) ** 2


def test_softmax_scale_by_irrational_root_is_certified():
    for beta, root in [(1, 2), (3, 4), ("-5/7", 3), (0, 5), (1, 16)]:
        b = boxmod._scale(beta, root)
        lo, hi = Fraction(float(b.lo)), Fraction(float(b.hi))
        target_sq = Fraction(beta) ** 2 / root
        assert lo <= hi and (lo ** 2 >= target_sq if Fraction(beta) < 0 else lo ** 2 <= target_sq or lo <= 0)
        assert (hi ** 2 <= target_sq or hi >= 0) if Fraction(beta) < 0 else hi ** 2 >= target_sq


def test_hardmax_exact_ties_average_and_near_ties_stay_open():
    bk = BoxBackend()
    S = Box(np.array([[[1.0, 1.0, 0.0]]]))
    w = bk.hardmax(S)
    assert Fraction(float(w.lo[0, 0, 0])) <= Fraction(1, 2) <= Fraction(float(w.hi[0, 0, 0])) and w.hi[0, 0, 2] == 0
    near = Box(np.array([[[1.0, 1.0 - 1e-17, 0.0]]]), np.array([[[1.0 + 1e-15, 1.0, 0.0]]]))
    v = bk.hardmax(near)
    assert v.lo[0, 0, 0] == 0 and v.hi[0, 0, 0] == 1 and v.hi[0, 0, 2] == 0


def test_the_machine_check_refuses_a_machine_that_does_not_round_to_nearest(monkeypatch):
    assert boxmod.machine_rounds_to_nearest()
    monkeypatch.setattr(boxmod, "machine_rounds_to_nearest", lambda: False)
    with pytest.raises(BackendError, match="rounds to nearest"):
        with BoxBackend().session():
            pass


def test_constants_are_exact_or_outward():
    bk = BoxBackend()
    W = bk.const(Weights.from_rows([["1/4", 3], ["1/10", "-2/3"]]))
    assert W.lo[0, 0, 0] == W.hi[0, 0, 0] == 0.25
    for (i, j), v in {(1, 0): Fraction(1, 10), (1, 1): Fraction(-2, 3)}.items():
        assert Fraction(W.lo[0, i, j]) < v < Fraction(W.hi[0, i, j])


def test_no_information_is_never_a_decision():
    """NaN (from inf - inf) reaching a maximum, a ReLU or a hardmax widens to [-inf, inf]; it must not
    make an entry a certain loser or a certain zero."""
    bk = BoxBackend()
    nan = Box(np.array([[[np.nan, 1.0]]]), np.array([[[np.nan, 2.0]]]))
    w = bk.hardmax(nan)
    assert w.hi[0, 0, 0] == 1 and w.hi[0, 0, 1] == 1 and w.lo[0, 0, 0] == 0  # either may win
    m = bk.reduce_max(nan, 1)  # at least the other entry's 1, at most anything
    assert m.lo[0, 0, 0] == 1 and m.hi[0, 0, 0] == np.inf
    r = bk.relu(nan)
    assert r.lo[0, 0, 0] == 0 and r.hi[0, 0, 0] == np.inf
    x = bk.maximum(nan, Box(np.array([[[0.0, 0.0]]])))
    assert x.hi[0, 0, 0] == np.inf


def test_integer_inputs_beyond_two_to_the_53_are_refused():
    from symtrans.errors import SpecError

    bk = BoxBackend()
    ok = bk.lift_input(np.array([[2 ** 53, 3]], dtype=np.int64), (1, 2), ["a", "b"])
    assert ok.is_point and ok.lo[0, 0, 0] == 2.0 ** 53
    with pytest.raises(SpecError, match="not a float64 exactly"):
        bk.lift_input(np.array([[2 ** 53 + 1, 3]], dtype=np.int64), (1, 2), ["a", "b"])
