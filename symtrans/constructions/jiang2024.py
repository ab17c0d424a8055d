"""Jiang & Li (NeurIPS 2024, arXiv:2305.18475), "Approximation theory of transformer networks for
sequence modeling": the one-layer, one-head model of Eq. (5) and the pieces of its proofs.

The obligations JL-1 .. JL-11 are checked in ``proofs/jiang2024.py``.  Tokens are rows, maps act by ``H @ W``.

**Eq. (5)** (:func:`eq5_model`): ``H_t = F^( sum_s softmax_s[(W_Q h_t)^T W_K h_s] W_V h_s )`` with
``h = f^(x)``; single layer, single head, no residual, no LayerNorm, no ``1/sqrt(m_h)``.  ``f^`` and
``F^`` are token-wise ReLU FFNs.  The model is permutation equivariant (Appendix A.1): every part
is token-wise except the softmax mixing, whose scores permute with the tokens.

**Theorem 4.1's weights** (:func:`representation_weights`): with pairwise disjoint token ranges
``I^(s)`` and ``rho = log 2`` when both arguments lie in the same ``I^(s)``, else 0, the softmax
weights are exactly ``2/(tau+1)`` (itself) and ``1/(tau+1)`` (the others): ``e^(log 2) = 2``.  Here
``f^`` is the exact indicator of each ``I^(s)`` (ReLU ramps in the gaps) and ``W_Q = log 2 * I``:
the exact backends keep ``log 2`` symbolic (:mod:`symtrans.loglinear`).

**Eq. (23), as printed** (:func:`paper_f_components`): ``f(x(s)) = (psi^_{0,s}, ..., psi^_{2 tau d,s},
b_s)``, which has ``2 tau d + 2`` components, while the text says ``n = 2 tau d + 1`` (JL-3).

**The gap in ``F_1``** (:func:`f1_gap_model`, JL-4): ``F`` sees only the attention output, which
for ``tau = 2`` and the weights above is ``(2 psi_t(x_t) + psi_other(x_other)) / 3`` per component;
the printed ``F_1`` subtracts ``psi_t(x_t)``, which is not determined by that output.

**Low-rank coupling** (:func:`coupling_model`, JL-6, JL-7): a hidden vector
``h = (phi_1..phi_m | psi_1..psi_m | v)`` of width ``n = 2 m_h + m_v`` and
``[W_Q]_k = e_k``, ``[W_K]_k = sigma_k e_(k + m_h)`` give scores ``sum_k sigma_k phi_k(u) psi_k(v)``:
a rank-``m_h`` coupling is represented with zero attention error once ``m_h >= r``.  The paper
prints the key index as ``e_(k + m_h + 1)``, which reads ``v_1`` for ``k = m_h``.

>>> G = representation_weights([("1", "3/2"), ("2", "5/2"), ("3", "7/2")])
>>> from symtrans.interpret import evaluate
>>> from symtrans.backends import RationalBackend
>>> bk = RationalBackend()
>>> bk.to_list(evaluate(G, bk, {"X": [["5/4"], ["2"], ["7/2"]]})["weights"])
[[1/2, 1/4, 1/4], [1/4, 1/2, 1/4], [1/4, 1/4, 1/2]]
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..errors import SpecError
from ..exact import exact_rational
from ..graph import STREAM, add_input, add_op, new_graph, set_outputs
from ..channels import Channels
from ..layers import Head, attention_head, embedding, positional_writes
from ..ops import Linear, Mask, MatMul, Normalize, ReLU, Scores
from ..weights import Weights

__all__ = ["eq5_model", "indicator_ffn", "representation_weights", "paper_f_components", "f1_gap_model",
           "coupling_model", "Tokenwise", "corrected_representation", "selection_average", "nearest_point_scores",
           "rank_one_residual", "diagonal_bump", "representation_model", "paper_representation"]


class Tokenwise:
    """A token-wise ReLU FFN ``x -> ReLU(x W1 + b1) W2 + b2`` (``W2 = None``: the affine map ``x W1 + b1``).

    :meth:`deep` chains more layers: affine maps with a ReLU between each two.

    >>> Tokenwise(Weights.identity(2)).widths
    (2, 2)
    >>> Tokenwise.deep([(Weights.identity(2), None), (Weights.ones(2, 3), None), (Weights.ones(3, 1), None)]).widths
    (2, 1)
    """

    def __init__(self, w1: Weights, b1: Weights = None, w2: Weights = None, b2: Weights = None):
        self.maps = [(w1, b1)] + ([(w2, b2)] if w2 is not None else [])
        self._check()

    @classmethod
    def deep(cls, maps) -> "Tokenwise":
        """Affine maps ``[(W, b), ...]`` with a ReLU between each two."""
        self = cls.__new__(cls)
        self.maps = list(maps)
        self._check()
        return self

    def _check(self):
        if not self.maps:
            raise SpecError("no layers", field="maps")
        for k, ((w, _), (v, _)) in enumerate(zip(self.maps, self.maps[1:])):
            if v.shape[0] != w.shape[1]:
                raise SpecError(f"layer {k + 1} reads {v.shape[0]} values, layer {k} gives {w.shape[1]}",
                                field="maps")
        self.widths = (self.maps[0][0].shape[0], self.maps[-1][0].shape[1])

    def add(self, G, H, name: str) -> str:
        origin = {"role": "tokenwise", "part": name}
        last = len(self.maps) - 1
        for k, (w, b) in enumerate(self.maps):
            label = "out" if k == last and k else ("hidden" if k == 0 else f"hidden{k}")
            H = add_op(G, f"{name}.{label}", Linear(w, _row_bias(b, w.shape[1])), [H], origin)
            if k < last:
                H = add_op(G, f"{name}.relu{k if k else ''}", ReLU(), [H], origin)
        return H


def _row_bias(b, width):
    if b is None:
        return None
    if b.shape != (1, width):
        raise SpecError(f"bias of shape {b.shape}", field="bias", expected=f"(1, {width})")
    return b


def eq5_model(tau: int, d: int, f_hat: Tokenwise, query: Weights, key: Weights, value: Weights,
              F_hat: Tokenwise = None, *, score: str = "softmax", name: str = "eq5"):
    """The Eq. (5) model on ``tau`` tokens of dimension ``d``: ``F^(softmax(Q K^T) V)`` over ``h = f^(x)``.

    ``query``, ``key``: ``n x m_h``; ``value``: ``n x m_v``.  Nodes: ``X`` (input), ``h`` (the
    hidden tokens), ``head.scores``, ``weights`` (the softmax weights), ``mix`` (the attention
    output) and ``out`` (after ``F^``, or the mix itself).  The stream width is ``n``.

    >>> I = Weights.identity(2)
    >>> G = eq5_model(3, 2, Tokenwise(I), I, I, I)
    >>> from symtrans.graph import sizes
    >>> sizes(G)["width"], sizes(G)["tokens"]
    (2, 3)
    """
    if f_hat.widths[0] != d:
        raise SpecError(f"f^ reads {f_hat.widths[0]} inputs", field="f_hat", expected=f"{d} (the token dimension)")
    n = f_hat.widths[1]
    for field, W in (("query", query), ("key", key), ("value", value)):
        if W.shape[0] != n:
            raise SpecError(f"{field} has {W.shape[0]} rows", field=field, expected=f"{n} (the width of f^)")
    G = new_graph(name)
    X = add_input(G, "X", (tau, d))
    h = f_hat.add(G, X, "f_hat")
    h = add_op(G, "h", Linear(Weights.identity(n)), [h], {"role": "tokenwise", "part": "h"})
    m_v = value.shape[1]
    head = Head(query, key, value, Weights.identity(m_v), score=score)
    out = attention_head(G, h, head, name="head", block=1)
    weights = add_op(G, "weights", Linear(Weights.identity(tau)), ["head.weights"], {"role": "attention"})
    mix = add_op(G, "mix", Linear(Weights.identity(m_v)), [out], {"role": "attention"})
    return _finish(G, mix, weights, F_hat, m_v, (tau, n))


def _finish(G, mix, weights, F_hat, m_v, stream):
    """``F^`` after the attention output (``m_v`` wide), the stream's shape, the outputs (``F^`` or mix, weights)."""
    outputs = [mix]
    if F_hat is not None:
        if F_hat.widths[0] != m_v:
            raise SpecError(f"F^ reads {F_hat.widths[0]} inputs", field="F_hat",
                            expected=f"{m_v} (the width of the attention output)")
        outputs = [F_hat.add(G, mix, "F_hat")]
    G.graph[STREAM] = stream
    set_outputs(G, outputs + [weights])
    return G


