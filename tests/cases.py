"""One table of small graphs covering every op and score function, reused across backends.

Each :class:`Case` builds a graph from a seed and says which backends must
refuse it (and with which op in the message).  The tests in
``test_backends.py`` run every case on every backend: the polynomial result
evaluated at random rational points must equal the rational backend, every
interval enclosure must contain the exact (or high-precision) value, floats
must agree within a stated tolerance, and refusals must raise the documented
error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import sympy

from symtrans import (Channels, Head, Kernel, Mask, Weights, add_input, add_op, block, broadcast_writes,
                      embedding, layer_norm, new_graph, positional_writes, readout, set_outputs)
from symtrans.ops import Div, Hadamard, Linear, Maximum, Reduce, ReLU, Sqrt

TOKENS = 3
D_IN = 2
CH = Channels([("P", TOKENS), ("X", D_IN + 1), ("W", 2)])
WIDTH = CH.width


def rand_rational(rng, lo=-2, hi=2, dens=(1, 2, 3, 4)):
    return Fraction(rng.randint(lo * 4, hi * 4), 4) if rng.random() < 0.5 else Fraction(
        rng.randint(lo, hi), rng.choice(dens))


def rand_weights(rng, rows, cols, density=0.5):
    return Weights((rows, cols), {(i, j): rand_rational(rng) for i in range(rows) for j in range(cols)
                                  if rng.random() < density})


def rand_point(rng, n):
    return [Fraction(rng.randint(-12, 12), rng.choice((1, 2, 3, 4, 5, 8))) for _ in range(n)]


def stream(G, rng):
    """x (1 x 2) embedded into 3 tokens: positions, (1, x) in every token, a token-dependent group W."""
    x = add_input(G, "x", (1, D_IN))
    writes = positional_writes("P", TOKENS) + broadcast_writes("X", TOKENS, D_IN, with_one=True)
    writes += [(t, ("W", k), c, rand_rational(rng)) for t in range(TOKENS) for k in range(2)
               for c in range(D_IN + 1) if rng.random() < 0.7]
    return embedding(G, x, CH, TOKENS, writes)


def head(rng, h=2, **kw):
    return Head(rand_weights(rng, WIDTH, h, 0.6), rand_weights(rng, WIDTH, h, 0.6),
                rand_weights(rng, WIDTH, h, 0.6), rand_weights(rng, h, WIDTH, 0.6), **kw)


def finish(G, H, rng, name="readout"):
    y = readout(G, H, rand_weights(rng, WIDTH, 2, 0.7), tokens=tuple(range(TOKENS)), name=name)
    set_outputs(G, [y])
    return G


@dataclass
class Case:
    name: str
    build: Callable  # rng -> graph
    poly_refuses: str = ""  # the op the poly backend names when it refuses ("" = it evaluates the case)
    rational_refuses: str = ""  # likewise for the rational backend
    inputs: dict = field(default_factory=lambda: {"x": (1, D_IN)})
    params: tuple = ()


def _attention_case(**head_kw):
    def build(rng):
        G = new_graph()
        H = stream(G, rng)
        H = block(G, H, heads=[head(rng, **head_kw)], index=1)
        return finish(G, H, rng)
    return build


def _linear_three_blocks(rng):
    G = new_graph()
    H = stream(G, rng)
    for b in (1, 2):
        H = block(G, H, heads=[head(rng)], index=b)
    return finish(G, H, rng)


def _multi_head(rng):
    G = new_graph()
    H = stream(G, rng)
    H = block(G, H, heads=[head(rng), head(rng, score="hardmax"), head(rng, score="softmax", beta="1/3")],
              index=1)
    return finish(G, H, rng)


def _ffn(rng):
    G = new_graph()
    H = stream(G, rng)
    ffn_w = (rand_weights(rng, WIDTH, 4, 0.6), rand_weights(rng, 1, 4, 1.0),
             rand_weights(rng, 4, WIDTH, 0.6), rand_weights(rng, 1, WIDTH, 0.5))
    H = block(G, H, heads=[head(rng)], ffn_weights=ffn_w, index=1)
    return finish(G, H, rng)


def _maximum_reduce(rng):
    G = new_graph()
    H = stream(G, rng)
    a = add_op(G, "a", Linear(rand_weights(rng, WIDTH, 3, 0.7)), [H])
    b = add_op(G, "b", Linear(rand_weights(rng, WIDTH, 3, 0.7)), [H])
    m = add_op(G, "max", Maximum(), [a, b, a])
    r0 = add_op(G, "rmax", Reduce("max", 0), [m])
    r1 = add_op(G, "rsum", Reduce("sum", 1), [m])
    p = add_op(G, "p", Hadamard(), [r1, r1])
    set_outputs(G, [r0, p])
    return G


def _layernorm(rng):
    G = new_graph()
    H = stream(G, rng)
    n = layer_norm(G, H, rand_weights(rng, 1, WIDTH, 1.0), rand_weights(rng, 1, WIDTH, 0.5), "1/1000",
                   name="ln", block=1)
    return finish(G, n, rng)


def _div_sqrt(rng):
    G = new_graph()
    H = stream(G, rng)
    a = add_op(G, "a", Linear(rand_weights(rng, WIDTH, 2, 0.8), Weights.from_rows([[5, 7]])), [H])
    sq = add_op(G, "sq", Hadamard(), [a, a])
    pos = add_op(G, "pos", Linear(Weights.identity(2), Weights.from_rows([["1/2", 1]])), [sq])
    r = add_op(G, "sqrt", Sqrt(), [pos])
    q = add_op(G, "div", Div(), [a, r])
    set_outputs(G, [q])
    return G


def _relu_only(rng):
    G = new_graph()
    H = stream(G, rng)
    a = add_op(G, "a", Linear(rand_weights(rng, WIDTH, 3, 0.8)), [H])
    r = add_op(G, "relu", ReLU(), [a])
    set_outputs(G, [r])
    return G


def _sequence_input(rng):
    """Kajitsuka-Sato style: a token matrix as input, column-normalised softmax, no embedding."""
    G = new_graph()
    X = add_input(G, "X", (3, 2))
    w = Weights.from_rows([["1/2"], [-1]])
    h = Head(w, w, w, Weights.from_rows([["1/4", 0]]), score="softmax", beta=2, axis="col")
    from symtrans.layers import attention_head, residual

    out = residual(G, X, attention_head(G, X, h, name="sa", block=1), name="res", block=1)
    set_outputs(G, [out])
    return G


def _parametric(rng):
    """Read-out weights are symbols: a statement about every value of them at once."""
    G = new_graph()
    H = stream(G, rng)
    H = block(G, H, heads=[head(rng)], index=1)
    c = [sympy.Symbol(f"c{i}") for i in range(3)]
    W = Weights((WIDTH, 1), {(CH.index("W", 0), 0): c[0], (CH.index("W", 1), 0): c[1] * 2 - c[2],
                             (CH.index("X", 1), 0): sympy.Rational(1, 3)})
    y = readout(G, H, W, tokens=(0,))
    set_outputs(G, [y])
    return G


CASES = [
    Case("linear_head", _attention_case()),
    Case("linear_two_blocks", _linear_three_blocks),
    Case("linear_causal", _attention_case(mask=Mask.causal(TOKENS))),
    Case("linear_col_axis", _attention_case(axis="col")),
    Case("softmax_row", _attention_case(score="softmax", beta="1/2"), "exp", "exp"),
    Case("softmax_col", _attention_case(score="softmax", beta=3, axis="col"), "exp", "exp"),
    Case("softmax_causal", _attention_case(score="softmax", mask=Mask.causal(TOKENS)), "exp", "exp"),
    Case("hardmax", _attention_case(score="hardmax"), "comparison"),
    Case("hardmax_window", _attention_case(score="hardmax", mask=Mask.window(TOKENS, 1)), "comparison"),
    Case("kernel_exp", _attention_case(score="kernel", kernel=Kernel.exp("1/2")), "exp", "exp"),
    Case("kernel_rbf", _attention_case(score="kernel", kernel=Kernel.rbf("1/4")), "exp", "exp"),
    Case("kernel_polynomial", _attention_case(score="kernel", kernel=Kernel.polynomial(3, 2)), "division"),
    Case("kernel_polynomial_unnormalised",
         _attention_case(score="kernel", kernel=Kernel.polynomial(1, 2), normalize=False)),
    Case("kernel_constant", _attention_case(score="kernel", kernel=Kernel.constant())),
    Case("kernel_custom", _attention_case(score="kernel", kernel=Kernel("1/(1 + r) + qq*kk/8")), "division"),
    Case("multi_head", _multi_head, "comparison", "exp"),
    Case("ffn_relu", _ffn, "max"),
    Case("relu", _relu_only, "max"),
    Case("maximum_reduce", _maximum_reduce, "max"),
    Case("layernorm", _layernorm, "sqrt", "sqrt"),
    Case("div_sqrt", _div_sqrt, "sqrt", "sqrt"),
    Case("sequence_softmax_col", _sequence_input, "exp", "exp", inputs={"X": (3, 2)}),
    Case("parametric_readout", _parametric, params=("c0", "c1", "c2")),
]

CASE_IDS = [c.name for c in CASES]


def random_inputs(case, rng):
    return {name: [rand_point(rng, shape[1]) for _ in range(shape[0])] for name, shape in case.inputs.items()}


def random_params(case, rng):
    return {p: rand_rational(rng) for p in case.params}
