"""``integral``: the exact integral over a box of an output entry, its square, its absolute value, or a
product of two entries, compared with a rational.

The graph must be piecewise linear on the box (ReLU, max, hardmax, constant-score softmax); the
integrand is then a piecewise polynomial of degree at most 2, integrated exactly over the polytope
cells of the graph (:mod:`symtrans.integrate`).  This is what an L1 or L2 norm in a rate proof
needs (``int |rho - rho~|``, ``int rho^2``).

>>> from symtrans import Box, Claim
>>> Claim("integral", domain=Box([(0, 1), (0, 1)]), output="a", expected={"times": ["b", 0, 0], "mode": "abs",
...       "relation": "<=", "value": "1/4"}).describe()
'int over the box of |a[0,0] * b[0,0]| <= 1/4'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ...exact import format_exact
from ..base import ClaimKind, Params, choice, param, rational


def _entry(value, name):
    if value is None:
        return None
    ok = isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str) and all(
        isinstance(k, int) and not isinstance(k, bool) and k >= 0 for k in value[1:])
    if not ok:
        raise SpecError(f"{str(value)[:60]!r}", field=name, expected="[node, row, col]")
    return tuple(value)


@dataclass(frozen=True)
class IntegralParams(Params):
    value: object = param(rational(), doc="the rational the integral is compared with")
    relation: str = param(choice("==", "<=", "<", ">=", ">"), default="==", doc="== <= < >= >")
    mode: str = param(choice("signed", "abs", "square"), default="signed",
                      doc="signed: the integrand; abs: its absolute value; square: the entry squared")
    times: tuple = param(_entry, default=None, doc="a second factor [node, row, col] (integrand = product)")

    def validate(self):
        if self.mode == "square" and self.times is not None:
            raise SpecError("square with a second factor", field="times", expected="one factor for 'square'")


def _integrand(claim):
    first = f"{claim.output or 'output'}[{claim.row},{claim.col}]"
    e = claim.expected
    body = first if e.times is None else f"{first} * {e.times[0]}[{e.times[1]},{e.times[2]}]"
    return {"signed": body, "abs": f"|{body}|", "square": f"{body}^2"}[e.mode]


def _describe(claim):
    return f"int over the box of {_integrand(claim)} {claim.expected.relation} {format_exact(claim.expected.value)}"


def _summarize(cert):
    ev = cert.evidence
    return f"integral = {ev['integral']} (exact; {ev['cells']} cells, {ev['simplices']} simplices)"


KIND = ClaimKind(
    name="integral", package=__name__, params=IntegralParams,
    doc="the exact integral over a box of a piecewise polynomial made of output entries, compared with a rational",
    describe=_describe, summarize=_summarize,
    evidence={"integral": "the exact value", "cells": "cells of the graph on the box",
              "simplices": "simplices integrated over"},
    domain="box")