def indicator_ffn(intervals) -> Tokenwise:
    """The exact indicators of disjoint intervals ``[a_s, b_s]`` (sorted), as one ReLU layer on ``R``.

    ``up_s(x) = clamp((x - b_(s-1)) / (a_s - b_(s-1)), 0, 1)`` ramps in the gap before ``I^(s)``
    (``up_0 = 1``); the indicator of ``I^(s)`` is ``up_s - up_(s+1)``: exactly 1 on ``I^(s)`` and 0
    on the other intervals.

    >>> from symtrans.backends import RationalBackend
    >>> from symtrans.interpret import evaluate
    >>> f = indicator_ffn([(0, 1), (2, 4)])
    >>> G = new_graph(); x = add_input(G, "x", (3, 1)); set_outputs(G, [f.add(G, x, "f")])
    >>> RationalBackend().to_list(evaluate(G, RationalBackend(), {"x": [[1], [2], ["3/2"]]})["f.out"])
    [[1, 0], [0, 1], [1/2, 1/2]]
    """
    iv = [(exact_rational(a), exact_rational(b)) for a, b in intervals]
    for (a, b), (c, _) in zip(iv, iv[1:]):
        if not (a <= b < c):
            raise SpecError(f"intervals [{a}, {b}] and [{c}, ...] are not disjoint and sorted", field="intervals")
    tau = len(iv)
    hidden = 2 * (tau - 1)
    w1 = Weights((1, hidden), {(0, j): 1 for j in range(hidden)})
    b1 = Weights((1, hidden), {(0, 2 * (s - 1) + k): -edge
                               for s in range(1, tau) for k, edge in enumerate((iv[s - 1][1], iv[s][0]))})
    w2, b2 = {}, {(0, 0): Fraction(1)}
    for s in range(1, tau):  # up_s = (relu(x - b_(s-1)) - relu(x - a_s)) / gap, added to s, taken from s - 1
        gap = iv[s][0] - iv[s - 1][1]
        for k, sign in ((2 * (s - 1), 1), (2 * (s - 1) + 1, -1)):
            w2[(k, s)] = w2.get((k, s), 0) + sign / gap
            w2[(k, s - 1)] = w2.get((k, s - 1), 0) - sign / gap
    return Tokenwise(w1, b1, Weights((hidden, tau), w2), Weights((1, tau), b2))


