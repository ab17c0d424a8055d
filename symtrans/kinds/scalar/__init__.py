"""``scalar``: a proof step's identity or inequality between closed-form real numbers.

No graph: the claim is its own subject (a graph-free kind).  ``relation`` is
``lhs OP rhs`` with ``OP`` one of ``== != < <= > >=``, over rationals, the named
``values`` (exact rationals), ``pi``, ``+ - * /``, rational powers, ``sqrt``, ``exp``,
``log``, ``abs``, ``max``, ``min`` and finite sums ``sum(body, k, lo, hi)``.  Symbols
listed in ``free`` are universally quantified: the relation must then be ``==``,
an identity of rational functions in them.

Decided exactly where possible (rationals; algebraic numbers through their minimal
polynomial; ``exp(log r) = r``), otherwise by Arb enclosures whose sign is certain;
a comparison still undecided at ``max_bits`` is UNKNOWN.

>>> from symtrans import Claim
>>> c = Claim("scalar", expected={"relation": "sum((C/k)**2, k, 2, 10) <= C", "values": {"C": 10}})
>>> c.describe()
'sum((C/k)**2, k, 2, 10) <= C  (C=10)'
"""

from dataclasses import dataclass

from ...errors import SpecError, SymtransError
from ...exact import format_exact
from ..base import ClaimKind, Params, integer, names, param, rational_map, text
from .relation import read


@dataclass(frozen=True)
class ScalarParams(Params):
    relation: str = param(text(), doc="lhs OP rhs, OP one of == != < <= > >=")
    values: tuple = param(rational_map(), default=(), doc="symbol -> exact rational")
    free: tuple = param(names(), default=(), doc="symbols quantified over all reals (identities only)")
    max_bits: int = param(integer(lo=64, hi=1 << 16), default=4096, doc="largest Arb precision tried")

    def validate(self):
        clash = set(self.free) & {k for k, _ in self.values}
        if clash:
            raise SpecError(f"{sorted(clash)[0]!r} is both free and given a value", field="free")
        try:  # the text is read (and refused with its reason) at claim time
            read(self)
        except SpecError:
            raise
        except SymtransError as exc:
            raise SpecError(exc.message, field="relation", expected=exc.expected) from None

    def bindings(self) -> dict:
        return dict(self.values)

    def to_json(self) -> dict:
        out = {"relation": self.relation}
        if self.values:
            out["values"] = {k: format_exact(v) for k, v in self.values}
        if self.free:
            out["free"] = list(self.free)
        if self.max_bits != 4096:
            out["max_bits"] = self.max_bits
        return out


def _describe(claim):
    e = claim.expected
    given = ", ".join(f"{k}={format_exact(v)}" for k, v in e.values)
    text_ = e.relation if len(e.relation) <= 80 else e.relation[:77] + "..."
    if e.free:
        text_ += f"  for all {', '.join(e.free)}"
    return text_ + (f"  ({given})" if given else "")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"at {', '.join(f'{k}={v}' for k, v in ce['point'].items())}: lhs - rhs = {ce['difference']}"
    if "difference_enclosure" in ev:
        return f"lhs - rhs = {ev['difference_enclosure']} ({ev['how']})"
    if ev.get("how") == "exact: rational":
        d = ev["difference"]
        return f"lhs - rhs = {d if len(d) <= 60 else d[:57] + '...'} (exact)"
    return ev.get("how", ev.get("reason", ""))


KIND = ClaimKind(
    name="scalar", package=__name__, params=ScalarParams,
    doc="a proof step: lhs OP rhs between closed-form real numbers (exact or certified enclosures)",
    describe=_describe, summarize=_summarize,
    evidence={"lhs": "the left side as read (exact)", "rhs": "the right side as read (exact)",
              "difference": "lhs - rhs, as read", "sign": "the sign of lhs - rhs (-1, 0, 1)",
              "how": "what decided it: exact rational, minimal polynomial, or an Arb enclosure",
              "difference_enclosure": "a certified enclosure of lhs - rhs",
              "coefficients": "identities: the numerator's coefficients in the free symbols, all zero"},
    envelope=(), graph=False)
