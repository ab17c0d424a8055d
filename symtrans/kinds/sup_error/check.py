
from __future__ import annotations

from fractions import Fraction

from ...checking import _node, _pwl_pieces


def check(G, claim, cert):
    (lo, hi), = claim.domain.bounds
    coeffs = {k[0]: Fraction(v) for k, v in claim.target.coefficients().items()}
    a2, a1, a0 = coeffs.get(2, Fraction(0)), coeffs.get(1, Fraction(0)), coeffs.get(0, Fraction(0))
    best = Fraction(-1)
    for a, b, s_, c in _pwl_pieces(G, _node(G, claim), lo, hi, claim.row, claim.col):
        xs = [a, b] + ([-(a1 - s_) / (2 * a2)] if a2 and a < -(a1 - s_) / (2 * a2) < b else [])
        best = max([best] + [abs(a2 * x * x + (a1 - s_) * x + (a0 - c)) for x in xs])
    return "PROVED" if best == claim.expected.value else "REFUTED"
