
from __future__ import annotations

import time

from ...certificate import Certificate
from ...exact import format_exact
from ...graph import OUTPUTS
from ...provers._certify import certify
from ...provers.pwl import _interval_pieces, _polytope
from ...regions import count_regions, enumerate_cells


def prove(G, claim, name: str = "") -> Certificate:
    """The exact number of linear regions of the output on a box in any dimension.

    Linear regions are the connected components of the union of cells where the output is
    one affine map, cells joined across shared facets (see
    :func:`symtrans.regions.count_regions`); activation cells (distinct decision
    patterns) are reported separately.

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> net = MaxoutNet.relu(2, [[[1, 0, 0], [0, 1, 0]]], [1, 1, 0])    # relu(x1) + relu(x2)
    >>> c = prove(maxout_graph(net), Claim("regions", expected={"regions": 4},
    ...                                                  domain=Box([(-1, 1)] * 2)))
    >>> c.verdict, c.evidence["activation_cells"]
    ('PROVED', 4)
    """
    start = time.perf_counter()
    P = _polytope(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    wanted = claim.expected.regions
    net = enumerate_cells(G, [node], P)
    count = count_regions(net, lambda leaf: leaf.entry(node, claim.row, claim.col))
    evidence = {"linear_regions": count, "activation_cells": len({leaf.pattern for leaf in net}),
                "network_cells": len(net), "dimension": P.dim}
    if P.dim == 1:
        pieces = _interval_pieces(net, node, claim.row, claim.col)
        evidence["breakpoints"] = [format_exact(b) for _, b, _, _ in pieces[:-1]]
        evidence["pieces"] = [[format_exact(v) for v in piece] for piece in pieces]
    verdict = "PROVED" if count == wanted else "REFUTED"
    ce = None if verdict == "PROVED" else {"regions": {"graph": count, "claimed": wanted}}
    return certify(G, claim, verdict, "pwl", None, evidence, ce, start, name)
