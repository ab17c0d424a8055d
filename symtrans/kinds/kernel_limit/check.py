from __future__ import annotations

from ...checking import _require
from ...exact import exact_rational
from .common import evaluate_at, expansion, fixed_point, restricted, split


def check(G, claim, cert):
    """Recompute the expansion; the recorded degree is the highest nonzero one and the witness makes it nonzero."""
    data = claim.expected
    P, _ = split(data.kernel)
    point = fixed_point(data)
    terms = {k: restricted(c, point) for k, c in expansion(P, data.d).items()}
    terms = {k: c for k, c in terms.items() if c != 0}
    _require(bool(terms), "every coefficient difference vanishes")
    m = max(terms)
    _require(cert.evidence.get("degree") == m, "the recorded degree is not the highest nonzero one")
    raw = cert.evidence.get("witness")
    _require(isinstance(raw, dict), "no witness point")
    w = {k: exact_rational(v, f"evidence.witness.{k}") for k, v in raw.items()}
    for k, v in point.items():
        _require(w.get(k) == v, "the witness moves a fixed key")
    _require(evaluate_at(terms[m], w) != 0, "the leading coefficient vanishes at the witness")
    return "PROVED"
