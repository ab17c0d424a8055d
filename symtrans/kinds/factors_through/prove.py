from __future__ import annotations

import itertools
import time
from fractions import Fraction

from ...certificate import Certificate
from ...exact import format_exact
from ...graph import check
from ...provers._certify import certify
from .common import values_at


def prove(G, claim, name: str = "") -> Certificate:
    """Group the points by their exact ``h``; two points in one group with different ``H`` refute.

    >>> from symtrans import Claim, Polynomial, new_graph, add_input, set_outputs
    >>> G = new_graph(); x = add_input(G, "x", (1, 2)); set_outputs(G, [x])
    >>> H = Polynomial.parse("x1*x2", ["x1", "x2"])
    >>> prove(G, Claim("factors_through", H, expected={"points": [[1, 2], [2, 1]]})).verdict
    'PROVED'
    """
    start = time.perf_counter()
    check(G)
    data = claim.expected
    points = [list(p) for p in data.points] if data.points else _grid(claim.domain, data.grid, data.max_points)
    seen = {}
    for p in points:
        h, H = values_at(G, claim, p)
        first = seen.setdefault(h, (p, H))
        if first[1] != H:
            ce = {"points": [[format_exact(v) for v in first[0]], [format_exact(v) for v in p]],
                  "h": [str(v) for v in h], "H": [format_exact(first[1]), format_exact(H)]}
            return certify(G, claim, "REFUTED", "rational", None, {"points": len(points), "distinct_h": len(seen)},
                           ce, start, name)
    evidence = {"points": len(points), "distinct_h": len(seen)}
    if data.points:
        return certify(G, claim, "PROVED", "rational", None, evidence, None, start, name)
    evidence["reason"] = (f"no two of {len(points)} grid points have equal h and different H; "
                          "a proof on a box is not attempted")
    return certify(G, claim, "UNKNOWN", "rational", None, evidence, None, start, name)


def _grid(box, grid, limit):
    axes = []
    for lo, hi in box.bounds:
        steps = max(1, int((hi - lo) * grid))
        axes.append([lo + (hi - lo) * Fraction(k, steps) for k in range(steps + 1)])
    out = []
    for p in itertools.product(*axes):
        out.append(list(p))
        if len(out) >= limit:
            break
    return out
