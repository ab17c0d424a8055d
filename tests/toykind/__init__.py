"""A toy claim kind, defined outside the package: ``value_at``.

The output entry at one exact rational point equals a given rational.  It exists to show
(and test) that a new kind is one folder (this one: ``__init__.py``, ``prove.py``,
``check.py``) plus one registry line (:func:`symtrans.kinds.register`, or a line in
:data:`symtrans.kinds.UNITS` for a kind inside the package).

>>> from symtrans import Claim, kinds
>>> _ = kinds.register(KIND)
>>> Claim("value_at", expected={"point": ["1/2"], "value": "1/4"}).describe()
'output(1/2) == 1/4'
>>> kinds.unregister("value_at")
"""

from dataclasses import dataclass
from fractions import Fraction

from symtrans.kinds.base import ClaimKind, Params, param, rational, rational_rows


@dataclass(frozen=True)
class ValueAtParams(Params):
    point: tuple = param(rational_rows(1), doc="the input point, one rational per input variable")
    value: Fraction = param(rational(), doc="the claimed exact output value there")


def _summarize(cert):
    ce = cert.counterexample
    return f"the output is {cert.evidence['output']} exactly" + (f", not {ce['claimed']}" if ce else "")


KIND = ClaimKind(
    name="value_at", package=__name__, params=ValueAtParams,
    doc="output[row, col] at one exact point equals a rational",
    describe=lambda c: (f"{c.output or 'output'}({', '.join(str(v) for v in c.expected.point)}) "
                        f"== {c.expected.value}"),
    summarize=_summarize,
    evidence={"output": "the exact output value at the point"},
    spec_targets=("polynomial",))
