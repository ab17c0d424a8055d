"""Fang, Ouyang, Zhou, Cheng 2022 (arXiv:2202.12166): attention computes polynomials with zero error.

Theorem (C1, C2).  For every polynomial ``p`` of total degree ``D`` in ``d``
variables there is a single-head self-attention transformer with exactly ``D``
encoder blocks and a linear read-out whose output is ``p(x)`` for every ``x``;
the blocks do not depend on ``p``, only the ``C(d+D, D)`` read-out weights do.

What is checked here, exactly, over ``Q[x]`` (all of ``R^d``):

* ``general d=.. D=..``: the identity ``N(x) = sum_alpha c_alpha x^alpha`` in
  ``Q[c][x]``, the read-out weights being the symbols ``c_alpha``: one proof
  covers *every* polynomial of degree ``<= D`` in ``d`` variables;
* ``target ...``: fixed test polynomials (F-1, F-2,
  F-3, a constant), each with a float64 cross-check on ``[-1, 1]^d`` (reported,
  never a proof);
* ``invariant ...``: after block ``l``, channel group ``R_l`` holds exactly the
  monomials of degree ``<= l`` in every token, earlier groups are unchanged and
  later ones still 0;
* ``sizes ...``: blocks ``= D``, one head per block, tokens ``C(d+D-1, d)``,
  width, and ``C(d+D, D)`` free parameters, as the construction states;
* negative obligations, which must be REFUTED: with ``D - 1`` blocks no read-out
  reaches a degree-``D`` target (every channel has degree ``<= D - 1``); one
  encoder weight changed breaks the identity (refuted at an exact point).

The construction is our reconstruction R1 (:mod:`symtrans.constructions.fang2022`), not the
authors' matrices: the paper's claims are checked on that construction.

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(36, 5)
>>> from symtrans import run
>>> run(obs[0]).certificate.verdict
'PROVED'
"""

from __future__ import annotations

from symtrans import Claim, Obligation, Polynomial, replace_weight
from symtrans.constructions.fang2022 import (
    expected_sizes,
    monomial_encoder,
    polynomial_transformer,
)
from symtrans.graph import CHANNELS
from symtrans.targets import monomials

QUICK = [(1, D) for D in range(1, 7)] + [(2, D) for D in range(1, 5)] + [(3, D) for D in range(1, 4)]
SWEEP = [(1, D) for D in range(7, 17)] + [(2, D) for D in range(5, 9)] + [(3, D) for D in range(4, 7)] + \
        [(4, D) for D in range(1, 6)]

#: Fixed targets (test polynomials F-1, F-2, F-3, and a degree-0 constant).
TARGETS = [
    ("F-1 x1^2 x2 + 3", "x1**2*x2 + 3", ["x1", "x2"]),
    ("F-2 (x1+x2+1)^4", "(x1 + x2 + 1)**4", ["x1", "x2"]),
    ("F-3 x^5 - x", "x**5 - x", ["x"]),
    ("constant 7/3", "7/3", ["x"]),
    ("mixed d=3", "x*y*z - 3/4*y**2 + 1/5*z - 2", ["x", "y", "z"]),
]


def _monomial_exprs(d, l):
    names = [f"x{i + 1}" for i in range(d)]
    out = []
    for alpha in monomials(d, l):
        factors = [f"{n}**{a}" for n, a in zip(names, alpha) if a]
        out.append("*".join(factors) or "1")
    return out


def _general(d, D):
    target = Polynomial.general(d, D)
    return Obligation(f"fang2022/general d={d} D={D}", lambda: polynomial_transformer(target),
                      Claim("identity", target),
                      note="every polynomial of degree <= D at once (read-out weights are symbols)")


def _sizes(d, D):
    target = Polynomial.general(d, D)
    return Obligation(f"fang2022/sizes d={d} D={D}", lambda: polynomial_transformer(target),
                      Claim("sizes", expected=expected_sizes(d, D)), note="the theorem's complexity")


def _invariants(d, D):
    G = monomial_encoder(d, D)
    for l in range(1, D + 1):
        expected = {f"R{m}": _monomial_exprs(d, m) for m in range(l + 1)}
        zero = tuple(f"R{m}" for m in range(l + 1, D + 1))
        yield Obligation(f"fang2022/invariant d={d} D={D} after block {l}", G,
                         Claim("channels", output=f"b{l}.res1", expected=expected, zero=zero),
                         note="R_l holds the monomials of degree <= l")


def _too_few_blocks(d, D):
    names = [f"x{i + 1}" for i in range(d)]
    target = Polynomial.parse(f"{names[-1]}**{D} + {names[0]}", names)
    return Obligation(f"fang2022/negative {D - 1} blocks cannot reach degree {D} (d={d})",
                      lambda: monomial_encoder(d, D - 1), Claim("readout", target), expected="REFUTED",
                      note="with D-1 blocks every channel has degree <= D-1")


def _enough_blocks(d, D):
    names = [f"x{i + 1}" for i in range(d)]
    target = Polynomial.parse(f"{names[-1]}**{D} + {names[0]}", names)
    return Obligation(f"fang2022/readout {D} blocks reach degree {D} (d={d})", lambda: monomial_encoder(d, D),
                      Claim("readout", target), note="the read-out is found, not assumed")


def _mutated(d, D):
    target = Polynomial.general(d, D)

    def build():
        G = polynomial_transformer(target)
        ch = G.graph[CHANNELS]
        # block 2's output map writes R2[0] (the constant 1): make it 2
        return replace_weight(G, "b2.att.h0.out", "weight", (0, ch.index("R2", 0)), 2)

    return Obligation(f"fang2022/negative mutated weight d={d} D={D}", build, Claim("identity", target),
                      expected="REFUTED", note="one encoder weight changed from 1 to 2")


def obligations(quick: bool = True):
    """The obligations of this theorem; ``quick=False`` adds the larger sweep."""
    sizes = QUICK if quick else QUICK + SWEEP
    for d, D in sizes:
        yield _general(d, D)
    for d, D in [(1, 4), (2, 3), (3, 3)] + ([] if quick else [(2, 6), (3, 5), (4, 4)]):
        yield _sizes(d, D)
    for label, expr, names in TARGETS:
        target = Polynomial.parse(expr, names)
        yield Obligation(f"fang2022/target {label}", lambda t=target: polynomial_transformer(t),
                         Claim("identity", target), crosscheck=100)
    for d, D in [(1, 4), (2, 3), (3, 2)] + ([] if quick else [(2, 5), (3, 4)]):
        yield from _invariants(d, D)
    for d, D in [(1, 3), (2, 3), (3, 2)]:
        yield _too_few_blocks(d, D)
    yield _enough_blocks(2, 3)
    yield _mutated(2, 3)
    yield _mutated(1, 4)
