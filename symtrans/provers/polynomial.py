"""Helpers of the exact polynomial provers (``identity``, ``readout``, ``channels``), over Q[params][x].

* ``identity``: the network's output entry equals the target as
  polynomials.  PROVED with the residual shown to be the zero polynomial;
  REFUTED with an exact rational point where network and target differ
  (small integers first), confirmed by evaluating the graph at that point on
  the rational backend, plus the residual's leading terms.
* ``readout``: *some* read-out of a token's channels equals the
  target.  PROVED with the read-out ``theta``; REFUTED by a degree argument
  (every channel has degree below the target's) or, when degrees do not
  settle it, by a vector ``y`` with ``y^T A = 0`` and ``y . b != 0`` (the
  channels' coefficient matrix ``A``, the target's ``b``): no ``theta`` exists.
* ``channels``: channel groups hold given polynomials in every token.

>>> from symtrans.constructions.fang2022 import polynomial_transformer
>>> from symtrans import Claim, Polynomial, verify
>>> t = Polynomial.parse("x**5 - x", ["x"])
>>> verify(polynomial_transformer(t), Claim("identity", t)).verdict
'PROVED'
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from .._flint import flint
from ..backends import PolyBackend
from ..errors import SpecError, SymtransError
from ..exact import format_exact
from ..graph import OUTPUTS, input_variables, parameters
from ..interpret import evaluate
from ..polys import ring as poly_ring

__all__ = ["nonzero_point"]

LEADING_TERMS = 8


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------
def _output(G, claim):
    name = claim.output or (G.graph[OUTPUTS][0] if len(G.graph[OUTPUTS]) == 1 else None)
    if name is None:
        raise SpecError("the graph has several outputs; the claim must name one", field="output",
                        expected="one of " + ", ".join(G.graph[OUTPUTS]))
    if name not in G:
        raise SpecError(f"no node {name!r} in the graph", field="output")
    return name


def _leading(p, names, k=LEADING_TERMS):
    terms = sorted(p.terms(), key=lambda t: (-sum(t[0]), [-e for e in t[0]]))[:k]
    out = []
    for monom, c in terms:
        mono = "*".join(f"{n}**{e}" if e > 1 else n for n, e in zip(names, monom) if e)
        coeff = format_exact(Fraction(int(c.p), int(c.q)))
        out.append(coeff if not mono else mono if coeff == "1" else f"-{mono}" if coeff == "-1" else
                   f"{coeff}*{mono}")
    return out


def nonzero_point(p, names, seed: int = 0, budget: int = 4000) -> dict:
    """An exact rational point where the nonzero polynomial ``p`` does not vanish.

    Small integer points first (0, then one coordinate at +-1, +-2, ..., then
    all of {-2..2}^k while that is small), then random integers, then random
    rationals.  A nonzero polynomial of degree ``t`` vanishes on at most a
    ``t/|S|`` fraction of any grid ``S^k``, so the random phase succeeds fast.

    >>> import flint
    >>> R = flint.fmpq_mpoly_ctx.get(("x", "y"), "degrevlex"); x, y = R.gens()
    >>> nonzero_point(x * y - 1, ["x", "y"])
    {'x': Fraction(0, 1), 'y': Fraction(0, 1)}
    >>> nonzero_point(x * y, ["x", "y"])
    {'x': Fraction(1, 1), 'y': Fraction(1, 1)}
    """
    if p.is_zero():
        raise SymtransError("the zero polynomial vanishes everywhere")
    k = len(names)

    def value(point):
        return p(*[flint.fmpq(v.numerator, v.denominator) for v in point])

    def found(point):
        return dict(zip(names, point))

    candidates = [tuple([Fraction(0)] * k)]
    for mag in (1, -1, 2, -2):
        for i in range(k):
            pt = [Fraction(0)] * k
            pt[i] = Fraction(mag)
            candidates.append(tuple(pt))
    for mag in (1, -1, 2):
        candidates.append(tuple([Fraction(mag)] * k))
    if 5 ** k <= 2000:
        candidates.extend(tuple(map(Fraction, pt)) for pt in itertools.product(range(-2, 3), repeat=k))
    for pt in candidates:
        if value(pt) != 0:
            return found(pt)
    rng = random.Random(seed)
    for attempt in range(budget):
        if attempt < budget // 2:
            pt = tuple(Fraction(rng.randint(-50, 50)) for _ in range(k))
        else:
            pt = tuple(Fraction(rng.randint(-10 ** 6, 10 ** 6), rng.randint(1, 97)) for _ in range(k))
        if value(pt) != 0:
            return found(pt)
    raise SymtransError("no nonzero point found for a nonzero polynomial (search budget exhausted)")


def _evaluate_poly(G, node, extra=()):
    names = input_variables(G) + parameters(G)
    names += [n for n in extra if n not in names]
    bk = PolyBackend(names)
    value = evaluate(G, bk, nodes=[node], outputs=False)[node]
    return bk, value, poly_ring(names), names


# ---------------------------------------------------------------------------------------------------
# identity
# ---------------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------
# read-out reachability
# ---------------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------
# channel invariants
# ---------------------------------------------------------------------------------------------------
