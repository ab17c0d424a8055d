"""The pipeline of ARCHITECTURE section 1 in one short function.

:func:`verify` picks the claim kind's unit, runs its prover (exact or rigorous
arithmetic only) and optionally attaches a float cross-check, which never changes
the verdict.

>>> from symtrans import Claim, Polynomial, verify
>>> from symtrans.constructions.fang2022 import polynomial_transformer
>>> t = Polynomial.parse("(x1 + x2 + 1)**2", ["x1", "x2"])
>>> cert = verify(polynomial_transformer(t), Claim("identity", t), crosscheck=20)
>>> cert.verdict, cert.evidence["float_drift"]["verdict"]
('PROVED', 'not a proof')
"""

from __future__ import annotations

import time

from .budget import MAX_SAMPLES, older_objects_frozen
from .certificate import Certificate
from .claims import Claim
from .domains import Box
from .errors import BackendError, SpecError
from .provers._certify import STRUCTURE, certify
from .provers.crosscheck import float_drift

__all__ = ["verify"]

#: Largest number of float cross-check points (each one a float64 evaluation of the graph).
MAX_CROSSCHECK = MAX_SAMPLES


def verify(G, claim: Claim, name: str = "", crosscheck: int = 0) -> Certificate:
    """Check ``claim`` about graph ``G``; returns a Certificate (PROVED, REFUTED or UNKNOWN).

    ``G`` is ``None`` for a graph-free kind (``scalar``, ``spectrum``): the claim is its own subject.

    ``crosscheck=N`` also evaluates the graph in float64 at ``N`` random points of the
    claim's box (``[-1, 1]^d`` by default) and records the drift (never a proof).
    """
    if not isinstance(claim, Claim):
        raise SpecError(f"{type(claim).__name__} is not a Claim", field="claim")
    if isinstance(crosscheck, bool) or not isinstance(crosscheck, int) or not 0 <= crosscheck <= MAX_CROSSCHECK:
        raise SpecError(f"crosscheck = {crosscheck!r}", field="crosscheck",
                        expected=f"an integer from 0 to {MAX_CROSSCHECK}")
    if claim.unit.graph:
        claim.entry_of(G)
    elif G is not None:
        raise SpecError(f"a {claim.kind} claim is about no graph; pass None", field="graph")
    start = time.perf_counter()
    try:
        with older_objects_frozen():
            certificate = claim.unit.prove(G, claim, name=name)
    except BackendError as exc:  # the kind's arithmetic cannot evaluate this graph: nothing decided
        certificate = certify(G, claim, "UNKNOWN", STRUCTURE, None,
                              {"reason": f"{claim.kind} cannot evaluate this graph: {exc}"}, None, start, name)
    if crosscheck and G is not None:
        box = claim.domain if isinstance(claim.domain, Box) else None
        certificate = certificate.with_evidence(
            float_drift=float_drift(G, points=crosscheck, box=box, output=claim.output))
    return certificate
