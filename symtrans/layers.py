"""Transformer structure as subgraph builders.

Each builder adds primitive ops (:mod:`symtrans.ops`) to a graph and returns
the name of the node holding its result, annotating every node with its
``origin`` (block, role, head, part) so that :func:`symtrans.graph.sizes`
and error messages can speak of blocks and heads.

Conventions: tokens are rows; a map acts by ``H @ W``; an attention head is

    ``head(H) = Normalize(Scores(H W_Q, H W_K)) (H W_V) W_O``

with the score function explicit (:class:`Head`): ``linear`` (no
normalisation), ``softmax`` (inverse temperature ``beta``), ``hardmax``
(ties averaged) or ``kernel`` (``k(q, k) / sum k``); the normalisation axis
(``row``: each query's weights sum to one) and an optional mask (causal,
windowed, any sparse pattern) are explicit too.  A block is
``H + sum_h head_h(H)`` followed by ``+ FFN(.)``, each optionally behind a
LayerNorm.

>>> from symtrans.graph import new_graph, add_input, set_outputs, sizes
>>> from symtrans.channels import Channels
>>> from symtrans.weights import Weights
>>> ch = Channels([("P", 2), ("X", 2)])
>>> G = new_graph(); x = add_input(G, "x", (1, 1))
>>> H = embedding(G, x, ch, tokens=2, writes=positional_writes("P", 2) + broadcast_writes("X", 2, 1))
>>> I = Weights.identity(4)
>>> H = block(G, H, heads=[Head(I, I, I, I)], index=1)
>>> y = readout(G, H, Weights.from_action(ch, Channels([("y", 1)]), [(("X", 1), ("y", 0), 1)]))
>>> set_outputs(G, [y]); s = sizes(G)
>>> s["blocks"], s["heads_per_block"], s["tokens"], s["width"]
(1, [1], 2, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .channels import Channels
from .errors import GraphError
from .exact import exact_rational
from .graph import CHANNELS, SHAPE, STREAM, add_op
from .ops import (
    Add,
    Embed,
    FeatureMap,
    Kernel,
    LayerNorm,
    Linear,
    Mask,
    MatMul,
    Normalize,
    ReLU,
    Rows,
    Scores,
    TokenMix,
)
from .weights import Weights

__all__ = [
    "Head", "SCORES", "embedding", "positional_writes", "broadcast_writes", "copy_writes",
    "attention_head", "multi_head_attention", "ffn", "residual", "layer_norm", "readout", "block",
]

#: Score functions an attention head may use.
SCORES = ("linear", "softmax", "hardmax", "kernel", "features")


@dataclass(frozen=True)
class Head:
    """One attention head's weights and score function.

    Parameters
    ----------
    query, key : Weights
        ``width x h`` maps to queries and keys.
    value : Weights
        ``width x v`` map to values.
    output : Weights
        ``v x width`` map back to the residual stream.
    score : {"linear", "softmax", "hardmax", "kernel", "features"}
    beta : rational
        Inverse temperature for ``softmax``.
    kernel : Kernel, optional
        For ``score="kernel"``.
    features : FeatureMap, optional
        For ``score="features"``: the score is ``phi(q) . phi(k)`` (Performer, linear attention).
    normalize : bool
        For ``kernel`` and ``features``: divide by the sum over keys (True) or not.
    top : int, optional
        For ``softmax``: top-k routing, each query keeps only its ``top`` largest scores.
    key_tokens, value_tokens : Weights, optional
        ``k x n`` token-axis maps applied to the keys and to the values (Linformer: the ``n`` keys
        and values are projected to ``k`` rows; both or neither).
    axis : {"row", "col"}
        Which way the weights are normalised (``row``: per query).
    mask : Mask, optional

    Examples
    --------
    >>> I = Weights.identity(2)
    >>> Head(I, I, I, I, score="softmax", beta="1/2").beta
    Fraction(1, 2)
    >>> Head(I, I, I, I, score="kernel")
    Traceback (most recent call last):
    ...
    symtrans.errors.GraphError: field 'kernel': a kernel head needs a kernel (expected Kernel.exp(), Kernel.rbf(), Kernel.polynomial(), Kernel.constant() or Kernel("formula"))
    """

    query: Weights
    key: Weights
    value: Weights
    output: Weights
    score: str = "linear"
    beta: Fraction = Fraction(1)
    kernel: Kernel = None
    normalize: bool = True
    axis: str = "row"
    mask: Mask = None
    features: FeatureMap = None
    top: int = None
    key_tokens: Weights = None
    value_tokens: Weights = None

    def __post_init__(self):
        if self.score not in SCORES:
            raise GraphError(f"score function {self.score!r}", field="score", expected=" | ".join(SCORES))
        object.__setattr__(self, "beta", exact_rational(self.beta, "beta"))
        if self.score == "kernel" and self.kernel is None:
            raise GraphError("a kernel head needs a kernel", field="kernel",
                             expected='Kernel.exp(), Kernel.rbf(), Kernel.polynomial(), Kernel.constant() '
                                      'or Kernel("formula")')
        if self.top is not None and self.score != "softmax":
            raise GraphError(f"top-{self.top} routing with score {self.score!r}", field="top",
                             expected="score='softmax'")
        if self.score == "features" and not isinstance(self.features, FeatureMap):
            raise GraphError("a features head needs a FeatureMap", field="features",
                             expected='FeatureMap(omega, "positive" | "exp" | "relu" | "elu1")')
        if (self.key_tokens is None) != (self.value_tokens is None):
            raise GraphError("key_tokens without value_tokens or the reverse", field="value_tokens",
                             expected="both token-axis maps or neither")
        if self.key_tokens is not None and self.key_tokens.shape != self.value_tokens.shape:
            raise GraphError(f"key_tokens {self.key_tokens.shape} and value_tokens {self.value_tokens.shape}",
                             field="value_tokens", expected="equal shapes (k x n)")
        if self.query.shape[1] != self.key.shape[1]:
            raise GraphError(f"query width {self.query.shape[1]} and key width {self.key.shape[1]} differ",
                             field="key", expected="equal head widths")
        if self.value.shape[1] != self.output.shape[0]:
            raise GraphError(f"value width {self.value.shape[1]} and output map with "
                             f"{self.output.shape[0]} rows", field="output", expected="matching widths")

    def normalisation(self) -> Normalize:
        rule = {"linear": "none", "softmax": "softmax", "hardmax": "hardmax",
                "kernel": "sum" if self.normalize else "none",
                "features": "sum" if self.normalize else "none"}[self.score]
        return Normalize(rule, self.beta if self.score == "softmax" else 1, self.axis, self.mask,
                         top=self.top if self.score == "softmax" else None)


def _origin(base, **extra):
    out = dict(base or {})
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


# ---------------------------------------------------------------------------------------------------
# embedding
# ---------------------------------------------------------------------------------------------------
def positional_writes(group: str, tokens: int) -> list:
    """Writes putting the one-hot ``e_t`` of token ``t`` into ``group``.

    >>> positional_writes("P", 2)
    [(0, ('P', 0), 0, 1), (1, ('P', 1), 0, 1)]
    """
    return [(t, (group, t), 0, 1) for t in range(tokens)]


def broadcast_writes(group: str, tokens: int, d: int, with_one: bool = False) -> list:
    """Writes copying ``x`` (or ``(1, x)`` with ``with_one``) into ``group`` of every token.

    >>> broadcast_writes("X", 1, 2), broadcast_writes("X", 1, 1, with_one=True)
    ([(0, ('X', 0), 1, 1), (0, ('X', 1), 2, 1)], [(0, ('X', 0), 0, 1), (0, ('X', 1), 1, 1)])
    """
    first = 0 if with_one else 1
    return [(t, (group, c - first), c, 1) for t in range(tokens) for c in range(first, d + 1)]


def copy_writes(group: str, tokens: int, d: int) -> list:
    """Writes copying ``(1, x)`` into slot ``t`` of ``group`` in token ``t`` only.

    Group index ``t*(d+1) + c`` of token ``t`` holds ``x~_c`` (``x~_0 = 1``),
    the block copy of Fang et al.'s reconstruction.

    >>> copy_writes("X", 2, 1)
    [(0, ('X', 0), 0, 1), (0, ('X', 1), 1, 1), (1, ('X', 2), 0, 1), (1, ('X', 3), 1, 1)]
    """
    return [(t, (group, t * (d + 1) + c), c, 1) for t in range(tokens) for c in range(d + 1)]


def embedding(G, x, channels: Channels, tokens: int, writes, *, name: str = "embed", origin=None) -> str:
    """Embed the input row ``x`` (1 x d) into a ``tokens x channels.width`` stream.

    ``writes`` lists ``(token, (group, index), source, weight)``: token
    ``token`` gets ``weight * x~_source`` added in channel ``group[index]``,
    where ``x~_0 = 1`` and ``x~_k = x_k``.  Records the stream's channels
    and shape on the graph.

    >>> from symtrans.graph import new_graph, add_input, set_outputs
    >>> from symtrans import evaluate, RationalBackend
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> H = embedding(G, x, Channels([("P", 2), ("X", 1)]), 2, positional_writes("P", 2) + [(1, ("X", 0), 1, 3)])
    >>> set_outputs(G, [H]); bk = RationalBackend()
    >>> bk.to_list(evaluate(G, bk, {"x": [5]})[H])
    [[1, 0, 0], [0, 1, 15]]
    """
    d = G.nodes[x][SHAPE][1]
    data = {}
    for t, (group, i), source, w in writes:
        if not 0 <= t < tokens:
            raise GraphError(f"write to token {t} of {tokens}", node=name, expected=f"tokens 0..{tokens - 1}")
        if not 0 <= source <= d:
            raise GraphError(f"write from source {source}", node=name, expected=f"0 (the constant) to {d}")
        key = (source, t * channels.width + channels.index(group, i))
        data[key] = data.get(key, 0) + exact_rational(w)
    op = Embed(Weights((d + 1, tokens * channels.width), data), tokens, channels.width)
    node = add_op(G, name, op, [x], _origin(origin, role="embed"))
    G.graph[CHANNELS] = channels
    G.graph[STREAM] = (tokens, channels.width)
    return node


# ---------------------------------------------------------------------------------------------------
# attention
# ---------------------------------------------------------------------------------------------------
def attention_head(G, H, head: Head, *, name: str, block=None, index: int = 0, origin=None) -> str:
    """Add one head reading stream ``H``; returns the node of ``head(H)`` (same shape as ``H``).

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> I = Weights.identity(2)
    >>> attention_head(G, X, Head(I, I, I, I, score="hardmax"), name="h", block=1)
    'h.out'
    >>> [G.nodes[n]["origin"]["part"] for n in list(G)[1:]]
    ['query', 'key', 'value', 'scores', 'weights', 'mix', 'output']
    """
    o = _origin(origin, block=block, role="attention", head=index)
    q = add_op(G, f"{name}.q", Linear(head.query), [H], _origin(o, part="query"))
    k = add_op(G, f"{name}.k", Linear(head.key), [H], _origin(o, part="key"))
    v = add_op(G, f"{name}.v", Linear(head.value), [H], _origin(o, part="value"))
    if head.key_tokens is not None:  # Linformer: project keys and values along the token axis
        k = add_op(G, f"{name}.k.tokens", TokenMix(head.key_tokens), [k], _origin(o, part="key"))
        v = add_op(G, f"{name}.v.tokens", TokenMix(head.value_tokens), [v], _origin(o, part="value"))
    if head.score == "features":
        q = add_op(G, f"{name}.q.features", head.features, [q], _origin(o, part="query"))
        k = add_op(G, f"{name}.k.features", head.features, [k], _origin(o, part="key"))
    kernel = head.kernel if head.score == "kernel" else None
    s = add_op(G, f"{name}.scores", Scores(kernel), [q, k], _origin(o, part="scores"))
    a = add_op(G, f"{name}.weights", head.normalisation(), [s], _origin(o, part="weights"))
    m = add_op(G, f"{name}.mix", MatMul(), [a, v], _origin(o, part="mix"))
    return add_op(G, f"{name}.out", Linear(head.output), [m], _origin(o, part="output"))


def multi_head_attention(G, H, heads, *, name: str, block=None, origin=None) -> str:
    """The sum of the heads' outputs (one node per head, then one Add).

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> I = Weights.identity(2)
    >>> multi_head_attention(G, X, [Head(I, I, I, I), Head(I, I, I, I, score="softmax")], name="mha")
    'mha.sum'
    """
    heads = list(heads)
    if not heads:
        raise GraphError("multi-head attention with no heads", node=name, expected="at least one Head")
    outs = [attention_head(G, H, h, name=f"{name}.h{i}", block=block, index=i, origin=origin)
            for i, h in enumerate(heads)]
    if len(outs) == 1:
        return outs[0]
    return add_op(G, f"{name}.sum", Add(), outs, _origin(origin, block=block, role="attention", part="sum"))


# ---------------------------------------------------------------------------------------------------
# feed-forward, residual, layer norm, read-out
# ---------------------------------------------------------------------------------------------------
def ffn(G, H, w1: Weights, b1: Weights = None, w2: Weights = None, b2: Weights = None, *,
        name: str, block=None, origin=None) -> str:
    """Token-wise ``ReLU(H W1 + b1) W2 + b2``.

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> ffn(G, X, Weights.identity(2), None, Weights.ones(2, 2), name="f", block=1)
    'f.out'
    """
    if w2 is None:
        raise GraphError("an FFN needs its second weight matrix", node=name, field="w2")
    o = _origin(origin, block=block, role="ffn")
    h = add_op(G, f"{name}.hidden", Linear(w1, b1), [H], _origin(o, part="hidden"))
    a = add_op(G, f"{name}.relu", ReLU(), [h], _origin(o, part="activation"))
    return add_op(G, f"{name}.out", Linear(w2, b2), [a], _origin(o, part="output"))


def residual(G, H, update, *, name: str, block=None, origin=None) -> str:
    """``H + update``.

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> residual(G, X, X, name="r")
    'r'
    """
    return add_op(G, name, Add(), [H, update], _origin(origin, block=block, role="residual"))


def layer_norm(G, H, gamma: Weights = None, beta: Weights = None, eps="1/100000", *,
               name: str, block=None, origin=None) -> str:
    """Token-wise LayerNorm (``gamma`` defaults to ones, ``beta`` to zeros).

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> n = layer_norm(G, X, eps="1/1000", name="ln"); G.nodes[n]["op"].eps
    Fraction(1, 1000)
    """
    width = G.nodes[H][SHAPE][1]
    gamma = gamma if gamma is not None else Weights.ones(1, width)
    beta = beta if beta is not None else Weights.zeros(1, width)
    return add_op(G, name, LayerNorm(gamma, beta, exact_rational(eps, "eps")), [H],
                  _origin(origin, block=block, role="layernorm"))


def readout(G, H, weight: Weights, bias: Weights = None, tokens=(0,), *, name: str = "readout",
            origin=None) -> str:
    """Read the chosen tokens' rows through ``H[tokens] @ weight + bias``.

    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> y = readout(G, X, Weights.ones(2, 1), tokens=(1,)); G.nodes[y]["shape"]
    (1, 1)
    """
    rows = add_op(G, f"{name}.rows", Rows(tuple(tokens)), [H], _origin(origin, role="readout", part="rows"))
    return add_op(G, name, Linear(weight, bias), [rows], _origin(origin, role="readout", part="map"))


def block(G, H, heads=(), ffn_weights=None, *, index: int, name: str = None, pre_norm=None,
          origin=None) -> str:
    """One transformer block: ``H + MHA(H)``, then ``+ FFN(.)``.

    Parameters
    ----------
    heads : list of Head
        May be empty (no attention in this block).
    ffn_weights : tuple (w1, b1, w2, b2), optional
        No FFN when omitted.
    index : int
        The block number recorded in ``origin`` (blocks count from 1).
    pre_norm : tuple (gamma, beta, eps), optional
        Put a LayerNorm before the attention and before the FFN.

    Examples
    --------
    >>> from symtrans.graph import new_graph, add_input
    >>> G = new_graph(); X = add_input(G, "X", (2, 2))
    >>> I = Weights.identity(2)
    >>> block(G, X, [Head(I, I, I, I)], (I, None, I, None), index=1)
    'b1.res2'
    >>> from symtrans.graph import sizes, set_outputs
    >>> set_outputs(G, ["b1.res2"]); sizes(G)["ffn_widths"]
    [2]
    """
    name = name or f"b{index}"
    if not heads and ffn_weights is None:
        raise GraphError("a block with neither heads nor an FFN", node=name)
    if heads:
        src = layer_norm(G, H, *pre_norm, name=f"{name}.ln1", block=index, origin=origin) if pre_norm else H
        att = multi_head_attention(G, src, heads, name=f"{name}.att", block=index, origin=origin)
        H = residual(G, H, att, name=f"{name}.res1", block=index, origin=origin)
    if ffn_weights is not None:
        src = layer_norm(G, H, *pre_norm, name=f"{name}.ln2", block=index, origin=origin) if pre_norm else H
        f = ffn(G, src, *ffn_weights, name=f"{name}.ffn", block=index, origin=origin)
        H = residual(G, H, f, name=f"{name}.res2", block=index, origin=origin)
    return H
