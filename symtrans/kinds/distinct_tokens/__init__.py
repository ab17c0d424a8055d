"""``distinct_tokens``: a token mixer makes the tokens of finitely many sequences pairwise distinct.

Cheng et al.'s token distinguishability (Definition 3, read as "all tokens distinct"): after the
layer, the tokens of each output are pairwise distinct, and so are the tokens of two outputs whose
inputs lie in different orbits of the symmetry group (``generators``; by default no symmetry:
every two sequences are compared).  Two inputs in one orbit give outputs that are permutations of
each other, so they are not compared.

PROVED by certified enclosures (Arb, precision doubled up to ``max_bits``): for every required
pair some coordinate's enclosures are disjoint.  REFUTED by an exact collision: the layer is
evaluated exactly (rational backend, or the formal backend, which keeps ``exp`` of constants as
closed forms) and two required tokens are equal.  Otherwise UNKNOWN.

>>> from symtrans import Claim
>>> Claim("distinct_tokens", expected={"sequences": [[[1, 0], [0, 2]], [[1, 0], [1, 1]]]}).describe()
'all output tokens of 2 sequences pairwise distinct'
"""

from dataclasses import dataclass

from ...errors import SpecError
from ..base import ClaimKind, Params, integer, param, rational_rows
from ..equivariant import optional_permutations


@dataclass(frozen=True)
class DistinctParams(Params):
    sequences: tuple = param(rational_rows(3), doc="input token matrices (tokens are rows)")
    generators: tuple = param(optional_permutations, default=(), doc="generators of the symmetry group (tokens)")
    max_bits: int = param(integer(lo=64, hi=1 << 16), default=1024, doc="largest Arb precision tried")

    def validate(self):
        shapes = {(len(X), len(X[0])) for X in self.sequences}
        if len(shapes) != 1 or any(len({len(t) for t in X}) != 1 for X in self.sequences):
            raise SpecError("sequences of different shapes", field="sequences", expected="equal token matrices")
        for k, X in enumerate(self.sequences):
            if len(set(X)) != len(X):
                raise SpecError(f"sequence {k} repeats a token (not in general position)", field=f"sequences[{k}]",
                                expected="distinct tokens")
        if self.generators and len(self.generators[0]) != len(self.sequences[0]):
            raise SpecError("generators of another length than the sequences", field="generators")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if ce:
        return f"tokens {ce['first']} and {ce['second']} are equal: {ce['value']}"
    if cert.verdict == "PROVED":
        return f"{ev['pairs']} required pairs certainly distinct at {cert.precision} bits"
    return ev.get("reason", "")


KIND = ClaimKind(
    name="distinct_tokens", package=__name__, params=DistinctParams,
    doc="after the layer, required output tokens are pairwise distinct (token distinguishability)",
    describe=lambda c: f"all output tokens of {len(c.expected.sequences)} sequences pairwise distinct",
    summarize=_summarize,
    evidence={"pairs": "required token pairs", "orbits": "orbits of the sequences under the group"},
    envelope=("output",))
