"""``contextual_mapping``: on given sequences the graph is an ``(r, delta)``-contextual mapping.

Every output token's norm is ``<= r`` and every required pair of output tokens (different
tokens, or the same token in sequences with different token sets) is farther apart than
``delta`` (or ``10^delta_log10``): Kajitsuka & Sato 2024, Definition 1.  Certified with Arb
at doubling precision up to ``max_bits``.  Old spellings of the method: ``interval`` and
``separation`` (specs), ``separation`` (certificates).

>>> from symtrans import Claim
>>> seqs = [[["1", "0"], ["0", "2"]], [["1", "0"], ["-1", "-1"]]]
>>> c = Claim("contextual_mapping", expected={"sequences": seqs, "r": "3", "delta_log10": -5})
>>> c.describe()
'(r=3, delta=10^-5)-contextual mapping on 2 sequences'
>>> Claim("contextual_mapping", expected={"sequences": seqs, "r": "-51/20"})
Traceback (most recent call last):
...
symtrans.errors.SpecError: field 'r': r = -51/20 (expected r >= 0)
"""

from dataclasses import dataclass
from fractions import Fraction

from ...budget import MAX_LOG10
from ...errors import SpecError
from ..base import ClaimKind, Params, choice, integer, param, rational, rational_rows

#: Largest precision a claim may ask for.
MAX_BITS = 1 << 20


def check_sequences(X, field="sequences"):
    """Sequences of one length, tokens of one dimension."""
    n, d = len(X[0]), len(X[0][0])
    for i, seq in enumerate(X):
        if len(seq) != n:
            raise SpecError(f"sequence {i} has {len(seq)} tokens", field=field, expected=f"{n}, as sequence 0")
        for k, t in enumerate(seq):
            if len(t) != d:
                raise SpecError(f"token {k} of sequence {i} has {len(t)} coordinates", field=field,
                                expected=f"{d}, as the first token")


@dataclass(frozen=True)
class ContextualMappingParams(Params):
    sequences: tuple = param(rational_rows(3), doc="the input sequences (lists of token vectors)")
    r: Fraction = param(rational(nonnegative=True, optional=True), default=None, doc="bound on every output norm")
    delta: Fraction = param(rational(nonnegative=True, optional=True), default=None,
                            doc="required separation of every required pair")
    delta_log10: Fraction = param(rational(optional=True, integral=True, bound=MAX_LOG10), default=None,
                                  doc="required separation as an integer power of 10")
    max_bits: int = param(integer(lo=53), default=8192, doc="largest Arb precision to try (the prover caps it)")
    start_bits: int = param(integer(lo=10, hi=MAX_BITS), default=64, doc="first Arb precision")
    engine: str = param(choice("arb", "mpmath"), default="arb", doc="interval engine")

    def validate(self):
        if self.delta is not None and self.delta_log10 is not None:
            raise SpecError("give delta or delta_log10, not both", field="delta")
        check_sequences(self.sequences)


def sequences_of(target) -> dict:
    """The data a spec's sequences target supplies."""
    return {"sequences": target.as_lists()}


def _describe(claim):
    e = claim.expected
    delta = f"10^{e.delta_log10}" if e.delta_log10 is not None else (e.delta or 0)
    return f"(r={e.r}, delta={delta})-contextual mapping on {len(e.sequences)} sequences"


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        return (f"{ev['pairs']} pairs separated at {ev['bits']} bits; achieved >= "
                f"10^{ev['min_separation_log10']:.1f}")
    if cert.verdict == "REFUTED" and ce:
        if "pair" in ce:
            return f"pair {ce['pair']} is closer: distance <= 10^{ce['distance_log10_upper']:.1f}"
        return f"token {ce['norm']} has norm > r (log10 of norm^2 in {ce['norm2_log10']})"
    return f"{ev.get('undecided_count')} comparisons undecided at {ev.get('bits')} bits (raise max_bits)"


KIND = ClaimKind(
    name="contextual_mapping", package=__name__, params=ContextualMappingParams,
    doc="output norms <= r and required pairs farther apart than delta, on finite sequences",
    describe=_describe, summarize=_summarize,
    evidence={"pairs": "required pairs", "sequences": "sequences", "max_bits": "largest precision allowed",
              "engine": "interval engine", "bits": "the precision that decided",
              "history": "[bits, undecided comparisons] per pass",
              "min_separation_log10": "PROVED: certified lower bound of the closest pair's log10 distance",
              "closest_pair": "PROVED: that pair", "undecided": "UNKNOWN: the first undecided comparisons",
              "undecided_count": "UNKNOWN: how many", "note": "a cap applied to max_bits"},
    spec_targets=("sequences",), aliases=("separation", "interval"),
    check_keys=("r", "delta", "delta_log10", "max_bits"), from_target=sequences_of)
