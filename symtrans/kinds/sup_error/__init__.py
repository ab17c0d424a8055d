"""``sup_error``: the exact ``sup |target - output|`` over an interval equals the claimed value.

One input variable; a polynomial target of degree at most 2 (Yarotsky's ``2^(-2m-2)``).
On each exact linear piece the error is a quadratic whose largest absolute value is at an
end or at the vertex, computed in Q.

>>> from symtrans import Box, Claim, Polynomial
>>> Claim("sup_error", Polynomial.parse("x**2", ["x"]), domain=Box([(0, 1)]), expected={"value": "1/256"}).describe()
'sup |x**2 - output| == 1/256 on the interval'
"""

from dataclasses import dataclass
from fractions import Fraction

from ...errors import SpecError
from ..base import ClaimKind, Params, param, rational, short


@dataclass(frozen=True)
class SupErrorParams(Params):
    value: Fraction = param(rational(nonnegative=True), doc="the claimed exact supremum")


def _validate(claim):
    if claim.domain.dimension != 1:
        raise SpecError(f"a box of dimension {claim.domain.dimension}", field="domain", expected="1 interval")
    if claim.target.degree > 2 or claim.target.parameters:
        raise SpecError("sup_error handles polynomial targets of degree <= 2 without parameters", field="target")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        more = " ..." if len(ev["attained_at"]) > 4 else ""
        return f"sup = {ev['sup']} exactly, attained at {', '.join(ev['attained_at'][:4])}{more}"
    return f"the sup is {ce['sup']}, not {ce['claimed']} (at {ce['point']})" if ce else ""


KIND = ClaimKind(
    name="sup_error", package=__name__, params=SupErrorParams,
    doc="sup over the interval of |target - output| == value, exactly",
    describe=lambda c: f"sup |{short(c.target.text)} - {c.output or 'output'}| == {c.expected.value} on the interval",
    summarize=_summarize,
    evidence={"sup": "the exact supremum", "attained_at": "the points attaining it",
              "linear_regions": "the output's linear pieces on the interval"},
    targets=("polynomial",), domain="box", validate=_validate)