def representation_weights(intervals, score_when_equal=None):
    """Theorem 4.1's attention (``rho = log 2`` on equal positions, else 0) on one-dimensional tokens.

    ``f^`` is :func:`indicator_ffn`; ``W_Q = log 2 * I``, ``W_K = W_V = I``; the output ``weights``
    is the softmax weight matrix (``mix`` equals it too, since the values are the indicators).
    """
    tau = len(intervals)
    rho = sympy.log(2) if score_when_equal is None else score_when_equal
    f = indicator_ffn(intervals)
    I = Weights.identity(tau)
    return eq5_model(tau, 1, f, Weights((tau, tau), {(i, i): rho for i in range(tau)}), I, I,
                     name="jiang2024_representation_weights")


def paper_f_components(tau: int, d: int) -> int:
    """The number of components of ``f(x(s))`` in Eq. (23) as printed: ``psi_0 .. psi_(2 tau d)`` and ``b_s``.

    >>> paper_f_components(3, 1)
    8
    """
    return len(range(0, 2 * tau * d + 1)) + 1


def representation_model(tau: int, d: int, f_hat: Tokenwise, rho_hat: Tokenwise, query: Weights, key: Weights,
                         F_hat: Tokenwise = None, *, scale=1, name: str = "representation"):
    """Theorem 4.1's form ``H_t = F( sum_s softmax_s[rho(x_t, x_s)] f(x_s) )``, with ``rho`` separate from ``f``.

    ``rho(u, v) = (r(u) W_Q) . (r(v) W_K)`` with ``r = rho_hat``; the values are ``scale * f^(x_s)``.
    The stream width (``sizes``) is the number of components of ``f``, the theorem's ``n``.
    Nodes: ``X``, ``f_hat.*``, ``rho_hat.*``, ``scores``, ``weights``, ``mix``, and ``F_hat.*``.
    """
    n = f_hat.widths[1]
    G = new_graph(name)
    X = add_input(G, "X", (tau, d))
    f = f_hat.add(G, X, "f_hat")
    r = rho_hat.add(G, X, "rho_hat")
    q = add_op(G, "q", Linear(query), [r], {"role": "attention", "part": "query"})
    k = add_op(G, "k", Linear(key), [r], {"role": "attention", "part": "key"})
    scores = add_op(G, "scores", Scores(None), [q, k], {"role": "attention", "part": "scores"})
    weights = add_op(G, "weights", Normalize("softmax", 1, "row", None), [scores], {"role": "attention"})
    v = add_op(G, "v", Linear(Weights.identity(n, scale)), [f], {"role": "attention", "part": "value"})
    mix = add_op(G, "mix", MatMul(), [weights, v], {"role": "attention", "part": "mix"})
    return _finish(G, mix, weights, F_hat, n, (tau, n))


