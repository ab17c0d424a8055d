"""Cheng, Lin, Shen & Li (NeurIPS 2025, arXiv:2506.23551), "Universal approximation property of
transformer-type architectures": the token-mixing layers whose conditions the paper states.

The obligations CL-1 .. CL-11 are checked in ``proofs/cheng2025.py``.  Theorem 1 (token distinguishability plus a
nonlinear, affine-invariant FFN family gives G-UAP) is not constructive; what can be checked is
each condition on a concrete layer and each application's group and layer count.

**Residual attention layer** (:func:`attention_layer`): ``X + sum_j a_ij W_V x_j`` with the weights
``a`` of a softmax, a kernel (``k(q, k) / sum k``, Tsai et al.'s form: exp, RBF, the uniform kernel
``k = 1``, or any formula of the kernel grammar) or hardmax, restricted to a sparse pattern
(:mod:`symtrans.patterns`: sliding window, circulant window, one-sided window, star, BigBird).
Tokens are rows, maps act by ``H @ W``.

>>> from symtrans.weights import Weights
>>> G = attention_layer(3, 2, Weights.identity(2), Weights.identity(2), Weights.identity(2))
>>> from symtrans.interpret import evaluate
>>> from symtrans.backends import IntervalBackend
>>> sorted(G.graph["outputs"])
['layer']
"""

from __future__ import annotations

import sympy

from ..graph import add_input, add_op, new_graph, set_outputs
from ..layers import Head, attention_head, residual
from ..ops import FeatureMap, Kernel, Linear, ReLU, TokenMix
from ..patterns import as_mask, pattern
from ..weights import Weights

__all__ = ["attention_layer", "convolution_mixer", "ffn_closure"]


def attention_layer(n: int, d: int, query: Weights, key: Weights, value: Weights, *, score: str = "softmax",
                    kernel: Kernel = None, features: FeatureMap = None, tokens=None, window=None, top: int = None,
                    with_residual: bool = True, name: str = "cheng2025_layer"):
    """One residual token-mixing layer on ``n`` tokens of dimension ``d`` (output node ``layer``).

    ``window``: a pattern table (``{"name": "circulant", "w": 1}``; ``n`` is filled in) or None (dense).
    ``features``: a :class:`~symtrans.ops.FeatureMap` for ``score="features"`` (Performer: ``"positive"``,
    linear attention: ``"elu1"``).  ``tokens``: Linformer's pair ``(E, F)`` of ``k x n`` token-axis maps
    for the keys and the values (Cor. 3: with them the layer has no permutation symmetry left).
    ``top``: top-k routing for softmax (each query keeps its ``top`` largest scores).

    >>> E = Weights.from_rows([[1, "1/2", 0], [0, 1, "1/3"]])
    >>> G = attention_layer(3, 2, Weights.identity(2), Weights.identity(2), Weights.identity(2), tokens=(E, E))
    >>> [op for op in ("attn.k.tokens", "attn.v.tokens") if op in G]
    ['attn.k.tokens', 'attn.v.tokens']
    """
    G = new_graph(name)
    X = add_input(G, "X", (n, d))
    mask = None
    if window is not None:
        mask = as_mask(pattern(dict(window, n=n) if "adjacency" not in window else window))
    E, F = tokens if tokens is not None else (None, None)
    head = Head(query, key, value, Weights.identity(value.shape[1]), score=score, kernel=kernel, mask=mask,
                features=features, key_tokens=E, value_tokens=F, top=top)
    out = attention_head(G, X, head, name="attn", block=1)
    set_outputs(G, [residual(G, X, out, name="layer", block=1) if with_residual else out])
    return G


def convolution_mixer(n: int, d: int, taps, layers: int, name: str = "cheng2025_conv"):
    """``layers`` circular convolutions ``[g(X)]_i = sum_{k <= l} psi_k x_{(i + k) mod n}`` on ``n`` tokens of
    dimension ``d`` (Cor. 4's C_n design, read as linear; ``taps = (psi_0, .., psi_l)``, rationals or
    symbols); output node ``mixed``.  Linear, so every claim about it is exact over ``Q[psi]``: after
    ``L`` layers token ``i`` is a combination of tokens ``i .. i + L l``, so ``ceil((n - 1) / l)`` layers
    reach every token (with nonzero generic ``psi``) and one fewer leaves token ``i + n - 1`` out.

    >>> from symtrans.interpret import evaluate
    >>> from symtrans.backends import RationalBackend
    >>> G = convolution_mixer(3, 1, [1, 1], 2); bk = RationalBackend()
    >>> bk.to_list(evaluate(G, bk, {"X": [[1], [10], [100]]})["mixed"])
    [[121], [211], [112]]
    """
    G = new_graph(name)
    H = add_input(G, "X", (n, d))
    op = TokenMix.circulant(n, list(taps))
    for layer in range(1, layers + 1):
        H = add_op(G, "mixed" if layer == layers else f"conv{layer}", op, [H], {"block": layer, "role": "mixer"})
    set_outputs(G, [H])
    return G


def ffn_closure(d: int = 2, k: int = 2, shift_sign: int = -1):
    """Definition 2's closure for a width-``k`` ReLU FFN ``h(u) = relu(u W1 + b1) W2 + b2`` on ``R^d``, with
    every weight a symbol: node ``moved`` is ``h(x A - b) W`` (the reparametrised map, tokens are rows)
    and node ``refit`` is the FFN of the same width with weights ``A W1``, ``b1 - b W1``, ``W2 W``,
    ``b2 W``.  They are equal for every input and every weight, whatever the activation is: the family
    is closed under ``h -> W h(A . - b)``.  ``shift_sign = +1`` builds the refit with ``b1 + b W1``, a
    sign error (a negative control).
    """
    def matrix(name, rows, cols):
        return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}{i + 1}{j + 1}"))

    A, b, W1, b1 = matrix("A", d, d), matrix("b", 1, d), matrix("P", d, k), matrix("p", 1, k)
    W2, b2, W = matrix("Q", k, d), matrix("q", 1, d), matrix("W", d, d)

    def weights(M):
        return Weights(M.shape, {(i, j): sympy.expand(M[i, j]) for i in range(M.rows) for j in range(M.cols)})

    G = new_graph("cheng2025_ffn_closure")
    x = add_input(G, "x", (1, d))
    u = add_op(G, "u", Linear(weights(A), weights(-b)), [x])
    h = add_op(G, "h.relu", ReLU(), [add_op(G, "h.hidden", Linear(weights(W1), weights(b1)), [u])])
    moved = add_op(G, "moved", Linear(weights(W)), [add_op(G, "h.out", Linear(weights(W2), weights(b2)), [h])])
    r = add_op(G, "g.relu", ReLU(), [add_op(G, "g.hidden", Linear(weights(A * W1), weights(b1 + shift_sign * b * W1)), [x])])
    refit = add_op(G, "refit", Linear(weights(W2 * W), weights(b2 * W)), [r])
    set_outputs(G, [moved, refit])
    return G
