"""Re-derive a ``memorise`` certificate: re-enclose context ids at the recorded precision, then the FFN exactly.

PROVED: every data point's context id is enclosed, the FFN after it is one constant on the
enclosure (exact piecewise-linear evaluation), equal to the label.  REFUTED: the recorded point
alone is decided so, with a constant different from its label (other points may stay undecided).
"""

from __future__ import annotations

from ...backends import PWLBackend
from ...backends.interval import IntervalBackend
from ...checking import _require, _separation_inputs
from ...exact import format_exact
from ...graph import OUTPUTS, token_slice
from ...interpret import evaluate, evaluate_at_point


def check(G, claim, cert):
    exp = claim.expected
    X = _separation_inputs(claim)
    labels = [list(row) for row in exp.labels]
    S = token_slice(G, exp.z)
    var = S.nodes[exp.z]["op"].variables[0]
    bk = IntervalBackend(prec=int(cert.precision))

    ids = {}

    def value(i, k):
        """The FFN's exact constant at data point (i, k), or None when its enclosure is not decided."""
        if i not in ids:
            ids[i] = bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: X[i]}, nodes=[exp.z], outputs=False)[exp.z])
        lo, hi = bk.bounds(ids[i][k][0])
        _require(lo is not None, "an unbounded context id")
        if lo == hi:
            return evaluate_at_point(S, {var: lo}, S.graph[OUTPUTS][0])
        pw = PWLBackend(lo, hi)
        pieces = pw.pieces(evaluate(S, pw)[S.graph[OUTPUTS][0]], 0, 0)
        return pieces[0][3] if len(pieces) == 1 and pieces[0][2] == 0 else None

    if cert.verdict == "REFUTED":
        ce = cert.counterexample
        _require(isinstance(ce, dict) and type(ce.get("sequence")) is int and type(ce.get("token")) is int,
                 "a refutation without the data point")
        i, k = ce["sequence"], ce["token"]
        _require(0 <= i < len(X) and 0 <= k < len(X[i]), "the refuting data point is not in the data set")
        got = value(i, k)
        _require(got is not None, f"the FFN is not constant on point ({i}, {k}) at the recorded precision")
        _require(got != labels[i][k], f"point ({i}, {k}) gives its label")
        _require(format_exact(got) == ce.get("output"), "the recorded output does not re-check")
        return "REFUTED"
    for i, seq in enumerate(X):
        for k in range(len(seq)):
            got = value(i, k)
            _require(got is not None, f"the FFN is not constant on point ({i}, {k})")
            if got != labels[i][k]:
                return "REFUTED"
    return "PROVED"