#: JL-4 / JL-5's instance: tau = 2, d = 1, I1 = [0, 1], I2 = [2, 4].
_HIDDEN = Tokenwise(Weights((1, 3), {(0, 0): 1, (0, 1): 1, (0, 2): 1}), Weights((1, 3), {(0, 1): -1, (0, 2): -2}))


def _same_interval():
    """``rho = log 2`` on the same interval, else 0: features ``(1_I1, 1_I2)`` from relu(x), relu(x-1), relu(x-2)."""
    r = Tokenwise(_HIDDEN.maps[0][0], _HIDDEN.maps[0][1],
                  Weights((3, 2), {(1, 0): -1, (2, 0): 1, (1, 1): 1, (2, 1): -1}), Weights((1, 2), {(0, 0): 1}))
    log2 = sympy.log(2)
    return r, Weights((2, 2), {(0, 0): log2, (1, 1): log2}), Weights.identity(2)


def paper_representation(inner=(1, 2, 3, 4, 5), label: bool = True):
    """Eq. (23) as printed, on JL-4's instance: ``f(x(s)) = (psi_{0,s}, ..., psi_{2 tau d,s}, b_s)``.

    ``tau = 2``, ``d = 1``, ``I1 = [0, 1]``, ``I2 = [2, 4]``.  The Kolmogorov inner functions are an
    explicit family: ``psi_{q,s} = lambda_q psi_s`` with ``psi = x`` on ``I1`` and ``(4 - x)/2`` on ``I2``
    (one continuous piecewise-linear ``psi^ = x - relu(x - 1) - relu(x - 2)/2`` on ``I``); ``b_s`` is the
    indicator of ``I2``.  With the default ``2 tau d + 1 = 5`` inner functions and ``b``, ``f`` has
    ``2 tau d + 2 = 6`` components (the text says ``n = 2 tau d + 1``).  The values are ``(tau + 1) f``,
    so the attention output at ``t`` is ``2 f(x_t) + f(x_other)``: what the printed ``F_1`` receives.
    """
    lam = [exact_rational(v, "inner") for v in inner]
    m = len(lam) + (1 if label else 0)
    w2 = {}
    for q, l in enumerate(lam):  # lambda_q psi^ = lambda_q (relu(x) - relu(x - 1) - relu(x - 2)/2)
        w2[(0, q)], w2[(1, q)], w2[(2, q)] = l, -l, -l / 2
    if label:  # b = relu(x - 1) - relu(x - 2)
        w2[(1, len(lam))], w2[(2, len(lam))] = Fraction(1), Fraction(-1)
    f = Tokenwise(_HIDDEN.maps[0][0], _HIDDEN.maps[0][1], Weights((3, m), w2))
    r, query, key = _same_interval()
    return representation_model(2, 1, f, r, query, key, scale=3, name="jiang2024_paper_representation")


def f1_gap_model():
    """JL-4's instance reduced to one inner function and no label (:func:`paper_representation` with
    ``inner = (1,)``): the output ``mix`` at ``t`` is ``2 psi(x_t) + psi(x_other)``.

    The target the printed ``F_1`` needs is ``H_t = psi(x_1) + psi(x_2)`` (the inner sum); at
    ``x = (0, 2)`` and ``x' = (1/4, 3)`` the output at ``t = 1`` is 1 for both, while ``H_1`` is 1 and 3/4.
    """
    return paper_representation(inner=(1,), label=False)


