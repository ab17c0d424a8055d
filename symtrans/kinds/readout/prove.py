
from __future__ import annotations

import time
from fractions import Fraction

from ..._lazy import sympy
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix

from ...certificate import Certificate
from ...errors import SpecError, SymtransError
from ...exact import exact_rational, format_exact
from ...graph import CHANNELS, input_variables, parameters
from ...provers._certify import certify
from ...provers.polynomial import _evaluate_poly, _output


def _channel_polys(G, claim):
    node = _output(G, claim)
    bk, value, ring, names = _evaluate_poly(G, node)
    if parameters(G):
        raise SpecError("a read-out claim needs a graph without parameters", field="claim")
    width = value.shape[1]
    channels = G.graph.get(CHANNELS)
    cols = list(range(width))
    if claim.groups is not None:
        if channels is None:
            raise SpecError("the graph has no named channels to select groups from", field="groups")
        cols = [i for g in claim.groups for i in range(channels.slice(g).start, channels.slice(g).stop)]
    zero = ring.from_dict({})
    polys = [value.get(claim.row, j, None) or zero for j in cols]
    labels = [channels.label(j) if channels is not None and channels.width == width else str(j) for j in cols]
    return node, ring, names, polys, labels


def _rational_rows(polys, target, monos):
    index = {m: i for i, m in enumerate(monos)}
    A = [[Fraction(0)] * len(polys) for _ in monos]
    for j, p in enumerate(polys):
        for m, c in p.terms():
            A[index[tuple(m)]][j] = Fraction(int(c.p), int(c.q))
    b = [Fraction(0)] * len(monos)
    for m, c in target.terms():
        b[index[tuple(m)]] = Fraction(int(c.p), int(c.q))
    return A, b


def prove(G, claim, name: str = "") -> Certificate:
    """Decide whether some read-out of ``output[row, groups]`` equals the target.

    >>> from symtrans.constructions.fang2022 import monomial_encoder
    >>> from symtrans.targets import Polynomial
    >>> from symtrans.claims import Claim
    >>> t = Polynomial.parse("x1**3", ["x1"])
    >>> prove(monomial_encoder(1, 3), Claim("readout", t)).evidence["theta"]
    [['R3[3]', '1']]
    >>> c = prove(monomial_encoder(1, 2), Claim("readout", t))
    >>> c.verdict, c.evidence["argument"], c.evidence["max_channel_degree"]
    ('REFUTED', 'degree', 2)
    """
    start = time.perf_counter()
    node, ring, names, polys, labels = _channel_polys(G, claim)
    target = claim.target.in_ring(input_variables(G), ring)
    degrees = [int(p.total_degree()) for p in polys if not p.is_zero()]
    max_degree = max(degrees, default=-1)
    tdeg = int(target.total_degree()) if not target.is_zero() else -1
    evidence = {"channels": len(polys), "max_channel_degree": max_degree, "target_degree": tdeg}
    if tdeg > max_degree:
        evidence["argument"] = "degree"
        return certify(G, claim, "REFUTED", "poly", None, evidence, None, start, name)
    monos = sorted({tuple(int(e) for e in m) for p in polys + [target] for m in p.monoms()})
    A, b = _rational_rows(polys, target, monos)
    Aq = DomainMatrix([[QQ(x.numerator, x.denominator) for x in row] for row in A], (len(monos), len(polys)), QQ)
    bq = DomainMatrix([[QQ(x.numerator, x.denominator)] for x in b], (len(monos), 1), QQ)
    aug = Aq.hstack(bq)
    rref, pivots = aug.rref()
    if len(polys) in pivots:  # inconsistent: a row 0 ... 0 | 1
        left = Aq.transpose().nullspace()  # rows y with A^T y = 0, i.e. y^T A = 0
        for y in left.to_Matrix().tolist():
            dot = sum(Fraction(int(sympy.Rational(v).p), int(sympy.Rational(v).q)) * bi for v, bi in zip(y, b))
            if dot != 0:
                evidence.update(argument="farkas", monomials=[list(m) for m in monos],
                                y=[format_exact(exact_rational(sympy.Rational(v))) for v in y])
                return certify(G, claim, "REFUTED", "poly", None, evidence, None, start, name)
        raise SymtransError("internal error: inconsistent system without a separating vector")  # pragma: no cover
    theta = [Fraction(0)] * len(polys)
    dense = rref.to_Matrix()
    for r, pc in enumerate(pivots):
        v = sympy.Rational(dense[r, len(polys)])
        theta[pc] = Fraction(int(v.p), int(v.q))
    evidence["theta"] = [[labels[j], format_exact(t)] for j, t in enumerate(theta) if t != 0]
    return certify(G, claim, "PROVED", "poly", None, evidence, None, start, name)
