"""Gu, Yang, Zhou 2026 (arXiv:2603.03084), G3: linear regions grow exponentially with depth.

Claim checked, exactly: the L-fold tent map ``T^L`` on [0, 1] (``T(x) = 2 min(x, 1 - x)``) is
computed by a hardmax transformer with ``L + 1`` blocks, 2 tokens and a width that does not
depend on ``L`` (construction R2', which reuses its registers), and that transformer's function
has exactly ``2^L`` linear regions on [0, 1], while its parameter count grows linearly in ``L``.

* ``regions L=..``: the exact number of maximal intervals on which the network's output is
  affine (the pwl backend propagates breakpoints exactly and merges equal pieces);
* ``sizes L=..``: ``L + 1`` blocks, 2 tokens, width 5 for every ``L``;
* ``equivalent L=..``: the network equals ``T^L`` at every point of [0, 1] (each cell's affine
  pieces compared, each cell end evaluated exactly);
* ``emulation L=12``: the 12-fold tent map (4,096 regions) is also proved equal to its
  transformer compositionally, block by block, without enumerating the regions;
* negative: a claim of ``2^L - 1`` regions must be REFUTED;
* in two variables, ``T^L(x1) + T^L(x2)`` on the unit square through R2': exactly ``4^L``
  linear regions for ``L = 1..4`` (exact polytope cells, joined across shared edges where the
  map is the same) and equality with the target for ``L = 1..3``, with ``L + 1`` blocks and
  width independent of ``L``; ``4^2 - 1`` regions REFUTED; and ``max(x1, x2, x3)`` through R2
  has 3 regions on the cube.

The construction is our reconstruction (:mod:`symtrans.constructions.gu2026`: R2, R2' and R3), not the
authors' matrices.

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(40, 2)
"""

from __future__ import annotations

from symtrans import Box, Claim, MaxoutNet, Obligation
from symtrans.constructions.gu2026 import expected_sizes, maxout_transformer

UNIT = Box([(0, 1)])


def _tent(L):
    return maxout_transformer(MaxoutNet.tent(L), UNIT, fresh=False)


def tent_sum(L: int) -> MaxoutNet:
    """``T^L(x1) + T^L(x2)``: two tent chains side by side (width 2, rank 2, ``L`` layers)."""
    first = [[[-2, 0, 0], [2, 0, -2]], [[0, -2, 0], [0, 2, -2]]]
    rest = [[[2, 0, 0], [-2, 0, -2]], [[0, 2, 0], [0, -2, -2]]]
    return MaxoutNet(2, [first] + [rest] * (L - 1), [-1, -1, 0])


SQUARE = Box([(0, 1), (0, 1)])


def obligations(quick: bool = True):
    depths = range(1, 11) if quick else range(1, 13)
    for L in depths:
        yield Obligation(f"gu2026/regions tent L={L}: 2^{L} linear regions", lambda L=L: _tent(L),
                         Claim("regions", expected={"regions": 2 ** L}, domain=UNIT))
    for L in depths:
        wanted = {k: v for k, v in expected_sizes(MaxoutNet.tent(L), fresh=False).items()
                  if k in ("blocks", "tokens", "width")}
        yield Obligation(f"gu2026/sizes tent L={L}: {L + 1} blocks, 2 tokens, width 5", lambda L=L: _tent(L),
                         Claim("sizes", expected=wanted))
    for L in range(1, 9 if quick else 11):
        yield Obligation(f"gu2026/equivalent tent L={L}", lambda L=L: _tent(L),
                         Claim("equivalent", MaxoutNet.tent(L), domain=UNIT))
    for L in (12, 20):
        yield Obligation(f"gu2026/emulation tent L={L} (compositional, {2 ** L} regions not enumerated)",
                         lambda L=L: _tent(L), Claim("emulation", MaxoutNet.tent(L), domain=UNIT))
    yield Obligation("gu2026/negative tent L=5 does not have 31 regions", lambda: _tent(5),
                     Claim("regions", expected={"regions": 31}, domain=UNIT), expected="REFUTED")
    for L in range(1, 5 if quick else 6):
        yield Obligation(f"gu2026/regions 2-D T^{L}(x1) + T^{L}(x2): 4^{L} linear regions",
                         lambda L=L: maxout_transformer(tent_sum(L), SQUARE, fresh=False),
                         Claim("regions", expected={"regions": 4 ** L}, domain=SQUARE))
    for L in range(1, 4 if quick else 5):
        yield Obligation(f"gu2026/equivalent 2-D T^{L}(x1) + T^{L}(x2) (polytope cells)",
                         lambda L=L: maxout_transformer(tent_sum(L), SQUARE, fresh=False),
                         Claim("equivalent", tent_sum(L), domain=SQUARE))
    yield Obligation("gu2026/negative 2-D T^2(x1) + T^2(x2) does not have 15 regions",
                     lambda: maxout_transformer(tent_sum(2), SQUARE, fresh=False),
                     Claim("regions", expected={"regions": 15}, domain=SQUARE), expected="REFUTED")
    cube = Box([(-1, 1)] * 3)
    yield Obligation("gu2026/regions 3-D max(x1, x2, x3): 3 linear regions",
                     lambda: maxout_transformer(MaxoutNet.max_of(3), cube),
                     Claim("regions", expected={"regions": 3}, domain=cube))
