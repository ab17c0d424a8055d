"""What a network should compute.

This release has :class:`Polynomial`: a polynomial with exact rational
coefficients in named variables, optionally with parameter symbols among its
coefficients (``Polynomial.general(d, D)`` is *every* polynomial of degree at
most ``D`` in ``d`` variables at once, its coefficients the symbols
``c_<exponents>``).

>>> from symtrans.targets import Polynomial
>>> p = Polynomial.parse("x1**2*x2 - 3/4*x2 + 1", ["x1", "x2"])
>>> p.degree, p.coefficients()[(2, 1)], p.coefficients()[(0, 0)]
(3, Fraction(1, 1), Fraction(1, 1))
>>> Polynomial.general(1, 2).expr
c_0 + c_1*x1 + c_2*x1**2

Why this module is long: the five targets (polynomial, maxout network, graph, sequences,
dataset) and the :class:`Target` protocol they share, with their JSON forms and the CPWL
expression compiler; each piece is short.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import ClassVar, Protocol, runtime_checkable

from ._lazy import sympy

from .budget import MAX_DEGREE, MAX_TERMS
from .errors import SpecError
from .exact import exact, exact_rational, format_exact
from .expr import parse_expression, parse_polynomial
from .graph import (
    OUTPUTS,
    add_input,
    add_op,
    check,
    fingerprint,
    from_json,
    input_variables,
    new_graph,
    parameters,
    set_outputs,
    to_json,
)
from .interpret import evaluate_at_point
from .ops import Linear, Maximum
from ._flint import flint
from .polys import degree_in, from_dict, from_sparse, poly_key, poly_text, ring, sympy_of_terms, to_flint, to_sympy
from .weights import Weights

__all__ = ["Target", "TARGETS", "target_from_json", "Polynomial", "MaxoutNet", "GraphTarget", "Sequences", "Dataset", "maxout_graph", "target_graph", "cpwl_network", "monomials", "coefficient_name"]


def monomials(d: int, degree: int) -> list:
    """Exponent vectors of total degree ``<= degree`` in graded-lex order.

    Degree ascending; within a degree, ``x1`` before ``x2`` (descending lex).

    >>> monomials(2, 2)
    [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
    """
    out = []
    for total in range(degree + 1):
        out.extend(_of_degree(d, total))
    return out


def _of_degree(d, total):
    if d == 1:
        return [(total,)]
    return [(first,) + rest for first in range(total, -1, -1) for rest in _of_degree(d - 1, total - first)]


def coefficient_name(alpha) -> str:
    """The parameter symbol name of the coefficient of ``x^alpha``.

    >>> coefficient_name((2, 0, 1))
    'c_2_0_1'
    """
    return "c_" + "_".join(str(a) for a in alpha)


@runtime_checkable
class Target(Protocol):
    """What every target is: a ``kind`` name, a ``dimension`` (input variables), JSON both ways.

    Claims, specs and the CLI read targets through this protocol only.

    >>> isinstance(MaxoutNet.tent(1), Target), isinstance(Polynomial.parse("x", ["x"]), Target)
    (True, True)
    """

    kind: str

    @property
    def dimension(self) -> int: ...

    def to_json(self) -> dict: ...

    @classmethod
    def from_json(cls, data): ...



def _term_bound(expr) -> int:
    """An upper bound on the number of terms of ``expr`` expanded, without expanding it.

    >>> x, y = sympy.symbols("x y")
    >>> _term_bound((x + y + 1) ** 300), _term_bound((x + 1) * (y + 1) + 3)
    (45451, 5)
    """
    if expr.is_Atom or not expr.free_symbols:
        return 1
    if expr.is_Add:
        return sum(_term_bound(a) for a in expr.args)
    if expr.is_Mul:
        out = 1
        for a in expr.args:
            out *= _term_bound(a)
        return out
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        k, n = _term_bound(expr.base), int(expr.exp)
        names = len(expr.base.free_symbols)
        return min(comb(n + k - 1, k - 1), comb(n * _degree_bound(expr.base) + names, names))
    return 1


def _degree_bound(expr) -> int:
    """An upper bound on the total degree of ``expr`` (a SymPy expression), without expanding it.

    >>> x, y = sympy.symbols("x y")
    >>> _degree_bound((x + y + 1) ** 300 * x), _degree_bound(sympy.Rational(1, 3))
    (301, 0)
    """
    if expr.is_Symbol:
        return 1
    if expr.is_Number or not expr.free_symbols:
        return 0
    if expr.is_Add:
        return max(_degree_bound(a) for a in expr.args)
    if expr.is_Mul:
        return sum(_degree_bound(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return int(expr.exp) * _degree_bound(expr.base)
    return 0  # not a polynomial part (a negative power): cheap to expand, and refused after expansion


class Polynomial:
    """A polynomial target in ``variables``, coefficients exact (or parameter polynomials).

    Held as a python-flint ``fmpq_mpoly`` over ``variables + parameters`` (:attr:`poly`); the
    SymPy form :attr:`expr` is made when first asked for, so that reading, writing and checking a
    polynomial claim needs no SymPy.

    Parameters
    ----------
    variables : sequence of str
    expr : sympy.Expr or flint.fmpq_mpoly
        Polynomial in ``variables`` whose coefficients are rationals or polynomials in
        ``parameters`` (an ``fmpq_mpoly`` over ``variables + parameters`` in that order).
    parameters : sequence of str

    Examples
    --------
    >>> Polynomial.parse("(x + 1)**2", ["x"]).to_json()
    {'kind': 'polynomial', 'variables': ['x'], 'parameters': [], 'expr': 'x**2 + 2*x + 1'}
    >>> Polynomial.parse("x/2", ["x"]) == Polynomial(("x",), sympy.Symbol("x") / 2)
    True
    """

    kind: ClassVar[str] = "polynomial"

    def __init__(self, variables, expr, parameters=()):
        variables, parameters = _polynomial_names(variables, parameters)
        R = ring(variables + parameters)
        if isinstance(expr, flint.fmpq_mpoly):
            if tuple(expr.context().names()) != variables + parameters:
                raise SpecError(f"a polynomial over {list(expr.context().names())} is not one over "
                                f"{list(variables + parameters)}", field="expr")
            poly, expr = expr, None
        else:
            expr = sympy.sympify(expr) if not isinstance(expr, sympy.Basic) else expr
            _refuse_size(_degree_bound(expr), _term_bound(expr))
            expr = sympy.expand(expr)
            allowed = {sympy.Symbol(n) for n in variables + parameters}
            extra = expr.free_symbols - allowed
            if extra:
                raise SpecError(f"unknown name {sorted(map(str, extra))[0]!r} in the target", field="expr",
                                expected="one of the declared variables " + ", ".join(variables))
            exact(expr, "target")
            poly = to_flint(expr, R)
        self.variables, self.parameters, self.poly = variables, parameters, poly
        if expr is not None:
            self._expr = expr

    @property
    def expr(self):
        """The polynomial as an expanded SymPy expression (made on first use)."""
        if "_expr" not in self.__dict__:
            self._expr = to_sympy(self.poly)
        return self._expr

    def __eq__(self, other):
        return (isinstance(other, Polynomial) and (self.variables, self.parameters) ==
                (other.variables, other.parameters) and self.poly == other.poly)

    def __hash__(self):
        return hash((self.variables, self.parameters, poly_key(self.poly)))

    def __repr__(self):
        return f"Polynomial(variables={self.variables!r}, expr={self.expr!r}, parameters={self.parameters!r})"

    def __reduce__(self):  # flint polynomials do not pickle: send the exact terms (process pools)
        terms = [(tuple(int(e) for e in m), int(c.p), int(c.q)) for m, c in self.poly.terms()]
        return (_polynomial_from_terms, (self.variables, self.parameters, terms))

    @property
    def dimension(self) -> int:
        return len(self.variables)

    @classmethod
    def parse(cls, text: str, variables, parameters=()) -> "Polynomial":
        """Parse ``text`` with the restricted parser (numbers, variables, + - * /const, integer powers),
        straight into python-flint (:func:`~symtrans.expr.parse_polynomial`; no SymPy)."""
        variables, parameters = _polynomial_names(variables, parameters)
        poly = parse_polynomial(text, ring(variables + parameters), _refuse_size, max_length=MAX_TEXT)
        return cls(variables, poly, parameters)

    @classmethod
    def general(cls, d: int, degree: int, variables=None) -> "Polynomial":
        """``sum_alpha c_alpha x^alpha`` over all ``|alpha| <= degree``: every such polynomial at once.

        >>> p = Polynomial.general(2, 1)
        >>> p.parameters, p.to_json()["expr"]
        (('c_0_0', 'c_1_0', 'c_0_1'), 'x1*c_1_0 + x2*c_0_1 + c_0_0')
        """
        variables = tuple(variables or [f"x{i + 1}" for i in range(d)])
        alphas = monomials(d, degree)
        names = tuple(coefficient_name(alpha) for alpha in alphas)
        variables, names = _polynomial_names(variables, names)
        _refuse_size(degree + 1, len(alphas))
        one = flint.fmpq(1)
        poly = from_sparse(ring(variables + names), [(one, {**{i: e for i, e in enumerate(alpha) if e}, d + k: 1})
                                                     for k, alpha in enumerate(alphas)])
        return cls(variables, poly, names)

    def in_variables(self, names):
        """The expression with the variables renamed to ``names`` (matched by position).

        >>> Polynomial.parse("a*b**2", ["a", "b"]).in_variables(["x1", "x2"])
        x1*x2**2
        """
        self._renaming(names)
        return self.expr.xreplace({sympy.Symbol(t): sympy.Symbol(g) for t, g in zip(self.variables, names)})

    def in_ring(self, names, R):
        """The polynomial in the flint ring ``R``, its variables renamed to ``names`` (matched by
        position) and its parameters kept; every one of them must be a generator of ``R``.

        >>> S = ring(["x1", "x2", "u"])
        >>> Polynomial.parse("a*b**2 - 1/2", ["a", "b"]).in_ring(["x1", "x2"], S)
        x1*x2^2 - 1/2
        """
        self._renaming(names)
        wanted = list(names) + list(self.parameters)
        if R is self.poly.context() and tuple(wanted) == self.variables + self.parameters:
            return self.poly  # the same ring (flint keeps one context per names and ordering)
        present = set(R.names())
        missing = [n for n in wanted if n not in present]
        if missing:
            raise SpecError(f"name {missing[0]!r} is not a variable or parameter of the graph")
        # re-read from flint's own text with the names mapped: no dense exponent vector per term
        # (1,820 terms of 1,824 generators took 1.5 s that way, 0.2 s this way)
        return parse_polynomial(self.text, R, max_length=None,
                                names=dict(zip(self.variables + self.parameters, wanted)))

    def __call__(self, values, names=None) -> Fraction:
        """The exact value at ``values`` (name -> rational, for every variable and parameter), the
        variables read under ``names`` (matched by position) if given.

        >>> p = Polynomial.parse("x**2 - c/3", ["x"], ["c"])
        >>> p({"x": 2, "c": "3/2"}), p({"x1": 2, "c": "3/2"}, names=["x1"])
        (Fraction(7, 2), Fraction(7, 2))
        """
        if names is not None:
            self._renaming(names)
        point = [exact_rational(values[n], n) for n in list(names or self.variables) + list(self.parameters)]
        value = self.poly(*(flint.fmpq(v.numerator, v.denominator) for v in point))  # exact, in FLINT
        return Fraction(int(value.p), int(value.q))

    def _renaming(self, names):
        names = list(names)
        if len(names) != len(self.variables):
            raise SpecError(f"the target has {len(self.variables)} variables, the graph's inputs have "
                            f"{len(names)}", field="variables", expected=f"{len(names)} variables")
        clash = set(names) & set(self.parameters)
        if clash:
            raise SpecError(f"target parameter {sorted(clash)[0]!r} is also an input variable",
                            field="parameters")

    @property
    def degree(self) -> int:
        """Total degree in the variables (``-1`` for the zero polynomial)."""
        return degree_in(self.poly, self.variables)

    def coefficients(self) -> dict:
        """Exponent tuple -> exact coefficient (Fraction, or a parameter polynomial in SymPy)."""
        d, grouped = len(self.variables), {}
        for monom, c in self.poly.terms():
            key = tuple(int(e) for e in monom[:d])
            grouped.setdefault(key, []).append((monom[d:], c))
        out = {}
        for key, terms in grouped.items():
            if len(terms) == 1 and not any(terms[0][0]):
                out[key] = Fraction(int(terms[0][1].p), int(terms[0][1].q))
            else:
                out[key] = exact(sympy_of_terms(terms, self.parameters))
        return out

    @property
    def text(self) -> str:
        """The expression as python-flint writes it, ``**`` for powers (descriptions and JSON).

        >>> Polynomial.parse("(x + 1)**2 - x/2", ["x"]).text
        'x**2 + 3/2*x + 1'
        """
        return poly_text(self.poly)

    def to_json(self) -> dict:
        """The expression is written by python-flint (degrevlex over the variables, then the
        parameters; ``**`` for powers): SymPy's printer took most of a small proof's time."""
        return {"kind": "polynomial", "variables": list(self.variables), "parameters": list(self.parameters),
                "expr": self.text}

    @classmethod
    def from_json(cls, data) -> "Polynomial":
        """Inverse of :meth:`to_json` (the expression is re-parsed with the restricted parser).

        >>> Polynomial.from_json({"kind": "polynomial", "variables": ["x"], "expr": "x/2"}).expr
        x/2
        """
        if not isinstance(data, dict) or data.get("kind") != "polynomial":
            raise SpecError("target is not a polynomial object", field="target")
        for key in ("variables", "expr"):
            if key not in data:
                raise SpecError(f"polynomial target without {key!r}", field="target")
        variables = data["variables"]
        if not isinstance(variables, list) or not all(isinstance(v, str) and v.isidentifier() for v in variables):
            raise SpecError(f"variables {variables!r} are not a list of names", field="variables")
        return cls.parse(data["expr"], variables, data.get("parameters", ()))


#: Longest polynomial text read (:data:`~symtrans.budget.MAX_TERMS` terms of about 60 characters: a
#: claim's own JSON form must read back).
MAX_TEXT = 60 * MAX_TERMS


def _polynomial_names(variables, parameters):
    variables = tuple(str(v) for v in variables)
    parameters = tuple(str(p) for p in parameters)
    if not variables:
        raise SpecError("a polynomial target needs at least one variable", field="variables")
    if len(set(variables)) != len(variables) or set(variables) & set(parameters):
        raise SpecError("variable and parameter names must be distinct", field="variables")
    if len(set(parameters)) != len(parameters):
        raise SpecError("parameter names must be distinct", field="parameters")
    return variables, parameters


def _refuse_size(degree, terms):
    """Refuse a target before expanding it past :data:`~symtrans.budget.MAX_DEGREE` or
    :data:`~symtrans.budget.MAX_TERMS` (the arguments are upper bounds)."""
    if degree > MAX_DEGREE or terms > MAX_TERMS:
        raise SpecError(f"the target may expand to a polynomial of degree {degree} with up to {terms} terms",
                        field="expr", expected=f"degree <= {MAX_DEGREE} and at most {MAX_TERMS} terms")


def _polynomial_from_terms(variables, parameters, terms):
    R = ring(tuple(variables) + tuple(parameters))
    return Polynomial(variables, from_dict(R, {m: flint.fmpq(p, q) for m, p, q in terms}), parameters)


@dataclass(frozen=True)
class MaxoutNet:
    """A maxout network with exact weights.

    ``layers[l][i][j] = [w_1, ..., w_n, b]`` is piece ``j`` of unit ``i`` of layer
    ``l`` (``n`` = the previous layer's width, ``d`` for the first), and
    ``output = [a_1, ..., a_N, c]``:

        y^0 = x,  y^l_i = max_j (<w^l_ij, y^(l-1)> + b^l_ij),  f(x) = <a, y^L> + c.

    A ReLU unit is the rank-2 maxout unit with one piece 0.

    Examples
    --------
    >>> tent = MaxoutNet.tent(2)
    >>> [tent.evaluate([Fraction(k, 8)]) for k in range(0, 9, 2)]
    [Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(1, 1), Fraction(0, 1)]
    >>> MaxoutNet(1, [[[[1, 0]]]], [1, 2, 0])
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'output': the output has 3 entries (expected 2: one per unit of the last layer, then the constant)
    """

    dimension: int
    layers: tuple
    kind: ClassVar[str] = "maxout"
    output: tuple

    def __init__(self, dimension, layers, output):
        if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
            raise SpecError(f"dimension {dimension!r}", field="dimension", expected="an integer >= 1")
        width = dimension
        clean = []
        if not isinstance(layers, (list, tuple)) or not layers:
            raise SpecError("a maxout network needs at least one layer", field="layers")
        for l, layer in enumerate(layers):
            if not isinstance(layer, (list, tuple)) or not layer:
                raise SpecError(f"layer {l} has no units", field="layers")
            units = []
            for i, unit in enumerate(layer):
                if not isinstance(unit, (list, tuple)) or not unit:
                    raise SpecError(f"unit {i} of layer {l} has no pieces", field="layers")
                pieces = []
                for j, piece in enumerate(unit):
                    if not isinstance(piece, (list, tuple)) or len(piece) != width + 1:
                        got = len(piece) if isinstance(piece, (list, tuple)) else piece
                        raise SpecError(f"piece {j} of unit {i} of layer {l} has {got} coefficients",
                                        field="layers", expected=f"{width + 1}: {width} weights, then the bias")
                    pieces.append(tuple(exact_rational(v, f"layer {l} unit {i} piece {j}") for v in piece))
                units.append(tuple(pieces))
            clean.append(tuple(units))
            width = len(units)
        if not isinstance(output, (list, tuple)) or len(output) != width + 1:
            n = len(output) if isinstance(output, (list, tuple)) else output
            raise SpecError(f"the output has {n} entries", field="output",
                            expected=f"{width + 1}: one per unit of the last layer, then the constant")
        object.__setattr__(self, "dimension", dimension)
        object.__setattr__(self, "layers", tuple(clean))
        object.__setattr__(self, "output", tuple(exact_rational(v, "output") for v in output))

    @property
    def widths(self) -> list:
        return [len(layer) for layer in self.layers]

    @property
    def ranks(self) -> list:
        return [max(len(unit) for unit in layer) for layer in self.layers]

    def evaluate(self, x) -> Fraction:
        """The exact value at a rational point."""
        y = [exact_rational(v, "x") for v in x]
        if len(y) != self.dimension:
            raise SpecError(f"a point of dimension {len(y)}", expected=f"{self.dimension} coordinates")
        for layer in self.layers:
            y = [max(sum((w * v for w, v in zip(piece[:-1], y)), Fraction(0)) + piece[-1] for piece in unit)
                 for unit in layer]
        return sum((a * v for a, v in zip(self.output[:-1], y)), Fraction(0)) + self.output[-1]

    def pieces(self, layer: int, x):
        """The pre-max values ``z_ij`` of ``layer`` (0-based) at the point ``x``."""
        y = [exact_rational(v, "x") for v in x]
        for l, units in enumerate(self.layers):
            z = [[sum((w * v for w, v in zip(piece[:-1], y)), Fraction(0)) + piece[-1] for piece in unit]
                 for unit in units]
            if l == layer:
                return z
            y = [max(zs) for zs in z]
        raise SpecError(f"layer {layer} of a {len(self.layers)}-layer network")

    @classmethod
    def relu(cls, dimension: int, layers, output):
        """A ReLU network: ``layers[l] = [[w_1..w_n, b], ...]`` (one affine map per unit) -> rank 2."""
        return cls(dimension, [[[list(unit), [0] * len(unit)] for unit in layer] for layer in layers], output)

    @classmethod
    def tent(cls, L: int) -> "MaxoutNet":
        """``T^L`` on [0, 1], ``T(x) = 2 min(x, 1 - x)``: width 1, rank 2, ``L`` layers, ``2^L`` pieces.

        Unit values are ``u_l = -T^l(x)``: ``u_1 = max(-2x, 2x - 2)``, ``u_l = max(2u, -2u - 2)``.
        """
        if L < 1:
            raise SpecError(f"L = {L}", field="L", expected="L >= 1")
        layers = [[[[-2, 0], [2, -2]]]] + [[[[2, 0], [-2, -2]]]] * (L - 1)
        return cls(1, layers, [-1, 0])

    @classmethod
    def random(cls, seed: int, d: int, k: int, L: int, width: int, lo: int = -3, hi: int = 3) -> "MaxoutNet":
        """A random maxout network on R^d with integer weights in ``[lo, hi]``: ``L`` layers of ``width``
        units of rank ``k`` (reproducible from ``seed``).

        >>> MaxoutNet.random(0, 2, 3, 2, 4).widths
        [4, 4]
        """
        import random

        rng = random.Random(seed)
        layers, n = [], d
        for _ in range(L):
            layers.append([[[rng.randint(lo, hi) for _ in range(n + 1)] for _ in range(k)] for _ in range(width)])
            n = width
        return cls(d, layers, [rng.randint(lo, hi) for _ in range(n + 1)])

    @classmethod
    def max_of(cls, d: int) -> "MaxoutNet":
        """``max(x_1, .., x_d)``: one unit of rank ``d``."""
        return cls(d, [[[[1 if n == i else 0 for n in range(d)] + [0] for i in range(d)]]], [1, 0])

    @classmethod
    def median3(cls) -> "MaxoutNet":
        """``median(x1, x2, x3) = max(min(x1, x2), min(x1, x3), min(x2, x3))`` (lattice form, 2 layers).

        >>> MaxoutNet.median3().evaluate([3, -1, 2])
        Fraction(2, 1)
        """
        pairs = [(0, 1), (0, 2), (1, 2)]
        layer1 = [[[-1 if n == a else 0 for n in range(3)] + [0], [-1 if n == b else 0 for n in range(3)] + [0]]
                  for a, b in pairs]  # u = max(-x_a, -x_b) = -min(x_a, x_b)
        layer2 = [[[-1 if n == i else 0 for n in range(3)] + [0] for i in range(3)]]  # max(-u_i)
        return cls(3, [layer1, layer2], [1, 0])

    @classmethod
    def yarotsky(cls, m: int) -> "MaxoutNet":
        """Yarotsky's ``f_m(x) = x - sum_{s<=m} T^s(x) / 4^s``: width 2, rank 2, ``m + 1`` layers.

        Unit 0 carries ``u_s = -T^s(x)``, unit 1 the running sum (pass-through by duplicated pieces).
        """
        if m < 1:
            raise SpecError(f"m = {m}", field="m", expected="m >= 1")
        layers = [[[[-2, 0], [2, -2]], [[1, 0], [1, 0]]]]
        for s in range(2, m + 1):
            w = Fraction(1, 4 ** (s - 1))
            layers.append([[[2, 0, 0], [-2, 0, -2]], [[w, 1, 0], [w, 1, 0]]])
        w = Fraction(1, 4 ** m)
        layers.append([[[w, 1, 0], [w, 1, 0]]])
        return cls(1, layers, [1, 0])

    def to_json(self) -> dict:
        return {"kind": "maxout", "dimension": self.dimension,
                "layers": [[[[format_exact(v) for v in piece] for piece in unit] for unit in layer]
                           for layer in self.layers],
                "output": [format_exact(v) for v in self.output]}

    @classmethod
    def from_json(cls, data) -> "MaxoutNet":
        if not isinstance(data, dict) or data.get("kind") != "maxout":
            raise SpecError("target is not a maxout object", field="target")
        return cls(data.get("dimension"), data.get("layers"), data.get("output"))


class GraphTarget:
    """Another graph as the target of an equivalence claim (entry ``(0, 0)`` of node ``output``).

    Two piecewise-linear graphs are compared by exact polytope cells, and the faces where a
    hardmax of *either* one ties are checked (either may jump there).

    >>> from symtrans.domains import Box
    >>> t = GraphTarget(maxout_graph(MaxoutNet.max_of(2)))
    >>> t.dimension, t.output, t.evaluate([1, "5/2"])
    (2, 'f', Fraction(5, 2))
    """

    kind = "graph"

    def __init__(self, graph, output=None):
        check(graph)
        if parameters(graph):
            raise SpecError("a target graph must not have free parameters", field="target")
        self.graph = graph
        self.output = output or graph.graph[OUTPUTS][0]
        if self.output not in graph:
            raise SpecError(f"the target graph has no node {self.output!r}", field="target.output")
        self.dimension = len(input_variables(graph))

    def __eq__(self, other):
        return isinstance(other, GraphTarget) and self.output == other.output and \
            fingerprint(self.graph) == fingerprint(other.graph)

    def __hash__(self):
        return hash(self.output)

    def evaluate(self, x) -> Fraction:
        """The exact value at a rational point (inputs by position)."""
        names = input_variables(self.graph)
        if len(x) != len(names):
            raise SpecError(f"a point of dimension {len(x)}", expected=f"{len(names)} coordinates")
        return evaluate_at_point(self.graph, dict(zip(names, [exact_rational(v, "x") for v in x])), self.output)

    def to_json(self) -> dict:
        return {"kind": "graph", "output": self.output, "graph": to_json(self.graph)}

    @classmethod
    def from_json(cls, data) -> "GraphTarget":
        if not isinstance(data, dict) or data.get("kind") != "graph":
            raise SpecError("target is not a graph object", field="target")
        return cls(from_json(data.get("graph")), data.get("output"))


def target_graph(target):
    """``(graph, output node)`` of a maxout network or a :class:`GraphTarget`."""
    if isinstance(target, GraphTarget):
        return target.graph, target.output
    return maxout_graph(target), "f"


def maxout_graph(net: MaxoutNet, name: str = "maxout"):
    """The maxout network itself as a graph (a reference for equivalence checks).

    Node ``L{l}.p{j}`` holds piece ``j`` of every unit of layer ``l`` (1-based
    ``l``; units with fewer pieces repeat their last one), ``L{l}`` the layer's
    output, ``f`` the network's output.

    >>> from symtrans import evaluate, RationalBackend
    >>> G = maxout_graph(MaxoutNet.tent(1))
    >>> RationalBackend().to_list(evaluate(G, RationalBackend(), {"x": ["1/4"]})["f"])
    [[1/2]]
    """
    G = new_graph(name)
    y = add_input(G, "x", (1, net.dimension))
    width = net.dimension
    for l, layer in enumerate(net.layers, 1):
        rank = max(len(unit) for unit in layer)
        nodes = []
        for j in range(rank):
            W = Weights((width, len(layer)), {(n, i): unit[min(j, len(unit) - 1)][n]
                                              for i, unit in enumerate(layer) for n in range(width)})
            b = Weights((1, len(layer)), {(0, i): unit[min(j, len(unit) - 1)][-1] for i, unit in enumerate(layer)})
            nodes.append(add_op(G, f"L{l}.p{j}", Linear(W, b), [y]))
        y = add_op(G, f"L{l}", Maximum(), nodes) if rank > 1 else nodes[0]
        width = len(layer)
    a = Weights((width, 1), {(i, 0): v for i, v in enumerate(net.output[:-1])})
    set_outputs(G, [add_op(G, "f", Linear(a, Weights((1, 1), {(0, 0): net.output[-1]})), [y])])
    return G


def cpwl_network(text: str, variables) -> MaxoutNet:
    """Compile a CPWL expression (``+ -``, constant multiples, ``max``, ``min``, ``abs``, ``relu``) to a maxout net.

    Each distinct ``max(...)`` (``min(a, b) = -max(-a, -b)``, ``abs(a) = max(a, -a)``,
    ``relu(a) = max(a, 0)``) becomes one unit, built once however often it occurs; its layer is
    one more than the deepest unit it reads.  Values needed later are passed through by
    one-piece units.  A nested ``L``-fold tent expression thus takes ``O(L)`` units, not ``2^L``.

    >>> net = cpwl_network("max(x1, x2) - min(x1, 0)", ["x1", "x2"])
    >>> net.widths, net.evaluate([Fraction(-3), Fraction(1)])
    ([2], Fraction(4, 1))
    >>> t = "2*min(x, 1 - x)"
    >>> for _ in range(3):
    ...     t = f"2*min({t}, 1 - ({t}))"
    >>> cpwl_network(t, ["x"]).widths
    [1, 1, 1, 1]
    >>> cpwl_network("x*y", ["x", "y"])
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'expr': x*y is not piecewise linear (expected sums, constant multiples, max, min, abs, relu)
    """
    import sympy

    expr = parse_expression(text, variables, functions=("max", "min", "abs", "relu"))
    variables = [str(v) for v in variables]
    atoms = {}  # key -> (depth, list of affine args)
    order = []

    def affine(e):
        """e as {atom: coeff} with atom None for the constant."""
        if e.is_Rational:
            return {None: Fraction(int(e.p), int(e.q))}
        if e.is_Symbol:
            return {("x", variables.index(str(e))): Fraction(1)}
        if e.is_Add:
            out = {}
            for a in e.args:
                for k, v in affine(a).items():
                    out[k] = out.get(k, 0) + v
            return {k: v for k, v in out.items() if v != 0}
        if e.is_Mul:
            consts = [a for a in e.args if a.is_Rational]
            rest = [a for a in e.args if not a.is_Rational]
            if len(rest) != 1:
                raise SpecError(f"{e} is not piecewise linear", field="expr",
                                expected="sums, constant multiples, max, min, abs, relu")
            c = sympy.Mul(*consts)
            return {k: v * Fraction(int(c.p), int(c.q)) for k, v in affine(rest[0]).items()}
        if isinstance(e, sympy.Min):
            return {k: -v for k, v in affine(sympy.Max(*[-a for a in e.args])).items()}
        if isinstance(e, sympy.Abs):
            return affine(sympy.Max(e.args[0], -e.args[0]))
        if isinstance(e, sympy.Max):
            args = [affine(a) for a in e.args]
            key = frozenset(frozenset(a.items()) for a in args)
            if key not in atoms:
                depth = 1 + max((atoms[order[k[1]]][0] for a in args for k in a
                                 if k is not None and k[0] == "m"), default=0)
                atoms[key] = (depth, args)
                order.append(key)
            return {("m", order.index(key)): Fraction(1)}
        raise SpecError(f"{e} is not piecewise linear", field="expr",
                        expected="sums, constant multiples, max, min, abs, relu")

    out = affine(expr)
    depth = {("m", i): atoms[key][0] for i, key in enumerate(order)}
    depth.update({("x", j): 0 for j in range(len(variables))})
    L = max([d for k, d in depth.items() if k[0] == "m"], default=0) or 1
    # the last layer at which each atom is read
    last = {k: L for k in out if k is not None}
    for i, key in enumerate(order):
        for a in atoms[key][1]:
            for k in a:
                if k is not None:
                    last[k] = max(last.get(k, 0), depth[("m", i)] - 1)
    layers, units_prev = [], [("x", j) for j in range(len(variables))]
    for l in range(1, L + 1):
        units = [("m", i) for i, key in enumerate(order) if atoms[key][0] == l]
        units += [k for k in units_prev if last.get(k, 0) >= l and k not in units]
        units += [k for k, d in depth.items() if d < l and last.get(k, 0) >= l and k not in units]
        if not units:  # an affine expression with no max at all: pass x1 through, read it with weight 0
            units = [units_prev[0]]
        index = {k: n for n, k in enumerate(units_prev)}
        layer = []
        for u in units:
            pieces = atoms[order[u[1]]][1] if u[0] == "m" and depth[u] == l else [{u: Fraction(1)}]
            rows = []
            for p in pieces:
                row = [Fraction(0)] * len(units_prev) + [p.get(None, Fraction(0))]
                for k, v in p.items():
                    if k is not None:
                        if k not in index:
                            raise SpecError(f"internal error compiling {text!r}: {k} not available")  # pragma: no cover
                        row[index[k]] += v
                rows.append(row)
            layer.append(rows)
        layers.append(layer)
        units_prev = units
    index = {k: n for n, k in enumerate(units_prev)}
    output = [Fraction(0)] * len(units_prev) + [out.get(None, Fraction(0))]
    for k, v in out.items():
        if k is not None:
            output[index[k]] += v
    return MaxoutNet(len(variables), layers, output)


@dataclass(frozen=True)
class Sequences:
    """A finite set of token sequences (the domain of a contextual-mapping claim), kept as given.

    >>> Sequences([[["1", "0"], ["0", "2"]]]).n
    2
    """

    sequences: tuple

    def __init__(self, sequences):
        if not isinstance(sequences, (list, tuple)) or not sequences:
            raise SpecError("no sequences given", field="sequences", expected="a non-empty list of sequences")
        for s, seq in enumerate(sequences):
            if not isinstance(seq, (list, tuple)) or not all(isinstance(t, (list, tuple)) for t in seq):
                raise SpecError(f"sequence {s} is not a list of tokens", field="sequences")
        object.__setattr__(self, "sequences", tuple(tuple(tuple(t) for t in seq) for seq in sequences))

    @property
    def n(self) -> int:
        return len(self.sequences[0])

    kind: ClassVar[str] = "sequences"

    @property
    def dimension(self) -> int:
        """The tokens' dimension."""
        return len(self.sequences[0][0])

    def as_lists(self):
        return [[list(t) for t in seq] for seq in self.sequences]

    def to_json(self) -> dict:
        return {"kind": "sequences", "sequences": self.as_lists()}

    @classmethod
    def from_json(cls, data) -> "Sequences":
        if not isinstance(data, dict) or data.get("kind") != "sequences":
            raise SpecError("target is not a sequences object", field="target")
        return cls(data.get("sequences"))


@dataclass(frozen=True)
class Dataset(Sequences):
    """Labelled sequences: ``labels[i][k]`` is the label of token ``k`` of sequence ``i``.

    >>> Dataset([[["1"], ["2"]]], [[0, 1]]).labels
    ((0, 1),)
    """

    labels: tuple = ()

    def __init__(self, sequences, labels):
        Sequences.__init__(self, sequences)
        if not isinstance(labels, (list, tuple)) or len(labels) != len(self.sequences) or any(
                not isinstance(row, (list, tuple)) or len(row) != len(seq) for row, seq in zip(labels, self.sequences)):
            raise SpecError("labels do not match the sequences", field="labels",
                            expected="one row of labels per sequence, one label per token")
        object.__setattr__(self, "labels", tuple(tuple(row) for row in labels))

    kind: ClassVar[str] = "dataset"

    def to_json(self) -> dict:
        return {"kind": "dataset", "sequences": self.as_lists(), "labels": [list(row) for row in self.labels]}

    @classmethod
    def from_json(cls, data) -> "Dataset":
        if not isinstance(data, dict) or data.get("kind") != "dataset":
            raise SpecError("target is not a dataset object", field="target")
        return cls(data.get("sequences"), data.get("labels"))


#: Target kind -> class (the :class:`Target` protocol's implementations).
TARGETS = {"polynomial": Polynomial, "maxout": MaxoutNet, "graph": GraphTarget, "sequences": Sequences,
           "dataset": Dataset}


def target_from_json(data):
    """A target from its JSON object, by its ``kind``.

    >>> target_from_json(MaxoutNet.tent(1).to_json()) == MaxoutNet.tent(1)
    True
    """
    if not isinstance(data, dict) or data.get("kind") not in TARGETS:
        raise SpecError("target is not an object with a known kind", field="target.kind",
                        expected=" | ".join(TARGETS))
    return TARGETS[data["kind"]].from_json(data)
