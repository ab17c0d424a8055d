"""Verifiers: a claim about a graph in, a :class:`~symtrans.certificate.Certificate` out.

:func:`verify` is the pipeline of ARCHITECTURE section 1 in one short
function: pick the verifier for the claim's kind, run it (exact arithmetic
only), and optionally attach a float cross-check, which never changes the
verdict.

>>> from symtrans.verify import verify
>>> from symtrans.constructions.fang2022 import polynomial_transformer
>>> from symtrans.targets import Polynomial
>>> from symtrans.claims import Claim
>>> t = Polynomial.parse("(x1 + x2 + 1)**2", ["x1", "x2"])
>>> cert = verify(polynomial_transformer(t), Claim("identity", t), crosscheck=20)
>>> cert.verdict, cert.evidence["float_drift"]["verdict"]
('PROVED', 'not a proof')
"""

from __future__ import annotations

from ..errors import SpecError
from .crosscheck import float_drift
from .polynomial import prove_channels, prove_identity, prove_readout
from .bounds import prove_bound, smallest_beta
from .emulation import prove_emulation
from .pwl import prove_equivalent, prove_regions, prove_sup_error
from .separation import prove_boltzmann, prove_logit_gap, prove_memorised, prove_same_output, prove_separation
from .sizes import prove_sizes

__all__ = ["verify", "VERIFIERS", "float_drift", "prove_identity", "prove_readout", "prove_channels",
           "prove_sizes", "prove_equivalent", "prove_emulation", "prove_regions", "prove_bound", "smallest_beta",
           "prove_separation", "prove_logit_gap", "prove_same_output",
           "prove_boltzmann", "prove_memorised", "prove_sup_error"]

#: The verifier for each claim kind.
VERIFIERS = {"identity": prove_identity, "readout": prove_readout, "channels": prove_channels,
             "sizes": prove_sizes, "equivalent": prove_equivalent, "emulation": prove_emulation, "regions": prove_regions,
             "bound": prove_bound, "contextual_mapping": prove_separation,
             "logit_gap": prove_logit_gap, "same_output": prove_same_output, "boltzmann": prove_boltzmann,
             "memorise": prove_memorised, "sup_error": prove_sup_error}


def verify(G, claim, name: str = "", crosscheck: int = 0):
    """Check ``claim`` about graph ``G``; returns a Certificate (PROVED, REFUTED or UNKNOWN).

    ``crosscheck=N`` also evaluates the graph in float64 at ``N`` random points
    of the claim's box (``[-1, 1]^d`` by default) and records the drift.
    """
    if claim.kind not in VERIFIERS:
        raise SpecError(f"no verifier for claims of kind {claim.kind!r}", field="kind",
                        expected=" | ".join(VERIFIERS))
    certificate = VERIFIERS[claim.kind](G, claim, name=name)
    if crosscheck:
        box = claim.domain if getattr(claim.domain, "bounds", None) else None
        certificate.evidence["float_drift"] = float_drift(G, points=crosscheck, box=box, output=claim.output)
    return certificate
