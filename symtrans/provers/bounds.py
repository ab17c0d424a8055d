"""Certified bounds ``sup_{x in box} |N(x) - f(x)| <= eps`` by interval evaluation with bisection.

The network ``N`` (any graph, softmax included) and the maxout target ``f`` are evaluated with
rigorous Arb enclosures on a box.  A box whose enclosure of ``|N - f|`` lies within ``eps`` is
certified; otherwise the verifier evaluates both at the box's midpoint, and if the point
enclosure lies beyond ``eps`` the claim is REFUTED with that exact rational point; otherwise the
box is split in two along its widest side.  When the budget of boxes runs out the verdict is
UNKNOWN, with the number of undecided boxes.  The bisection is recorded as a tree (``"L"`` for a
certified leaf, a dimension number for a split, in preorder), so a checker rebuilds the cover of
the box by construction and re-evaluates every leaf.

>>> from symtrans import Box, Claim, MaxoutNet, verify
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent = MaxoutNet.tent(1)
>>> G = maxout_transformer(tent, Box([(0, 1)]), score="softmax", beta=10)
>>> c = verify(G, Claim("bound", tent, domain=Box([(0, 1)]), expected={"eps": "7/100"}))
>>> c.verdict, float(c.evidence["analytic_bound"]) < 0.0694
('PROVED', True)
>>> verify(G, Claim("bound", tent, domain=Box([(0, 1)]), expected={"eps": "1/100"})).verdict
'REFUTED'
"""

from __future__ import annotations

from ..graph import OP
from ..ops import Normalize

__all__ = ["DEFAULT_MAX_BOXES", "DEFAULT_PREC"]

DEFAULT_MAX_BOXES = 4000
DEFAULT_PREC = 64


def _split(box):
    widths = [hi - lo for lo, hi in box]
    k = max(range(len(box)), key=lambda i: widths[i])
    lo, hi = box[k]
    mid = (lo + hi) / 2
    return k, box[:k] + ((lo, mid),) + box[k + 1:], box[:k] + ((mid, hi),) + box[k + 1:]


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

    betas = {G.nodes[n][OP].beta for n in G if isinstance(G.nodes[n][OP], Normalize)
             and G.nodes[n][OP].rule == "softmax"}
    return betas.pop() if len(betas) == 1 else None
