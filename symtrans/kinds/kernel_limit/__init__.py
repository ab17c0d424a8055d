"""``kernel_limit``: Cheng et al.'s Corollary 1 condition on a kernel, by expansion in the key scale.

The condition: for ``x != 0`` and distinct nonzero keys ``y1, y2``, for almost every ``W``,
``k(x, t W y1) / k(x, t W y2)`` tends to 0 or infinity as ``t -> infinity`` (large keys make the
kernel a hard choice).  For ``k = exp(P) * Q`` (``P, Q`` polynomials in ``s = q.k``, ``r = |q - k|^2``,
``qq``, ``kk``) the log-ratio is a polynomial in ``t`` plus ``O(log t)``; PROVED when the highest
coefficient difference ``Delta_m`` (``m >= 1``) is a nonzero polynomial, shown at an exact rational
point: then the ratio's limit is 0 or infinity for every ``W`` off a proper algebraic set.  With the
keys ``x, y1, y2`` given, ``Delta_m`` is a polynomial in ``W`` alone, nonzero at a rational ``W``.
UNKNOWN (inconclusive, not refuted) when every ``Delta_m`` vanishes: the limit is then decided by
``Q`` (``(1 + s)^2``) or is 1 (``k = 1``).

A factor that is a sum of exponentials, ``exp(A_1) + .. + exp(A_m)`` (Performer's kernel
``exp(-(qq + kk)/2) * (exp(oq1 + ok1) + ...)`` with ``oqj = omega_j . q``, ``okj = omega_j . k`` for the
claim's fixed rational features ``omega``), adds at most ``max_j |A_j| + log m`` to the log: ``O(t^e)``
with ``e`` the highest power of ``t`` in any ``A_j``; the leading difference must then have ``m > e``
(else UNKNOWN).

A kernel that is a *sum* of exponentials (``exp(wq) + exp(wk)``, with ``wq = w.q``, ``wk = w.k``) is
REFUTED by a positive-measure set of ``W``: given keys ``x, y1, y2`` and a box of ``W`` on which every
``t``-dependent exponent has a leading coefficient certainly below 0 (Arb), those terms vanish and
the ratio tends to 1 on the whole box.

>>> from symtrans import Claim
>>> Claim("kernel_limit", expected={"kernel": "exp(-r)"}).describe()
'Cor. 1 condition for k = exp(-r) (d = 2)'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational_rows, text
from .common import exponent_terms, split


def _optional(depth):
    """Nested rationals ``depth`` levels deep (1: a vector, 2: rows of vectors), or ``()`` when not given."""
    return lambda value, name: () if value in (None, (), []) else rational_rows(depth)(value, name)


_vector, _rows = _optional(1), _optional(2)


@dataclass(frozen=True)
class KernelLimitParams(Params):
    kernel: str = param(text(), doc="the kernel in s = q.k, r = |q - k|^2, qq, kk: exp(P) * Q")
    d: int = param(integer(lo=1, hi=4), default=2, doc="the token dimension")
    x: tuple = param(_vector, default=(), doc="optional: the query x (then y1 and y2 too)")
    y1: tuple = param(_vector, default=(), doc="optional: the first key")
    y2: tuple = param(_vector, default=(), doc="optional: the second key")
    w: tuple = param(_vector, default=(), doc="the fixed vector of wq = w.q and wk = w.k, when the kernel uses them")
    omega: tuple = param(_rows, default=(), doc="fixed features omega_1 .. omega_m of oqj = omega_j.q, okj = omega_j.k "
                                                "(Performer)")

    def validate(self):
        m = len(self.omega)
        if split(self.kernel, m) is None and exponent_terms(self.kernel, m) is None:
            raise SpecError(f"{self.kernel!r} is neither exp(P) * Q nor a sum of exponentials", field="kernel",
                            expected="exp(P) * Q or exp(P1) + exp(P2) + ..., P and Q polynomials")
        if any(len(row) != self.d for row in self.omega):
            raise SpecError("a feature of the wrong length", field="omega", expected=f"rows of {self.d} entries (d)")
        uses_w = any(v in self.kernel for v in ("wq", "wk"))
        if uses_w != bool(self.w) or (self.w and len(self.w) != self.d):
            raise SpecError("wq / wk and w go together", field="w", expected=f"w with {self.d} entries iff the kernel "
                            "uses wq or wk")
        given = [k for k in ("x", "y1", "y2") if getattr(self, k)]
        if given and len(given) != 3:
            raise SpecError("some of x, y1, y2 given", field="x", expected="all three or none")
        for k in given:
            if len(getattr(self, k)) != self.d:
                raise SpecError(f"{k} has {len(getattr(self, k))} entries", field=k, expected=f"{self.d} (d)")
        if given:
            if not any(self.x) or not any(self.y1) or not any(self.y2) or self.y1 == self.y2:
                raise SpecError("the condition is about x != 0 and distinct nonzero keys", field="y2",
                                expected="x != 0, y1 != y2, both nonzero")


def _describe(claim):
    e = claim.expected
    keys = f", x={list(map(str, e.x))}, y1={list(map(str, e.y1))}, y2={list(map(str, e.y2))}" if e.x else ""
    return f"Cor. 1 condition for k = {e.kernel} (d = {e.d}{keys})"


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        box = ", ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in sorted(ce["box"].items()))
        return f"the ratio tends to {ev['limit']} for every W with {box}"
    if cert.verdict == "PROVED":
        return f"the t^{ev['degree']} coefficient difference {ev['leading'][:60]} is nonzero at a rational point"
    return ev.get("reason", "")


KIND = ClaimKind(
    name="kernel_limit", package=__name__, params=KernelLimitParams,
    doc="Corollary 1: k(x, tWy1)/k(x, tWy2) -> 0 or infinity for almost every W (expansion in t)",
    describe=_describe, summarize=_summarize,
    evidence={"degree": "the highest power of t whose coefficient differs between the keys",
              "leading": "that coefficient difference, a polynomial", "witness": "a rational point where it is nonzero",
              "reason": "UNKNOWN: why inconclusive"},
    envelope=(), graph=False)
