"""The one place a prover turns its verdict into a Certificate for a graph."""

from __future__ import annotations

import time

from ..backends import BACKENDS
from ..certificate import Certificate, Verdict, claim_fingerprint
from ..errors import ExactnessError
from ..graph import fingerprint_of_json, to_json

__all__ = ["certify"]

#: A certificate's backend when no arithmetic was needed (sizes are counted from the graph's structure).
STRUCTURE = "structure"


def certify(G, claim, verdict, backend: str, precision, evidence, counterexample, start, name) -> Certificate:
    """A certificate for ``claim`` about ``G``: claim and graph embedded, the fingerprint, the time since ``start``.

    ``G`` is ``None`` for a graph-free claim: nothing is embedded, the fingerprint is the claim's.

    ``backend`` names the backends the evidence came from (``"poly"``, ``"poly+interval"`` ...,
    or ``"structure"``).  PROVED is refused unless every one of them is exact or rigorous:
    a float or mpmath evaluation never proves anything.

    >>> from symtrans.graph import new_graph, add_input, set_outputs
    >>> from symtrans import Claim
    >>> G = new_graph(); set_outputs(G, [add_input(G, "x", (1, 1))])
    >>> certify(G, Claim("sizes", expected={"blocks": 0}), "PROVED", "floats", None, {}, None, 0.0, "")
    Traceback (most recent call last):
    ...
    symtrans.errors.ExactnessError: PROVED from the floats backend, which is neither exact nor rigorous
    """
    verdict = Verdict.of(verdict)
    if verdict is Verdict.PROVED:
        for part in backend.split("+"):
            if part == STRUCTURE:
                continue
            cls = BACKENDS.get(part)
            if cls is None or not (cls.is_exact or cls.is_rigorous):
                raise ExactnessError(f"PROVED from the {part} backend, which is neither exact nor rigorous")
    data = claim.to_json()
    if G is None:  # a graph-free claim is fingerprinted by itself
        return Certificate(verdict, data, claim_fingerprint(data), claim.kind, backend, precision, evidence,
                           counterexample, time.perf_counter() - start, None, name)
    doc = to_json(G)
    return Certificate(verdict, data, fingerprint_of_json(doc), claim.kind, backend, precision, evidence,
                       counterexample, time.perf_counter() - start, doc, name)
