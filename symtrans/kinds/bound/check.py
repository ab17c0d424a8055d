
from __future__ import annotations

from ...checking import _node, _point, _require
from ...graph import input_variables
from ...targets import maxout_graph
from .common import difference_enclosure


def check(G, claim, cert):
    eps = claim.expected.eps
    node = _node(G, claim)
    F = maxout_graph(claim.target)
    prec = int(cert.precision)
    names = input_variables(G)

    def enclosure(box, p):
        return difference_enclosure(G, node, F, box, p, claim.row, claim.col)

    _require(list(G.graph["inputs"]) == ["x"] and len(names) == claim.domain.dimension,
             "the graph's input does not match the box")
    if cert.verdict == "REFUTED":
        at = _point(claim, cert.counterexample, names)
        point = tuple((at[v],) * 2 for v in names)
        lo, hi = enclosure(point, prec * 2)
        _require(lo is not None and (lo > eps or hi < -eps), "the point enclosure is not beyond eps")
        return "REFUTED"
    _require(cert.verdict == "PROVED", "only PROVED and REFUTED bound certificates can be re-checked")
    tree = list(cert.evidence["tree"])
    stack = [tuple(claim.domain.bounds)]
    while tree:
        _require(stack, "the bisection tree has more nodes than boxes")
        box, step = stack.pop(), tree.pop(0)
        if step == "L":
            lo, hi = enclosure(box, prec)
            _require(lo is not None and -eps <= lo and hi <= eps, f"a leaf box is not within eps: {box}")
        else:
            k = int(step)
            a, b = box[k]
            m = (a + b) / 2
            stack.extend([box[:k] + ((m, b),) + box[k + 1:], box[:k] + ((a, m),) + box[k + 1:]])
    _require(not stack, "the bisection tree leaves boxes uncovered")
    return "PROVED"
