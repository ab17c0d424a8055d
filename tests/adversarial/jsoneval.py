"""An evaluator of symtrans's graph JSON and claim targets, written for the tests from the file format
alone: it imports nothing of symtrans, so a bug in the engine's interpreter is not shared with it.

Exact (fractions) at a point; it knows the ops the built-in hardmax and linear-attention constructions use
and raises :class:`Unsupported` on anything else (softmax, kernels), so a test never guesses.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import sympy


class Unsupported(Exception):
    pass


def q(v) -> Fraction:
    return Fraction(v)


def dense(w):
    rows, cols = w["shape"]
    M = [[Fraction(0)] * cols for _ in range(rows)]
    for i, j, v in w["entries"]:
        M[i][j] = q(v)
    return M


def matmul(A, B):
    cols = len(B[0]) if B else 0
    out = []
    for row in A:
        acc = [Fraction(0)] * cols
        for k, a in enumerate(row):
            if a:
                for j, b in enumerate(B[k]):
                    if b:
                        acc[j] += a * b
        out.append(acc)
    return out


def transpose(A):
    return [list(c) for c in zip(*A)]


def _hardmax(row, allowed):
    top = max(v for j, v in enumerate(row) if allowed[j])
    winners = [j for j, v in enumerate(row) if allowed[j] and v == top]
    return [Fraction(1, len(winners)) if j in winners else Fraction(0) for j in range(len(row))]


def _normalize(op, S):
    if op["axis"] == "col":
        return transpose(_normalize(dict(op, axis="row", mask=_transpose_mask(op["mask"])), transpose(S)))
    mask = op["mask"]
    allowed = [[True] * len(S[0]) for _ in S] if mask is None else \
        [[False] * mask["shape"][1] for _ in range(mask["shape"][0])]
    if mask is not None:
        for i, j in mask["allowed"]:
            allowed[i][j] = True
    rule = op["rule"]
    if rule == "hardmax":
        return [_hardmax(row, allowed[i]) for i, row in enumerate(S)]
    masked = [[v if allowed[i][j] else Fraction(0) for j, v in enumerate(row)] for i, row in enumerate(S)]
    if rule == "none":
        return masked
    if rule == "sum":
        return [[v / sum(row) for v in row] for row in masked]
    raise Unsupported(f"normalisation {rule!r}")


def _transpose_mask(mask):
    if mask is None:
        return None
    return {"shape": mask["shape"][::-1], "allowed": [[j, i] for i, j in mask["allowed"]]}


def evaluate(graph: dict, point: dict, node: str = None):
    """The value (a list of rows of Fractions) of ``node`` (default: the first output) at ``point``."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    args = {n: [] for n in nodes}
    for e in graph["edges"]:
        for pos in e["positions"]:
            args[e["target"]].append((pos, e["source"]))
    values = {}

    def value(n):
        if n in values:
            return values[n]
        op = nodes[n]["op"]
        xs = [value(s) for _, s in sorted(args[n])]
        t = op["type"]
        if t == "Input":
            v = [[q(point[name]) for name in op["variables"]]]
        elif t == "Embed":
            row = matmul([[Fraction(1)] + xs[0][0]], dense(op["weight"]))[0]
            w = op["width"]
            v = [row[k * w:(k + 1) * w] for k in range(op["tokens"])]
        elif t == "Linear":
            v = matmul(xs[0], dense(op["weight"]))
            if op["bias"] is not None:
                b = dense(op["bias"])[0]
                v = [[a + c for a, c in zip(row, b)] for row in v]
        elif t == "ReLU":
            v = [[max(a, Fraction(0)) for a in row] for row in xs[0]]
        elif t == "Add":
            v = [[sum(c) for c in zip(*rows)] for rows in zip(*xs)]
        elif t == "Maximum":
            v = [[max(c) for c in zip(*rows)] for rows in zip(*xs)]
        elif t == "Hadamard":
            v = [[a * b for a, b in zip(r, s)] for r, s in zip(*xs)]
        elif t == "Scores":
            if op["kernel"] is not None:
                raise Unsupported("kernel scores")
            v = matmul(xs[0], transpose(xs[1]))
        elif t == "Normalize":
            v = _normalize(op, xs[0])
        elif t == "MatMul":
            v = matmul(xs[0], transpose(xs[1]) if op["transpose_b"] else xs[1])
        elif t == "Rows":
            v = [xs[0][i] for i in op["indices"]]
        else:
            raise Unsupported(f"op {t}")
        values[n] = v
        return v

    return value(node or graph["outputs"][0])


@functools.lru_cache(maxsize=64)
def _polynomial_terms(expr: str, names: tuple):
    """The polynomial's (exponents, coefficient) terms, read once with SymPy."""
    symbols = [sympy.Symbol(v) for v in names]
    poly = sympy.Poly(sympy.sympify(expr, locals=dict(zip(names, symbols))), *symbols)
    return [(m, Fraction(int(c.p), int(c.q))) for m, c in poly.terms()]


def target_value(target: dict, x: list):
    """A claim target's value at ``x`` (inputs in order)."""
    kind = target["kind"]
    if kind == "maxout":
        prev = [q(v) for v in x]
        for layer in target["layers"]:
            prev = [max(sum((q(p[n]) * prev[n] for n in range(len(prev))), q(p[-1])) for p in unit) for unit in layer]
        out = target["output"]
        return sum((q(a) * y for a, y in zip(out[:-1], prev)), q(out[-1]))
    if kind == "polynomial" and not target.get("parameters"):
        terms = _polynomial_terms(target["expr"], tuple(target["variables"]))
        total = Fraction(0)
        for exponents, c in terms:
            term = c
            for a, e in zip(x, exponents):
                term *= q(a) ** e
            total += term
        return total
    raise Unsupported(f"target {kind}")
