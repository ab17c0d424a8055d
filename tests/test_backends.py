"""Every case of the shared table on every backend.

* poly: the symbolic output evaluated at random rational points equals the rational backend;
* interval (Arb, and the mpmath fallback): every enclosure contains the exact value (rational
  backend) or the high-precision mp value, at 53 and at 600 bits, over hundreds of random points;
* floats: agree with the exact / mp value within a stated tolerance, batched;
* box (rigorous float64 intervals, batched): every enclosure contains the exact or mp value, and
  is narrow (relative width below 1e-9: a backend that answered [-inf, inf] would fail);
* refusals: poly and rational refuse what they cannot do exactly, naming the op and the node.
"""

from __future__ import annotations

import random
import zlib
from fractions import Fraction

import numpy as np
import pytest
from mpmath.libmp import to_rational

from symtrans.backends.box import BoxBackend
from symtrans import (BackendError, FloatBackend, IntervalBackend, MpBackend, PolyBackend, RationalBackend,
                      evaluate)
from symtrans.graph import OUTPUTS

from cases import CASES, random_inputs, random_params

POINTS_PER_CASE = 8
FLOAT_RTOL = 1e-9  # float64 on these shallow graphs with weights of a few bits


def by_id(cases):
    return pytest.mark.parametrize("case", cases, ids=[c.name for c in cases])


def exact_values(case, G, point, params):
    """Reference values: exact rationals when possible, else mp at 80 digits (as Fractions)."""
    if not case.rational_refuses:
        out = evaluate(G, RationalBackend(), point, params)
        bk = RationalBackend()
        return {k: [[Fraction(int(q.p), int(q.q)) for q in row] for row in bk.to_list(v)] for k, v in out.items()}, True
    bk = MpBackend(dps=80)
    out = evaluate(G, bk, point, params)
    return {k: [[Fraction(*to_rational(s._mpf_)) for s in row] for row in bk.to_list(v)]
            for k, v in out.items()}, False


@by_id([c for c in CASES if not c.poly_refuses])
def test_poly_equals_rational_at_random_points(case):
    rng = random.Random(zlib.crc32(case.name.encode()))
    G = case.build(rng)
    poly = PolyBackend()
    symbolic = evaluate(G, poly)
    for _ in range(POINTS_PER_CASE):
        point, params = random_inputs(case, rng), random_params(case, rng)
        exact = evaluate(G, RationalBackend(), point, params)
        assignment = dict(params)
        for name, rows in point.items():
            names = G.nodes[name]["op"].variables
            flat = [v for row in rows for v in row]
            assignment.update(zip(names, flat))
        for out in G.graph[OUTPUTS]:
            assert poly.evaluate_at(symbolic[out], assignment) == RationalBackend().to_list(exact[out])


@by_id([c for c in CASES if not c.poly_refuses])
def test_poly_output_is_a_polynomial_of_bounded_degree(case):
    G = case.build(random.Random(1))
    out = evaluate(G, PolyBackend())
    for value in out.values():
        assert all(p.total_degree() >= 0 for row in value.rows.values() for p in row.values())


@pytest.mark.parametrize("prec", [53, 600])
@pytest.mark.parametrize("engine", ["arb", "mpmath"])
@by_id(CASES)
def test_interval_encloses_exact_value(case, prec, engine):
    rng = random.Random(zlib.crc32(f"{case.name}{prec}".encode()))
    G = case.build(rng)
    bk = IntervalBackend(prec=prec, engine=engine)
    npoints = POINTS_PER_CASE if engine == "arb" else 3
    for _ in range(npoints):
        point, params = random_inputs(case, rng), random_params(case, rng)
        reference, is_exact = exact_values(case, G, point, params)
        enclosure = evaluate(G, bk, point, params)
        for out, rows in reference.items():
            for row_enc, row_ref in zip(bk.to_list(enclosure[out]), rows):
                for enc, ref in zip(row_enc, row_ref):
                    lo, hi = bk.bounds(enc)
                    assert lo is not None, f"{case.name}: enclosure unbounded"
                    slack = Fraction(0) if is_exact else Fraction(1, 10 ** 70) * (1 + abs(ref))
                    assert lo - slack <= ref <= hi + slack, f"{case.name}: {ref} outside [{lo}, {hi}]"


@by_id(CASES)
def test_interval_enclosures_tighten_with_precision(case):
    rng = random.Random(7)
    G = case.build(rng)
    point, params = random_inputs(case, rng), random_params(case, rng)
    widths = []
    for prec in (53, 300):
        bk = IntervalBackend(prec=prec)
        out = evaluate(G, bk, point, params)
        widths.append(max(hi - lo for v in out.values() for row in bk.to_list(v)
                          for lo, hi in [bk.bounds(s) for s in row]))
    assert widths[1] <= widths[0]
    assert widths[1] < Fraction(1, 2 ** 200)


