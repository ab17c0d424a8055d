"""Rigour of the interval backend: mpmath issue 1181, three-valued comparisons, boxes, hardmax."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import pytest
from mpmath.libmp import from_man_exp, to_rational

from symtrans import (UNDECIDED, EvaluationError, Head, IntervalBackend, RationalBackend, Undecided, Weights,
                      add_input, add_op, attention_head, evaluate, new_graph, set_outputs)
from symtrans.ops import Div, Normalize

# mpmath issue 1181: inputs (exact dyadics) at which mpmath's iv.exp returns an upper end below exp(x).
ISSUE_1181 = [(3893924827815215, 1125899906842624, 53), (1381846513289487, 70368744177664, 113)]


def _true_exp_lower_bound(x: Fraction, prec: int) -> Fraction:
    """A certified lower bound of exp(x), from Arb at far higher precision."""
    bk = IntervalBackend(prec=prec + 200)
    with bk.session():
        lo, _ = bk.bounds(bk.exp(bk.const(Weights((1, 1), {(0, 0): x}))).rows[0][0])
    return lo


@pytest.mark.parametrize("num,den,prec", ISSUE_1181)
def test_mpmath_issue_1181_reproduced_and_enclosed(num, den, prec):
    x = Fraction(num, den)
    truth_lo = _true_exp_lower_bound(x, prec)
    # 1. plain mpmath interval exp misses the true value (the upper end is below exp(x)).
    ctx = mpmath.ctx_iv.MPIntervalContext()
    ctx.prec = prec
    X = ctx.make_mpf((from_man_exp(num, -(den.bit_length() - 1)),) * 2)
    upper = Fraction(*to_rational(ctx.exp(X)._mpi_[1]))
    assert upper < truth_lo, "mpmath no longer shows issue 1181 at this input"
    # 2. our mpmath engine widens outward and encloses it; so does Arb.
    for engine in ("mpmath", "arb"):
        bk = IntervalBackend(prec=prec, engine=engine)
        with bk.session():
            y = bk.exp(bk.const(Weights((1, 1), {(0, 0): x}))).rows[0][0]
        lo, hi = bk.bounds(y)
        assert lo <= truth_lo and hi >= truth_lo, engine
        assert hi - lo < Fraction(1, 2 ** (prec - 12)) * hi  # still tight: a few ulps wide


@pytest.mark.parametrize("engine", ["arb", "mpmath"])
def test_exp_and_sqrt_enclosures_by_sampling(engine):
    rng = random.Random(1181)
    for prec in (53, 500):
        bk = IntervalBackend(prec=prec, engine=engine)
        ref = IntervalBackend(prec=prec + 300)
        for _ in range(150):
            x = Fraction(rng.randint(-4000, 4000), rng.choice([1, 3, 7, 64, 1000, 2 ** 20]))
            W = Weights((1, 1), {(0, 0): x})
            with bk.session():
                e = bk.exp(bk.const(W)).rows[0][0]
                s = bk.sqrt(bk.const(Weights((1, 1), {(0, 0): abs(x)}))).rows.get(0, {}).get(0)
            with ref.session():
                te = ref.exp(ref.const(W)).rows[0][0]
                ts = ref.sqrt(ref.const(Weights((1, 1), {(0, 0): abs(x)}))).rows.get(0, {}).get(0)
            lo, hi = bk.bounds(e)
            tlo, thi = ref.bounds(te)
            assert lo <= tlo and thi <= hi
            if s is not None:
                lo, hi = bk.bounds(s)
                tlo, thi = ref.bounds(ts)
                assert lo <= tlo and thi <= hi


def test_three_valued_comparisons():
    bk = IntervalBackend(prec=64)
    third = bk.scalar_at(64, "1/3")
    box = bk.scalar_at(64, (0, 1))
    assert bk.lt(third, bk.scalar_at(64, "1/2")) is True
    assert bk.lt(bk.scalar_at(64, "1/2"), third) is False
    assert bk.lt(box, third) is UNDECIDED
    assert bk.eq(box, box) is UNDECIDED
    assert bk.eq(bk.scalar_at(64, 2), bk.scalar_at(64, 2)) is True
    assert bk.eq(bk.scalar_at(64, 2), bk.scalar_at(64, 3)) is False
    with pytest.raises(Undecided):
        if bk.lt(box, third):
            pass


def test_box_inputs_enclose_every_point_of_the_box():
    """An input box gives enclosures that contain the exact value at every rational point inside."""
    G = new_graph()
    X = add_input(G, "x", (1, 2))
    w = Weights.from_rows([[1, "1/2"], [-1, 2]])
    h = Head(w, w, w, Weights.identity(2), score="softmax", beta=2)
    out = attention_head(G, X, h, name="h")
    set_outputs(G, [out])
    bk = IntervalBackend(prec=80)
    box = {"x": [(Fraction(-1, 2), Fraction(1, 3)), (Fraction(1, 4), 1)]}
    enclosure = bk.to_list(evaluate(G, bk, box)[out])
    rng = random.Random(0)
    ref = IntervalBackend(prec=300)
    for _ in range(60):
        p = [Fraction(rng.randint(-50, 33), 100), Fraction(rng.randint(25, 100), 100)]
        val = ref.to_list(evaluate(G, ref, {"x": p})[out])
        for enc_row, val_row in zip(enclosure, val):
            for enc, v in zip(enc_row, val_row):
                lo, hi = bk.bounds(enc)
                vlo, vhi = ref.bounds(v)
                assert lo <= vlo and vhi <= hi


def _hardmax_graph():
    G = new_graph()
    S = add_input(G, "S", (2, 3))
    a = add_op(G, "w", Normalize("hardmax"), [S])
    set_outputs(G, [a])
    return G


def test_hardmax_exact_ties_are_averaged_in_every_rigorous_backend():
    G = _hardmax_graph()
    S = [[2, 5, 5], ["1/3", "1/3", "1/3"]]
    expected = [[0, Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 3)] * 3]
    rat = RationalBackend()
    assert [[Fraction(int(q.p), int(q.q)) for q in r] for r in rat.to_list(evaluate(G, rat, {"S": S})["w"])] == expected
    for engine in ("arb", "mpmath"):
        bk = IntervalBackend(prec=100, engine=engine)
        got = bk.to_list(evaluate(G, bk, {"S": S})["w"])
        for row, want in zip(got, expected):
            for enc, w in zip(row, want):
                assert bk.contains(enc, w)


def test_hardmax_undecided_gives_sound_unit_interval_weights():
    """Overlapping candidates: every candidate's weight encloses [0, 1]; clear losers are exactly 0."""
    G = _hardmax_graph()
    bk = IntervalBackend(prec=60)
    S = {"S": [[(0, 1), ("1/2", "1/2"), -3], [1, 2, 3]]}
    got = bk.to_list(evaluate(G, bk, S)["w"])
    for w in (got[0][0], got[0][1]):
        assert bk.contains(w, 0) and bk.contains(w, 1) and bk.contains(w, Fraction(1, 2))
    assert bk.bounds(got[0][2]) == (0, 0)
    assert [bk.bounds(w) for w in got[1]] == [(0, 0), (0, 0), (1, 1)]


