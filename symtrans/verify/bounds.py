"""Certified bounds ``sup_{x in box} |N(x) - f(x)| <= eps`` by interval evaluation with bisection.

The network ``N`` (any graph, softmax included) and the maxout target ``f`` are evaluated with
rigorous Arb enclosures on a box.  A box whose enclosure of ``|N - f|`` lies within ``eps`` is
certified; otherwise the verifier evaluates both at the box's midpoint, and if the point
enclosure lies beyond ``eps`` the claim is REFUTED with that exact rational point; otherwise the
box is split in two along its widest side.  When the budget of boxes runs out the verdict is
UNKNOWN, with the number of undecided boxes.  The bisection is recorded as a tree (``"L"`` for a
certified leaf, a dimension number for a split, in preorder), so a checker rebuilds the cover of
the box by construction and re-evaluates every leaf.

>>> from symtrans.targets import MaxoutNet
>>> from symtrans.domains import Box
>>> from symtrans.claims import Claim
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent = MaxoutNet.tent(1)
>>> G = maxout_transformer(tent, Box([(0, 1)]), score="softmax", beta=10)
>>> c = prove_bound(G, Claim("bound", tent, domain=Box([(0, 1)]), expected={"eps": "7/100"}))
>>> c.verdict, float(c.evidence["analytic_bound"]) < 0.0694
('PROVED', True)
>>> prove_bound(G, Claim("bound", tent, domain=Box([(0, 1)]), expected={"eps": "1/100"})).verdict
'REFUTED'
"""

from __future__ import annotations

import time
from collections import deque
from fractions import Fraction

from ..backends.interval import IntervalBackend
from ..certificate import Certificate
from ._certify import certify
from ..errors import SpecError
from ..exact import exact_rational, format_exact
from ..graph import OUTPUTS, check, input_variables, parameters
from ..interpret import evaluate
from ..targets import maxout_graph

__all__ = ["prove_bound", "difference_enclosure", "smallest_beta", "DEFAULT_MAX_BOXES", "DEFAULT_PREC"]

DEFAULT_MAX_BOXES = 4000
DEFAULT_PREC = 64


def _inputs(G, box):
    """Interval inputs for ``G`` from a box (variables in input order)."""
    names = input_variables(G)
    if len(names) != len(box):
        raise SpecError(f"a box of dimension {len(box)} for a graph with {len(names)} input variables",
                        field="domain", expected=f"{len(names)} intervals")
    from ..graph import INPUTS, OP

    out, k = {}, 0
    for name in G.graph[INPUTS]:
        r, c = G.nodes[name][OP].shape
        flat = [(lo, hi) if lo != hi else lo for lo, hi in box[k:k + r * c]]
        out[name] = [flat[a * c:(a + 1) * c] for a in range(r)]
        k += r * c
    return out


def difference_enclosure(G, node, F, box, prec, row=0, col=0):
    """Exact rational bounds ``(lo, hi)`` of ``N - f`` over ``box`` (``None`` if unbounded)."""
    bk = IntervalBackend(prec=prec)
    n = bk.to_list(evaluate(G, bk, _inputs(G, box), nodes=[node], validate=False)[node])[row][col]
    f = bk.to_list(evaluate(F, bk, _inputs(F, box), validate=False)["f"])[0][0]
    with bk.session():
        d = n - f
    return bk.bounds(d)


def _split(box):
    widths = [hi - lo for lo, hi in box]
    k = max(range(len(box)), key=lambda i: widths[i])
    lo, hi = box[k]
    mid = (lo + hi) / 2
    return k, box[:k] + ((lo, mid),) + box[k + 1:], box[:k] + ((mid, hi),) + box[k + 1:]


