
from __future__ import annotations

import time

from ...certificate import Certificate
from ...errors import SpecError, SymtransError
from ...exact import format_exact
from ...graph import input_variables
from ...interpret import evaluate_at_point
from ...polys import degree_in, poly_text
from ...provers._certify import certify
from ...provers.polynomial import _evaluate_poly, _leading, _output, nonzero_point


def prove(G, claim, name: str = "") -> Certificate:
    """Prove ``output[row, col] == target`` in ``Q[params][x]`` or refute it with a point.

    >>> from symtrans.constructions.fang2022 import polynomial_transformer
    >>> from symtrans.targets import Polynomial
    >>> from symtrans.claims import Claim
    >>> G = polynomial_transformer(Polynomial.parse("x1*x2", ["x1", "x2"]))
    >>> cert = prove(G, Claim("identity", Polynomial.parse("x1*x2 + 1/2", ["x1", "x2"])))
    >>> cert.verdict, cert.counterexample["point"], cert.evidence["residual_leading"]
    ('REFUTED', {'x1': '0', 'x2': '0'}, ['-1/2'])
    """
    start = time.perf_counter()
    node = _output(G, claim)
    bk, value, ring, names = _evaluate_poly(G, node, claim.target.parameters)
    shape = value.shape
    if not (0 <= claim.row < shape[0] and 0 <= claim.col < shape[1]):
        raise SpecError(f"entry ({claim.row}, {claim.col}) of a {shape[0]} x {shape[1]} output", field="row")
    out = value.get(claim.row, claim.col, None)
    out = ring.from_dict({}) if out is None else out
    residual = out - claim.target.in_ring(input_variables(G), ring)
    evidence = {"generators": names, "output": poly_text(out), "output_terms": len(out),
                "output_degree": degree_in(out, input_variables(G)), "residual": poly_text(residual)}
    if residual.is_zero():
        return certify(G, claim, "PROVED", "poly", None, evidence, None, start, name)
    point = nonzero_point(residual, names)
    evidence["residual_leading"] = _leading(residual, names)
    evidence["residual_terms"] = len(residual)
    network = evaluate_at_point(G, point, node, claim.row, claim.col)
    wanted = claim.target(point, input_variables(G))
    if network == wanted:  # pragma: no cover - would mean the poly and rational backends disagree
        raise SymtransError(f"internal error: residual nonzero at {point} but the values agree")
    counterexample = {"point": {k: format_exact(v) for k, v in point.items()},
                      "network": format_exact(network), "target": format_exact(wanted)}
    return certify(G, claim, "REFUTED", "poly", None, evidence, counterexample, start, name)