def test_division_by_exact_zero_fails_naming_the_node():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    q = add_op(G, "q", Div(), [x, x])
    set_outputs(G, [q])
    for bk in (RationalBackend(), IntervalBackend(prec=53), IntervalBackend(prec=53, engine="mpmath")):
        with pytest.raises(EvaluationError) as info:
            evaluate(G, bk, {"x": [1, 0]})
        assert info.value.node == "q" and "division by zero" in str(info.value)


def test_division_by_an_enclosure_containing_zero_is_unbounded_not_wrong():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    q = add_op(G, "q", Div(), [x, x])
    set_outputs(G, [q])
    bk = IntervalBackend(prec=53)
    got = bk.to_list(evaluate(G, bk, {"x": [1, (-1, 1)]})["q"])
    assert bk.bounds(got[0][1]) == (None, None)
    assert bk.contains(got[0][1], 10 ** 9)  # no information: contains everything


@pytest.mark.parametrize("prec", [5, 0, 2 ** 30, "64", True])
def test_precision_out_of_range_is_refused(prec):
    from symtrans import SymtransError

    with pytest.raises(SymtransError, match="precision"):
        IntervalBackend(prec=prec)


def test_session_restores_flint_precision():
    import flint

    before = flint.ctx.prec
    bk = IntervalBackend(prec=3000)
    with bk.session():
        assert flint.ctx.prec == 3000
    assert flint.ctx.prec == before


@pytest.mark.parametrize("engine", ["arb", "mpmath"])
@pytest.mark.parametrize("masked", [False, True])
def test_softmax_encloses_the_textbook_formula(engine, masked):
    """The one softmax (softmax_row, 1 / sum of exp of differences) encloses exp(z_j) / sum_k exp(z_k)
    computed independently with mpmath at 2,000 bits, tightly; masked entries are exactly 0.  The float
    backend runs the same formula on NumPy vectors and lands within 1e-12."""
    import mpmath
    import numpy as np

    from symtrans.backends import FloatBackend

    rng = random.Random(3)
    rows = [[Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(4)] for _ in range(3)]
    allowed = frozenset((i, k) for i in range(3) for k in range(4) if not masked or (i + k) % 3) or None
    bk, fl = IntervalBackend(prec=120, engine=engine), FloatBackend()
    with bk.session():
        enclosed = bk.to_list(bk.softmax(bk.const(Weights.from_rows(rows)), "7/3", allowed))
    floats = fl.softmax(fl.const(Weights.from_rows(rows)), "7/3", allowed)[0]
    with mpmath.workprec(2000):
        for i, row in enumerate(rows):
            keys = [k for k in range(4) if allowed is None or (i, k) in allowed]
            e = {k: mpmath.exp(mpmath.mpf(7) / 3 * mpmath.mpf(row[k].numerator) / row[k].denominator) for k in keys}
            for k in range(4):
                lo, hi = bk.bounds(enclosed[i][k])
                if k not in keys:
                    assert lo == hi == 0 and floats[i, k] == 0
                    continue
                t = e[k] / sum(e.values())
                assert mpmath.mpf(lo.numerator) / lo.denominator <= t <= mpmath.mpf(hi.numerator) / hi.denominator
                assert hi - lo < Fraction(1, 2 ** 100)
                assert abs(floats[i, k] - float(t)) < 1e-12
    assert np.allclose(floats.sum(axis=1), 1.0)


