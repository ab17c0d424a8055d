"""``readout``: *some* read-out of an output row reaches a polynomial target.

There are rationals ``theta`` with ``sum_i theta_i H[row, i] = target`` (over the channel
``groups`` if given).  PROVED with ``theta``; REFUTED by a degree argument or by a vector
``y`` with ``y^T A = 0`` and ``y . b != 0`` (no ``theta`` exists).

>>> from symtrans import Claim, Polynomial
>>> Claim("readout", Polynomial.parse("x1**3", ["x1"])).describe()
'some read-out of output[token 0] == x1**3'
"""

from ...errors import SpecError
from ..base import ClaimKind, NoParams, short


def _describe(claim):
    return f"some read-out of {claim.output or 'output'}[token {claim.row}] == {short(claim.target.text)}"


def _summarize(cert):
    ev = cert.evidence
    if cert.verdict == "PROVED":
        return f"read-out with {len(ev['theta'])} nonzero weights"
    if ev.get("argument") == "degree":
        return f"no read-out: every channel has degree <= {ev['max_channel_degree']}, the target {ev['target_degree']}"
    return "no read-out: a vector y with y^T A = 0, y.b != 0"


def _validate(claim):
    if claim.target.parameters:
        raise SpecError("a read-out claim needs a target with rational coefficients", field="target")


KIND = ClaimKind(
    name="readout", package=__name__, params=NoParams,
    doc="some rational read-out of output[row, groups] equals the target",
    describe=_describe, summarize=_summarize,
    evidence={"channels": "channels the read-out may use", "max_channel_degree": "their largest degree",
              "target_degree": "the target's degree",
              "theta": "PROVED: [[channel label, weight]] of the nonzero read-out weights",
              "argument": "REFUTED: 'degree' or 'farkas'",
              "monomials": "farkas: the monomials indexing A's rows", "y": "farkas: y with y^T A = 0, y.b != 0"},
    targets=("polynomial",), spec_targets=("polynomial",), domain="reals",
    envelope=("output", "row", "groups"))
