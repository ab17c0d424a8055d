
from __future__ import annotations

from ...checking import _node, _require, _value
from ...exact import exact_rational, format_exact
from ...graph import input_variables, parameters
from ...interpret import evaluate_at_point
from ...polys import degree_in, from_terms, poly_text, ring


def _same(p, recorded, R) -> bool:
    """Whether ``p`` is the recorded polynomial: its canonical text, or (certificates written
    before the text form) its list of ``[exponents, coefficient]`` terms."""
    if isinstance(recorded, str):
        return poly_text(p) == recorded
    return p == from_terms(recorded, R)


def check(G, claim, cert):
    ev = cert.evidence
    names = list(ev["generators"])
    needed = input_variables(G) + parameters(G) + list(claim.target.parameters)
    _require(set(needed) <= set(names), "the recorded generators miss a variable or parameter")
    R = ring(names)
    node = _node(G, claim)
    out = _value(G, names, node).get(claim.row, claim.col, None)
    out = R.from_dict({}) if out is None else out
    _require(_same(out, ev["output"], R), "the graph's output differs from the recorded coefficients")
    _require(ev.get("output_terms") == len(out) and ev.get("output_degree") == degree_in(out, input_variables(G)),
             "the recorded number of terms or degree is not the output's")
    target = claim.target.in_ring(input_variables(G), R)
    residual = out - target
    _require(_same(residual, ev["residual"], R), "the recorded residual is not output - target")
    if residual.is_zero():
        return "PROVED"
    _require(ev.get("residual_terms") == len(residual), "the recorded number of residual terms is not the residual's")
    ce = cert.counterexample
    _require(isinstance(ce, dict), "a refutation without a counterexample")
    point = {k: exact_rational(v, k) for k, v in ce["point"].items()}
    _require(set(names) <= set(point), "the counterexample does not give every variable and parameter")
    network = evaluate_at_point(G, point, node, claim.row, claim.col)
    wanted = claim.target(point, input_variables(G))
    _require(format_exact(network) == ce["network"], "the network's value at the counterexample is not as recorded")
    _require(format_exact(wanted) == ce["target"], "the target's value at the counterexample is not as recorded")
    _require(network != wanted, "network and target agree at the counterexample")
    return "REFUTED"
