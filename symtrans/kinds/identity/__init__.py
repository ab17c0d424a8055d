"""``identity``: an output entry equals a polynomial, as an identity in ``Q[params][x]``.

PROVED by exact expansion on the poly backend (the residual output - target is the zero
polynomial); REFUTED with an exact rational point where the two differ.

>>> from symtrans import Claim, Polynomial
>>> Claim("identity", Polynomial.parse("x1*x2", ["x1", "x2"])).describe()
'output == x1*x2 over Q[x1, x2]'
"""

from ..base import ClaimKind, NoParams, drift, mismatch, short


def _describe(claim):
    t = claim.target
    ring = ", ".join(t.parameters + t.variables) if len(t.parameters) <= 4 else \
        f"{len(t.parameters)} parameters, " + ", ".join(t.variables)
    return f"{claim.output or 'output'} == {short(t.text)} over Q[{ring}]"


def _summarize(cert):
    ev = cert.evidence
    if cert.verdict == "PROVED":
        return f"residual 0; {ev['output_terms']} terms, degree {ev['output_degree']} in x" + drift(ev)
    return mismatch(cert.counterexample) if cert.counterexample else ""


KIND = ClaimKind(
    name="identity", package=__name__, params=NoParams,
    doc="output[row, col] == target in Q[params][x]",
    describe=_describe, summarize=_summarize,
    evidence={"generators": "the polynomial ring's generators (inputs, then parameters)",
              "output": "the output entry expanded, as python-flint writes it (one text per polynomial)",
              "output_terms": "its number of terms", "output_degree": "its degree in the inputs",
              "residual": "output - target, expanded the same way ('0' when PROVED)",
              "residual_leading": "REFUTED: the residual's leading terms, for reading",
              "residual_terms": "REFUTED: the residual's number of terms"},
    targets=("polynomial",), spec_targets=("polynomial",), domain="reals")