@by_id(CASES)
def test_floats_agree_batched(case):
    rng = random.Random(11)
    G = case.build(rng)
    params = random_params(case, rng)
    points = [random_inputs(case, rng) for _ in range(6)]
    batch = {name: np.array([[[float(v) for v in row] for row in p[name]] for p in points]) for name in case.inputs}
    out = evaluate(G, FloatBackend(), batch, params)
    for k, p in enumerate(points):
        reference, _ = exact_values(case, G, p, params)
        for name, rows in reference.items():
            got = out[name][k]
            want = np.array([[float(v) for v in row] for row in rows])
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=FLOAT_RTOL, atol=FLOAT_RTOL)


@by_id(CASES)
def test_box_encloses_exact_value_batched(case):
    rng = random.Random(zlib.crc32(f"box{case.name}".encode()))
    G = case.build(rng)
    params = random_params(case, rng)
    points = [random_inputs(case, rng) for _ in range(POINTS_PER_CASE)]
    batched = all(isinstance(v, Fraction) and v.denominator & (v.denominator - 1) == 0
                  for p in points for rows in p.values() for row in rows for v in row)
    if batched:  # binary fractions are floats exactly: one call for the whole batch
        batch = {name: np.array([[[float(v) for v in row] for row in p[name]] for p in points]) for name in case.inputs}
        outs = evaluate(G, BoxBackend(), batch, params)
        runs = [{k: (v.lo[i], v.hi[i]) for k, v in outs.items()} for i in range(len(points))]
    else:
        runs = [{k: (v.lo[0], v.hi[0]) for k, v in evaluate(G, BoxBackend(), p, params).items()} for p in points]
    for p, run in zip(points, runs):
        reference, is_exact = exact_values(case, G, p, params)
        for out, rows in reference.items():
            lo, hi = run[out]
            for i, row in enumerate(rows):
                for j, ref in enumerate(row):
                    assert np.isfinite(lo[i, j]) and np.isfinite(hi[i, j]), f"{case.name}: unbounded"
                    slack = Fraction(0) if is_exact else Fraction(1, 10 ** 70) * (1 + abs(ref))
                    assert Fraction(lo[i, j]) - slack <= ref <= Fraction(hi[i, j]) + slack, \
                        f"{case.name}: {ref} outside [{lo[i, j]}, {hi[i, j]}]"
                    assert hi[i, j] - lo[i, j] <= 1e-9 * (1 + abs(float(ref))), f"{case.name}: too wide"


@by_id([c for c in CASES if c.poly_refuses])
def test_poly_refuses_naming_op_and_node(case):
    G = case.build(random.Random(3))
    with pytest.raises(BackendError) as info:
        evaluate(G, PolyBackend())
    message = str(info.value)
    assert "the poly backend cannot compute" in message and case.poly_refuses in message
    assert info.value.node in G
    assert "\n" not in message


@by_id([c for c in CASES if c.rational_refuses])
def test_rational_refuses_naming_op_and_node(case):
    rng = random.Random(3)
    G = case.build(rng)
    with pytest.raises(BackendError) as info:
        evaluate(G, RationalBackend(), random_inputs(case, rng), random_params(case, rng))
    assert "the rational backend cannot compute" in str(info.value)
    assert case.rational_refuses in str(info.value)
    assert info.value.node in G


def test_mp_backend_close_to_rational_and_precision_scoped():
    import mpmath

    case = next(c for c in CASES if c.name == "hardmax")
    rng = random.Random(5)
    G = case.build(rng)
    point = random_inputs(case, rng)
    before = mpmath.mp.prec
    mp_out = evaluate(G, MpBackend(dps=40), point)
    assert mpmath.mp.prec == before
    exact = evaluate(G, RationalBackend(), point)
    for k in exact:
        for a, b in zip(MpBackend().to_list(mp_out[k]), RationalBackend().to_list(exact[k])):
            for x, y in zip(a, b):
                assert abs(Fraction(*to_rational(x._mpf_)) - Fraction(int(y.p), int(y.q))) < Fraction(1, 10 ** 35)


def test_parametric_poly_holds_for_every_parameter_value():
    case = next(c for c in CASES if c.name == "parametric_readout")
    G = case.build(random.Random(2))
    poly = PolyBackend()
    out = evaluate(G, poly)
    (value,) = out.values()
    p = value.rows[0][0]
    assert set(p.context().names()) >= {"x1", "x2", "c0", "c1", "c2"}
    # linear in the parameters: degree 1 in each c
    degrees = dict(zip(p.context().names(), p.degrees()))
    assert degrees["c0"] == degrees["c1"] == degrees["c2"] == 1


def test_rational_backend_needs_params_for_a_parametric_graph():
    case = next(c for c in CASES if c.name == "parametric_readout")
    G = case.build(random.Random(2))
    with pytest.raises(BackendError, match="free parameters"):
        evaluate(G, RationalBackend(), {"x": [[1, 2]]})
