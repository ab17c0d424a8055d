
from __future__ import annotations

from fractions import Fraction

from ...checking import _node, _require, _value
from ...exact import exact_rational
from ...graph import CHANNELS, input_variables
from ...polys import ring


def _channel_row(G, claim):
    names = input_variables(G)
    R = ring(names)
    value = _value(G, names, _node(G, claim))
    channels = G.graph.get(CHANNELS)
    cols = list(range(value.shape[1]))
    if claim.groups is not None:
        cols = [i for g in claim.groups for i in range(channels.slice(g).start, channels.slice(g).stop)]
    zero = R.from_dict({})
    polys = [value.get(claim.row, j, None) or zero for j in cols]
    labels = {channels.label(j) if channels is not None and channels.width == value.shape[1] else str(j): k
              for k, j in enumerate(cols)}
    return R, polys, labels, claim.target.in_ring(names, R)


def check(G, claim, cert):
    ev = cert.evidence
    R, polys, labels, target = _channel_row(G, claim)
    if cert.verdict == "PROVED":
        total = R.from_dict({})
        for label, q in ev["theta"]:
            c = exact_rational(q)
            total = total + polys[labels[label]] * R.constant(c.numerator) / c.denominator
        _require(total == target, "the recorded read-out does not produce the target")
        return "PROVED"
    if ev.get("argument") == "degree":
        degree = max((int(p.total_degree()) for p in polys if not p.is_zero()), default=-1)
        _require(not target.is_zero() and int(target.total_degree()) > degree,
                 "the degree argument fails: some channel reaches the target's degree")
        return "REFUTED"
    _require(ev.get("argument") == "farkas", "unknown refutation argument")
    monos = [tuple(m) for m in ev["monomials"]]
    present = {tuple(m) for p in polys + [target] for m in p.monoms()}
    _require(present <= set(monos), "the recorded monomials miss a monomial of the channels or the target")
    y = [exact_rational(v) for v in ev["y"]]
    _require(len(y) == len(monos), "y and the monomials differ in length")
    weight = dict(zip(monos, y))

    def pair(p):
        return sum((weight[tuple(m)] * Fraction(int(c.p), int(c.q)) for m, c in p.terms()), Fraction(0))

    _require(all(pair(p) == 0 for p in polys), "y^T A is not zero")
    _require(pair(target) != 0, "y . b is zero")
    return "REFUTED"
