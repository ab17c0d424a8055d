"""Gu, Yang, Zhou 2026 (arXiv:2603.03084), G1/G2/G4: transformers emulate maxout networks.

Claim checked, exactly, on rational boxes: for a maxout network of depth ``L``, widths
``N_l`` and ranks ``<= k``, the hardmax transformer R2 (``L + 1`` blocks, ``k`` tokens,
``N_l`` heads in block ``l + 1``; attention = max over tokens, FFN = token-wise affine maps by
positional gating with margins ``B_l`` certified by interval arithmetic) equals the network at
every point of the domain; so does the fixed-width variant R2'.

Two independent methods:

* region enumeration (``equivalent``, any dimension): the exact polytope cells of network and
  target compared, and every face where a hardmax ties checked one dimension lower;
* the compositional proof (``emulation``, any dimension): gates certified by interval bounds,
  hardmax heads recognised as max over tokens, block by block, in time linear in the size.

Obligations:

* random integer maxout networks: ``d = 1`` (ranks 2, 3; depths 1 to 3) by both methods, and
  ``d = 2, 3`` (ranks 2, 3; depths 1 to 3) compositionally and, up to depth 2, by polytope cells;
* named examples: ReLU(x) and |x| on [-2, 3], the tent map ``T^3``, Yarotsky's ``f_3`` (the
  piecewise-linear interpolant of ``x^2`` at ``j/8``), max of three and median of three
  (lattice form, 2 max layers, 3 tokens, 3 blocks) on [-1, 1]^3;
* Yarotsky's approximant ``f_m`` through R2: ``sup_[0,1] |x^2 - N(x)| = 2^(-2m-2)`` *exactly*, for
  ``m = 1..5`` (each linear region's quadratic error maximised in Q), and a claimed ``2^(-2m-1)``
  REFUTED;
* R3, the single-head variant (``2L + 1`` blocks of one head each, ``N k`` tokens; hardmax kept
  inside the query's unit by a constant ``C > 2 B_l``): random nets and named examples in one
  variable, random nets in two and three, by region enumeration; with ``C = 1`` (too small) it
  must be REFUTED, in 1-D and 2-D;
* CPWL expressions (max/min/abs/relu, compiled with shared subexpressions into maxout networks)
  in two variables, through R2, compositionally;
* negative obligations, which must be REFUTED with a point: a perturbed FFN weight, margins too
  small for the gating (``B_l = 1/2``, in 1-D and in 2-D by both methods), and a perturbed read-out.

Our reconstruction (:mod:`symtrans.constructions.gu2026`), not the authors'
matrices.

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(109, 8)
"""

from __future__ import annotations

from fractions import Fraction

from symtrans import (
    Box,
    Claim,
    MaxoutNet,
    Obligation,
    Polynomial,
    cpwl_network,
    replace_weight,
)
from symtrans.constructions.gu2026 import maxout_transformer, single_head_transformer

#: CPWL expressions in x1, x2 (their maxout networks are compiled with sharing).
CPWL = [
    "max(x1, x2, 1 - x1) - 2*min(x2, relu(x1 - 1/2))",
    "abs(abs(x1) - abs(x2)) + 3",
    "min(max(x1, x2), max(x2, -x1), 1/3)",
    "relu(relu(x1) - relu(x2)) - relu(x1 + x2)",
]


def random_net(seed: int, k: int, L: int, width: int = 2, d: int = 1) -> MaxoutNet:
    """A random integer maxout network on R^d: ``L`` layers of ``width`` units of rank ``k``."""
    return MaxoutNet.random(seed, d, k, L, width)


