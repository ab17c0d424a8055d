from __future__ import annotations

from ...checking import _require
from ...exact import exact_rational
from .common import (
    box_certifies,
    evaluate_at,
    exponent_terms,
    fixed_point,
    leading_difference,
    split,
    sum_growth,
    vanishing_terms,
)


def check(G, claim, cert):
    """Recompute the expansion; the recorded degree is the highest nonzero one and the witness makes it nonzero."""
    data = claim.expected
    parts = split(data.kernel, len(data.omega))
    if parts is None:
        return _box(claim, cert)
    P, _, sums = parts
    point = fixed_point(data)
    m, delta = leading_difference(P, data.d, data.w, point, data.omega)
    _require(m is not None, "every coefficient difference vanishes")
    _require(sum_growth(sums, data.d, data.w, point, data.omega) < m,
             "a sum of exponentials grows as fast as the leading difference")
    _require(cert.evidence.get("degree") == m, "the recorded degree is not the highest nonzero one")
    raw = cert.evidence.get("witness")
    _require(isinstance(raw, dict), "no witness point")
    w = {k: exact_rational(v, f"evidence.witness.{k}") for k, v in raw.items()}
    for k, v in point.items():
        _require(w.get(k) == v, "the witness moves a fixed key")
    _require(evaluate_at(delta, w) != 0, "the leading coefficient vanishes at the witness")
    return "PROVED"


def _box(claim, cert):
    """REFUTED: the recorded keys are valid and, on the recorded box of W (each side of positive length),
    every t-dependent exponent certainly vanishes and both keys keep the same terms (Arb again)."""
    data = claim.expected
    ce = cert.counterexample
    _require(isinstance(ce, dict) and isinstance(ce.get("box"), dict), "no box of W recorded")
    x, y1, y2 = ([exact_rational(v, f"counterexample.{k}") for v in ce.get(k, [])] for k in ("x", "y1", "y2"))
    _require(len(x) == len(y1) == len(y2) == data.d and any(x) and any(y1) and any(y2) and y1 != y2,
             "the keys are not x != 0 and distinct nonzero y1, y2")
    if data.x:
        _require((tuple(x), tuple(y1), tuple(y2)) == (data.x, data.y1, data.y2), "the keys are not the claim's")
    names = {f"w{i + 1}{j + 1}" for i in range(data.d) for j in range(data.d)}
    _require(set(ce["box"]) == names, "the box does not give every entry of W")
    box = {k: (exact_rational(v[0], "box"), exact_rational(v[1], "box")) for k, v in ce["box"].items()}
    _require(all(lo < hi for lo, hi in box.values()), "the box has no volume")
    negative, kept1, kept2 = vanishing_terms(exponent_terms(data.kernel, len(data.omega)), data.d, x, y1, y2,
                                             data.w, data.omega)
    _require(box_certifies(negative, kept1, kept2, box), "the ratio is not certified finite on the box")
    return "REFUTED"
