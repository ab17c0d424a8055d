"""Cheng, Lin, Shen & Li (NeurIPS 2025, arXiv:2506.23551), "Universal approximation property of
transformer-type architectures": the token-mixing layers whose conditions the paper states.

Notes: ``shared/papers/softmax_and_uap.md`` section 3; obligations CL-1 .. CL-11 in
``shared/papers/jiang_li_cheng_obligations.md``.  Theorem 1 (token distinguishability plus a
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

from ..graph import add_input, new_graph, set_outputs
from ..layers import Head, attention_head, residual
from ..ops import Kernel
from ..patterns import as_mask, pattern
from ..weights import Weights

__all__ = ["attention_layer"]


def attention_layer(n: int, d: int, query: Weights, key: Weights, value: Weights, *, score: str = "softmax",
                    kernel: Kernel = None, window=None, with_residual: bool = True, name: str = "cheng2025_layer"):
    """One residual token-mixing layer on ``n`` tokens of dimension ``d`` (output node ``layer``).

    ``window``: a pattern table (``{"name": "circulant", "w": 1}``; ``n`` is filled in) or None (dense).
    """
    G = new_graph(name)
    X = add_input(G, "X", (n, d))
    mask = None
    if window is not None:
        mask = as_mask(pattern(dict(window, n=n) if "adjacency" not in window else window))
    head = Head(query, key, value, Weights.identity(value.shape[1]), score=score, kernel=kernel, mask=mask)
    out = attention_head(G, X, head, name="attn", block=1)
    set_outputs(G, [residual(G, X, out, name="layer", block=1) if with_residual else out])
    return G
