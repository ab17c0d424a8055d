"""``same_output``: two inputs give the same output row for *every* value of the parameters.

Both rows are computed over ``Q[params]`` on the poly backend; REFUTED with a parameter
point where they differ (Kajitsuka & Sato's KS-T2).

>>> from symtrans import Claim
>>> Claim("same_output", expected={"inputs": [[[1], [3]], [[3], [1]]]}).describe()
'row 0 equal on two inputs for every parameter value'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational_rows


@dataclass(frozen=True)
class SameOutputParams(Params):
    inputs: tuple = param(rational_rows(3), doc="two token matrices")
    row: int = param(integer(lo=0), default=0, doc="the output row compared")

    def validate(self):
        if len(self.inputs) != 2:
            raise SpecError(f"{len(self.inputs)} inputs", field="inputs", expected="two inputs")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        return f"identical rows over Q[{', '.join(ev['parameters'])}]: {', '.join(ev['output'])}"
    return f"differ at {ce['parameters']}" if ce else ""


KIND = ClaimKind(
    name="same_output", package=__name__, params=SameOutputParams,
    doc="two inputs give the same output row for every parameter value",
    describe=lambda c: f"row {c.expected.row} equal on two inputs for every parameter value",
    summarize=_summarize,
    evidence={"parameters": "the parameter symbols", "row": "the row", "output": "PROVED: the common row"},
    envelope=("output",))
