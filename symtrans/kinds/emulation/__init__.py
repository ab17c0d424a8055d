"""``emulation``: as ``equivalent``, proved compositionally (block by block, no cells).

Every unit of the target becomes a symbol with an exact enclosure; gates whose sign is
certain are linearised, hardmax heads are matched to units; the read-out must be the
target's as a polynomial in the unit symbols.  Linear in the depth; UNKNOWN (with the
reason) on graphs it does not recognise.  Old certificates call the method
``compositional``.

>>> from symtrans import Box, Claim, MaxoutNet
>>> Claim("compositional", MaxoutNet.tent(2), domain=Box([(0, 1)])).kind
'emulation'
"""

from ..base import ClaimKind, NoParams, mismatch
from ..equivalent import describe_equal


def _summarize(cert):
    ev = cert.evidence
    if cert.verdict == "PROVED":
        return (f"block by block: {ev['certified_gates']} gates certified, {ev['max_heads']} max heads, "
                f"{ev['relu_symbols']} ReLU symbols")
    if cert.verdict == "REFUTED" and cert.counterexample:
        return mismatch(cert.counterexample)
    return f"not certified: {ev.get('reason')}"


KIND = ClaimKind(
    name="emulation", package=__name__, params=NoParams,
    doc="output == maxout target on the box, proved block by block",
    describe=describe_equal, summarize=_summarize,
    evidence={"certified_gates": "ReLU gates whose sign is certain on the box",
              "relu_symbols": "undecided ReLUs carried as symbols", "max_heads": "hardmax heads matched to units",
              "reason": "UNKNOWN / REFUTED: why the compositional proof did not go through"},
    targets=("maxout",), spec_targets=("maxout",), domain="box", aliases=("compositional",))
