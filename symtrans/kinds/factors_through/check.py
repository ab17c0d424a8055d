from __future__ import annotations

from ...checking import _require
from ...exact import exact_rational
from .common import values_at


def check(G, claim, cert):
    """REFUTED: the two recorded points lie in the domain, give equal h and different H.
    PROVED (finite domain): every point again, grouped by its exact h."""
    data = claim.expected
    ce = cert.counterexample
    if ce is None:
        _require(bool(data.points), "a PROVED factors_through certificate needs a finite domain")
        seen = {}
        for p in data.points:
            h, H = values_at(G, claim, list(p))
            _require(seen.setdefault(h, H) == H, "two points with equal h have different H")
        return "PROVED"
    pts = ce.get("points") if isinstance(ce, dict) else None
    _require(isinstance(pts, list) and len(pts) == 2 and all(isinstance(p, list) for p in pts),
             "the counterexample does not give two points")
    a, b = ([exact_rational(v, "counterexample.points") for v in p] for p in pts)
    for p in (a, b):
        if data.points:
            _require(tuple(p) in data.points, "a counterexample point is not in the claim's finite domain")
        else:
            _require(claim.domain.contains(p), "a counterexample point lies outside the box")
    (ha, Ha), (hb, Hb) = values_at(G, claim, a), values_at(G, claim, b)
    _require(ha == hb, "the two points give different h")
    _require(Ha != Hb, "the two points give the same H")
    return "REFUTED"
