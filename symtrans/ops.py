"""Primitive ops: frozen values whose semantics are written once.

Each op is a frozen dataclass holding its exact data (weights, masks, kernel
formulas) and validating it with ``raise``.  ``out_shape(*shapes)`` is its
shape rule and ``apply(backend, *args)`` its semantics, written against the
backend protocol (:class:`symtrans.backends.base.Backend`) and never against a
particular arithmetic.  The same ``apply`` therefore runs on polynomials,
rationals, Arb balls, mpmath points and float batches.

Values are matrices whose rows are tokens (row convention: a map acts by
``H @ W``).

>>> from symtrans.ops import Linear
>>> from symtrans.weights import Weights
>>> from symtrans.backends import RationalBackend
>>> op = Linear(Weights.from_rows([[1, 2], [3, 4]]), bias=Weights.from_rows([["1/2", 0]]))
>>> op.out_shape((3, 2))
(3, 2)
>>> bk = RationalBackend()
>>> bk.to_list(op.apply(bk, bk.const(Weights.from_rows([[1, 1]]))))
[[9/2, 6]]

Why this module is long: it is the op vocabulary, one small frozen dataclass per op with its
semantics (``apply``) and its JSON form next to each other; splitting it would scatter what the
graph format means.  Each class is short.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction

from ._lazy import sympy

from .errors import GraphError
from .exact import bit_size, exact_rational, format_exact
from .expr import parse_expression
from .weights import Weights

__all__ = [
    "Op", "Input", "Embed", "Linear", "Add", "MatMul", "Hadamard", "ReLU", "Maximum",
    "Reduce", "Scores", "Normalize", "Sqrt", "Div", "LayerNorm", "Rows", "FeatureMap", "TokenMix",
    "Mask", "Kernel", "OPS", "op_from_json",
]


def _shape_error(op, message, expected=None):
    return GraphError(f"{type(op).__name__}: {message}", field="shape", expected=expected)


# ---------------------------------------------------------------------------------------------------
# Data carried by attention ops
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mask:
    """Which (query, key) positions of a score matrix may be attended.

    Examples
    --------
    >>> Mask.causal(3).allowed == {(0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (2, 2)}
    True
    >>> sorted(Mask.window(4, 1).allowed)[:3]
    [(0, 0), (0, 1), (1, 0)]
    """

    shape: tuple
    allowed: frozenset

    def __init__(self, shape, allowed):
        if (not isinstance(shape, (tuple, list)) or len(shape) != 2
                or not all(isinstance(s, int) and s > 0 for s in shape)):
            raise GraphError(f"mask shape {shape!r} is not a pair of positive integers", field="mask")
        allowed = frozenset((int(i), int(j)) for i, j in allowed)
        for i, j in allowed:
            if not (0 <= i < shape[0] and 0 <= j < shape[1]):
                raise GraphError(f"mask position ({i}, {j}) lies outside {tuple(shape)}", field="mask")
        object.__setattr__(self, "shape", tuple(shape))
        object.__setattr__(self, "allowed", allowed)

    @classmethod
    def causal(cls, n: int) -> "Mask":
        """Query ``i`` sees keys ``j <= i``."""
        return cls((n, n), [(i, j) for i in range(n) for j in range(i + 1)])

    @classmethod
    def window(cls, n: int, w: int, circular: bool = False) -> "Mask":
        """Query ``i`` sees keys within distance ``w`` (cyclically if ``circular``)."""
        pairs = []
        for i in range(n):
            for j in range(n):
                dist = abs(i - j)
                if circular:
                    dist = min(dist, n - dist)
                if dist <= w:
                    pairs.append((i, j))
        return cls((n, n), pairs)

    @classmethod
    def from_pairs(cls, shape, pairs) -> "Mask":
        """An arbitrary sparse pattern."""
        return cls(shape, pairs)

    @property
    def T(self) -> "Mask":
        return Mask((self.shape[1], self.shape[0]), [(j, i) for i, j in self.allowed])

    def to_weights(self) -> Weights:
        """The 0/1 indicator matrix."""
        return Weights(self.shape, {p: 1 for p in self.allowed})

    def empty_rows(self):
        return [i for i in range(self.shape[0]) if not any((i, j) in self.allowed for j in range(self.shape[1]))]

    def to_json(self):
        return {"shape": list(self.shape), "allowed": sorted([i, j] for i, j in self.allowed)}

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict) or set(data) != {"shape", "allowed"}:
            raise GraphError("mask must be an object with keys 'shape' and 'allowed'", field="mask")
        return cls(data["shape"], [tuple(p) for p in data["allowed"]])

    def __repr__(self):
        return f"Mask({self.shape[0]}x{self.shape[1]}, {len(self.allowed)} allowed)"


#: Names a kernel formula may use: ``s`` = q.k, ``r`` = |q - k|^2, ``qq`` = |q|^2, ``kk`` = |k|^2
#: (and ``oqj = omega_j . q``, ``okj = omega_j . k`` for a kernel's fixed vectors ``omega``).
KERNEL_VARIABLES = ("s", "r", "qq", "kk")
_KERNEL_FUNCTIONS = ("exp", "sqrt", "max", "min", "abs", "relu")


def _omega_rows(omega):
    rows = []
    for i, row in enumerate(omega or ()):
        if not isinstance(row, (list, tuple)) or not row:
            raise GraphError(f"kernel vector {i} is not a non-empty list", field="omega")
        rows.append(tuple(exact_rational(v, f"omega[{i}]") for v in row))
    if len({len(r) for r in rows}) > 1:
        raise GraphError("kernel vectors of different lengths", field="omega", expected="equal lengths")
    return tuple(rows)


@dataclass(frozen=True)
class Kernel:
    """A kernel k(q, k) for kernel attention, as a formula in ``s, r, qq, kk`` (and ``oqj, okj``).

    ``s = q . k``, ``r = |q - k|^2``, ``qq = |q|^2``, ``kk = |k|^2``; with fixed rational vectors
    ``omega = (omega_1, ..)``, ``oqj = omega_j . q`` and ``okj = omega_j . k`` (the grammar of the
    ``kernel_limit`` claim): ``exp(oq1 + ok1)`` is Cheng et al.'s ``exp(w.(q + k))``, ``exp(oq1) +
    exp(ok1)`` appendix C.2's sum kernel, and Performer's kernel a Gaussian factor times a sum of
    them.  The formula is parsed by the restricted parser (never evaluated as Python).

    Examples
    --------
    >>> Kernel.rbf("1/2").formula, Kernel.polynomial(1, 2).formula
    ('exp(-1/2*r)', '(s + 1)**2')
    >>> Kernel("exp(oq1) + exp(ok1)", omega=[[1, 1]]).omega
    ((Fraction(1, 1), Fraction(1, 1)),)
    >>> Kernel("s**2 + os.system('x')")
    Traceback (most recent call last):
    ...
    symtrans.errors.ExpressionError: in "s**2 + os.system('x')": only plain function calls are allowed (expected name(arguments))
    """

    formula: str
    name: str = "custom"
    omega: tuple = ()
    expr: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        omega = _omega_rows(self.omega)
        object.__setattr__(self, "omega", omega)
        names = KERNEL_VARIABLES + tuple(f"o{side}{j}" for j in range(1, len(omega) + 1) for side in "qk")
        expr = parse_expression(self.formula, names, functions=_KERNEL_FUNCTIONS, divide_by_variables=True)
        object.__setattr__(self, "expr", expr)

    @classmethod
    def exp(cls, beta=1) -> "Kernel":
        """``exp(beta * q.k)``: softmax attention as a kernel."""
        return cls(f"exp({format_exact(exact_rational(beta))}*s)", "exp")

    @classmethod
    def rbf(cls, gamma=1) -> "Kernel":
        """``exp(-gamma * |q - k|^2)``."""
        return cls(f"exp(-{format_exact(exact_rational(gamma))}*r)", "rbf")

    @classmethod
    def polynomial(cls, c=1, degree: int = 2) -> "Kernel":
        """``(q.k + c)^degree``."""
        return cls(f"(s + {format_exact(exact_rational(c))})**{int(degree)}", "polynomial")

    @classmethod
    def constant(cls) -> "Kernel":
        """``1``: uniform attention."""
        return cls("1", "constant")

    @classmethod
    def performer(cls, omega) -> "Kernel":
        """Performer's positive-feature kernel ``exp(-(qq + kk)/2) sum_j exp(omega_j . (q + k))``, the kernel of
        :class:`FeatureMap` ``"positive"`` (rows of ``omega`` are the features)."""
        terms = " + ".join(f"exp(oq{j} + ok{j})" for j in range(1, len(omega) + 1))
        return cls(f"exp(-(qq + kk)/2) * ({terms})", "performer", omega)

    def to_json(self):
        out = {"formula": self.formula, "name": self.name}
        if self.omega:  # kernels without vectors serialise (and hash) as before the field existed
            out["omega"] = [[format_exact(v) for v in row] for row in self.omega]
        return out

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict) or "formula" not in data:
            raise GraphError("kernel must be an object with a 'formula'", field="kernel")
        return cls(data["formula"], data.get("name", "custom"), data.get("omega", ()))


def evaluate_formula(bk, expr, env, shape):
    """Evaluate a SymPy formula elementwise on backend matrices (``env``: name -> matrix)."""
    rows, cols = shape
    if expr.is_Symbol:
        return env[str(expr)]
    if expr.is_Rational:
        return bk.fill(rows, cols, Fraction(int(expr.p), int(expr.q)))
    args = [a for a in expr.args]
    if expr.is_Add:
        out = evaluate_formula(bk, args[0], env, shape)
        for a in args[1:]:
            out = bk.add(out, evaluate_formula(bk, a, env, shape))
        return out
    if expr.is_Mul:
        out = evaluate_formula(bk, args[0], env, shape)
        for a in args[1:]:
            out = bk.hadamard(out, evaluate_formula(bk, a, env, shape))
        return out
    if expr.is_Pow:
        base, e = args
        if e == sympy.Rational(1, 2):
            return bk.sqrt(evaluate_formula(bk, base, env, shape))
        if e.is_Integer:
            n = int(e)
            b = evaluate_formula(bk, base, env, shape)
            out = bk.fill(rows, cols, 1)
            for _ in range(abs(n)):
                out = bk.hadamard(out, b)
            return out if n >= 0 else bk.div(bk.fill(rows, cols, 1), out)
    if isinstance(expr, sympy.exp):
        return bk.exp(evaluate_formula(bk, args[0], env, shape))
    if isinstance(expr, sympy.Max):
        out = evaluate_formula(bk, args[0], env, shape)
        for a in args[1:]:
            out = bk.maximum(out, evaluate_formula(bk, a, env, shape))
        return out
    if isinstance(expr, sympy.Min):
        out = bk.neg(evaluate_formula(bk, args[0], env, shape))
        for a in args[1:]:
            out = bk.maximum(out, bk.neg(evaluate_formula(bk, a, env, shape)))
        return bk.neg(out)
    if isinstance(expr, sympy.Abs):
        a = evaluate_formula(bk, args[0], env, shape)
        return bk.maximum(a, bk.neg(a))
    raise GraphError(f"kernel formula part {expr} is not supported", field="kernel",
                     expected="+ - * /, integer powers, sqrt, exp, max, min, abs")


# ---------------------------------------------------------------------------------------------------
# Ops
# ---------------------------------------------------------------------------------------------------
class Op:
    """Base of all ops.

    ``arity`` is the number of arguments (``None``: two or more).
    ``FIELDS`` maps each dataclass field to its JSON kind.

    >>> op = Linear(Weights.from_rows([[1, "-1/2"]]))
    >>> op.nonzeros(), op.max_bits(), op.to_json()["type"], op.describe()
    (2, 2, 'Linear', 'Linear(weight=1x2)')
    """

    arity = 1
    FIELDS: dict = {}

    def out_shape(self, *shapes):
        return shapes[0]

    def apply(self, bk, *args):  # pragma: no cover - every op overrides
        raise NotImplementedError

    def analytic(self) -> str:
        """``""`` when the op is real-analytic in its weights and inputs (where it is defined),
        else why not: the analyticity audit of Cheng et al.'s Theorem 2 reads this."""
        return ""

    def weight_items(self):
        """``(field name, Weights)`` for every weight matrix of the op."""
        return [(f, getattr(self, f)) for f, kind in self.FIELDS.items()
                if kind.startswith("weights") and getattr(self, f) is not None]

    def parameters(self) -> set:
        out = set()
        for _, W in self.weight_items():
            out |= W.parameters
        return out

    def nonzeros(self) -> int:
        """Nonzero exact parameters (weight entries, plus nonzero scalars)."""
        n = sum(W.nnz for _, W in self.weight_items())
        n += sum(1 for f, kind in self.FIELDS.items() if kind == "rational" and getattr(self, f) != 0)
        return n

    def max_bits(self) -> int:
        bits = [W.max_bits for _, W in self.weight_items()]
        bits += [bit_size(getattr(self, f)) for f, kind in self.FIELDS.items() if kind == "rational"]
        return max(bits, default=0)

    def substitute(self, values) -> "Op":
        """A copy with parameter symbols replaced by rationals."""
        changes = {f: W.substitute(values) for f, W in self.weight_items() if W.parameters}
        return dataclasses.replace(self, **changes) if changes else self

    def to_json(self) -> dict:
        out = {"type": type(self).__name__}
        for f, kind in self.FIELDS.items():
            out[f] = _encode(getattr(self, f), kind)
        return out

    def describe(self) -> str:
        """One short line for reports."""
        parts = []
        for f, kind in self.FIELDS.items():
            v, kind = getattr(self, f), kind.rstrip("?")
            if kind.startswith("weights") and v is not None:
                parts.append(f"{f}={v.shape[0]}x{v.shape[1]}")
            elif kind in ("rational", "str", "int", "bool") and v is not None:
                parts.append(f"{f}={format_exact(v) if kind == 'rational' else v}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _encode(value, kind):
    if value is None:
        return None
    if kind.startswith("weights") or kind.startswith("mask") or kind.startswith("kernel"):
        return value.to_json()
    if kind == "rational":
        return format_exact(value)
    if kind in ("ints", "strs", "shape"):
        return list(value)
    return value


def _decode(data, kind, parameters, name):
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if data is None:
        if optional:
            return None
        raise GraphError(f"missing value for {name}", field=name)
    if kind == "weights":
        return Weights.from_json(data, parameters)
    if kind == "mask":
        return Mask.from_json(data)
    if kind == "kernel":
        return Kernel.from_json(data)
    if kind == "rational":
        return exact_rational(data, name)
    if kind == "int":
        if not isinstance(data, int) or isinstance(data, bool):
            raise GraphError(f"{name} {data!r} is not an integer", field=name)
        return data
    if kind == "bool":
        if not isinstance(data, bool):
            raise GraphError(f"{name} {data!r} is not true/false", field=name)
        return data
    if kind == "str":
        if not isinstance(data, str):
            raise GraphError(f"{name} {data!r} is not a string", field=name)
        return data
    if kind in ("ints", "shape"):
        if not isinstance(data, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in data):
            raise GraphError(f"{name} {data!r} is not a list of integers", field=name)
        return tuple(data)
    if kind == "strs":
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise GraphError(f"{name} {data!r} is not a list of strings", field=name)
        return tuple(data)
    raise GraphError(f"unknown field kind {kind!r}", field=name)  # pragma: no cover


def _check_weights(op, name, W):
    if not isinstance(W, Weights):
        raise GraphError(f"{type(op).__name__}.{name} is a {type(W).__name__}", field=name,
                         expected="a Weights matrix")


@dataclass(frozen=True)
class Input(Op):
    """A graph input: a ``shape`` matrix whose entries are the named ``variables`` (row-major).

    >>> Input(("x1", "x2"), (1, 2)).variables
    ('x1', 'x2')
    """

    variables: tuple
    shape: tuple
    arity = 0
    FIELDS = {"variables": "strs", "shape": "shape"}

    def __post_init__(self):
        object.__setattr__(self, "variables", tuple(self.variables))
        object.__setattr__(self, "shape", tuple(self.shape))
        if len(self.shape) != 2 or not all(isinstance(s, int) and s > 0 for s in self.shape):
            raise GraphError(f"input shape {self.shape!r} is not a pair of positive integers", field="shape")
        if len(self.variables) != self.shape[0] * self.shape[1]:
            raise GraphError(f"input has {len(self.variables)} variable names for shape {self.shape}",
                             field="variables", expected=f"{self.shape[0] * self.shape[1]} names")
        if len(set(self.variables)) != len(self.variables):
            raise GraphError("input variable names repeat", field="variables", expected="distinct names")
        for v in self.variables:
            if not (isinstance(v, str) and v.isidentifier()):
                raise GraphError(f"input variable name {v!r} is not an identifier", field="variables")

    def out_shape(self, *shapes):
        return self.shape

    def apply(self, bk, *args):
        raise GraphError("inputs are supplied by the interpreter, not applied")  # pragma: no cover


@dataclass(frozen=True)
class Embed(Op):
    """Token-dependent embedding of an input row ``x`` (1 x d) into ``tokens`` x ``width``.

    ``weight`` is (d+1) x (tokens*width): row 0 acts on the constant 1, row
    k on ``x_k``; columns ``t*width .. (t+1)*width - 1`` form token ``t``.  So
    token ``t`` is ``(1, x) @ E_t``: positional one-hots, copies of ``(1, x)``
    into channel groups, or any affine image of ``x`` per token.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> E = Embed(Weights((3, 4), {(0, 0): 1, (1, 1): 1, (2, 3): 1}), tokens=2, width=2)
    >>> bk.to_list(E.apply(bk, bk.const(Weights.from_rows([[5, 7]]))))
    [[1, 5], [0, 7]]
    """

    weight: Weights
    tokens: int
    width: int
    FIELDS = {"weight": "weights", "tokens": "int", "width": "int"}

    def __post_init__(self):
        _check_weights(self, "weight", self.weight)
        if self.weight.shape[1] != self.tokens * self.width:
            raise GraphError(f"Embed weight has {self.weight.shape[1]} columns", field="weight",
                             expected=f"tokens*width = {self.tokens * self.width}")

    def out_shape(self, x):
        if x[0] != 1 or x[1] + 1 != self.weight.shape[0]:
            raise _shape_error(self, f"input of shape {x} for a weight with {self.weight.shape[0]} rows",
                               expected=f"(1, {self.weight.shape[0] - 1})")
        return (self.tokens, self.width)

    def apply(self, bk, x):
        xt = bk.hstack([bk.fill(1, 1, 1), x])
        return bk.reshape(bk.matmul(xt, bk.const(self.weight)), self.tokens, self.width)


@dataclass(frozen=True)
class Linear(Op):
    """Token-wise affine map ``X @ W + 1 b`` (``bias`` is 1 x out, optional).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> X = bk.const(Weights.from_rows([[1, 2], [3, 4]]))
    >>> bk.to_list(Linear(Weights.from_rows([[1], [1]]), Weights.from_rows([["1/2"]])).apply(bk, X))
    [[7/2], [15/2]]
    """

    weight: Weights
    bias: Weights = None
    FIELDS = {"weight": "weights", "bias": "weights?"}

    def __post_init__(self):
        _check_weights(self, "weight", self.weight)
        if self.bias is not None:
            _check_weights(self, "bias", self.bias)
            if self.bias.shape != (1, self.weight.shape[1]):
                raise GraphError(f"bias has shape {self.bias.shape}", field="bias",
                                 expected=f"(1, {self.weight.shape[1]})")

    def out_shape(self, x):
        if x[1] != self.weight.shape[0]:
            raise _shape_error(self, f"input with {x[1]} columns for a {self.weight.shape[0]}x"
                                     f"{self.weight.shape[1]} weight", expected=f"{self.weight.shape[0]} columns")
        return (x[0], self.weight.shape[1])

    def apply(self, bk, x):
        y = bk.matmul(x, bk.const(self.weight))
        if self.bias is not None:
            rows = bk.shape(x)[0]
            y = bk.add(y, bk.matmul(bk.fill(rows, 1, 1), bk.const(self.bias)))
        return y


def _same_shapes(op, shapes):
    if len(shapes) < 2:
        raise _shape_error(op, f"{len(shapes)} argument(s)", expected="at least 2")
    if any(s != shapes[0] for s in shapes):
        raise _shape_error(op, f"arguments of shapes {list(shapes)}", expected="equal shapes")
    return shapes[0]


class _Elementwise(Op):
    """Elementwise combination of equal-shape arguments by one backend method, folded left."""

    method = ""
    arity = None

    def out_shape(self, *shapes):
        return _same_shapes(self, shapes)

    def apply(self, bk, *args):
        combine = getattr(bk, self.method)
        out = args[0]
        for a in args[1:]:
            out = combine(out, a)
        return out


@dataclass(frozen=True)
class Add(_Elementwise):
    """Elementwise sum of two or more equal-shape arguments (residual connections, multi-head sums).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A = bk.const(Weights.from_rows([[1, 2]]))
    >>> bk.to_list(Add().apply(bk, A, A, A)), Add().out_shape((1, 2), (1, 2))
    ([[3, 6]], (1, 2))
    """

    method = "add"


@dataclass(frozen=True)
class MatMul(Op):
    """Matrix product ``A @ B`` (``A @ B^T`` with ``transpose_b``) of two computed values.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A = bk.const(Weights.from_rows([[1, 2]]))
    >>> bk.to_list(MatMul(transpose_b=True).apply(bk, A, A)), MatMul().out_shape((1, 2), (2, 5))
    ([[5]], (1, 5))
    """

    transpose_b: bool = False
    arity = 2
    FIELDS = {"transpose_b": "bool"}

    def out_shape(self, a, b):
        b = (b[1], b[0]) if self.transpose_b else b
        if a[1] != b[0]:
            raise _shape_error(self, f"product of {a} and {b}", expected=f"{a[1]} rows on the right")
        return (a[0], b[1])

    def apply(self, bk, a, b):
        return bk.matmul(a, bk.transpose(b) if self.transpose_b else b)


@dataclass(frozen=True)
class Hadamard(_Elementwise):
    """Elementwise product.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A = bk.const(Weights.from_rows([[3, "1/2"]]))
    >>> bk.to_list(Hadamard().apply(bk, A, A))
    [[9, 1/4]]
    """

    method = "hadamard"
    arity = 2


@dataclass(frozen=True)
class ReLU(Op):
    """Elementwise ``max(x, 0)``.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> bk.to_list(ReLU().apply(bk, bk.const(Weights.from_rows([[-1, "2/3"]]))))
    [[0, 2/3]]
    """

    def analytic(self) -> str:
        return "ReLU has a kink at 0"

    def apply(self, bk, x):
        return bk.relu(x)


@dataclass(frozen=True)
class Maximum(_Elementwise):
    """Elementwise maximum of two or more equal-shape arguments.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A, B = bk.const(Weights.from_rows([[1, 5]])), bk.const(Weights.from_rows([[2, -5]]))
    >>> bk.to_list(Maximum().apply(bk, A, B))
    [[2, 5]]
    """

    method = "maximum"

    def analytic(self) -> str:
        return "an elementwise max has a kink where its arguments tie"

    def apply(self, bk, *args):
        return bk.maximum_many(list(args)) if len(args) > 2 else bk.maximum(*args)


@dataclass(frozen=True)
class Reduce(Op):
    """Sum or max over an axis (0: over rows, giving one row; 1: over columns).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A = bk.const(Weights.from_rows([[1, 5], [4, -2]]))
    >>> bk.to_list(Reduce("max", 0).apply(bk, A)), bk.to_list(Reduce("sum", 1).apply(bk, A))
    ([[4, 5]], [[6], [2]])
    """

    kind: str = "sum"
    axis: int = 1
    FIELDS = {"kind": "str", "axis": "int"}

    def __post_init__(self):
        if self.kind not in ("sum", "max"):
            raise GraphError(f"Reduce kind {self.kind!r}", field="kind", expected="'sum' or 'max'")
        if self.axis not in (0, 1):
            raise GraphError(f"Reduce axis {self.axis!r}", field="axis", expected="0 or 1")

    def out_shape(self, x):
        return (1, x[1]) if self.axis == 0 else (x[0], 1)

    def analytic(self) -> str:
        return "a max over an axis has kinks where entries tie" if self.kind == "max" else ""

    def apply(self, bk, x):
        return bk.reduce_sum(x, self.axis) if self.kind == "sum" else bk.reduce_max(x, self.axis)


@dataclass(frozen=True)
class Scores(Op):
    """Attention scores of queries ``Q`` (n x h) against keys ``K`` (m x h): n x m.

    Without a kernel the score is the dot product ``Q K^T``; with a
    :class:`Kernel` it is ``k(q_i, k_j)`` elementwise.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> Q, K = bk.const(Weights.from_rows([[1, 2]])), bk.const(Weights.from_rows([[3, 0], [1, 1]]))
    >>> bk.to_list(Scores().apply(bk, Q, K)), bk.to_list(Scores(Kernel.polynomial(1, 2)).apply(bk, Q, K))
    ([[3, 3]], [[16, 16]])
    >>> bk.to_list(Scores(Kernel("r")).apply(bk, Q, K))
    [[8, 1]]
    """

    kernel: Kernel = None
    arity = 2
    FIELDS = {"kernel": "kernel?"}

    def out_shape(self, q, k):
        if q[1] != k[1]:
            raise _shape_error(self, f"queries of width {q[1]} and keys of width {k[1]}",
                               expected="equal head widths")
        if self.kernel is not None and self.kernel.omega and len(self.kernel.omega[0]) != q[1]:
            raise _shape_error(self, f"kernel vectors of length {len(self.kernel.omega[0])} on heads of width {q[1]}",
                               expected=f"{q[1]} entries")
        return (q[0], k[0])

    def analytic(self) -> str:
        if self.kernel is not None and self.kernel.expr.has(sympy.Abs, sympy.Max, sympy.Min):
            return f"the kernel {self.kernel.formula} uses abs, max or min"
        return ""

    def apply(self, bk, q, k):
        s = bk.matmul(q, bk.transpose(k))
        if self.kernel is None:
            return s
        n, m = bk.shape(s)
        h = bk.shape(q)[1]
        names = {str(x) for x in self.kernel.expr.free_symbols}
        env = {"s": s}
        for j, row in enumerate(self.kernel.omega, start=1):  # omega_j . q down the rows (lengths: out_shape)
            w = bk.const(Weights((h, 1), {(i, 0): v for i, v in enumerate(row)}))
            env[f"oq{j}"] = bk.matmul(bk.matmul(q, w), bk.fill(1, m, 1))
            env[f"ok{j}"] = bk.transpose(bk.matmul(bk.matmul(k, w), bk.fill(1, n, 1)))
        if names & {"qq", "kk", "r"}:
            ones_h = bk.fill(h, 1, 1)
            qq = bk.matmul(bk.matmul(bk.hadamard(q, q), ones_h), bk.fill(1, m, 1))
            kk = bk.transpose(bk.matmul(bk.matmul(bk.hadamard(k, k), ones_h), bk.fill(1, n, 1)))
            env.update(qq=qq, kk=kk)
            env["r"] = bk.sub(bk.add(qq, kk), bk.add(s, s))
        return evaluate_formula(bk, self.kernel.expr, env, (n, m))


_RULES = ("none", "softmax", "hardmax", "sum")


@dataclass(frozen=True)
class Normalize(Op):
    """Turn a score matrix into attention weights.

    rule
        ``"none"``: the scores themselves (linear attention, no normalisation);
        ``"softmax"``: ``softmax(beta * S / sqrt(root))``; ``"hardmax"``: argmax with ties
        averaged; ``"sum"``: ``S / sum(S)`` (kernel attention).
    axis
        ``"row"``: each row (one query, all keys) is normalised, the usual
        convention when tokens are rows; ``"col"``: each column is.
    mask
        Positions not in the mask get weight 0 and take no part in the
        normalisation.
    root
        A positive integer (default 1): the softmax temperature is ``beta / sqrt(root)``,
        as in attention's ``1 / sqrt(d_head)``.  Exact backends refuse an irrational
        square root; interval backends enclose it rigorously.
    top
        For ``softmax`` only: top-k routing, each query attends to its ``top`` largest
        (allowed) scores only, ties to the lower key index; a data-dependent choice, so
        not analytic (Cheng et al.'s Theorem 2 does not cover it).

    Examples
    --------
    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> S = bk.const(Weights.from_rows([[1, 3, 3], [2, 0, 1]]))
    >>> bk.to_list(Normalize("hardmax").apply(bk, S))
    [[0, 1/2, 1/2], [1, 0, 0]]
    >>> bk.to_list(Normalize("hardmax", mask=Mask((2, 3), [(0, 0), (1, 1)])).apply(bk, S))
    [[1, 0, 0], [0, 1, 0]]
    >>> bk.to_list(Normalize("softmax", beta=0, top=2).apply(bk, S))
    [[0, 1/2, 1/2], [1/2, 0, 1/2]]
    """

    rule: str = "none"
    beta: Fraction = Fraction(1)
    axis: str = "row"
    mask: Mask = None
    root: int = None
    top: int = None
    FIELDS = {"rule": "str", "beta": "rational", "axis": "str", "mask": "mask?", "root": "int?", "top": "int?"}

    def __post_init__(self):
        if self.root is not None:
            if isinstance(self.root, bool) or not isinstance(self.root, int) or self.root < 1:
                raise GraphError(f"root {self.root!r}", field="root", expected="a positive integer")
            if self.root == 1:
                object.__setattr__(self, "root", None)
        if self.rule not in _RULES:
            raise GraphError(f"normalisation rule {self.rule!r}", field="rule", expected=" | ".join(_RULES))
        if self.top is not None and (isinstance(self.top, bool) or not isinstance(self.top, int) or self.top < 1
                                     or self.rule != "softmax"):
            raise GraphError(f"top {self.top!r} with rule {self.rule!r}", field="top",
                             expected="a positive integer, with rule 'softmax'")
        if self.axis not in ("row", "col"):
            raise GraphError(f"normalisation axis {self.axis!r}", field="axis", expected="'row' or 'col'")
        object.__setattr__(self, "beta", exact_rational(self.beta, "beta"))
        if self.mask is not None:
            if not isinstance(self.mask, Mask):
                raise GraphError(f"mask is a {type(self.mask).__name__}", field="mask", expected="a Mask")
            mask = self.mask if self.axis == "row" else self.mask.T
            if self.rule != "none" and mask.empty_rows():
                raise GraphError(f"mask leaves {'row' if self.axis == 'row' else 'column'} "
                                 f"{mask.empty_rows()[0]} with nothing to attend", field="mask",
                                 expected="at least one allowed position in every normalised row")

    def to_json(self) -> dict:
        out = super().to_json()
        for optional in ("root", "top"):  # graphs without them serialise (and hash) as before the fields existed
            if out[optional] is None:
                del out[optional]
        return out

    def nonzeros(self) -> int:
        """``beta`` counts only where it is used (softmax)."""
        return 1 if self.rule == "softmax" and self.beta != 0 else 0

    def out_shape(self, s):
        if self.mask is not None and self.mask.shape != tuple(s):
            raise _shape_error(self, f"mask of shape {self.mask.shape} on scores of shape {s}",
                               expected="equal shapes")
        return s

    def analytic(self) -> str:
        if self.top is not None:
            return f"top-{self.top} routing is a data-dependent choice of keys (discontinuous where scores tie)"
        return "hardmax is a discontinuous argmax" if self.rule == "hardmax" else ""

    def apply(self, bk, s):
        if self.axis == "col":
            mask = None if self.mask is None else self.mask.T
            return bk.transpose(self._rows(bk, bk.transpose(s), mask))
        return self._rows(bk, s, self.mask)

    def _rows(self, bk, s, mask):
        allowed = None if mask is None else mask.allowed
        n, m = bk.shape(s)
        if self.rule == "hardmax":
            return bk.hardmax(s, allowed)
        if self.rule == "softmax" and self.top is not None:
            return bk.top_softmax(s, self.beta, self.top, allowed, root=self.root)
        if self.rule == "softmax":  # beta / sqrt(root): rigorous on intervals, refused where inexact
            return bk.softmax(s, self.beta, None if mask is None else mask.allowed, root=self.root)
        if mask is not None:
            s = bk.masked(s, allowed)
        if self.rule == "none":
            return s
        total = bk.reduce_sum(s, 1)
        return bk.div(s, bk.matmul(total, bk.fill(1, m, 1)))

@dataclass(frozen=True)
class Sqrt(Op):
    """Elementwise square root (exact on the rational backend only for squares).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> bk.to_list(Sqrt().apply(bk, bk.const(Weights.from_rows([["9/4", 0]]))))
    [[3/2, 0]]
    """

    def apply(self, bk, x):
        return bk.sqrt(x)


@dataclass(frozen=True)
class Div(_Elementwise):
    """Elementwise quotient of two equal-shape arguments.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> A, B = bk.const(Weights.from_rows([[1, 0]])), bk.const(Weights.from_rows([[3, 2]]))
    >>> bk.to_list(Div().apply(bk, A, B))
    [[1/3, 0]]
    """

    method = "div"
    arity = 2


@dataclass(frozen=True)
class LayerNorm(Op):
    """Token-wise layer normalisation ``(x - mean) / sqrt(var + eps) * gamma + beta``.

    Mean and (biased) variance are over the channels of each token; ``eps``
    is an exact positive rational; ``gamma`` and ``beta`` are 1 x width.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> ln = LayerNorm(Weights.ones(1, 2), Weights.from_rows([[0, 1]]), eps=0)
    >>> bk.to_list(ln.apply(bk, bk.const(Weights.from_rows([[1, 5]]))))
    [[-1, 2]]
    """

    gamma: Weights
    beta: Weights
    eps: Fraction = Fraction(1, 100000)
    FIELDS = {"gamma": "weights", "beta": "weights", "eps": "rational"}

    def __post_init__(self):
        _check_weights(self, "gamma", self.gamma)
        _check_weights(self, "beta", self.beta)
        object.__setattr__(self, "eps", exact_rational(self.eps, "eps"))
        if self.eps < 0:
            raise GraphError(f"LayerNorm eps {self.eps} is negative", field="eps", expected="eps >= 0")
        if self.gamma.shape[0] != 1 or self.beta.shape != self.gamma.shape:
            raise GraphError(f"gamma {self.gamma.shape} and beta {self.beta.shape}", field="gamma",
                             expected="two 1 x width rows")

    def out_shape(self, x):
        if x[1] != self.gamma.shape[1]:
            raise _shape_error(self, f"input of width {x[1]}", expected=f"width {self.gamma.shape[1]}")
        return x

    def apply(self, bk, x):
        n, c = bk.shape(x)
        avg = bk.fill(c, c, Fraction(1, c))
        centred = bk.sub(x, bk.matmul(x, avg))
        var = bk.add(bk.matmul(bk.hadamard(centred, centred), avg), bk.fill(n, c, self.eps))
        y = bk.div(centred, bk.sqrt(var))
        ones = bk.fill(n, 1, 1)
        return bk.add(bk.hadamard(y, bk.matmul(ones, bk.const(self.gamma))),
                      bk.matmul(ones, bk.const(self.beta)))


@dataclass(frozen=True)
class Rows(Op):
    """Select token rows (read-out from chosen tokens).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> bk.to_list(Rows((2, 0)).apply(bk, bk.const(Weights.from_rows([[1], [2], [3]]))))
    [[3], [1]]
    """

    indices: tuple
    FIELDS = {"indices": "ints"}

    def __post_init__(self):
        object.__setattr__(self, "indices", tuple(self.indices))
        if not self.indices:
            raise GraphError("Rows selects no row", field="indices", expected="at least one index")

    def out_shape(self, x):
        bad = [i for i in self.indices if not 0 <= i < x[0]]
        if bad:
            raise _shape_error(self, f"row {bad[0]} of a {x[0]}-row input", expected=f"indices below {x[0]}")
        return (len(self.indices), x[1])

    def apply(self, bk, x):
        return bk.select_rows(x, self.indices)


_FEATURES = {"positive": "", "exp": "", "relu": "ReLU features have a kink at 0",
             "elu1": "elu(u) + 1 is not analytic at u = 0 (its second derivative jumps from 1 to 0)"}


@dataclass(frozen=True)
class FeatureMap(Op):
    """Token-wise feature map ``phi`` of linearised kernel attention: ``phi(q) . phi(k)`` is the kernel.

    ``omega`` (h x m) holds fixed features ``omega_j`` as columns; with ``u = x omega``:

    * ``"positive"``: ``exp(u_j - |x|^2 / 2)``, Performer's positive random features (Choromanski
      et al. 2021), whose kernel is ``exp(-(|q|^2 + |k|^2) / 2) sum_j exp(omega_j . (q + k))``, an unbiased
      estimate of ``exp(q . k)`` for Gaussian ``omega`` (the constant ``1/m`` cancels in a normalised head);
    * ``"exp"``: ``exp(u_j)``;
    * ``"relu"``: ``max(u_j, 0)``;
    * ``"elu1"``: ``elu(u_j) + 1``, Katharopoulos et al.'s linear attention.

    Only the first two are analytic (Cheng et al. list elu + 1 among the mixers their Theorem 2 misses).

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> phi = FeatureMap(Weights.from_rows([[1, -1], [0, 2]]), "relu")
    >>> bk.to_list(phi.apply(bk, bk.const(Weights.from_rows([[3, -1]])))), phi.out_shape((4, 2))
    ([[3, 0]], (4, 2))
    >>> FeatureMap(Weights.identity(2), "elu1").analytic()[:28]
    'elu(u) + 1 is not analytic a'
    """

    omega: Weights
    kind: str = "positive"
    FIELDS = {"omega": "weights", "kind": "str"}

    def __post_init__(self):
        _check_weights(self, "omega", self.omega)
        if self.kind not in _FEATURES:
            raise GraphError(f"feature map kind {self.kind!r}", field="kind", expected=" | ".join(_FEATURES))

    def out_shape(self, x):
        if x[1] != self.omega.shape[0]:
            raise _shape_error(self, f"input of width {x[1]} for {self.omega.shape[0]}-dimensional features",
                               expected=f"{self.omega.shape[0]} columns")
        return (x[0], self.omega.shape[1])

    def analytic(self) -> str:
        return _FEATURES[self.kind]

    def apply(self, bk, x):
        u = bk.matmul(x, bk.const(self.omega))
        if self.kind == "relu":
            return bk.relu(u)
        if self.kind == "elu1":  # max(u, 0) + exp(min(u, 0))
            return bk.add(bk.relu(u), bk.exp(bk.neg(bk.relu(bk.neg(u)))))
        if self.kind == "positive":
            h, m = self.omega.shape
            half = bk.matmul(bk.hadamard(x, x), bk.fill(h, m, Fraction(1, 2)))
            u = bk.sub(u, half)
        return bk.exp(u)


@dataclass(frozen=True)
class TokenMix(Op):
    """A linear map along the token axis, ``E @ X`` (``weight`` is k x n): Linformer's projections of
    keys and values to ``k`` landmark rows (Wang et al. 2020) and circular convolution mixers.

    >>> from symtrans.backends import RationalBackend
    >>> bk = RationalBackend()
    >>> conv = TokenMix.circulant(3, [1, "1/2"])
    >>> bk.to_list(conv.apply(bk, bk.const(Weights.from_rows([[1], [2], [4]]))))
    [[2], [4], [9/2]]
    >>> TokenMix(Weights.ones(2, 3)).out_shape((3, 5))
    (2, 5)
    """

    weight: Weights
    FIELDS = {"weight": "weights"}

    def __post_init__(self):
        _check_weights(self, "weight", self.weight)

    @classmethod
    def circulant(cls, n: int, taps) -> "TokenMix":
        """``[g(X)]_i = sum_k taps[k] x_{(i + k) mod n}``: Cheng et al.'s circular convolution mixer
        (Cor. 4) with ``l + 1 = len(taps)`` taps (rationals or symbols)."""
        if not isinstance(n, int) or n < 1 or not 0 < len(taps) <= n:
            raise GraphError(f"{len(taps)} taps on {n!r} tokens", field="taps", expected="1 to n taps, n >= 1")
        entries = {}
        for i in range(n):
            for k, psi in enumerate(taps):
                entries[(i, (i + k) % n)] = psi
        return cls(Weights((n, n), entries))

    def out_shape(self, x):
        if x[0] != self.weight.shape[1]:
            raise _shape_error(self, f"{x[0]} tokens for a {self.weight.shape[0]}x{self.weight.shape[1]} "
                                     "token map", expected=f"{self.weight.shape[1]} tokens")
        return (self.weight.shape[0], x[1])

    def apply(self, bk, x):
        return bk.matmul(bk.const(self.weight), x)


#: Op classes by name, as written in graph JSON.
OPS = {cls.__name__: cls for cls in (Input, Embed, Linear, Add, MatMul, Hadamard, ReLU, Maximum,
                                     Reduce, Scores, Normalize, Sqrt, Div, LayerNorm, Rows, FeatureMap,
                                     TokenMix)}


def op_from_json(data, parameters=()):
    """Rebuild an op from its JSON object.

    >>> op_from_json({"type": "Reduce", "kind": "max", "axis": 0})
    Reduce(kind='max', axis=0)
    >>> op_from_json({"type": "Softmax"})
    Traceback (most recent call last):
    ...
    symtrans.errors.GraphError: field 'type': unknown op 'Softmax' (expected one of Input, Embed, Linear, Add, MatMul, Hadamard, ReLU, Maximum, Reduce, Scores, Normalize, Sqrt, Div, LayerNorm, Rows, FeatureMap, TokenMix)
    """
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise GraphError("op must be an object with a 'type' string", field="op")
    cls = OPS.get(data["type"])
    if cls is None:
        raise GraphError(f"unknown op {data['type']!r}", field="type", expected="one of " + ", ".join(OPS))
    extra = set(data) - set(cls.FIELDS) - {"type"}
    if extra:
        raise GraphError(f"op {cls.__name__} has unknown field {sorted(extra)[0]!r}", field="op",
                         expected=", ".join(cls.FIELDS) or "no fields")
    kwargs = {}
    for f, kind in cls.FIELDS.items():
        if f not in data and kind.endswith("?"):
            continue
        if f not in data:
            raise GraphError(f"op {cls.__name__} is missing field {f!r}", field=f)
        kwargs[f] = _decode(data[f], kind, parameters, f)
    return cls(**kwargs)
