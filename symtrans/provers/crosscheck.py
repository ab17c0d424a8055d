"""Float cross-check: the same graph in float64 against the exact value.  Never a proof.

:func:`float_drift` evaluates the graph in float64 (batched) at random points
of a box, and the exact value at the *same* points (each float is an exact
dyadic rational), and reports the largest absolute and relative drift.  Its
result is a report attached to a certificate as evidence; it never changes a
verdict.

>>> from symtrans.constructions.fang2022 import polynomial_transformer
>>> from symtrans.targets import Polynomial
>>> G = polynomial_transformer(Polynomial.parse("x1**3 - 3*x1*x2", ["x1", "x2"]))
>>> r = float_drift(G, points=50)
>>> r["points"], r["max_abs"] < 1e-13, r["verdict"]
(50, True, 'not a proof')
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..backends import FloatBackend, PolyBackend
from ..domains import Box
from ..graph import INPUTS, OP, OUTPUTS, SHAPE, parameters
from ..interpret import evaluate

__all__ = ["float_drift", "FLOAT_BUDGET"]

#: Bytes of float64 values one chunk of cross-check points may hold.
FLOAT_BUDGET = 256 * 2 ** 20


def float_drift(G, points: int = 200, box: Box = None, seed: int = 0, params=None, output=None,
                dtype=np.float64) -> dict:
    """Largest float drift from the exact value over random points of ``box`` (default ``[-1, 1]^d``).

    Returns ``{"points", "dtype", "max_abs", "max_rel", "worst_point", "verdict": "not a proof"}``.
    Parametric graphs are cross-checked at the parameter values ``params`` (random rationals by default).
    """
    rng = np.random.default_rng(seed)
    inputs = G.graph[INPUTS]
    shapes = {n: G.nodes[n][OP].shape for n in inputs}
    d = sum(r * c for r, c in shapes.values())
    box = box or Box.cube(d, -1, 1)
    lo = np.array([float(a) for a, _ in box.bounds])
    hi = np.array([float(b) for _, b in box.bounds])
    samples = lo + (hi - lo) * rng.random((points, d))
    if params is None:
        params = {p: Fraction(int(rng.integers(-9, 10)), int(rng.integers(1, 5))) for p in parameters(G)}
    node = output or G.graph[OUTPUTS][0]
    batch, i = {}, 0
    for n in inputs:
        r, c = shapes[n]
        batch[n] = samples[:, i:i + r * c].reshape(points, r, c)
        i += r * c
    # evaluate in chunks of points, so that the float values of all nodes of one chunk stay within
    # FLOAT_BUDGET bytes (a batch of 100 points on a wide graph held 20 GB before)
    per_point = sum(G.nodes[n][SHAPE][0] * G.nodes[n][SHAPE][1] for n in G) * np.dtype(dtype).itemsize
    chunk = max(1, FLOAT_BUDGET // max(per_point, 1))
    floats = np.concatenate([
        evaluate(G, FloatBackend(dtype), {n: v[k:k + chunk] for n, v in batch.items()}, params)[node]
        for k in range(0, points, chunk)]) if points else np.zeros((0,) + tuple(G.nodes[node][SHAPE]))
    poly = PolyBackend()
    symbolic = evaluate(G, poly, params=params)[node]
    names = [v for n in inputs for v in G.nodes[n][OP].variables]
    worst = (0.0, 0.0, None)
    max_rel = 0.0
    for k in range(points):
        point = {v: Fraction(float(x)) for v, x in zip(names, samples[k])}
        exact_rows = poly.evaluate_at(symbolic, point)
        for a, row in enumerate(exact_rows):
            for b, q in enumerate(row):
                exact = Fraction(int(q.p), int(q.q))
                err = abs(Fraction(float(floats[k, a, b])) - exact)
                fe = float(err)
                if fe > worst[0]:
                    worst = (fe, k, point)
                if exact != 0:
                    max_rel = max(max_rel, float(err / abs(exact)))
    return {"points": points, "dtype": np.dtype(dtype).name, "max_abs": worst[0], "max_rel": max_rel,
            "worst_point": None if worst[2] is None else {k: float(v) for k, v in worst[2].items()},
            "verdict": "not a proof"}