def coupling_model(tau: int, sigma, m_h: int, m_v: int = 1, key_offset: int = 0):
    """JL-6 / JL-7: hidden tokens ``h = (phi_1..phi_r | psi_1..psi_r | v_1..v_m_v)`` given as the input.

    The coupling has rank ``r = len(sigma)``: ``rho(u, v) = sum_k sigma_k phi_k(u) psi_k(v)``; the
    model keeps ``m_h`` terms: ``[W_Q]_k = e_k``, ``[W_K]_k = sigma_k e_(k + r + key_offset)``
    (``key_offset = 1`` is the index printed in the paper, 1-based ``e_(k + m_h + 1)``).  The input
    ``X`` is ``tau x (2 r + m_v)``; node ``head.scores`` holds the scores ``(W_Q h_t)^T W_K h_s``.
    """
    sigma = [exact_rational(s, "sigma") for s in sigma]
    r = len(sigma)
    if not 1 <= m_h <= r:
        raise SpecError(f"m_h = {m_h}", field="m_h", expected=f"1 <= m_h <= r = {r}")
    n = 2 * r + m_v
    query = Weights((n, m_h), {(k, k): 1 for k in range(m_h)})
    key = Weights((n, m_h), {(k + r + key_offset, k): sigma[k] for k in range(m_h)})
    value = Weights((n, m_v), {(2 * r + j, j): 1 for j in range(m_v)})
    f = Tokenwise(Weights.identity(n))
    return eq5_model(tau, n, f, query, key, value, score="linear", name=f"jiang2024_coupling_mh{m_h}")


def corrected_representation():
    """JL-5: Theorem 4.1 on an instance, through a corrected construction with ``n = tau d + 1``.

    Instance: ``tau = 2``, ``d = 1``, ``I1 = [0, 1]``, ``I2 = [2, 4]``, target
    ``H_t(x) = max(x_1, x_2 - 2) - x_t``.

    * ``f(x(s)) = (e_s (x) x(s), b_s)``: ``(1_I1(x) x, 1_I2(x) x, 1_I2(x))``, three components
      (``n = tau d + 1``), each exact on ``I = I1 u I2`` with ReLU ramps in the gap:
      ``1_I1(x) x = x - 2 relu(x - 1) + relu(x - 2)``, ``1_I2(x) x = 2 relu(x - 1) - relu(x - 2)``,
      ``1_I2(x) = relu(x - 1) - relu(x - 2)`` (for ``x >= 0``).
    * ``rho = log 2`` on the same interval, else 0, computed from the indicators (``rho`` is separate
      from ``f`` in Theorem 4.1); the weights are ``2/3`` (itself) and ``1/3`` (the other).
    * The attention output at ``t`` is ``a = (2/3 or 1/3) x_1, (1/3 or 2/3) x_2, b``-mix; its third
      component is ``1/3`` at ``t = 1`` and ``2/3`` at ``t = 2``: the image sets are disjoint, so ``F``
      can tell ``t``, and then ``x`` (each ``x_s`` sits in its own slot, scaled by a known weight).
    * ``F^`` computes both candidates ``y_1(a)`` (reading ``a`` as position 1) and ``y_2(a)`` and
      keeps one by Gu et al.'s big-M gate (R2): ``relu(y - M g) - relu(-y - M g)`` is ``y`` at
      ``g = 0`` and ``0`` at ``g = 1`` when ``|y| <= M``; ``g = 3 a_3 - 1``, ``M = 8``.

    This repairs the printed proof's gap (JL-4: ``F_1`` needs ``psi_t(x_t)``, which the attention
    output does not determine) by giving each position its own slot, at ``n = tau d + 1``.
    Outputs: ``out`` (``H_t`` per row), ``mix`` (the attention output), ``weights``.
    """
    # f = (1_I1 x, 1_I2 x, 1_I2) from relu(x), relu(x - 1), relu(x - 2): three components, n = tau d + 1
    f = Tokenwise(_HIDDEN.maps[0][0], _HIDDEN.maps[0][1],
                  Weights((3, 3), {(0, 0): 1, (1, 0): -2, (2, 0): 1, (1, 1): 2, (2, 1): -1, (1, 2): 1, (2, 2): -1}))
    r, query, key = _same_interval()
    half, M = Fraction(3, 2), 8
    # F^ layer 1: u1 = relu(3 a2 - 2 - 3/2 a1), u2 = relu(3/2 a2 - 2 - 3 a1), and a1, a2, a3 (>= 0) passed on
    L1 = Weights((3, 5), {(0, 0): -half, (1, 0): 3, (0, 1): -3, (1, 1): half, (0, 2): 1, (1, 3): 1, (2, 4): 1})
    c1 = Weights((1, 5), {(0, 0): -2, (0, 1): -2})
    # y1 = u1, y2 = 3 a1 - 3/2 a2 + u2, g = 3 a3 - 1; layer 2: relu(+-y1 - M g), relu(+-y2 - M (1 - g))
    y1 = {0: Fraction(1)}
    y2 = {2: Fraction(3), 3: -half, 1: Fraction(1)}
    L2, c2 = {}, {}
    for col, (y, sign, gate) in enumerate(((y1, 1, 1), (y1, -1, 1), (y2, 1, -1), (y2, -1, -1))):
        for row, coeff in y.items():
            L2[(row, col)] = sign * coeff
        L2[(4, col)] = L2.get((4, col), 0) - M * gate * 3  # - M g = - M (3 a3 - 1);  - M (1 - g) = + M (3 a3 - 2)
        c2[(0, col)] = M * gate * 1 if gate == 1 else -2 * M
    F = Tokenwise.deep([(L1, c1), (Weights((5, 4), L2), Weights((1, 4), c2)),
                        (Weights((4, 1), {(0, 0): 1, (1, 0): -1, (2, 0): 1, (3, 0): -1}), None)])
    return representation_model(2, 1, f, r, query, key, F, name="jiang2024_corrected_representation")