def test_narrow_exp_skips_the_hull_and_still_encloses():
    """A narrow ball's exp is Arb's own ball; a wide one's is the endpoint hull clipped at 0."""
    bk, ref = IntervalBackend(prec=200), IntervalBackend(prec=800)
    narrow = (Fraction(-7, 3), Fraction(-7, 3) + Fraction(1, 2 ** 40))
    wide = (Fraction(-30), Fraction(5))
    for box in (narrow, wide):
        with bk.session():
            e = bk.exp(bk.lift_input([box], (1, 1), ["t"]))
        lo, hi = bk.bounds(e.rows[0][0])
        with ref.session():
            for end in box:
                elo, ehi = ref.bounds(ref.exp(ref.const(Weights((1, 1), {(0, 0): end}))).rows[0][0])
                assert lo <= elo and ehi <= hi
        assert lo >= 0


def test_evaluate_many_equals_evaluate_one_by_one():
    from symtrans.interpret import evaluate_many

    G = new_graph()
    X = add_input(G, "x", (3, 2))
    w = Weights.from_rows([[1, "1/2"], [-1, 2]])
    out = attention_head(G, X, Head(w, w, w, Weights.identity(2), score="softmax", beta=3), name="h")
    set_outputs(G, [out])
    inputs = [{"x": [[1, 0], [0, 2], [-1, -1]]}, {"x": [["1/2", 1], [3, 0], [0, 0]]}]
    bk = IntervalBackend(prec=100)
    many = evaluate_many(G, bk, inputs)
    for got, one in zip(many, inputs):
        want = evaluate(G, bk, one)[out]
        for grow, wrow in zip(bk.to_list(got[out]), bk.to_list(want)):
            assert [bk.bounds(a) for a in grow] == [bk.bounds(b) for b in wrow]


@pytest.mark.parametrize("engine", ["arb", "mpmath"])
def test_softmax_with_n_exponentials_per_row_encloses_sampled_points_as_tightly(engine):
    """On boxes, softmax_row's shifted form (exp once per key, quotients) encloses the weights at sampled
    points of the box and is no wider than the n^2-exponential form; where a shifted exponential is not
    certainly positive it falls back to exp of the difference."""
    from symtrans.backends.base import softmax_row

    bk = IntervalBackend(prec=100, engine=engine)
    rng = random.Random(5)
    boxes = [(Fraction(rng.randint(-30, 30), 7), Fraction(rng.randint(1, 20), 40)) for _ in range(5)]
    with bk.session():
        z = [bk.scalar_at(100, (c - r, c + r)) for c, r in boxes]
        one = bk.one()

        def invert(t):
            return bk._s_inverse_at_least(t, one)

        shifted = softmax_row(z, range(5), bk._s_exp, invert, one, bk._s_softmax_shift())
        direct = softmax_row(z, range(5), bk._s_exp, invert, one)
    for _ in range(30):
        point = [c - r + (2 * r) * Fraction(rng.randint(0, 1000), 1000) for c, r in boxes]
        e = [math.exp(float(p)) for p in point]
        for j in range(5):
            lo, hi = bk.bounds(shifted[j])
            assert float(lo) - 1e-12 <= e[j] / sum(e) <= float(hi) + 1e-12
    for j in range(5):
        (slo, shi), (dlo, dhi) = bk.bounds(shifted[j]), bk.bounds(direct[j])
        assert shi - slo <= (dhi - dlo) * Fraction(11, 10) + Fraction(1, 2 ** 60)
    center, positive = bk._s_softmax_shift()
    with bk.session():
        huge = bk.scalar_at(100, (-10 ** 6, 10))  # with Arb, exp(z - c) is not certainly > 0 here: the fallback
        fixed = [bk.scalar_at(100, (5, 5)), huge, bk.scalar_at(100, (0, 0))]
        if engine == "arb":
            assert not positive(bk._s_exp(huge - center(fixed[0])))
        w = softmax_row(fixed, range(3), bk._s_exp, invert, one, bk._s_softmax_shift())
    assert all(bk.bounds(w[j])[0] >= 0 for j in range(3))  # a weight is positive: never a negative lower end
    for t in (-10 ** 6, -3, 0, 10):
        e = [math.exp(5), math.exp(t) if t > -700 else 0.0, 1.0]
        for j in range(3):
            lo, hi = bk.bounds(w[j])
            assert float(lo) - 1e-12 <= e[j] / sum(e) <= float(hi) + 1e-12
