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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .errors import SpecError
from .exact import exact, format_exact
from .expr import parse_expression

__all__ = ["Polynomial", "monomials", "coefficient_name"]


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


@dataclass(frozen=True)
class Polynomial:
    """A polynomial target in ``variables``, coefficients exact (or parameter polynomials).

    Parameters
    ----------
    variables : sequence of str
    expr : sympy.Expr
        Polynomial in ``variables`` whose coefficients are rationals or
        polynomials in ``parameters``.
    parameters : sequence of str

    Examples
    --------
    >>> Polynomial.parse("(x + 1)**2", ["x"]).to_json()
    {'kind': 'polynomial', 'variables': ['x'], 'parameters': [], 'expr': 'x**2 + 2*x + 1'}
    """

    variables: tuple
    expr: object
    parameters: tuple = ()
    _poly: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        variables = tuple(str(v) for v in self.variables)
        parameters = tuple(str(p) for p in self.parameters)
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "parameters", parameters)
        if not variables:
            raise SpecError("a polynomial target needs at least one variable", field="variables")
        if len(set(variables)) != len(variables) or set(variables) & set(parameters):
            raise SpecError("variable and parameter names must be distinct", field="variables")
        expr = sympy.expand(sympy.sympify(self.expr) if not isinstance(self.expr, sympy.Basic) else self.expr)
        allowed = {sympy.Symbol(n) for n in variables + parameters}
        extra = expr.free_symbols - allowed
        if extra:
            raise SpecError(f"unknown name {sorted(map(str, extra))[0]!r} in the target", field="expr",
                            expected="one of the declared variables " + ", ".join(variables))
        exact(expr if expr.free_symbols else expr, "target")
        poly = sympy.Poly(expr, *[sympy.Symbol(v) for v in variables])
        object.__setattr__(self, "expr", expr)
        object.__setattr__(self, "_poly", poly)

    @classmethod
    def parse(cls, text: str, variables, parameters=()) -> "Polynomial":
        """Parse ``text`` with the restricted parser (numbers, variables, + - * /const, integer powers)."""
        return cls(tuple(variables), parse_expression(text, list(variables) + list(parameters)),
                   tuple(parameters))

    @classmethod
    def general(cls, d: int, degree: int, variables=None) -> "Polynomial":
        """``sum_alpha c_alpha x^alpha`` over all ``|alpha| <= degree``: every such polynomial at once."""
        variables = tuple(variables or [f"x{i + 1}" for i in range(d)])
        xs = [sympy.Symbol(v) for v in variables]
        terms, names = [], []
        for alpha in monomials(d, degree):
            c = sympy.Symbol(coefficient_name(alpha))
            names.append(str(c))
            terms.append(c * sympy.Mul(*[x ** a for x, a in zip(xs, alpha)]))
        return cls(variables, sympy.Add(*terms), tuple(names))

    def in_variables(self, names):
        """The expression with the variables renamed to ``names`` (matched by position).

        >>> Polynomial.parse("a*b**2", ["a", "b"]).in_variables(["x1", "x2"])
        x1*x2**2
        """
        names = list(names)
        if len(names) != len(self.variables):
            raise SpecError(f"the target has {len(self.variables)} variables, the graph's inputs have "
                            f"{len(names)}", field="variables", expected=f"{len(names)} variables")
        clash = set(names) & set(self.parameters)
        if clash:
            raise SpecError(f"target parameter {sorted(clash)[0]!r} is also an input variable",
                            field="parameters")
        return self.expr.xreplace({sympy.Symbol(t): sympy.Symbol(g) for t, g in zip(self.variables, names)})

    @property
    def degree(self) -> int:
        """Total degree in the variables (``-1`` for the zero polynomial)."""
        return -1 if self._poly.is_zero else int(self._poly.total_degree())

    def coefficients(self) -> dict:
        """Exponent tuple -> exact coefficient (Fraction, or a parameter polynomial)."""
        return {tuple(int(e) for e in m): exact(c) for m, c in self._poly.terms()}

    def to_json(self) -> dict:
        return {"kind": "polynomial", "variables": list(self.variables), "parameters": list(self.parameters),
                "expr": format_exact(self.expr)}

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
