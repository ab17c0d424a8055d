"""The demand pass (symtrans.demand) is an optimisation only: evaluation with each op's arguments
restricted to what it needs gives exactly the wanted values of evaluation without it.

Checked on random graphs of every op the pass reasons about (and ops it does not, which must then
ask for everything), on every construction of the proofs, and on inner nodes asked for by name.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from symtrans.backends import IntervalBackend, PolyBackend, RationalBackend
from symtrans.graph import add_input, add_op, new_graph, set_outputs
from symtrans.interpret import evaluate
from symtrans.ops import (Add, Hadamard, Linear, MatMul, Normalize, ReLU, Reduce, Rows, Scores, TokenMix)
from symtrans.weights import Weights


class Unrestricted(RationalBackend):
    restrict = None  # the interpreter then computes every entry of every node


class UnrestrictedPoly(PolyBackend):
    restrict = None


def _weights(rng, rows, cols, density=0.5):
    return Weights((rows, cols), {(i, j): Fraction(rng.randint(-3, 3), rng.randint(1, 3))
                                  for i in range(rows) for j in range(cols) if rng.random() < density})


def random_graph(seed):
    """A random graph over one input, built from ring ops (and a ReLU now and then)."""
    rng = random.Random(seed)
    G = new_graph(f"random{seed}")
    n, d = rng.randint(1, 5), rng.randint(1, 4)
    nodes = [add_input(G, "X", (n, d))]
    shape = {nodes[0]: (n, d)}
    for step in range(rng.randint(2, 9)):
        a = rng.choice(nodes)
        r, c = shape[a]
        kind = rng.choice(["linear", "linear", "matmul", "scores", "rows", "tokenmix", "add", "hadamard",
                           "reduce", "none", "relu", "bmatmul"])
        name = f"n{step}"
        if kind == "bmatmul" and not any(shape[b][0] == c for b in nodes):
            kind = "linear"
        if kind == "linear":
            k = rng.randint(1, 5)
            op, args = Linear(_weights(rng, c, k), _weights(rng, 1, k) if rng.random() < 0.5 else None), [a]
        elif kind in ("matmul", "scores", "bmatmul"):
            partners = [b for b in nodes if shape[b][1] == c] if kind != "bmatmul" else \
                [b for b in nodes if shape[b][0] == c]
            b = rng.choice(partners)
            op = {"matmul": MatMul(transpose_b=True), "scores": Scores(), "bmatmul": MatMul()}[kind]
            args = [a, b]
        elif kind == "rows":
            op, args = Rows(tuple(rng.randrange(r) for _ in range(rng.randint(1, 4)))), [a]
        elif kind == "tokenmix":
            op, args = TokenMix(_weights(rng, rng.randint(1, 4), r)), [a]
        elif kind in ("add", "hadamard"):
            b = rng.choice([b for b in nodes if shape[b] == (r, c)])
            op, args = (Add() if kind == "add" else Hadamard()), [a, b]
        elif kind == "reduce":
            op, args = Reduce("sum", rng.randint(0, 1)), [a]
        elif kind == "none":
            allowed = [(i, j) for i in range(r) for j in range(c) if rng.random() < 0.7]
            from symtrans.ops import Mask
            op, args = Normalize("none", mask=Mask((r, c), allowed) if allowed else None), [a]
        else:
            op, args = ReLU(), [a]
        add_op(G, name, op, args)
        shape[name] = G.nodes[name]["shape"]
        nodes.append(name)
    set_outputs(G, [m for m in nodes[1:] if G.out_degree(m) == 0])  # every node must reach an output
    return G, n, d, rng


@pytest.mark.parametrize("seed", range(150))
def test_restricted_evaluation_is_exact_on_random_graphs(seed):
    G, n, d, rng = random_graph(seed)
    X = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(d)] for _ in range(n)]
    inner = [m for m in G if m not in G.graph["outputs"] and m != "X"]
    nodes = rng.sample(inner, k=min(1, len(inner)))
    for outputs in (True, False):
        if not outputs and not nodes:
            continue
        fast = evaluate(G, RationalBackend(), {"X": X}, nodes=nodes, outputs=outputs)
        slow = evaluate(G, Unrestricted(), {"X": X}, nodes=nodes, outputs=outputs)
        assert fast.keys() == slow.keys()
        for k in fast:
            assert RationalBackend().to_list(fast[k]) == RationalBackend().to_list(slow[k]), (seed, k)


@pytest.mark.parametrize("seed", range(0, 150, 7))
def test_restricted_evaluation_is_exact_on_polynomials(seed):
    from symtrans.errors import BackendError
    G, *_ = random_graph(seed)
    try:
        fast = evaluate(G, PolyBackend())
    except BackendError:  # a ReLU of a polynomial: refused either way
        with pytest.raises(BackendError):
            evaluate(G, UnrestrictedPoly())
        return
    slow = evaluate(G, UnrestrictedPoly())
    for k in fast:
        assert _text(fast[k]) == _text(slow[k]), (seed, k)


def _text(value):
    return {i: {j: str(p) for j, p in row.items()} for i, row in value.rows.items()}


def test_fang_needs_one_row_and_proves_the_same():
    """The read-out takes token 0: only row 0 of the last score matrix is formed."""
    from symtrans import Claim, Polynomial, verify
    from symtrans.constructions.fang2022 import polynomial_transformer
    from symtrans.demand import demands
    from symtrans.interpret import plan
    T = Polynomial.parse("x1**3 - 2*x1*x2 + 1/2", ["x1", "x2"])
    G = polynomial_transformer(T)
    wanted, steps = plan(G)
    needs = demands(steps, wanted, {n: G.nodes[n]["shape"] for n in G})
    last = [n for n, op, *_ in steps if isinstance(op, Scores)][-1]
    consumer = [n for n, op, args, _ in steps if last in args][0]
    assert list(needs[(consumer, 0)]) == [0]
    assert verify(G, Claim("identity", T)).verdict == "PROVED"
    assert _text(evaluate(G, PolyBackend())["readout"]) == _text(evaluate(G, UnrestrictedPoly())["readout"])


def test_softmax_graphs_enclose_the_same_values():
    """Ops the pass does not reason about (softmax, kernels) ask for everything; the values agree."""
    from symtrans.constructions.cheng2025 import attention_layer
    from symtrans.ops import Kernel
    W = Weights.from_rows([["1/2", 1], [-1, "1/3"]])
    X = [[1, 0], [0, 2], [-1, -2]]

    class UnrestrictedInterval(IntervalBackend):
        restrict = None

    for G in (attention_layer(3, 2, W, W, W), attention_layer(3, 2, W, W, W, score="kernel", kernel=Kernel.rbf(1)),
              attention_layer(3, 2, W, W, W, tokens=(Weights.ones(2, 3), Weights.from_rows([[1, 0, 0], [0, 1, 1]])))):
        a = IntervalBackend(prec=80).to_list(evaluate(G, IntervalBackend(prec=80), {"X": X})["layer"])
        b = IntervalBackend(prec=80).to_list(evaluate(G, UnrestrictedInterval(prec=80), {"X": X})["layer"])
        assert all(p.overlaps(q) for r, s in zip(a, b) for p, q in zip(r, s))
