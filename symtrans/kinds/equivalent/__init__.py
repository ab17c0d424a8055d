"""``equivalent``: an output entry equals a maxout network (or another graph) on a box.

Exact polytope cells in any dimension (:mod:`symtrans.regions`): on every cell of the
common refinement both sides are one affine map, compared exactly, and every face where
a hardmax ties is compared one dimension lower.  PROVED with the cut tree and each cell's
witness and map; REFUTED with an exact point.

>>> from symtrans import Box, Claim, MaxoutNet
>>> Claim("equivalent", MaxoutNet.tent(2), domain=Box([(0, 1)])).describe()
'output == maxout net (widths [1, 1], ranks [2, 2]) on the box'
"""

from ..base import ClaimKind, NoParams, mismatch


def describe_equal(claim):
    where = claim.output or "output"
    if claim.target.kind == "graph":
        return f"{where} == graph {claim.target.graph.graph.get('name', '')!r} node {claim.target.output!r} on the box"
    return f"{where} == maxout net (widths {claim.target.widths}, ranks {claim.target.ranks}) on the box"


def _summarize(cert):
    ev = cert.evidence
    if cert.verdict == "PROVED":
        return (f"{ev['cells']} cells equal; network: {ev['linear_regions']} linear regions, "
                f"{ev['activation_cells']} activation cells")
    return mismatch(cert.counterexample) if cert.counterexample else ""


KIND = ClaimKind(
    name="equivalent", package=__name__, params=NoParams,
    doc="output[row, col] == target at every point of the box (exact cells)",
    describe=describe_equal, summarize=_summarize,
    evidence={"linear_regions": "the network's linear regions on the box",
              "activation_cells": "its distinct decision patterns", "network_cells": "its cells",
              "cells": "cells of the common refinement", "dimension": "the box's dimension",
              "tie_faces_checked": "faces where a hardmax ties, compared one dimension lower",
              "tree": "PROVED: the cut tree ({'cut': [a..., b], 'le': ..., 'ge': ...} or a cell index)",
              "regions": "PROVED: per cell [witness point, affine map [a..., b]]"},
    targets=("maxout", "graph"), spec_targets=("maxout", "graph"), domain="box")
