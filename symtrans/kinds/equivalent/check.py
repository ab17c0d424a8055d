
from __future__ import annotations

from ...backends.cells import Affine
from ...checking import _node, _point, _require
from ...exact import format_exact
from ...graph import input_variables
from ...interpret import evaluate_at_point
from ...polytope import Polytope
from ...polytope import to_fmpq as q
from ...regions import check_ties, leaves_along
from ...targets import target_graph


def check(G, claim, cert):
    """Rebuild the cut tree from the box (so its leaves cover it), and run the exact cell engine
    down it (:func:`~symtrans.regions.leaves_along`: a decision made on a cell holds below it):
    on every leaf the network and the target must each be one affine map, equal to each other
    and to the recorded one.  Every face where a hardmax ties is re-checked too."""
    node = _node(G, claim)
    variables = input_variables(G)
    ce = cert.counterexample
    if cert.verdict == "REFUTED":
        point = _point(claim, ce, variables)
        net = evaluate_at_point(G, point, node, claim.row, claim.col)
        tgt = claim.target.evaluate([point[v] for v in variables])
        _require(net != tgt, "the counterexample does not separate the network from the target")
        _require(format_exact(net) == ce.get("network") and format_exact(tgt) == ce.get("target"),
                 "the values at the counterexample are not as recorded")
        return "REFUTED"
    _require(len(variables) == claim.domain.dimension, "the box and the graph's inputs differ in dimension")
    H, hnode = target_graph(claim.target)
    cells = cert.evidence["regions"]
    used, leaves = set(), []

    def walk(P, tree):
        """The tree with each cell's polytope (the form :func:`leaves_along` takes)."""
        if isinstance(tree, int):
            _require(0 <= tree < len(cells) and tree not in used, "the cut tree names a cell twice or not at all")
            used.add(tree)
            leaves.append((P, tree))
            return P, tree
        h = [q(v) for v in tree["cut"]]
        _require(len(h) == P.dim + 1, "a cut has the wrong number of coefficients")
        h = (tuple(h[:-1]), h[-1])
        neg, pos = P.cut(h)
        _require(neg is not None and pos is not None, "a cut of the tree does not split its cell")
        return P, h, walk(neg, tree["le"]), walk(pos, tree["ge"])

    tree = walk(Polytope.box(claim.domain.bounds), cert.evidence["tree"])
    _require(len(used) == len(cells), "some recorded cells are not leaves of the cut tree")
    net, hleaves = [], []
    for (P, k), (_, mine), (_, theirs) in zip(leaves, leaves_along(G, node, tree), leaves_along(H, hnode, tree)):
        net.extend(mine)
        hleaves.extend(theirs)
        _require(len(mine) == 1 and len(theirs) == 1, f"cell {k} is not a single affine piece of both sides")
        f, g = mine[0].entry(node, claim.row, claim.col), theirs[0].entry(hnode)
        recorded = Affine(tuple(q(v) for v in cells[k][1]))
        _require(f == g == recorded, f"cell {k} does not carry the recorded affine map on both sides")
        witness = tuple(q(v) for v in cells[k][0])
        _require(P.interior_contains(witness), f"the witness point of cell {k} is not inside it")
    _, bad = check_ties(G, node, H, hnode, net, grc=(claim.row, claim.col))
    _require(bad is None, "network and target differ on a face where a hardmax ties")
    if claim.target.kind == "graph":
        _, bad = check_ties(H, hnode, G, node, hleaves, hrc=(claim.row, claim.col))
        _require(bad is None, "network and target differ on a face where a hardmax of the target ties")
    return "PROVED"
