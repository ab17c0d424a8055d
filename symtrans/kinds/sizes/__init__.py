"""``sizes``: the graph's sizes equal the claimed ones (a theorem's stated complexity).

The sizes are :func:`symtrans.graph.sizes` (blocks, heads per block, tokens, width, FFN
widths, nonzero and free parameters, largest weight in bits, nodes).

>>> from symtrans import Claim
>>> Claim("sizes", expected={"blocks": 2, "width": 7}).describe()
'sizes blocks=2, width=7'
"""

from dataclasses import dataclass
from typing import Mapping

from ...errors import SpecError
from ..base import ClaimKind, Params, param

#: The size names a claim may give (the keys of :func:`symtrans.graph.sizes`).
SIZE_NAMES = ("blocks", "heads_per_block", "tokens", "width", "ffn_widths", "nonzero_parameters",
              "free_parameters", "max_weight_bits", "nodes")


def _size(value, name):
    if isinstance(value, list):
        value = tuple(value)
    ok = (isinstance(value, int) and not isinstance(value, bool) and value >= 0) or value is None or (
        isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if not ok:
        raise SpecError(f"{value!r}", field=name, expected="a non-negative integer or a list of integers")
    return value


@dataclass(frozen=True)
class SizesParams(Params):
    """Size name -> claimed value."""

    sizes: tuple = param(lambda v, n: v, default=(), doc="size name -> integer (or list of integers)")

    @classmethod
    def from_value(cls, value):
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping) or not value:
            raise SpecError("a sizes claim needs the expected sizes", field="expected",
                            expected="a table such as {blocks = 2}")
        unknown = [k for k in value if k not in SIZE_NAMES]
        if unknown:
            raise SpecError(f"unknown size {unknown[0]!r}", field="expected", expected=", ".join(SIZE_NAMES))
        return cls(tuple((k, _size(v, k)) for k, v in value.items()))

    def to_json(self):
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.sizes}

    def items(self):
        return self.sizes


def _describe(claim):
    return "sizes " + ", ".join(f"{k}={v}" for k, v in claim.expected.to_json().items())


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        s = ev["sizes"]
        return (f"blocks {s['blocks']}, tokens {s['tokens']}, width {s['width']}, "
                f"free params {s['free_parameters']}")
    return ", ".join(f"{k}: graph {v['graph']} vs claimed {v['claimed']}" for k, v in (ce or {}).items())


KIND = ClaimKind(
    name="sizes", package=__name__, params=SizesParams,
    doc="the graph's sizes equal the claimed ones",
    describe=_describe, summarize=_summarize,
    evidence={"sizes": "the graph's sizes, all of them"}, envelope=())
