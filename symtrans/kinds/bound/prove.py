
from __future__ import annotations

import time
from collections import deque
from fractions import Fraction

from ...certificate import Certificate
from ...claims import Claim
from ...errors import SpecError
from ...exact import format_exact
from ...budget import progress
from ...graph import ANALYTIC_BOUND, OUTPUTS, check, input_variables, parameters
from ...parallel import map_ordered, workers
from ...provers._certify import certify
from ...provers.bounds import _preorder, _split
from ...targets import maxout_graph
from .common import difference_enclosure


def prove(G, claim, name: str = "") -> Certificate:
    """Certify ``sup_box |N - f| <= eps`` by Arb bisection (see :mod:`symtrans.kinds.bound`).

    >>> from symtrans import Box, Claim, MaxoutNet
    >>> from symtrans.constructions.gu2026 import maxout_transformer
    >>> tent, box = MaxoutNet.tent(1), Box([(0, 1)])
    >>> G = maxout_transformer(tent, box, score="softmax", beta=50)
    >>> c = prove(G, Claim("bound", tent, domain=box, expected={"eps": "7/100"}))
    >>> c.verdict, c.evidence["analytic_bound"]
    ('PROVED', '0.0138629')
    """
    start = time.perf_counter()
    eps, max_boxes, prec = claim.expected.eps, claim.expected.max_boxes, claim.expected.prec
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
        # a wave of boxes in breadth-first order, decided in pieces on the executor in scope; the
        # wave's size does not depend on the executor, so neither does the certificate
        wave = [queue.popleft() for _ in range(min(len(queue), WAVE, max_boxes - processed))]
        if not wave:
            undecided.extend(queue)
            break
        pieces = _pieces(wave)
        decided = [d for part in map_ordered(decide_boxes, [(G, node, F, part, prec, eps, claim.row, claim.col)
                                                             for part in pieces]) for d in part]
        progress(processed + len(wave), max_boxes, "boxes")
        for box, (lo, hi, midpoint) in zip(wave, decided):
            processed += 1
            if midpoint is None:
                leaves.append(box)
                worst = max(worst, -lo, hi)
                continue
            mid, (plo, phi) = midpoint
            if plo is not None and (plo > eps or phi < -eps):
                point = {v: format_exact(m[0]) for v, m in zip(input_variables(G), mid)}
                ce = {"point": point, "difference": [format_exact(plo), format_exact(phi)], "eps": format_exact(eps)}
                evidence = {"boxes": processed, "prec": prec}
                return certify(G, claim, "REFUTED", "interval", prec, evidence, ce, start, name)
            k, left, right = _split(box)
            tree[box] = k
            queue.extend([left, right])
    analytic = G.graph.get(ANALYTIC_BOUND)  # the construction's own analytic bound, reported beside ours
    evidence = {"boxes": processed, "certified_boxes": len(leaves), "prec": prec, "eps": format_exact(eps),
                "max_enclosure": format_exact(worst),
                "analytic_bound": None if analytic is None else f"{float(analytic):.6g}"}
    if undecided:
        evidence["undecided_boxes"] = len(undecided)
        return certify(G, claim, "UNKNOWN", "interval", prec, evidence, None, start, name)
    evidence["tree"] = _preorder(root, tree)
    return certify(G, claim, "PROVED", "interval", prec, evidence, None, start, name)


#: Boxes decided together (in pieces, on the executor in scope), in breadth-first order.
WAVE = 64


def _pieces(wave):
    """The wave cut into one piece per worker (a single piece when serial)."""
    n = min(workers(), len(wave))
    size = -(-len(wave) // n)
    return [wave[k:k + size] for k in range(0, len(wave), size)]


def decide_boxes(G, node, F, boxes, prec, eps, row, col):
    """For each box ``(lo, hi, None)`` when ``N - f`` is certainly within ``eps`` on it, else
    ``(lo, hi, (midpoint box, enclosure at the midpoint at twice the precision))``.  A piece of
    work for the executor: module-level, its arguments picklable."""
    out = []
    for box in boxes:
        lo, hi = difference_enclosure(G, node, F, box, prec, row, col)
        if lo is not None and -eps <= lo and hi <= eps:
            out.append((lo, hi, None))
            continue
        mid = tuple(((a + b) / 2, (a + b) / 2) for a, b in box)
        out.append((lo, hi, (mid, difference_enclosure(G, node, F, mid, prec * 2, row, col))))
    return out


def smallest_beta(net, box, eps, build, lo: int = 1, hi_limit: int = 1 << 16, max_boxes: int = 4000):
    """The smallest integer ``beta`` for which the bound ``eps`` is PROVED, by doubling then bisection.

    ``build(beta)`` returns the softmax network.  Returns ``(beta, certificate)``, or
    ``(None, last certificate)`` if even ``hi_limit`` is not certified.  Monotonicity in ``beta``
    is an assumption of the search (it holds for the analytic bound), not of the proofs: the
    returned ``beta`` comes with its own certificate.
    """
    claim = Claim("bound", net, domain=box, expected={"eps": eps, "max_boxes": max_boxes})

    def proved(beta):
        cert = prove(build(beta), claim)
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