def prove_bound(G, claim, name: str = "") -> Certificate:
    """Certify ``sup_box |N - f| <= eps`` (``claim.expected``: ``eps``, optional ``max_boxes``, ``prec``)."""
    from ..constructions.gu2026 import softmax_error_bound  # analytic comparison only

    start = time.perf_counter()
    exp = claim.expected
    eps = exact_rational(exp.get("eps"), "eps")
    if eps <= 0:
        raise SpecError(f"eps = {eps}", field="eps", expected="eps > 0")
    max_boxes = exp.get("max_boxes", DEFAULT_MAX_BOXES)
    prec = exp.get("prec", DEFAULT_PREC)
    if parameters(G):
        raise SpecError("a bound claim needs a graph without parameters", field="claim")
    check(G)
    node = claim.output or G.graph[OUTPUTS][0]
    F = maxout_graph(claim.target)
    root = tuple(claim.domain.bounds)
    tree, leaves = {}, []  # box -> split dimension
    queue, undecided, processed = deque([root]), [], 0
    worst = Fraction(0)
    while queue:
        box = queue.popleft()
        if processed >= max_boxes:
            undecided.append(box)
            continue
        processed += 1
        lo, hi = difference_enclosure(G, node, F, box, prec, claim.row, claim.col)
        if lo is not None and -eps <= lo and hi <= eps:
            leaves.append(box)
            worst = max(worst, -lo, hi)
            continue
        mid = tuple(((a + b) / 2, (a + b) / 2) for a, b in box)
        plo, phi = difference_enclosure(G, node, F, mid, prec * 2, claim.row, claim.col)
        if plo is not None and (plo > eps or phi < -eps):
            point = {v: format_exact(m[0]) for v, m in zip(input_variables(G), mid)}
            ce = {"point": point, "difference": [format_exact(plo), format_exact(phi)], "eps": format_exact(eps)}
            evidence = {"boxes": processed, "prec": prec}
            return certify(G, claim, "REFUTED", "bound", "interval", prec, evidence, ce, start, name)
        k, left, right = _split(box)
        tree[box] = k
        queue.extend([left, right])
    analytic, _ = softmax_error_bound(claim.target, _beta_of(G)) if _beta_of(G) else (None, None)
    evidence = {"boxes": processed, "certified_boxes": len(leaves), "prec": prec, "eps": format_exact(eps),
                "max_enclosure": format_exact(worst),
                "analytic_bound": None if analytic is None else f"{float(analytic):.6g}"}
    if undecided:
        evidence["undecided_boxes"] = len(undecided)
        return certify(G, claim, "UNKNOWN", "bound", "interval", prec, evidence, None, start, name)
    evidence["tree"] = _preorder(root, tree)
    return certify(G, claim, "PROVED", "bound", "interval", prec, evidence, None, start, name)


def _preorder(root, tree):
    out, stack = [], [root]
    while stack:
        box = stack.pop()
        if box in tree:
            k, left, right = _split(box)
            out.append(k)
            stack.extend([right, left])
        else:
            out.append("L")
    return out


def _beta_of(G):
    """The softmax inverse temperature of the graph's heads (if they share one), for reports."""
    from ..graph import OP
    from ..ops import Normalize

    betas = {G.nodes[n][OP].beta for n in G if isinstance(G.nodes[n][OP], Normalize)
             and G.nodes[n][OP].rule == "softmax"}
    return betas.pop() if len(betas) == 1 else None


def smallest_beta(net, box, eps, build, lo: int = 1, hi_limit: int = 1 << 16, max_boxes: int = DEFAULT_MAX_BOXES):
    """The smallest integer ``beta`` for which the bound ``eps`` is PROVED, by doubling then bisection.

    ``build(beta)`` returns the softmax network.  Returns ``(beta, certificate)``, or
    ``(None, last certificate)`` if even ``hi_limit`` is not certified.  Monotonicity in ``beta``
    is an assumption of the search (it holds for the analytic bound), not of the proofs: the
    returned ``beta`` comes with its own certificate.
    """
    from ..claims import Claim

    claim = Claim("bound", net, domain=box, expected={"eps": eps, "max_boxes": max_boxes})

    def proved(beta):
        cert = prove_bound(build(beta), claim)
        return cert.verdict == "PROVED", cert

    beta, best = lo, None
    ok, cert = proved(beta)
    while not ok:
        if beta >= hi_limit:
            return None, cert
        beta *= 2
        ok, cert = proved(beta)
    best = (beta, cert)
    low = beta // 2 + 1 if beta > lo else lo
    high = beta
    while low < high:
        mid = (low + high) // 2
        ok, cert = proved(mid)
        if ok:
            high, best = mid, (mid, cert)
        else:
            low = mid + 1
    return best
