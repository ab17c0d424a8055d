"""``logit_gap``: Lemma 1's hypothesis of Kajitsuka & Sato on given sequences.

In every row of the (single) head's score matrix, distinct keys' logits differ by at least
``2 log n + 3``.  The scores are exact rationals; ``2 log n + 3`` is enclosed by Arb.

>>> from symtrans import Claim
>>> Claim("logit_gap", expected={"sequences": [[["1"], ["2"]]]}).describe()
"logit gaps >= 2 log n + 3 (Lemma 1's hypothesis)"
"""

from dataclasses import dataclass
from fractions import Fraction

from ..base import ClaimKind, Params, param, rational_rows
from ..contextual_mapping import check_sequences, sequences_of


@dataclass(frozen=True)
class LogitGapParams(Params):
    sequences: tuple = param(rational_rows(3), doc="the input sequences")

    def validate(self):
        check_sequences(self.sequences)


def _summarize(cert):
    ev = cert.evidence
    return f"min logit gap {float(Fraction(ev['min_gap'])):.4g} vs needed {ev['needed']}"


KIND = ClaimKind(
    name="logit_gap", package=__name__, params=LogitGapParams,
    doc="logit gaps >= 2 log n + 3 in every score row",
    describe=lambda c: "logit gaps >= 2 log n + 3 (Lemma 1's hypothesis)", summarize=_summarize,
    evidence={"min_gap": "the smallest gap, exactly", "needed": "2 log n + 3", "at": "[sequence, query, key a, key b]"},
    spec_targets=("sequences",), envelope=(), check_keys=(), from_target=sequences_of)
