"""Semantics of the transformer layers, checked exactly."""

from __future__ import annotations

from fractions import Fraction

import sympy

from symtrans import (Channels, Head, Kernel, Mask, PolyBackend, RationalBackend, Weights, add_input, add_op,
                      attention_head, block, copy_writes, embedding, evaluate, layer_norm, new_graph,
                      positional_writes, readout, set_outputs, sizes)
from symtrans.ops import Linear, MatMul, Normalize, Scores

x1, x2 = sympy.symbols("x1 x2")


def _sequence_graph(head):
    G = new_graph()
    X = add_input(G, "X", (3, 1))
    out = attention_head(G, X, head, name="h")
    set_outputs(G, [out])
    return G


def test_causal_linear_attention_never_reads_the_future():
    one = Weights.identity(1)
    G = _sequence_graph(Head(one, one, one, one, mask=Mask.causal(3)))
    out = PolyBackend().to_sympy(evaluate(G, PolyBackend())["h.out"])
    for i in range(3):
        later = {sympy.Symbol(f"X_{j + 1}_1") for j in range(i + 1, 3)}
        assert not (out[i, 0].free_symbols & later)
        assert sympy.Symbol(f"X_{i + 1}_1") in out[i, 0].free_symbols
    # token 2 (row index 1): q1*k0*v0 + q1*k1*v1 with q = k = v = X
    assert sympy.expand(out[1, 0] - (sympy.Symbol("X_2_1") * (sympy.Symbol("X_1_1") ** 2 + sympy.Symbol("X_2_1") ** 2))) == 0


def test_column_normalised_attention_is_the_transpose_rule():
    """axis='col': each key's weights over the queries sum to one."""
    one = Weights.identity(1)
    G = new_graph()
    X = add_input(G, "X", (3, 1))
    h = Head(one, one, one, one, score="kernel", kernel=Kernel.polynomial(1, 2), axis="col")
    set_outputs(G, [attention_head(G, X, h, name="h")])
    bk = RationalBackend()
    W = bk.to_list(evaluate(G, bk, {"X": [[1], [2], ["1/2"]]}, nodes=["h.weights"])["h.weights"])
    for j in range(3):
        assert sum(W[i][j] for i in range(3)) == 1
    assert any(sum(W[i]) != 1 for i in range(3))


def test_uniform_softmax_is_exact_on_the_rational_backend():
    """W_Q = 0 makes all scores equal: softmax is then exact averaging (Gu et al. R2', notes 2.4)."""
    zero, one = Weights.zeros(1, 1), Weights.identity(1)
    G = _sequence_graph(Head(zero, one, one, one, score="softmax", beta=7))
    bk = RationalBackend()
    out = bk.to_list(evaluate(G, bk, {"X": [[1], [2], [6]]})["h.out"])
    assert out == [[3], [3], [3]]


def test_hardmax_head_computes_max_over_tokens():
    """Constant query, key = value = x: hardmax returns max_t x_t, ties averaged (Gu et al. R2, exact)."""
    G = new_graph()
    X = add_input(G, "X", (3, 1))
    q = add_op(G, "q", Linear(Weights.zeros(1, 1), Weights.ones(1, 1)), [X])
    s = add_op(G, "s", Scores(), [q, X])
    a = add_op(G, "a", Normalize("hardmax"), [s])
    m = add_op(G, "m", MatMul(), [a, X])
    set_outputs(G, [m])
    bk = RationalBackend()
    for xs in ([[1], [5], [3]], [["-1/2"], ["-1/3"], [-1]], [[2], [2], [0]]):
        out = bk.to_list(evaluate(G, bk, {"X": xs})["m"])
        top = max(Fraction(str(v[0])) for v in xs)
        assert all(Fraction(int(row[0].p), int(row[0].q)) == top for row in out)


def test_fang_style_block_copy_embedding_and_one_block_monomials():
    """R1's first block: tokens hold (1, x) block copies; linear attention with positional keys
    writes R_0 (x) x~ = (1, x1, x2) into R_1 of every token (notes 1.4, d = 2, D = 2: 3 tokens)."""
    d, n = 2, 3
    ch = Channels([("P", n), ("X", n * (d + 1)), ("R0", 1), ("R1", d + 1)])
    G = new_graph()
    x = add_input(G, "x", (1, d))
    writes = positional_writes("P", n) + copy_writes("X", n, d) + [(t, ("R0", 0), 0, 1) for t in range(n)]
    H = embedding(G, x, ch, n, writes)
    wq = Weights.from_action(ch, Channels([("q", n)]), [(("R0", 0), ("q", 0), 1)])
    wk = Weights.from_action(ch, Channels([("k", n)]), [(("P", b), ("k", b), 1) for b in range(n)])
    wv = Weights.from_action(ch, Channels([("v", n * (d + 1))]),
                             [(("X", i), ("v", i), 1) for i in range(n * (d + 1))])
    wo = Weights.from_action(Channels([("v", n * (d + 1))]), ch, [(("v", c), ("R1", c), 1) for c in range(d + 1)])
    H = block(G, H, [Head(wq, wk, wv, wo)], index=1)
    set_outputs(G, [H])
    bk = PolyBackend()
    out = bk.to_sympy(evaluate(G, bk)[H])
    for t in range(n):
        assert list(out[t, ch.slice("R1")]) == [1, x1, x2]
    s = sizes(G)
    assert (s["blocks"], s["heads_per_block"], s["tokens"], s["width"]) == (1, [1], 3, ch.width)


def test_layer_norm_output_has_zero_mean_exactly_when_defined_over_q():
    """With a perfect-square variance the rational backend computes LayerNorm exactly."""
    G = new_graph()
    X = add_input(G, "X", (1, 2))
    ln = layer_norm(G, X, eps=0, name="ln")
    set_outputs(G, [ln])
    bk = RationalBackend()
    assert bk.to_list(evaluate(G, bk, {"X": [[3, 7]]})["ln"]) == [[-1, 1]]


def test_readout_reads_chosen_tokens():
    G = new_graph()
    X = add_input(G, "X", (3, 2))
    y = readout(G, X, Weights.from_rows([[1], ["1/2"]]), tokens=(2, 0))
    set_outputs(G, [y])
    bk = RationalBackend()
    assert bk.to_list(evaluate(G, bk, {"X": [[1, 2], [3, 4], [5, 6]]})[y]) == [[8], [2]]
