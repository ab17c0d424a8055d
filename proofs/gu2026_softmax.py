"""Gu, Yang, Zhou 2026 (arXiv:2603.03084), the softmax variant: an epsilon-emulation only.

With softmax(beta) heads instead of hardmax, head ``i`` returns the Boltzmann operator of its
pieces, not their max, and ``0 <= max(z) - Bz_beta(z) <= log(k) / beta``; propagated through the
layers this gives ``sup |N - f| <= ||a||_1 e_L`` with
``e_l = log(k)/beta + Lambda_l e_(l-1)``.  The construction widens each gate by
``Lambda_l e_(l-1)`` so the FFN stays exact at the perturbed inputs.

Checked here, rigorously (Arb interval enclosures with bisection of the box; PROVED only when
every box's enclosure of ``|N - f|`` is within ``eps``):

* the analytic bound is certified for the tent maps and a random maxout net;
* much tighter ``eps`` are certified too: for ``T`` with ``beta = 10`` the true supremum is
  ``W(1/e)/10 = 0.02785`` (the sharp constant), and ``eps = 29/1000`` is PROVED;
* minimal ``beta``: for ``T`` and ``eps = 1/20``, ``beta = 6`` is PROVED and ``beta = 5`` is
  REFUTED at an exact point (``W(1/e)/5 = 0.0557 > 1/20``);
* negative: a temperature ten times too small (``beta = 1``) must be REFUTED at a point.

Our reconstruction (:mod:`symtrans.constructions.gu2026`).

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(7, 2)
"""

from __future__ import annotations

import random
from fractions import Fraction

from symtrans import Box, Claim, MaxoutNet, Obligation
from symtrans.constructions.gu2026 import maxout_transformer, softmax_error_bound

UNIT = Box([(0, 1)])


def _rounded_up(x, den=1000):
    return Fraction(-((-x.numerator * den) // x.denominator), den)


def _bound(net, box, beta, eps=None, expected="PROVED", label=""):
    analytic, _ = softmax_error_bound(net, beta)
    eps = eps if eps is not None else _rounded_up(analytic)
    return Obligation(f"gu2026/softmax {label} beta={beta} eps={eps}",
                      lambda: maxout_transformer(net, box, score="softmax", beta=beta),
                      Claim("bound", net, domain=box, expected={"eps": eps}), expected=expected)


def _random_net(seed):
    rng = random.Random(seed)
    layer = [[[rng.randint(-2, 2), rng.randint(-2, 2)] for _ in range(2)] for _ in range(2)]
    return MaxoutNet(1, [layer], [rng.randint(-2, 2), rng.randint(-2, 2), 0])


def obligations(quick: bool = True):
    yield _bound(MaxoutNet.tent(1), UNIT, 10, label="tent T (analytic bound)")
    yield _bound(MaxoutNet.tent(2), UNIT, 20, label="tent T^2 (analytic bound)")
    yield _bound(_random_net(1), Box([(-1, 1)]), 50, label="random net (analytic bound)")
    yield _bound(MaxoutNet.tent(1), UNIT, 10, Fraction(29, 1000), label="tent T (near the sharp 0.02785)")
    yield _bound(MaxoutNet.tent(1), UNIT, 6, Fraction(1, 20), label="tent T (smallest integer beta)")
    yield _bound(MaxoutNet.tent(1), UNIT, 5, Fraction(1, 20), "REFUTED", label="negative: beta one too small")
    analytic10, _ = softmax_error_bound(MaxoutNet.tent(1), 10)
    yield _bound(MaxoutNet.tent(1), UNIT, 1, _rounded_up(analytic10), "REFUTED",
                 label="negative: beta ten times too small")
    if not quick:
        yield _bound(MaxoutNet.tent(3), UNIT, 100, label="tent T^3 (analytic bound)")
