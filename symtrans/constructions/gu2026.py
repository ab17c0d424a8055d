"""Gu, Yang, Zhou (2026), "On the Expressive Power of Transformers for Maxout Networks and
Continuous Piecewise Linear Functions", arXiv:2603.03084.

Theorem family (G1, G3 of the paper's abstract): transformers emulate maxout networks with
comparable complexity: self-attention implements max-type operations, feed-forward layers
token-wise affine maps; hence they inherit ReLU-network approximation results, and the number
of linear regions they realise grows exponentially with depth.

**This is our reconstruction (R2 / R2'), not the authors' matrices.**  It uses hardmax attention (exact); with softmax(lambda) the same
weights give an epsilon-approximation only.

Proof sketch for a maxout network with ``L`` layers of widths ``N_l`` and ranks ``<= k`` on a box K:

1. *Tokens and embedding.*  ``k`` tokens; token ``t`` holds the input ``x`` (group ``X``) and its
   positional one-hot ``e_t`` (group ``P``).
2. *FFN of layer l: token-wise affine maps by positional gating.*  Hidden unit ``(i, j)`` is
   ``ReLU(<w_ij, y> + 2 B_l P[j] + b_ij - B_l)``; unit ``i`` of group ``G`` receives
   ``sum_j h_ij - B_l``.  In token ``t`` the unit with ``j = t`` passes ``z_ij + B_l`` (needs
   ``z_ij >= -B_l``) and the others give 0 (need ``z_ij <= B_l``), so token ``t`` holds
   ``z_it = <w_it, y> + b_it``: piece ``t`` of every unit.  The **margin condition**
   ``B_l >= sup_K max_ij |z_ij|`` is where compactness enters; :func:`margins` computes ``B_l``
   rigorously with interval arithmetic over the box (an exact rational upper bound).
3. *Attention of layer l: max over tokens.*  Head ``i`` has a constant positive query
   (``lambda`` on every ``P`` channel), key = value = ``G[i]``: under hardmax it returns
   ``max_t z_it = y^l_i`` in every token, exactly (ties average equal values).
4. *Read-out* ``<a, y^L> + c`` from token 0.  ``L + 1`` blocks: block 1 is the first FFN, block
   ``l + 1`` the attention of layer ``l`` followed by the FFN of layer ``l + 1``.

``fresh=True`` writes each layer into fresh channel groups ``G_l, R_l`` (width grows with
``L``); ``fresh=False`` (R2') reuses one ``G`` and one ``R`` register: an extra head with all
scores equal and value ``-R`` outputs ``-R`` exactly (``R`` is the same in every token), and the
FFN clears ``G`` with ``ReLU(G) - ReLU(-G) = G``; the width is then constant in ``L``.

>>> from symtrans.targets import MaxoutNet
>>> from symtrans.domains import Box
>>> G = maxout_transformer(MaxoutNet.tent(3), Box([(0, 1)]), fresh=False)
>>> from symtrans.graph import sizes
>>> s = sizes(G); s["blocks"], s["tokens"], s["width"], s["heads_per_block"]
(4, 2, 5, [0, 1, 2, 2])
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..backends.interval import IntervalBackend
from ..channels import Channels
from ..domains import Box
from ..errors import SpecError
from ..graph import ANALYTIC_BOUND, add_input, new_graph, set_outputs
from ..interpret import evaluate
from ..layers import (
    Head,
    block,
    broadcast_writes,
    embedding,
    positional_writes,
    readout,
)
from ..targets import MaxoutNet, maxout_graph
from ..weights import Weights

__all__ = ["margins", "maxout_transformer", "single_head_transformer", "expected_sizes", "softmax_error_bound",
           "lipschitz_constants"]

PAPER = "gu2026"


def margins(net: MaxoutNet, box: Box, prec: int = 64) -> list:
    """Rigorous margins: ``B_l``, an integer >= ``sup_box max_ij |z_ij|`` for each layer.

    The pieces are evaluated with Arb interval arithmetic on the whole box; every
    enclosure contains the true range, so its upper end bounds the supremum.

    Interval arithmetic may overestimate (here the true suprema are 2 and 2), which
    is sound: any ``B_l`` at least the supremum makes the gating exact.

    >>> margins(MaxoutNet.tent(2), Box([(0, 1)]))
    [3, 5]
    """
    if box.dimension != net.dimension:
        raise SpecError(f"a box of dimension {box.dimension} for a network on R^{net.dimension}",
                        field="domain", expected=f"{net.dimension} intervals")
    G = maxout_graph(net)
    bk = IntervalBackend(prec=prec)
    nodes = [n for n in G if n.startswith("L") and ".p" in n]
    values = evaluate(G, bk, {"x": [tuple(b) for b in box.bounds]}, nodes=nodes)
    out = []
    for l in range(1, len(net.layers) + 1):
        bound = Fraction(0)
        for n in nodes:
            if n.startswith(f"L{l}.p"):
                for s in bk.to_list(values[n])[0]:
                    lo, hi = bk.bounds(s)
                    if lo is None:
                        raise SpecError(f"layer {l}: an unbounded enclosure", field="domain")
                    bound = max(bound, abs(lo), abs(hi))
        out.append(max(1, math.ceil(bound)))
    return out


def lipschitz_constants(net: MaxoutNet) -> list:
    """``Lambda_l = max_ij ||w_ij||_1``, each layer's Lipschitz constant in the max-norm.

    >>> lipschitz_constants(MaxoutNet.tent(3))
    [Fraction(2, 1), Fraction(2, 1), Fraction(2, 1)]
    """
    return [max(sum(abs(w) for w in piece[:-1]) for unit in layer for piece in unit) for layer in net.layers]


def softmax_error_bound(net: MaxoutNet, beta) -> tuple:
    """The analytic error of the softmax(beta) emulation (the softmax variant of the construction), as exact upper bounds.

    Per layer ``e_l <= log(k_l)/beta + Lambda_l e_(l-1)`` (``max - Boltzmann <= log k / beta``);
    the output error is at most ``||a||_1 e_L``.  ``log k`` is replaced by a rational upper bound,
    so every number returned is a rigorous upper bound.  Returns ``(output bound, [e_1..e_L])``.

    >>> bound, per_layer = softmax_error_bound(MaxoutNet.tent(1), 10)
    >>> float(bound) > 0.0693 and float(bound) < 0.0694
    True
    """
    from math import log

    beta = Fraction(beta)
    if beta <= 0:
        raise SpecError(f"beta = {beta}", field="beta", expected="beta > 0")
    errors, e = [], Fraction(0)
    for rank, lam in zip(net.ranks, lipschitz_constants(net)):
        log_k = Fraction(log(rank)).limit_denominator(10 ** 12) + Fraction(1, 10 ** 11)  # >= log(k)
        e = log_k / beta + lam * e
        errors.append(e)
    a1 = sum(abs(a) for a in net.output[:-1])
    return a1 * e, errors


def expected_sizes(net: MaxoutNet, fresh: bool = True) -> dict:
    """The construction's sizes: ``L + 1`` blocks, ``k`` tokens, the width, heads and FFN widths.

    >>> expected_sizes(MaxoutNet.tent(3), fresh=False)
    {'blocks': 4, 'tokens': 2, 'width': 5, 'heads_per_block': [0, 1, 2, 2], 'ffn_widths': [2, 4, 4, 0]}
    """
    L, k, N = len(net.layers), max(net.ranks), net.widths
    width = net.dimension + k + (2 * sum(N) if fresh else 2 * max(N))
    heads = [0] + [N[l] + (1 if not fresh and l > 0 else 0) for l in range(L)]
    ffn = [k * N[0]] + [k * N[l] + (0 if fresh else 2 * N[l - 1]) for l in range(1, L)] + [0]
    return {"blocks": L + 1, "tokens": k, "width": width, "heads_per_block": heads, "ffn_widths": ffn}


def maxout_transformer(net: MaxoutNet, box: Box, *, score: str = "hardmax", beta=1, fresh: bool = True,
                       margins_override=None):
    """R2 (``fresh=True``) or R2' (``fresh=False``) emulating ``net`` on ``box``.

    Parameters
    ----------
    net : MaxoutNet
    box : Box
        The compact domain on which the margins are certified.
    score : {"hardmax", "softmax"}
        ``softmax`` uses inverse temperature ``beta`` (an approximation only).
    margins_override : list, optional
        Use these margins instead of the certified ones (to test that too small ones fail).
    """
    if score not in ("hardmax", "softmax"):
        raise SpecError(f"score {score!r}", field="score", expected="'hardmax' or 'softmax'")
    B = list(margins_override) if margins_override is not None else margins(net, box)
    if score == "softmax" and margins_override is None:
        # softmax feeds each FFN a perturbed y^(l-1): widen the gate by Lambda_l e_(l-1)
        _, errors = softmax_error_bound(net, beta)
        lams = lipschitz_constants(net)
        B = [B[0]] + [math.ceil(B[l] + lams[l] * errors[l - 1]) for l in range(1, len(B))]
    if len(B) != len(net.layers):
        raise SpecError(f"{len(B)} margins for {len(net.layers)} layers", field="margins")
    d, L, k, N = net.dimension, len(net.layers), max(net.ranks), net.widths
    groups = [("X", d), ("P", k)]
    if fresh:
        for l in range(1, L + 1):
            groups += [(f"G{l}", N[l - 1]), (f"R{l}", N[l - 1])]
    else:
        groups += [("G", max(N)), ("R", max(N))]
    ch = Channels(groups)

    def g(l):
        return f"G{l}" if fresh else "G"

    def r(l):
        return "X" if l == 0 else (f"R{l}" if fresh else "R")

    G = new_graph(f"gu2026-{'r2' if fresh else 'r2prime'}")
    x = add_input(G, "x", (1, d))
    H = embedding(G, x, ch, k, positional_writes("P", k) + broadcast_writes("X", k, d),
                  origin={"paper": PAPER})
    for blk in range(1, L + 2):
        heads = _attention(ch, blk - 1, N, k, g, r, score, beta, fresh) if blk > 1 else []
        ffn = _ffn(net, ch, blk, B, k, g, r, fresh) if blk <= L else None
        H = block(G, H, heads, ffn, index=blk, origin={"paper": PAPER})
    out = Channels([("f", 1)])
    a = Weights.from_action(ch, out, [((r(L), i), ("f", 0), v) for i, v in enumerate(net.output[:-1])])
    set_outputs(G, [readout(G, H, a, Weights((1, 1), {(0, 0): net.output[-1]}), tokens=(0,),
                            origin={"paper": PAPER})])
    if score == "softmax":
        G.graph[ANALYTIC_BOUND] = softmax_error_bound(net, beta)[0]
    return G


def _attention(ch, l, N, k, g, r, score, beta, fresh):
    """Block l+1's heads: max over tokens of G_l[i] into R_l[i]; in R2' also clear R."""
    one = Channels([("h", 1)])
    heads = []
    for i in range(N[l - 1]):
        wq = Weights.from_action(ch, one, [(("P", j), ("h", 0), 1) for j in range(k)])
        wk = Weights.from_action(ch, one, [((g(l), i), ("h", 0), 1)])
        wo = Weights.from_action(one, ch, [(("h", 0), (r(l), i), 1)])
        heads.append(Head(wq, wk, wk, wo, score=score, beta=beta if score == "softmax" else 1))
    if not fresh and l > 1:
        width = N[l - 2]
        v = Channels([("v", width)])
        zero = Weights.from_action(ch, one, [])
        wv = Weights.from_action(ch, v, [((r(l - 1), i), ("v", i), -1) for i in range(width)])
        wo = Weights.from_action(v, ch, [(("v", i), (r(l), i), 1) for i in range(width)])
        heads.append(Head(zero, zero, wv, wo, score=score, beta=beta if score == "softmax" else 1))
    return heads


def _ffn(net, ch, l, B, k, g, r, fresh):
    """FFN of layer l (1-based): token t receives piece t of every unit into G."""
    layer, Bl = net.layers[l - 1], Fraction(B[l - 1])
    prev = net.dimension if l == 1 else len(net.layers[l - 2])
    units = [(i, j) for i in range(len(layer)) for j in range(k)]
    extra = [] if fresh or l == 1 else [("clear+", i) for i in range(len(net.layers[l - 2]))] + \
        [("clear-", i) for i in range(len(net.layers[l - 2]))]
    hidden = Channels([("u", len(units) + len(extra))])
    w1, b1, w2 = [], {}, []
    for u, (i, j) in enumerate(units):
        piece = layer[i][min(j, len(layer[i]) - 1)]
        w1 += [((r(l - 1), n), ("u", u), piece[n]) for n in range(prev)]
        w1.append((("P", j), ("u", u), 2 * Bl))
        b1[(0, u)] = piece[-1] - Bl
        w2.append((("u", u), (g(l), i), 1))
    for e, (kind, i) in enumerate(extra):
        u = len(units) + e
        w1.append(((g(l), i), ("u", u), 1 if kind == "clear+" else -1))
        w2.append((("u", u), (g(l), i), -1 if kind == "clear+" else 1))
    b2 = {(0, ch.index(g(l), i)): -Bl for i in range(len(layer))}
    return (Weights.from_action(ch, hidden, w1), Weights((1, hidden.width), b1),
            Weights.from_action(hidden, ch, w2), Weights((1, ch.width), b2))


def single_head_transformer(net: MaxoutNet, box: Box, *, margins_override=None, c_override=None):
    """R3: every block has **one** head; ``2L + 1`` blocks and ``N k`` tokens.

    Token ``s = (i, j)`` stands for piece ``j`` of unit ``i`` (``N`` = the widest layer, ``k`` = the
    largest rank; missing units and pieces repeat the last one).  For layer ``l``:

    1. FFN, gated by the one-hot of ``(i, j)`` with margin ``B_l``: token ``s`` holds ``g_s = z_ij``;
    2. attention A, one head: query ``(1, C u_t)``, key ``(g_s, u_s)`` (``u`` = the unit one-hot),
       value ``g_s``; with ``C > 2 B_l`` hardmax stays inside the query's own unit and returns
       ``m_t = max_j z_(unit(t), j) = y^l_unit(t)``;
    3. FFN, gated by the unit one-hot: ``V[i] = ReLU(m_t + 2 B U[i] - B) - ReLU(B U[i])`` is ``m_t`` in
       the token's own unit and 0 in the others;
    4. attention B, one head with all scores 0 (uniform, exact): the mean over the ``N k`` tokens is
       ``y^l / N``; the output map multiplies by ``N`` into ``R_l``.

    ``c_override`` replaces ``C = 2 B_l + 1`` (to show that ``C <= 2 B_l`` breaks the construction).

    >>> from symtrans.graph import sizes
    >>> G = single_head_transformer(MaxoutNet.tent(2), Box([(0, 1)]))
    >>> s = sizes(G); s["blocks"], s["heads_per_block"], s["tokens"]
    (5, [0, 1, 1, 1, 1], 2)
    """
    B = [Fraction(b) for b in (margins_override if margins_override is not None else margins(net, box))]
    d, L, k = net.dimension, len(net.layers), max(net.ranks)
    N = max(net.widths)
    n = N * k
    groups = [("X", d), ("P", n), ("U", N)]
    for l in range(1, L + 1):
        groups += [(f"G{l}", 1), (f"M{l}", 1), (f"V{l}", N), (f"R{l}", N)]
    ch = Channels(groups)
    G = new_graph("gu2026-r3")
    x = add_input(G, "x", (1, d))
    writes = positional_writes("P", n) + broadcast_writes("X", n, d) + \
        [(t, ("U", t // k), 0, 1) for t in range(n)]
    H = embedding(G, x, ch, n, writes, origin={"paper": PAPER})
    one = Channels([("h", 1)])

    def prev(l):
        return ("X", d) if l == 1 else (f"R{l - 1}", len(net.layers[l - 2]))

    def gate_ffn(l):
        layer, Bl = net.layers[l - 1], B[l - 1]
        src, width = prev(l)
        hidden = Channels([("u", n)])
        w1, b1, w2 = [], {}, []
        for t in range(n):
            i, j = divmod(t, k)
            unit = layer[min(i, len(layer) - 1)]
            piece = unit[min(j, len(unit) - 1)]
            w1 += [((src, m), ("u", t), piece[m]) for m in range(width)]
            w1.append((("P", t), ("u", t), 2 * Bl))
            b1[(0, t)] = piece[-1] - Bl
            w2.append((("u", t), (f"G{l}", 0), 1))
        return (Weights.from_action(ch, hidden, w1), Weights((1, n), b1), Weights.from_action(hidden, ch, w2),
                Weights((1, ch.width), {(0, ch.index(f"G{l}", 0)): -Bl}))

    def place_ffn(l):
        # V[i] = ReLU(M + 2B U[i] - B) - ReLU(B U[i]): M in the token's own unit, 0 in the others
        Bl = B[l - 1]
        hidden = Channels([("u", 2 * N)])
        w1 = [((f"M{l}", 0), ("u", i), 1) for i in range(N)] + [(("U", i), ("u", i), 2 * Bl) for i in range(N)]
        w1 += [(("U", i), ("u", N + i), Bl) for i in range(N)]
        w2 = [(("u", i), (f"V{l}", i), 1) for i in range(N)] + [(("u", N + i), (f"V{l}", i), -1) for i in range(N)]
        return (Weights.from_action(ch, hidden, w1), Weights((1, 2 * N), {(0, i): -Bl for i in range(N)}),
                Weights.from_action(hidden, ch, w2), None)

    def head_a(l):
        C = Fraction(c_override) if c_override is not None else 2 * B[l - 1] + 1
        qk = Channels([("h", 1 + N)])
        wq = Weights.from_action(ch, qk, [(("P", t), ("h", 0), 1) for t in range(n)] +
                                 [(("U", i), ("h", 1 + i), C) for i in range(N)])
        wk = Weights.from_action(ch, qk, [((f"G{l}", 0), ("h", 0), 1)] + [(("U", i), ("h", 1 + i), 1)
                                                                         for i in range(N)])
        wv = Weights.from_action(ch, one, [((f"G{l}", 0), ("h", 0), 1)])
        wo = Weights.from_action(one, ch, [(("h", 0), (f"M{l}", 0), 1)])
        return Head(wq, wk, wv, wo, score="hardmax")

    def head_b(l):
        zero = Weights.from_action(ch, one, [])
        v = Channels([("v", N)])
        wv = Weights.from_action(ch, v, [((f"V{l}", i), ("v", i), 1) for i in range(N)])
        wo = Weights.from_action(v, ch, [(("v", i), (f"R{l}", i), N) for i in range(N)])
        return Head(zero, zero, wv, wo, score="hardmax")

    blk = 1
    H = block(G, H, [], gate_ffn(1), index=blk, origin={"paper": PAPER})
    for l in range(1, L + 1):
        blk += 1
        H = block(G, H, [head_a(l)], place_ffn(l), index=blk, origin={"paper": PAPER})
        blk += 1
        H = block(G, H, [head_b(l)], gate_ffn(l + 1) if l < L else None, index=blk, origin={"paper": PAPER}) \
            if l < L else block(G, H, [head_b(l)], None, index=blk, origin={"paper": PAPER})
    a = Weights.from_action(ch, Channels([("f", 1)]), [((f"R{L}", i), ("f", 0), v)
                                                      for i, v in enumerate(net.output[:-1])])
    set_outputs(G, [readout(G, H, a, Weights((1, 1), {(0, 0): net.output[-1]}), tokens=(0,),
                            origin={"paper": PAPER})])
    return G
