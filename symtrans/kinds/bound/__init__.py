"""``bound``: ``sup_{x in box} |output(x) - target(x)| <= eps`` for a maxout target.

Certified by Arb interval evaluation with bisection (the softmax variants, where
exactness is impossible).  PROVED with the bisection tree, whose leaves cover the box by
construction; REFUTED with a point whose enclosure lies beyond ``eps``; UNKNOWN when
``max_boxes`` runs out.

>>> from symtrans import Box, Claim, MaxoutNet
>>> Claim("bound", MaxoutNet.tent(1), domain=Box([(0, 1)]), expected={"eps": "1/10"}).expected.eps
Fraction(1, 10)
"""

from dataclasses import dataclass
from fractions import Fraction

from ...budget import MAX_PRECISION
from ..base import ClaimKind, Params, integer, param, point_text, rational


@dataclass(frozen=True)
class BoundParams(Params):
    eps: Fraction = param(rational(positive=True), doc="the tolerance, a rational > 0")
    max_boxes: int = param(integer(lo=1, hi=10 ** 6), default=4000, doc="boxes to evaluate before UNKNOWN")
    prec: int = param(integer(lo=10, hi=MAX_PRECISION), default=64, doc="Arb working precision in bits")


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        analytic = f" (analytic bound {ev['analytic_bound']})" if ev.get("analytic_bound") else ""
        return (f"{ev['certified_boxes']} boxes certified at {ev['prec']} bits; largest |N - f| enclosure "
                f"{float(Fraction(ev['max_enclosure'])):.4g} <= eps {ev['eps']}{analytic}")
    if cert.verdict == "REFUTED" and ce:
        d = [float(Fraction(v)) for v in ce["difference"]]
        return f"at {point_text(ce)}: N - f in [{d[0]:.4g}, {d[1]:.4g}], beyond eps {ce['eps']}"
    return f"{ev.get('undecided_boxes')} boxes undecided after {ev.get('boxes')} (raise max_boxes or prec)"


KIND = ClaimKind(
    name="bound", package=__name__, params=BoundParams,
    doc="sup over the box of |output - target| <= eps (Arb, bisection)",
    describe=lambda c: f"sup |{c.output or 'output'} - maxout net| <= {c.expected.eps} on the box",
    summarize=_summarize,
    evidence={"boxes": "boxes evaluated", "certified_boxes": "leaf boxes within eps", "prec": "bits",
              "eps": "the tolerance", "max_enclosure": "the largest |N - f| enclosure end over the leaves",
              "analytic_bound": "the paper's analytic bound for comparison (None without softmax)",
              "undecided_boxes": "UNKNOWN: boxes left", "tree": "PROVED: bisection tree in preorder ('L' or a dimension)"},
    targets=("maxout",), spec_targets=("maxout",), domain="box")