def selection_average(counts, d: int = 2):
    """Appendix B.1's weighted average by selection (qSA-like): token ``t`` averages the values of the
    ``k`` positions it selects, with repetition; ``counts[t][s]`` is how often ``t`` selects ``s``.

    Scores ``rho(t, s) = log counts[t][s]`` on the selected positions (the others masked), so the softmax
    weights are ``counts[t][s] / k`` exactly (``exp(log c) = c``): multiples of ``1/k`` in ``[0, 1]``,
    ``{0, 1/3, 2/3, 1}`` for ``k = 3`` (the text prints ``{0, 1/2, 2/3, 1}``).  The input is the row of
    all ``tau * d`` token values; the stream holds each token's one-hot position and its values.
    Outputs: ``mix`` (the averages) and ``weights``.
    """
    tau = len(counts)
    k = {sum(r) for r in counts}
    if len(k) != 1 or any(len(r) != tau or any(c < 0 for c in r) for r in counts):
        raise SpecError("selection counts that are not a square matrix with equal row sums", field="counts")
    ch = Channels([("P", tau), ("X", d)])
    G = new_graph("jiang2024_selection_average")
    x = add_input(G, "x", (1, tau * d))
    writes = positional_writes("P", tau) + [(t, ("X", c), 1 + t * d + c, 1) for t in range(tau) for c in range(d)]
    H = embedding(G, x, ch, tau, writes)
    query = Weights((ch.width, tau), {(ch.index("P", t), s): sympy.log(c)
                                      for t, row in enumerate(counts) for s, c in enumerate(row) if c > 1})
    key = Weights((ch.width, tau), {(ch.index("P", s), s): 1 for s in range(tau)})
    value = Weights((ch.width, d), {(ch.index("X", c), c): 1 for c in range(d)})
    mask = Mask((tau, tau), {(t, s) for t, row in enumerate(counts) for s, c in enumerate(row) if c > 0})
    out = attention_head(G, H, Head(query, key, value, Weights.identity(d), score="softmax", mask=mask),
                         name="head", block=1)
    mix = add_op(G, "mix", Linear(Weights.identity(d)), [out], {"role": "attention"})
    weights = add_op(G, "weights", Linear(Weights.identity(tau)), ["head.weights"], {"role": "attention"})
    set_outputs(G, [mix, weights])
    return G


