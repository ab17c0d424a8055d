from __future__ import annotations

from ...backends.formal import same
from ...checking import _require
from ...exact import exact_rational
from ...graph import INPUTS, parameters
from .common import at_point, formal


def check(G, claim, cert):
    """PROVED: every entry an identity again.  REFUTED: the recorded point separates the recorded entry."""
    ce = cert.counterexample
    if ce is None:
        A, B, _ = formal(G, claim)
        _require(all(same(v, B[i][j]) for i, row in enumerate(A) for j, v in enumerate(row)),
                 "an entry is not a formal identity")
        return "PROVED"
    _require(isinstance(ce, dict) and isinstance(ce.get("inputs"), dict) and isinstance(ce.get("parameters"), dict),
             "the counterexample has no inputs and parameters")
    _require(set(ce["inputs"]) == set(G.graph[INPUTS]) and set(ce["parameters"]) == set(parameters(G)),
             "the counterexample does not give every input and parameter")
    inputs = {X: [[exact_rational(v, "counterexample.inputs") for v in r] for r in M] for X, M in ce["inputs"].items()}
    params = {p: exact_rational(v, "counterexample.parameters") for p, v in ce["parameters"].items()}
    i, j = ce.get("entry") or (None, None)
    _require(isinstance(cert.precision, int), "no precision recorded")
    ib, a, b = at_point(G, claim, inputs, params, cert.precision)
    _require(ib.lt(a[i][j], b[i][j]) is True or ib.lt(b[i][j], a[i][j]) is True, "the two nodes are not separated")
    return "REFUTED"
