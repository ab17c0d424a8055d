
from __future__ import annotations

import time

from ...certificate import Certificate
from ...errors import SpecError
from ...exact import format_exact
from ...expr import parse_expression
from ...graph import CHANNELS, input_variables
from ...polys import to_flint
from ...provers._certify import certify
from ...provers.polynomial import _evaluate_poly, _output, nonzero_point


def prove(G, claim, name: str = "") -> Certificate:
    """Check that groups hold the expected polynomials (and ``zero`` groups 0) in every token.

    >>> from symtrans.constructions.fang2022 import monomial_encoder
    >>> from symtrans.claims import Claim
    >>> G = monomial_encoder(2, 2)
    >>> c = Claim("channels", output="b1.res1", expected={"R1": ["1", "x1", "x2"]}, zero=("R2",))
    >>> prove(G, c).verdict
    'PROVED'
    >>> c = Claim("channels", output="b1.res1", expected={"R1": ["1", "x2", "x1"]})
    >>> prove(G, c).counterexample["where"]
    'token 0, R1[1]'
    """
    start = time.perf_counter()
    node = claim.output or _output(G, claim)
    if node not in G:
        raise SpecError(f"no node {node!r} in the graph", field="output")
    channels = G.graph.get(CHANNELS)
    if channels is None:
        raise SpecError("the graph has no named channels", field="channels")
    bk, value, ring, names = _evaluate_poly(G, node)
    gvars = input_variables(G)
    expected = {}
    for group, exprs in claim.expected.items():
        size = channels.size(group)
        if len(exprs) != size:
            raise SpecError(f"{len(exprs)} expressions for group {group!r} of size {size}", field="expected")
        expected[group] = [to_flint(parse_expression(e, gvars), ring) for e in exprs]
    for group in claim.zero:
        expected[group] = [ring.from_dict({})] * channels.size(group)
    zero = ring.from_dict({})
    checked = 0
    for t in range(value.shape[0]):
        for group, polys in expected.items():
            start_col = channels.offset(group)
            for i, want in enumerate(polys):
                got = value.get(t, start_col + i, None) or zero
                checked += 1
                if got != want:
                    point = nonzero_point(got - want, names)
                    counterexample = {"where": f"token {t}, {group}[{i}]", "got": str(got), "expected": str(want),
                                      "point": {k: format_exact(v) for k, v in point.items()}}
                    return certify(G, claim, "REFUTED", "poly", None, {"checked": checked},
                                   counterexample, start, name)
    return certify(G, claim, "PROVED", "poly", None, {"checked": checked, "tokens": value.shape[0]},
                   None, start, name)
