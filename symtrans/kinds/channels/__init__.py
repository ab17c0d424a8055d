"""``channels``: channel groups of a node hold given polynomials in every token.

Block invariants such as "after block l, R_l holds all monomials of degree <= l"; the
groups named in ``zero`` hold 0.  PROVED by exact evaluation on the poly backend;
REFUTED naming the first token and channel that differ.

>>> from symtrans import Claim
>>> c = Claim("channels", output="b1.res1", expected={"R1": ["1", "x1", "x2"]}, zero=("R2",))
>>> c.describe(), c.expected.groups
('channels R1, R2=0 of b1.res1 in every token', (('R1', ('1', 'x1', 'x2')),))
"""

from dataclasses import dataclass
from typing import Mapping

from ...errors import SpecError
from ..base import ClaimKind, Params, param


def _groups(value, name):
    if not isinstance(value, tuple) or not all(isinstance(g, str) and isinstance(e, tuple) for g, e in value):
        raise SpecError("expected groups must map a group name to a list of expressions", field=name)
    return value


@dataclass(frozen=True)
class ChannelsParams(Params):
    """Group name -> the polynomial expressions its channels hold (the same in every token)."""

    groups: tuple = param(_groups, default=(), doc="group name -> list of expressions (strings)")

    @classmethod
    def from_value(cls, value):
        if isinstance(value, cls):
            return value
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise SpecError("expected groups must be a table", field="expected")
        out = []
        for g, exprs in value.items():
            if not isinstance(exprs, (list, tuple)):
                raise SpecError(f"group {g!r} is not given a list of expressions", field=f"expected.{g}")
            out.append((str(g), tuple(str(e) for e in exprs)))
        return cls(tuple(out))

    def to_json(self):
        return {g: list(exprs) for g, exprs in self.groups}

    def items(self):
        return self.groups


def _describe(claim):
    names = [g for g, _ in claim.expected.groups] + [f"{z}=0" for z in claim.zero]
    return f"channels {', '.join(names)} of {claim.output or 'output'} in every token"


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        return f"{ev['checked']} channel entries in {ev['tokens']} tokens"
    return f"{ce['where']}: got {ce['got']}, expected {ce['expected']}" if ce else ""


def _validate(claim):
    if not claim.expected.groups and not claim.zero:
        raise SpecError("a channels claim needs expected groups", field="expected")


KIND = ClaimKind(
    name="channels", package=__name__, params=ChannelsParams,
    doc="channel groups of a node hold given polynomials (zero groups 0) in every token",
    describe=_describe, summarize=_summarize,
    evidence={"checked": "channel entries compared", "tokens": "PROVED: tokens compared"},
    envelope=("output", "zero"), validate=_validate)
