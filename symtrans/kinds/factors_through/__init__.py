"""``factors_through``: an output determines a target (``H = F(h)`` for some function ``F``).

A proof step often needs "the network's output ``h`` determines the quantity ``H``", so that a
read-out ``F`` with ``H = F(h)`` exists (Jiang & Li's ``F_1`` recovers the inner sums from the
attention output).  ``h`` is row ``row`` of the output node (all its columns); ``H`` is a
polynomial target in the graph's inputs.

* On a finite domain (``points``): PROVED when no two points with equal ``h`` have different
  ``H`` (then ``F`` is the table of values); REFUTED by two such points.  Everything is exact
  (rational backend, logarithms of rationals included).
* On a box: REFUTED by two points of a rational grid (spacing ``1/grid`` of each side) with
  equal ``h`` and different ``H``; no such pair gives UNKNOWN (a proof on a continuum needs an
  injectivity argument this kind does not make).

>>> from symtrans import Claim, Polynomial
>>> H = Polynomial.parse("x1 + x2", ["x1", "x2"])
>>> Claim("factors_through", H, expected={"points": [[0, 2], ["1/4", 3]]}).describe()
'row 0 of the output determines x1 + x2 on 2 points'
"""

from dataclasses import dataclass

from ...domains import Box
from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational_rows


@dataclass(frozen=True)
class FactorsParams(Params):
    points: tuple = param(lambda v, n: () if v in (None, ()) else rational_rows(2)(v, n), default=(),
                          doc="the finite domain: exact input points")
    row: int = param(integer(lo=0), default=0, doc="the output row that is h")
    grid: int = param(integer(lo=1, hi=64), default=4, doc="box domain: grid points per unit length ...")
    max_points: int = param(integer(lo=1, hi=100_000), default=20_000, doc="box domain: most grid points tried")


def _validate(claim):
    data, dim = claim.expected, claim.target.dimension
    if not data.points and not isinstance(claim.domain, Box):
        raise SpecError("a factors_through claim needs points or a box domain", field="points",
                        expected="a list of input points, or domain = a box")
    if data.points and claim.domain is not None:
        raise SpecError("both points and a box", field="domain", expected="one domain: points or a box")
    for i, p in enumerate(data.points):
        if len(p) != dim:
            raise SpecError(f"point {i} has {len(p)} coordinates", field=f"points[{i}]",
                            expected=f"{dim} (the target's variables)")
    if isinstance(claim.domain, Box) and claim.domain.dimension != dim:
        raise SpecError(f"a box of dimension {claim.domain.dimension}", field="domain", expected=f"{dim} intervals")


def _describe(claim):
    where = f"{len(claim.expected.points)} points" if claim.expected.points else "a box (grid search)"
    return f"row {claim.expected.row} of {claim.output or 'the output'} determines {claim.target.text} on {where}"


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"h = {ce['h']} at {ce['points'][0]} and {ce['points'][1]}, H = {ce['H'][0]} vs {ce['H'][1]}"
    if cert.verdict == "PROVED":
        return f"{ev['points']} points, {ev['distinct_h']} distinct values of h, H constant on each"
    return ev.get("reason", "")


KIND = ClaimKind(
    name="factors_through", package=__name__, params=FactorsParams,
    doc="row h of the output determines the target H (H = F(h)) on a finite set or a box",
    describe=_describe, summarize=_summarize,
    evidence={"points": "points evaluated", "distinct_h": "distinct values of h among them",
              "reason": "UNKNOWN: why"},
    targets=("polynomial",), domain="box_or_none", envelope=("output",), validate=_validate)
