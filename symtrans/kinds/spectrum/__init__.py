"""``spectrum``: the singular values of a separable coupling, exactly (algebraic numbers).

A coupling ``rho(u, v) = sum_ij C_ij a_i(u) b_j(v)`` (``u, v`` in ``[0, 1]``; bases ``left`` =
``a``, ``right`` = ``b``, or given Gram matrices, or orthonormal bases when neither is given,
which makes the claim about the plain singular values of ``C``).  The squared singular values
are the roots of the exact characteristic polynomial of ``C G_b C^T G_a``, isolated by Arb.
No graph: the claim is its own subject.

The claim gives any of: ``rank`` (the number of nonzero singular values), ``values`` (all the
nonzero singular values, largest first, as closed forms: each is proved *equal* to its root,
exactly, by the root's irreducible factor and the isolating enclosure), ``decimals`` with
``digits`` (each singular value rounds to the decimal given).  ``kernel`` (optional) is the
coupling as an expression in ``u`` and ``v``; it must equal the expansion exactly.

>>> from symtrans import Claim
>>> Claim("spectrum", expected={"coefficients": [[3, 0], [0, 4]], "values": ["4", "3"]}).describe()
'singular values of a 2 x 2 coupling: 4, 3'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ...scalars import parse_constant
from ..base import ClaimKind, Params, integer, param, rational_rows
from .common import grams


def _texts(value, name):
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SpecError(f"{str(value)[:60]!r} is not a list of strings", field=name, expected='such as ["1", "sin(2*pi*u)"]')
    return tuple(value)


def _matrix(value, name):
    return () if value in (None, ()) else rational_rows(2)(value, name)


def _optional_text(value, name):
    if value is not None and not isinstance(value, str):
        raise SpecError(f"{value!r} is not a string", field=name)
    return value


@dataclass(frozen=True)
class SpectrumParams(Params):
    coefficients: tuple = param(rational_rows(2), doc="C: the coupling's coefficients (left x right)")
    left: tuple = param(_texts, default=(), doc="basis functions of u (polynomials or sin/cos(2*pi*k*u))")
    right: tuple = param(_texts, default=(), doc="basis functions of v")
    gram_left: tuple = param(_matrix, default=(), doc="or: the left Gram matrix (symmetric positive definite)")
    gram_right: tuple = param(_matrix, default=(), doc="or: the right Gram matrix")
    kernel: str = param(_optional_text, default=None, doc="the coupling as an expression in u and v (checked)")
    values: tuple = param(_texts, default=(), doc="the nonzero singular values, largest first, as closed forms")
    decimals: tuple = param(_texts, default=(), doc="the nonzero singular values, largest first, as decimals")
    digits: int = param(integer(lo=0, hi=1000), default=3, doc="decimals: the digits they are rounded to")
    rank: int = param(integer(lo=0, optional=True), default=None, doc="the number of nonzero singular values")
    max_bits: int = param(integer(lo=64, hi=1 << 16), default=2048, doc="largest Arb precision tried")

    def validate(self):
        C = self.coefficients
        if len({len(r) for r in C}) != 1:
            raise SpecError("rows of different lengths", field="coefficients", expected="a matrix")
        for side, basis, gram, size in (("left", self.left, self.gram_left, len(C)),
                                         ("right", self.right, self.gram_right, len(C[0]))):
            if basis and gram:
                raise SpecError(f"both {side} and gram_{side}", field=f"gram_{side}", expected="one of them")
            if basis and len(basis) != size:
                raise SpecError(f"{len(basis)} {side} functions for {size} coefficient "
                                f"{'rows' if side == 'left' else 'columns'}", field=side, expected=f"{size}")
            if gram and (len(gram) != size or any(len(r) != size for r in gram)):
                raise SpecError(f"a gram_{side} that is not {size} x {size}", field=f"gram_{side}",
                                expected=f"a square {size} x {size} matrix")
        if self.kernel and not (self.left and self.right):
            raise SpecError("a kernel without both bases", field="kernel", expected="left and right functions")
        if not (self.values or self.decimals or self.rank is not None):
            raise SpecError("nothing claimed", field="values", expected="values, decimals or rank")
        for d in self.decimals:
            try:
                float(d)
            except ValueError:
                raise SpecError(f"{d!r} is not a decimal", field="decimals") from None
        grams(self)  # bases that cannot be integrated exactly, singular Gram matrices: refused now
        for i, text in enumerate(self.values):
            parse_constant(text, f"values[{i}]")


def _describe(claim):
    e = claim.expected
    p, q = len(e.coefficients), len(e.coefficients[0])
    what = [", ".join(e.values)] if e.values else []
    if e.decimals:
        what.append(f"{', '.join(e.decimals)} to {e.digits} decimals")
    if e.rank is not None:
        what.append(f"rank {e.rank}")
    return f"singular values of a {p} x {q} coupling: " + "; ".join(what)


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce and "index" in ce:
        return f"sigma_{ce['index'] + 1} = {ce['actual']}, not {ce['claimed']}"
    if ce:
        return f"rank {ce['rank']}"
    return f"charpoly {ev.get('charpoly', '?')}; sigma = {', '.join(ev.get('singular_values', []))}"


KIND = ClaimKind(
    name="spectrum", package=__name__, params=SpectrumParams,
    doc="the singular values of a separable coupling sum C_ij a_i(u) b_j(v), exactly",
    describe=_describe, summarize=_summarize,
    evidence={"charpoly": "the characteristic polynomial of C G_b C^T G_a (exact)",
              "rank": "the number of nonzero singular values",
              "squared_singular_values": "Arb enclosures of its nonzero roots, largest first",
              "singular_values": "their square roots"},
    envelope=(), graph=False)
