"""``boltzmann``: Lemma 1 of Kajitsuka & Sato on given vectors.

``|boltz(a^i) - boltz(a^j)| > (log n)^2 e^(-2r)`` for every pair of vectors meeting the
lemma's hypotheses (checked exactly, an unmet one is an error naming it); certified with
Arb at doubling precision.

>>> from symtrans import Claim
>>> Claim("boltzmann", expected={"vectors": [[1, 2], [1, -2]], "r": 2, "delta": 7}).describe()
'Lemma 1: boltz separates 2 vectors by (log n)^2 e^(-2r)'
"""

from dataclasses import dataclass
from fractions import Fraction

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational, rational_rows
from ..contextual_mapping import MAX_BITS


@dataclass(frozen=True)
class BoltzmannParams(Params):
    vectors: tuple = param(rational_rows(2), doc="the vectors a^i")
    r: Fraction = param(rational(nonnegative=True), doc="bound on every entry")
    delta: Fraction = param(rational(positive=True), doc="entries equal or more than delta apart")
    max_bits: int = param(integer(lo=53, hi=MAX_BITS), default=4096, doc="largest Arb precision")

    def validate(self):
        if len(self.vectors) < 2:
            raise SpecError("Lemma 1 needs at least two vectors", field="vectors")


def _summarize(cert):
    ev = cert.evidence
    if cert.verdict == "PROVED":
        return (f"{ev['pairs']} pairs: |boltz difference| >= 10^{ev['min_difference_log10']:.2f} > bound "
                f"10^{ev['bound_log10']:.2f} at {ev['bits']} bits")
    return f"{cert.counterexample or ev}"


KIND = ClaimKind(
    name="boltzmann", package=__name__, params=BoltzmannParams,
    doc="Lemma 1: the Boltzmann operator separates the vectors by (log n)^2 e^(-2r)",
    describe=lambda c: f"Lemma 1: boltz separates {len(c.expected.vectors)} vectors by (log n)^2 e^(-2r)",
    summarize=_summarize,
    evidence={"bits": "the precision that decided", "min_difference_log10": "PROVED: smallest difference",
              "bound_log10": "the bound", "pairs": "pairs", "undecided": "UNKNOWN: undecided pairs"},
    envelope=())
