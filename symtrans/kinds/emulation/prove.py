
from __future__ import annotations

import random
import time
from fractions import Fraction

from ...certificate import Certificate
from ...errors import BackendError, SpecError
from ...exact import format_exact
from ...graph import OUTPUTS, check, input_variables, parameters
from ...interpret import evaluate_at_point
from ...provers._certify import certify
from ...provers.emulation import _Prover, _Unknown


def _search_counterexample(G, net, box, node, budget=300, seed=0):
    rng = random.Random(seed)
    var = input_variables(G)
    check(G)
    for _ in range(budget):
        x = [lo + (hi - lo) * Fraction(rng.randint(0, 64), 64) for lo, hi in box.bounds]
        point = dict(zip(var, x))
        got, want = evaluate_at_point(G, point, node, validate=False), net.evaluate(x)
        if got != want:
            return point, got, want
    return None


def prove(G, claim, name: str = "") -> Certificate:
    """Prove ``output == maxout target`` on the box compositionally (any dimension)."""
    start = time.perf_counter()
    if parameters(G):
        raise SpecError("an emulation claim needs a graph without parameters", field="claim")
    check(G)
    node = claim.output or G.graph[OUTPUTS][0]
    if node != G.graph[OUTPUTS][0] or claim.row or claim.col:
        raise SpecError("the compositional proof reads the graph's single output entry", field="output")
    evidence = {}
    try:
        prover = _Prover(G, claim.target, claim.domain)
        out = prover.run()
        evidence = {"certified_gates": prover.gates, "relu_symbols": len(prover.relu_symbols),
                    "max_heads": prover.max_heads}
        if out == prover.target:
            return certify(G, claim, "PROVED", "poly+interval", 64, evidence, None, start, name)
        reason = "the read-out is not <a, y^L> + c as a polynomial in the unit symbols"
    except _Unknown as exc:
        reason = str(exc)
    except BackendError as exc:
        reason = f"not a piecewise-linear graph: {exc}"
    evidence["reason"] = reason
    try:
        found = _search_counterexample(G, claim.target, claim.domain, node)
    except BackendError:  # no exact point evaluation (softmax): nothing more to say exactly
        found = None
    if found is not None:
        point, got, want = found
        ce = {"point": {k: format_exact(v) for k, v in point.items()}, "network": format_exact(got),
              "target": format_exact(want)}
        return certify(G, claim, "REFUTED", "rational", None, evidence, ce, start, name)
    return certify(G, claim, "UNKNOWN", "poly+interval", 64, evidence, None, start, name)
