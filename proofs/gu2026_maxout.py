"""Gu, Yang, Zhou 2026 (arXiv:2603.03084), G1/G2/G4: transformers emulate maxout networks.

Claim checked, exactly, on rational intervals: for a maxout network of depth ``L``, widths
``N_l`` and ranks ``<= k``, the hardmax transformer R2 (``L + 1`` blocks, ``k`` tokens,
``N_l`` heads in block ``l + 1``; attention = max over tokens, FFN = token-wise affine maps by
positional gating with margins ``B_l`` certified by interval arithmetic) equals the network at
every point of the domain; so does the fixed-width variant R2'.

* random integer maxout networks on [-1, 1] (one input, ranks 2 and 3, depths 1 to 3);
* named examples: ReLU(x) and |x| on [-2, 3], the tent map ``T^3`` on [0, 1], and Yarotsky's
  ``f_3`` (the piecewise-linear interpolant of ``x^2`` at ``j/8``) on [0, 1];
* negative obligations, which must be REFUTED with a point: a perturbed FFN weight, and margins
  too small for the gating (``B_l = 1/2``).

Our reconstruction (``shared/papers/exact_constructions.md`` section 2.4), not the authors'
matrices.  Only one input variable for now: the polytope version of the region verifier
(``d = 2, 3``) is not built yet.

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(23, 3)
"""

from __future__ import annotations

import random
from fractions import Fraction

from symtrans.claims import Claim
from symtrans.constructions.gu2026 import maxout_transformer
from symtrans.domains import Box
from symtrans.graph import replace_weight
from symtrans.obligations import Obligation
from symtrans.targets import MaxoutNet


def random_net(seed: int, k: int, L: int, width: int = 2) -> MaxoutNet:
    """A random integer maxout network on R^1: ``L`` layers of ``width`` units of rank ``k``."""
    rng = random.Random(seed)
    layers, n = [], 1
    for _ in range(L):
        layers.append([[[rng.randint(-3, 3) for _ in range(n)] + [rng.randint(-3, 3)] for _ in range(k)]
                       for _ in range(width)])
        n = width
    return MaxoutNet(1, layers, [rng.randint(-3, 3) for _ in range(n)] + [rng.randint(-3, 3)])


NAMED = [
    ("ReLU(x)", MaxoutNet.relu(1, [[[1, 0]]], [1, 0]), Box([(-2, 3)])),
    ("|x|", MaxoutNet(1, [[[[1, 0], [-1, 0]]]], [1, 0]), Box([(-2, 3)])),
    ("tent T^3", MaxoutNet.tent(3), Box([(0, 1)])),
    ("Yarotsky f_3", MaxoutNet.yarotsky(3), Box([(0, 1)])),
]


def obligations(quick: bool = True):
    cube = Box([(-1, 1)])
    cases = [(s, k, L) for s, (k, L) in enumerate([(2, 1), (3, 1), (2, 2), (3, 2), (2, 3), (3, 3)])]
    if not quick:
        cases += [(100 + s, k, L) for s in range(6) for k, L in [(2, 3), (3, 3)]]
    for seed, k, L in cases:
        net = random_net(seed, k, L)
        for fresh in (True, False):
            variant = "R2" if fresh else "R2'"
            yield Obligation(f"gu2026/{variant} random net seed={seed} k={k} L={L}",
                             lambda net=net, fresh=fresh: maxout_transformer(net, cube, fresh=fresh),
                             Claim("equivalent", net, domain=cube))
    for label, net, box in NAMED:
        for fresh in (True, False):
            variant = "R2" if fresh else "R2'"
            yield Obligation(f"gu2026/{variant} {label}",
                             lambda net=net, box=box, fresh=fresh: maxout_transformer(net, box, fresh=fresh),
                             Claim("equivalent", net, domain=box))
    tent = MaxoutNet.tent(3)
    unit = Box([(0, 1)])
    yield Obligation("gu2026/negative margins too small (B = 1/2) for T^3",
                     lambda: maxout_transformer(tent, unit, margins_override=[Fraction(1, 2)] * 3),
                     Claim("equivalent", tent, domain=unit), expected="REFUTED")
    yield Obligation("gu2026/negative perturbed FFN weight for T^3",
                     lambda: replace_weight(maxout_transformer(tent, unit), "b1.ffn.hidden", "weight", (0, 0), -3),
                     Claim("equivalent", tent, domain=unit), expected="REFUTED")
    net = random_net(3, 3, 2)
    yield Obligation("gu2026/negative perturbed read-out for a random net",
                     lambda: replace_weight(maxout_transformer(net, cube), "readout", "bias", (0, 0),
                                            net.output[-1] + Fraction(1, 7)),
                     Claim("equivalent", net, domain=cube), expected="REFUTED")
