"""A restricted parser for the expressions users write in files.

Strings such as ``"x1**2*x2 - 3/4*x2 + 1"`` (targets), ``"2*c0 - 1/3"``
(parametric weights) or ``"exp(-2*r)"`` (kernel formulas) are parsed here and
only here.  The parser walks Python's own syntax tree and accepts a small
whitelist: integers (a rational is written ``3/4``; float literals are refused), the names
the caller allows, ``+ - *``, ``/`` (by constants unless the caller allows
more), ``**`` with a small non-negative integer exponent, parentheses, and
calls of the functions the caller allows.  Nothing is ever passed to
``eval`` or to ``sympify``; the SymPy expression is built node by node.

>>> from symtrans.expr import parse_expression
>>> parse_expression("x1**2*x2 - 3/4*x2 + 1", variables=["x1", "x2"])
x1**2*x2 - 3*x2/4 + 1
>>> parse_expression("0.1*x", variables=["x"])
Traceback (most recent call last):
...
symtrans.errors.ExpressionError: in "0.1*x": float literal 0.1 (expected an exact rational: write 1/10)
>>> parse_expression("__import__('os')", variables=["x"])
Traceback (most recent call last):
...
symtrans.errors.ExpressionError: in "__import__('os')": unknown function '__import__' (expected one of: none allowed here)
"""

from __future__ import annotations

import ast
from fractions import Fraction

import sympy

from .errors import ExpressionError
from .exact import format_exact

__all__ = ["parse_expression", "FUNCTIONS", "MAX_LENGTH", "MAX_POWER"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 100_000
#: Largest integer exponent accepted in ``a**n``.
MAX_POWER = 1000
_MAX_DEPTH = 200


def _relu(arg):
    return sympy.Max(arg, 0)


#: Functions a caller may allow, by name.
FUNCTIONS = {
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "max": sympy.Max,
    "min": sympy.Min,
    "abs": sympy.Abs,
    "relu": _relu,
}


def parse_expression(text: str, variables, *, functions=(), divide_by_variables: bool = False):
    """Parse ``text`` into a SymPy expression over the allowed ``variables``.

    Parameters
    ----------
    text : str
        The expression.
    variables : iterable of str
        Names that may appear; each becomes a SymPy ``Symbol`` of that name.
    functions : iterable of str
        Names from :data:`FUNCTIONS` that may be called.
    divide_by_variables : bool
        Allow ``/`` with a non-constant divisor (kernel formulas); otherwise
        only division by a nonzero constant is accepted.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> parse_expression("max(x, 0) - min(x, 1)", ["x"], functions=["max", "min"])
    Max(0, x) - Min(1, x)
    >>> parse_expression("x/y", ["x", "y"])
    Traceback (most recent call last):
    ...
    symtrans.errors.ExpressionError: in "x/y": division by a non-constant 'y' (expected a constant divisor)
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression {text!r} is not a string", expected="a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression of {len(text)} characters is too long",
                              expected=f"at most {MAX_LENGTH}")
    names = {str(v): sympy.Symbol(str(v)) for v in variables}
    allowed = {}
    for f in functions:
        if f not in FUNCTIONS:
            raise ExpressionError(f"function {f!r} is not supported", expected=", ".join(FUNCTIONS))
        allowed[f] = FUNCTIONS[f]
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        detail = "" if exc.msg in ("invalid syntax", None) else f" ({exc.msg.split(';')[0]})"
        raise ExpressionError(f'in "{_short(text)}": syntax error at column {exc.offset or 0}{detail}',
                              expected="an arithmetic expression") from None
    walker = _Walker(text.strip(), names, allowed, divide_by_variables)
    return walker.visit(tree.body, 0)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


class _Walker:
    def __init__(self, source, names, functions, divide_by_variables):
        self.source = source
        self.names = names
        self.functions = functions
        self.divide_by_variables = divide_by_variables

    def fail(self, message, expected=None):
        raise ExpressionError(f'in "{_short(self.source)}": {message}', expected=expected)

    def visit(self, node, depth):
        if depth > _MAX_DEPTH:
            self.fail("expression nested too deeply", expected=f"at most {_MAX_DEPTH} levels")
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            self.fail(f"{type(node).__name__.lower()} is not allowed",
                      expected="numbers, variables, + - * /, integer powers, parentheses, calls")
        return method(node, depth + 1)

    def visit_Constant(self, node, depth):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"constant {value!r} is not a number", expected="a number")
        if isinstance(value, int):
            return sympy.Integer(value)
        literal = ast.get_source_segment(self.source, node) or repr(value)
        try:
            hint = f"an exact rational: write {format_exact(Fraction(literal.replace('_', '')))}"
        except ValueError:
            hint = "an exact rational such as 3/4"
        self.fail(f"float literal {literal}", expected=hint)

    def visit_Name(self, node, depth):
        if node.id not in self.names:
            self.fail(f"unknown name {node.id!r}",
                      expected="one of: " + (", ".join(sorted(self.names)) or "no names allowed here"))
        return self.names[node.id]

    def visit_UnaryOp(self, node, depth):
        operand = self.visit(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        self.fail(f"operator {type(node.op).__name__} is not allowed", expected="+ or -")

    def visit_BinOp(self, node, depth):
        left = self.visit(node.left, depth)
        right = self.visit(node.right, depth)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right.free_symbols and not self.divide_by_variables:
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"division by a non-constant {segment!r}", expected="a constant divisor")
            if right == 0:
                self.fail("division by zero", expected="a nonzero divisor")
            return left / right
        if isinstance(op, ast.Pow):
            if not (right.is_Integer and 0 <= int(right) <= MAX_POWER):
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"exponent {segment!r} is not an integer from 0 to {MAX_POWER}",
                          expected="a small non-negative integer exponent")
            return left ** int(right)
        self.fail(f"operator {type(op).__name__} is not allowed", expected="+ - * / **")

    def visit_Call(self, node, depth):
        if not isinstance(node.func, ast.Name):
            self.fail("only plain function calls are allowed", expected="name(arguments)")
        name = node.func.id
        if name not in self.functions:
            self.fail(f"unknown function {name!r}",
                      expected="one of: " + (", ".join(sorted(self.functions)) or "none allowed here"))
        if node.keywords:
            self.fail(f"keyword arguments in {name}()", expected="positional arguments")
        args = [self.visit(a, depth) for a in node.args]
        arity = {"exp": 1, "sqrt": 1, "abs": 1, "relu": 1}.get(name)
        if arity is not None and len(args) != arity:
            self.fail(f"{name}() takes {arity} argument, got {len(args)}")
        if arity is None and len(args) < 1:
            self.fail(f"{name}() needs at least one argument")
        return self.functions[name](*args)