NAMED = [
    ("ReLU(x)", MaxoutNet.relu(1, [[[1, 0]]], [1, 0]), Box([(-2, 3)])),
    ("|x|", MaxoutNet(1, [[[[1, 0], [-1, 0]]]], [1, 0]), Box([(-2, 3)])),
    ("tent T^3", MaxoutNet.tent(3), Box([(0, 1)])),
    ("Yarotsky f_3", MaxoutNet.yarotsky(3), Box([(0, 1)])),
    ("max of three", MaxoutNet.max_of(3), Box([(-1, 1)] * 3)),
    ("median of three", MaxoutNet.median3(), Box([(-1, 1)] * 3)),
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
            build = (lambda net=net, fresh=fresh: maxout_transformer(net, cube, fresh=fresh))
            yield Obligation(f"gu2026/{variant} random net seed={seed} k={k} L={L}", build,
                             Claim("equivalent", net, domain=cube))
            yield Obligation(f"gu2026/{variant} random net seed={seed} k={k} L={L} (compositional)", build,
                             Claim("emulation", net, domain=cube))
    for d in (2, 3):
        box = Box([(-1, 1)] * d)
        for s_, (k, L) in enumerate([(2, 1), (3, 1), (2, 2), (3, 2), (2, 3), (3, 3)]):
            net = random_net(200 + 10 * d + s_, k, L, width=3, d=d)
            for fresh in (True, False):
                variant = "R2" if fresh else "R2'"
                yield Obligation(f"gu2026/{variant} random net d={d} k={k} L={L} (compositional)",
                                 lambda net=net, box=box, fresh=fresh: maxout_transformer(net, box, fresh=fresh),
                                 Claim("emulation", net, domain=box))
                if L <= 2 or not quick:
                    yield Obligation(f"gu2026/{variant} random net d={d} k={k} L={L} (polytope cells)",
                                     lambda net=net, box=box, fresh=fresh: maxout_transformer(net, box, fresh=fresh),
                                     Claim("equivalent", net, domain=box))
        for s_, (k, L) in enumerate([(2, 1), (3, 1), (2, 2)][:3 if d == 2 else 2]):
            net = random_net(300 + 10 * d + s_, k, L, width=2, d=d)
            yield Obligation(f"gu2026/R3 single head random net d={d} k={k} L={L} (polytope cells)",
                             lambda net=net, box=box: single_head_transformer(net, box),
                             Claim("equivalent", net, domain=box))
    for label, net, box in NAMED:
        for fresh in (True, False):
            variant = "R2" if fresh else "R2'"
            yield Obligation(f"gu2026/{variant} {label}",
                             lambda net=net, box=box, fresh=fresh: maxout_transformer(net, box, fresh=fresh),
                             Claim("equivalent", net, domain=box))
    square = Polynomial.parse("x**2", ["x"])
    for m in range(1, 6):
        yield Obligation(f"gu2026/Yarotsky f_{m} through R2: sup |x^2 - N| = 2^-{2 * m + 2} exactly",
                         lambda m=m: maxout_transformer(MaxoutNet.yarotsky(m), Box([(0, 1)])),
                         Claim("sup_error", square, domain=Box([(0, 1)]), expected={"value": Fraction(1, 4 ** (m + 1))}))
    yield Obligation("gu2026/negative Yarotsky f_3 error is not 2^-7",
                     lambda: maxout_transformer(MaxoutNet.yarotsky(3), Box([(0, 1)])),
                     Claim("sup_error", square, domain=Box([(0, 1)]), expected={"value": Fraction(1, 128)}),
                     expected="REFUTED")
    for seed, k, L in [(11, 2, 2), (12, 3, 2), (13, 2, 3)]:
        net = random_net(seed, k, L, width=2)
        yield Obligation(f"gu2026/R3 single head random net seed={seed} k={k} L={L}",
                         lambda net=net: single_head_transformer(net, cube), Claim("equivalent", net, domain=cube))
    for label, net, box in NAMED[:4]:
        yield Obligation(f"gu2026/R3 single head {label}", lambda net=net, box=box: single_head_transformer(net, box),
                         Claim("equivalent", net, domain=box))
    r3net = random_net(12, 3, 2, width=2)
    yield Obligation("gu2026/negative R3 with C = 1 (needs C > 2 B)",
                     lambda: single_head_transformer(r3net, cube, c_override=1),
                     Claim("equivalent", r3net, domain=cube), expected="REFUTED")
    square_cpwl = Box([(-1, 1)] * 2)
    for expr in CPWL:
        net = cpwl_network(expr, ["x1", "x2"])
        for fresh in (True, False):
            variant = "R2" if fresh else "R2'"
            yield Obligation(f"gu2026/{variant} cpwl {expr}",
                             lambda net=net, fresh=fresh: maxout_transformer(net, square_cpwl, fresh=fresh),
                             Claim("emulation", net, domain=square_cpwl))
    tent = MaxoutNet.tent(3)
    unit = Box([(0, 1)])
    yield Obligation("gu2026/negative margins too small (B = 1/2) for T^3",
                     lambda: maxout_transformer(tent, unit, margins_override=[Fraction(1, 2)] * 3),
                     Claim("equivalent", tent, domain=unit), expected="REFUTED")
    yield Obligation("gu2026/negative perturbed FFN weight for T^3",
                     lambda: replace_weight(maxout_transformer(tent, unit), "b1.ffn.hidden", "weight", (0, 0), -3),
                     Claim("equivalent", tent, domain=unit), expected="REFUTED")
    net2 = random_net(7, 3, 2, width=3, d=2)
    square = Box([(-1, 1)] * 2)
    yield Obligation("gu2026/negative margins too small (B = 1/2), d=2 (compositional)",
                     lambda: maxout_transformer(net2, square, margins_override=[Fraction(1, 2)] * 2),
                     Claim("emulation", net2, domain=square), expected="REFUTED")
    yield Obligation("gu2026/negative margins too small (B = 1/2), d=2 (polytope cells)",
                     lambda: maxout_transformer(net2, square, margins_override=[Fraction(1, 2)] * 2),
                     Claim("equivalent", net2, domain=square), expected="REFUTED")
    r3net2 = random_net(312, 2, 2, width=2, d=2)
    yield Obligation("gu2026/negative R3 with C = 1, d=2 (polytope cells)",
                     lambda: single_head_transformer(r3net2, square, c_override=1),
                     Claim("equivalent", r3net2, domain=square), expected="REFUTED")
    net = random_net(3, 3, 2)
    yield Obligation("gu2026/negative perturbed read-out for a random net",
                     lambda: replace_weight(maxout_transformer(net, cube), "readout", "bias", (0, 0),
                                            net.output[-1] + Fraction(1, 7)),
                     Claim("equivalent", net, domain=cube), expected="REFUTED")