def nearest_point_scores(points, sign: int = -1):
    """Appendix B.1's nearest point, as hardmax scores ``rho(u, v_s) = sign * |u - v_s|^2`` up to a row constant.

    One query token ``u`` (the input, ``1 x 2``) against the constant keys ``v_s``: the score of ``v_s``
    is ``sign * (|v_s|^2 - 2 u.v_s)`` (``sign * |u|^2`` is the same for every key and does not move a
    hardmax), read by a linear layer with a bias; the hardmax then returns ``v_argmin`` for ``sign = -1``
    (the paper's rho) and ``v_argmax``, the farthest point, for ``sign = +1`` (the text's dropped minus).
    Outputs: ``scores`` (1 x n) and ``nearest`` (the hardmax-weighted point, 1 x 2).
    """
    pts = [[exact_rational(c) for c in p] for p in points]
    n = len(pts)
    G = new_graph("jiang2024_nearest_point")
    u = add_input(G, "u", (1, 2))
    W = Weights((2, n), {(i, s): -2 * sign * p[i] for s, p in enumerate(pts) for i in range(2) if p[i]})
    b = Weights((1, n), {(0, s): sign * (p[0] ** 2 + p[1] ** 2) for s, p in enumerate(pts) if p[0] or p[1]})
    scores = add_op(G, "scores", Linear(W, b), [u])
    weights = add_op(G, "weights", Normalize("hardmax", 1, "row", None), [scores])
    nearest = add_op(G, "nearest", Linear(Weights((n, 2), {(s, i): p[i] for s, p in enumerate(pts)
                                                           for i in range(2) if p[i]})), [weights])
    set_outputs(G, [nearest, scores])
    return G


def rank_one_residual(scale="1/10"):
    """JL-8 (a), continuous: ``rho = 1 (x) 1 + scale g (x) g`` with ``g(u) = 1 - 2u`` on ``[0, 1]^2``.

    ``int g = 0``, so ``1`` and ``g`` are orthogonal and the rank-1 truncation is ``rho~ = 1 (x) 1``;
    the residual ``rho - rho~ = (scale g(u)) * g(v)`` is the product of the outputs ``a`` and ``b``
    (input ``x = (u, v)``).  Its singular value is ``scale * int g^2 = scale / 3``.
    """
    s = exact_rational(scale, "scale")
    G = new_graph("jiang2024_rank_one_residual")
    x = add_input(G, "x", (1, 2))
    a = add_op(G, "a", Linear(Weights((2, 1), {(0, 0): -2 * s}), Weights((1, 1), {(0, 0): s})), [x])
    b = add_op(G, "b", Linear(Weights((2, 1), {(1, 0): -2}), Weights((1, 1), {(0, 0): 1})), [x])
    set_outputs(G, [a, b])
    return G


def diagonal_bump(M: int):
    """JL-8 (c): the coupling ``rho(u, v) = max(0, 1 - M |u - v|)``, a bump of width ``1/M`` on the diagonal.

    ``rho(u, u) = 1`` for every ``u``, so the self-attention terms (``s = t``, on the diagonal) see
    ``int_0^1 rho(u, u) du = 1``, while ``int int |rho| = 1/M - 1/(3 M^2)``: the ratio grows like ``M``, so
    no bound through norms of ``rho`` on ``I x I`` (a null set ignores the diagonal) controls those terms.
    Input ``x = (u, v)``; output ``rho``.
    """
    if isinstance(M, bool) or not isinstance(M, int) or M < 1:
        raise SpecError(f"M = {M!r}", field="M", expected="an integer >= 1")
    G = new_graph(f"jiang2024_diagonal_bump_{M}")
    x = add_input(G, "x", (1, 2))
    d = add_op(G, "d", Linear(Weights.from_rows([[1, -1], [-1, 1]])), [x])  # u - v, v - u
    r = add_op(G, "r", ReLU(), [d])  # relu(u - v) + relu(v - u) = |u - v|
    t = add_op(G, "t", Linear(Weights.from_rows([[-M], [-M]]), Weights.from_rows([[1]])), [r])
    set_outputs(G, [add_op(G, "rho", ReLU(), [t])])
    return G
