"""``memorise``: the network outputs the labels *exactly* on given sequences.

For every data point the context id (node ``z``) is enclosed with Arb and the part of the
graph after it is evaluated exactly over the enclosure (pwl backend): it must be the
constant label there.  Old spec spelling of the method: ``exact``.

>>> from symtrans import Claim
>>> Claim("memorise", expected={"sequences": [[["1"], ["2"]]], "labels": [[0, 1]]}).describe()
'outputs equal the labels exactly on 1 sequences'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational_rows, text
from ..contextual_mapping import MAX_BITS, check_sequences


@dataclass(frozen=True)
class MemoriseParams(Params):
    sequences: tuple = param(rational_rows(3), doc="the input sequences")
    labels: tuple = param(rational_rows(2), doc="labels[i][k]: the label of token k of sequence i")
    z: str = param(text(), default="mem.z", doc="the node holding the context id")
    max_bits: int = param(integer(lo=53), default=8192, doc="largest Arb precision (the prover caps it)")
    start_bits: int = param(integer(lo=10, hi=MAX_BITS), default=64, doc="first Arb precision")

    def validate(self):
        check_sequences(self.sequences)
        if len(self.labels) != len(self.sequences) or any(
                len(row) != len(seq) for row, seq in zip(self.labels, self.sequences)):
            raise SpecError("labels do not match the sequences", field="labels",
                            expected="one row of labels per sequence, one label per token")


def _from_target(target):
    return {"sequences": target.as_lists(), "labels": [list(row) for row in target.labels], "z": "mem.z"}


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        return f"{ev['points']} outputs equal their labels exactly (context ids enclosed at {ev['bits']} bits)"
    if cert.verdict == "REFUTED" and ce:
        return f"sequence {ce['sequence']} token {ce['token']}: output {ce['output']} != label {ce['label']}"
    return f"{ev.get('undecided_points')} points undecided at {ev.get('bits')} bits"


KIND = ClaimKind(
    name="memorise", package=__name__, params=MemoriseParams,
    doc="the outputs equal the labels exactly",
    describe=lambda c: f"outputs equal the labels exactly on {len(c.expected.sequences)} sequences",
    summarize=_summarize,
    evidence={"bits": "the precision that decided", "points": "PROVED: data points",
              "undecided_points": "UNKNOWN: points whose enclosure straddles a step"},
    spec_targets=("dataset",), envelope=(), aliases=("exact",), check_keys=("max_bits",), from_target=_from_target)
