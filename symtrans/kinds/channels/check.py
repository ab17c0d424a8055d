
from __future__ import annotations

from ...checking import _require, _value
from ...expr import parse_expression
from ...graph import CHANNELS, input_variables
from ...polys import ring, to_flint


def check(G, claim, cert):
    names = input_variables(G)
    R = ring(names)
    value = _value(G, names, claim.output)
    channels = G.graph[CHANNELS]
    zero = R.from_dict({})
    expected = {g: [to_flint(parse_expression(e, names), R) for e in exprs]
                for g, exprs in claim.expected.items()}
    expected.update({g: [zero] * channels.size(g) for g in claim.zero})
    for t in range(value.shape[0]):
        for g, polys in expected.items():
            for i, want in enumerate(polys):
                if (value.get(t, channels.offset(g) + i, None) or zero) != want:
                    _require(cert.counterexample and cert.counterexample.get("where") == f"token {t}, {g}[{i}]",
                             "the first mismatch is not where the certificate says")
                    return "REFUTED"
    return "PROVED"
