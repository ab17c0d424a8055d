
from __future__ import annotations

import time

from ...certificate import Certificate
from ...exact import format_exact
from ...graph import OUTPUTS, input_variables
from ...interpret import evaluate_at_point
from ...provers._certify import certify
from ...provers.pwl import _affine_json, _fr, _polytope, _q, bsp_tree
from ...regions import (
    check_ties,
    common_cells,
    count_regions,
    differing_point,
    embed_point,
)
from ...targets import target_graph


def _confirm(G, H_target, node, claim, x, variables):
    point = [_fr(v) for v in x]
    net = evaluate_at_point(G, dict(zip(variables, point)), node, claim.row, claim.col, validate=False)
    tgt = H_target.evaluate(point)
    return point, net, tgt


def prove(G, claim, name: str = "") -> Certificate:
    """Equivalence with a maxout target on a box in any dimension, by exact polytope cells.

    The network's cells (:func:`symtrans.regions.enumerate_cells`) are refined by the
    target's; on every cell of the refinement both are one affine map, compared exactly.  The
    target is continuous, and so is the network except where a hardmax row's winner ties with a
    loser: every such face of a cell (recorded by the engine) is checked the same way, one
    dimension lower, recursively down to single points (:func:`~symtrans.regions.check_ties`).
    So equality holds at *every* point of the box, boundaries included.  PROVED with a region certificate (the cut tree, each cell's witness point and
    affine map); REFUTED with an exact rational point where the two differ, re-evaluated on the
    rational backend.

    >>> from symtrans.targets import MaxoutNet, maxout_graph
    >>> from symtrans.domains import Box
    >>> from symtrans.claims import Claim
    >>> net = MaxoutNet.max_of(2)
    >>> c = prove(maxout_graph(net), Claim("equivalent", net, domain=Box([(-1, 1)] * 2)))
    >>> c.verdict, c.evidence["linear_regions"], c.evidence["cells"], c.evidence["tree"]["cut"]
    ('PROVED', 2, 2, ['1', '-1', '0'])
    """
    start = time.perf_counter()
    P = _polytope(G, claim)
    node = claim.output or G.graph[OUTPUTS][0]
    H, hnode = target_graph(claim.target)
    variables = input_variables(G)
    net, pieces = common_cells(G, node, H, hnode, P, grc=(claim.row, claim.col))
    evidence = {"linear_regions": count_regions(net, lambda leaf: leaf.entry(node, claim.row, claim.col)),
                "activation_cells": len({leaf.pattern for leaf in net}), "network_cells": len(net),
                "cells": len(pieces), "dimension": P.dim}

    def refute(cell, f, g, embed, where):
        x = embed_point(differing_point(cell, f, g), embed)
        point, net_v, tgt_v = _confirm(G, claim.target, node, claim, x, variables)
        if net_v == tgt_v:  # pragma: no cover - an engine bug, never a verdict
            raise AssertionError(f"the cell engine and the rational backend disagree at {point}")
        ce = {"point": {v: format_exact(p) for v, p in zip(variables, point)}, "network": format_exact(net_v),
              "target": format_exact(tgt_v), "cell": where}
        return certify(G, claim, "REFUTED", "pwl", None, evidence, ce, start, name)

    for cell, f, g, _, _ in pieces:
        if f != g:
            return refute(cell, f, g, None, "interior")
    faces, bad = check_ties(G, node, H, hnode, net, grc=(claim.row, claim.col))
    if bad is None and claim.target.kind == "graph":   # the target may jump too
        more, bad = check_ties(H, hnode, G, node, [sub for *_, sub in pieces], hrc=(claim.row, claim.col))
        faces += more
        if bad is not None:
            cell, g, f, emb = bad
            bad = (cell, f, g, emb)
    evidence["tie_faces_checked"] = faces
    if bad is not None:
        cell, f, g, emb = bad
        return refute(cell, f, g, emb, f"a face of dimension {cell.dim}")
    evidence["tree"] = bsp_tree([path for _, _, _, path, _ in pieces])
    evidence["regions"] = [[[_q(v) for v in cell.centroid()], _affine_json(f)] for cell, f, _, _, _ in pieces]
    return certify(G, claim, "PROVED", "pwl", None, evidence, None, start, name)
