from __future__ import annotations

import time

import sympy

from ...certificate import Certificate
from ...exact import format_exact
from ...provers._certify import STRUCTURE, certify
from .common import expansion, fixed_point, leading_difference, restricted, split, witness


def prove(G, claim, name: str = "") -> Certificate:
    """Expand the log-ratio in ``t`` and exhibit a rational point where its leading coefficient is nonzero.

    >>> from symtrans import Claim
    >>> cert = prove(None, Claim("kernel_limit", expected={"kernel": "exp(s)"}))
    >>> cert.verdict, cert.evidence["degree"]
    ('PROVED', 1)
    """
    start = time.perf_counter()
    data = claim.expected
    P, _ = split(data.kernel)
    point = fixed_point(data)
    m, delta = leading_difference(P, data.d)
    evidence = {}
    if point and m is not None:  # with the keys fixed, the highest nonzero power may be lower
        terms = {k: restricted(c, point) for k, c in expansion(P, data.d).items()}
        terms = {k: c for k, c in terms.items() if c != 0}
        m, delta = (max(terms), terms[max(terms)]) if terms else (None, sympy.Integer(0))
    if m is None:
        evidence["reason"] = ("every power t^m (m >= 1) of the log-ratio has the same coefficient for both keys: "
                              "the limit is decided by the factor outside exp (inconclusive)")
        return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
    evidence.update(degree=m, leading=sympy.sstr(delta, order="lex"))
    w = witness(delta, data.d, point)
    if w is None:
        evidence["reason"] = "no small rational point found where the leading coefficient is nonzero"
        return certify(None, claim, "UNKNOWN", STRUCTURE, None, evidence, None, start, name)
    evidence["witness"] = {k: format_exact(v) for k, v in sorted(w.items())}
    return certify(None, claim, "PROVED", STRUCTURE, None, evidence, None, start, name)
