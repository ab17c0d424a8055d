"""Differential tests (issue 11): the same random graphs on the exact, polynomial, interval and float
backends agree within their guarantees.

* exact (rational) and polynomial values are equal;
* every interval enclosure, at 64 and at 256 bits, with the Arb and the mpmath engines, and the
  float64 boxes, contains the exact value (or, with softmax, where no exact value exists, every pair
  of enclosures intersects);
* float64 lands within 1e-6 (relative) of an enclosure when no hardmax can flip on a rounding error.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symtrans import FloatBackend, IntervalBackend, PolyBackend, RationalBackend, evaluate
from symtrans.backends.box import BoxBackend
from symtrans.errors import BackendError
from symtrans.graph import OP, OUTPUTS, parameters
from symtrans.ops import Normalize

from test_graph import random_graphs

points = st.lists(st.fractions(min_value=-2, max_value=2, max_denominator=9), min_size=3, max_size=3)


def _value(bk, G, x, params):
    out = G.graph[OUTPUTS][0]
    with bk.session(parameters(G)) if hasattr(bk, "session") else _null():
        v = evaluate(G, bk, {"x": [x]}, params=params)[out]
        return bk, bk.to_list(v)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _rules(G):
    return {G.nodes[n][OP].rule for n in G if isinstance(G.nodes[n][OP], Normalize)}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_graphs(), points)
def test_backends_agree_within_their_guarantees(G, x):
    d = G.nodes["x"]["shape"][1]
    x = x[:d]
    params = {p: Fraction(1, 3) for p in parameters(G)}
    rules = _rules(G)
    exact = None
    if "softmax" not in rules:
        _, exact = _value(RationalBackend(), G, x, params)
        _, poly = _value(PolyBackend(parameters(G)), G, x, params)
        assert [[Fraction(str(v)) if not isinstance(v, Fraction) else v for v in row] for row in poly] == \
            [[Fraction(str(v)) if not isinstance(v, Fraction) else v for v in row] for row in exact]
    enclosures = []
    for prec in (64, 256):
        for engine in ("arb", "mpmath"):
            bk = IntervalBackend(prec=prec, engine=engine)
            try:
                bk, rows = _value(bk, G, x, params)
            except BackendError:
                continue
            bounds = [[bk.bounds(v) for v in row] for row in rows]
            enclosures.append(bounds)
            if exact is not None:
                for brow, erow in zip(bounds, exact):
                    for (lo, hi), e in zip(brow, erow):
                        e = Fraction(str(e))
                        assert lo is None or lo <= e <= hi, (prec, engine, lo, e, hi)
    try:  # the float64 boxes: rigorous too, so the same containment and intersection
        box = BoxBackend()
        with box.session():
            rows = box.to_list(evaluate(G, box, {"x": [x]}, params=params)[G.graph[OUTPUTS][0]])
    except BackendError:
        rows = None
    if rows is not None:
        bounds = [[(Fraction(lo), Fraction(hi)) if math.isfinite(lo) and math.isfinite(hi) else (None, None)
                   for lo, hi in row] for row in rows]
        enclosures.append(bounds)
        if exact is not None:
            for brow, erow in zip(bounds, exact):
                for (lo, hi), e in zip(brow, erow):
                    e = Fraction(str(e))
                    assert lo is None or lo <= e <= hi, ("box", lo, e, hi)
    for a in enclosures:
        for b in enclosures:
            for ra, rb in zip(a, b):
                for (lo1, hi1), (lo2, hi2) in zip(ra, rb):
                    if None not in (lo1, lo2):
                        assert max(lo1, lo2) <= min(hi1, hi2), "two enclosures of one value do not meet"
    if "hardmax" not in rules and enclosures:
        fl = FloatBackend()
        value = evaluate(G, fl, {"x": [[float(v) for v in x]]}, params=params)[G.graph[OUTPUTS][0]][0]
        for frow, brow in zip(value.tolist(), enclosures[-1]):
            for f, (lo, hi) in zip(frow, brow):
                if lo is None:
                    continue
                scale = 1 + max(abs(lo), abs(hi))
                assert float(lo) - 1e-6 * scale <= f <= float(hi) + 1e-6 * scale, (f, lo, hi)
