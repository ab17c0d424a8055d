
from __future__ import annotations

from ...checking import _node
from ...polytope import Polytope
from ...regions import count_regions, enumerate_cells


def check(G, claim, cert):
    node = _node(G, claim)
    leaves = enumerate_cells(G, [node], Polytope.box(claim.domain.bounds))
    count = count_regions(leaves, lambda leaf: leaf.entry(node, claim.row, claim.col))
    return "PROVED" if count == claim.expected.regions else "REFUTED"
