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
symtrans.errors.ExpressionError: in "__import__('os')": unknown function '__import__': no functions are allowed here (expected numbers, names, + - * /, integer powers ** and parentheses)
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from math import comb

from ._lazy import sympy

from ._flint import pairwise_sum
from .errors import ExpressionError, did_you_mean
from .exact import format_exact

__all__ = ["parse_expression", "parse_polynomial", "parse_relation", "FUNCTIONS", "CONSTANTS", "RELATIONS", "MAX_LENGTH", "MAX_POWER",
           "MAX_SUM_TERMS"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 100_000
#: Largest integer exponent accepted in ``a**n``.
MAX_POWER = 1000
_MAX_DEPTH = 200
#: Most terms a finite ``sum(body, k, lo, hi)`` may expand to.
MAX_SUM_TERMS = 100_000


def _relu(arg):
    return sympy.Max(arg, 0)


#: Functions a caller may allow, by name: SymPy's function of that name (resolved at parse time,
#: so that importing this module does not import SymPy), or a callable.
FUNCTIONS = {
    "exp": "exp",
    "sqrt": "sqrt",
    "max": "Max",
    "min": "Min",
    "abs": "Abs",
    "relu": _relu,
    "log": "log",
    "sin": "sin",
    "cos": "cos",
    # sum(body, k, lo, hi): a finite sum over the integers lo..hi, expanded exactly (a special form)
    "sum": None,
}

#: Named constants an expression may use (SymPy objects, made when first parsed).
CONSTANTS = ("pi",)

#: Relations :func:`parse_relation` reads, by Python operator.
RELATIONS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def parse_expression(text: str, variables, *, functions=(), divide_by_variables: bool = False,
                     constants=(), rational_powers: bool = False, bindings=None):
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
    constants : iterable of str
        Names from :data:`CONSTANTS` that may appear (``pi``).
    rational_powers : bool
        Allow any rational constant exponent (``m**(-1/2)``), not only small
        non-negative integers.
    bindings : dict, optional
        Names read as the given exact rationals (values of a proof step's symbols).

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
    >>> parse_expression("sum(1/k**2, k, 1, 3)", [], functions=["sum"])
    49/36
    """
    tree, walker = _walker(text, variables, functions, divide_by_variables, constants, rational_powers, bindings)
    return walker.visit(tree.body, 0)


def parse_polynomial(text: str, R, size_limit=None, max_length: int = MAX_LENGTH, names=None):
    """Parse a polynomial into python-flint's ``fmpq_mpoly`` ring ``R`` (its generators are the
    names allowed), without SymPy.

    The same restricted language as :func:`parse_expression` with no functions: numbers,
    ``names``, ``+ - *``, ``/`` by a nonzero constant, ``**`` by an integer from 0 to
    :data:`MAX_POWER`, and the same error messages.  ``size_limit(degree, terms)``, if given, is
    called with an upper bound on the degree and on the number of terms of each product and power
    *before* it is formed (it raises to refuse), so that ``(x + y + 1)**900`` is refused without
    being expanded.  Texts longer than ``max_length`` characters are refused.  ``names``, if given,
    maps the names the text may use to generators of ``R`` (a renaming, read as it is parsed).

    >>> import flint
    >>> parse_polynomial("(x + 1)**2 - x/2", flint.fmpq_mpoly_ctx.get(("x", "c"), "degrevlex"))
    x^2 + 3/2*x + 1
    >>> parse_polynomial("x/y", flint.fmpq_mpoly_ctx.get(("x", "y"), "degrevlex"))
    Traceback (most recent call last):
    ...
    symtrans.errors.ExpressionError: in "x/y": division by a non-constant 'y' (expected a constant divisor)
    """
    _check_text(text, max_length)
    walker = _PolynomialWalker(text.strip(), R, size_limit, names)
    try:
        tree = _syntax_tree(text)
    except RecursionError:  # Python's own parser nests a sum of thousands of terms too deeply
        pieces = _top_level_terms(text)
        if len(pieces) < 2:
            walker.fail("expression nested too deeply", expected=f"at most {_MAX_DEPTH} levels")
        return walker.add([parse_polynomial("".join(pieces[k:k + _PIECE]), R, size_limit, max_length, names)
                           for k in range(0, len(pieces), _PIECE)])
    return walker.visit(tree.body, 0)


#: Terms per piece when a long sum is read piece by piece.
_PIECE = 256


def _top_level_terms(text) -> list:
    """``text`` cut before each ``+`` or ``-`` that adds a term at the outermost level (found
    with Python's tokenizer), so that the pieces joined are ``text`` again.

    >>> _top_level_terms("x**2 - (y - 1)*3 + -z")
    ['x**2 ', '- (y - 1)*3 ', '+ -z']
    """
    import io
    import tokenize

    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    cuts, depth, previous = [0], 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            elif (tok.type == tokenize.OP and tok.string in ("+", "-") and depth == 0 and previous is not None
                  and (previous.type in (tokenize.NAME, tokenize.NUMBER) or previous.string in ")]}")):
                cuts.append(offsets[tok.start[0] - 1] + tok.start[1])
            if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                                tokenize.DEDENT, tokenize.ENDMARKER):
                previous = tok
    except (tokenize.TokenError, SyntaxError):
        return [text]
    return [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])]


def parse_relation(text: str, variables, **options):
    """Parse ``"lhs OP rhs"`` (one of ``== != < <= > >=``) into ``(lhs, op, rhs)``.

    The options are :func:`parse_expression`'s.

    >>> parse_relation("sum(k, k, 1, 4) <= 2*n", ["n"], functions=["sum"])
    (10, '<=', 2*n)
    >>> parse_relation("1 < 2 < 3", [])
    Traceback (most recent call last):
    ...
    symtrans.errors.ExpressionError: in "1 < 2 < 3": a relation compares exactly two sides (expected lhs OP rhs with OP one of == != < <= > >=)
    """
    tree, walker = _walker(text, variables, options.get("functions", ()), options.get("divide_by_variables", False),
                           options.get("constants", ()), options.get("rational_powers", False),
                           options.get("bindings"))
    node = tree.body
    expected = "lhs OP rhs with OP one of " + " ".join(RELATIONS.values())
    if not isinstance(node, ast.Compare):
        walker.fail("not a relation", expected=expected)
    if len(node.ops) != 1 or type(node.ops[0]) not in RELATIONS:
        walker.fail("a relation compares exactly two sides", expected=expected)
    return walker.visit(node.left, 0), RELATIONS[type(node.ops[0])], walker.visit(node.comparators[0], 0)


def _check_text(text, max_length=MAX_LENGTH):
    if not isinstance(text, str):
        raise ExpressionError(f"expression {text!r} is not a string", expected="a string")
    if max_length is not None and len(text) > max_length:
        raise ExpressionError(f"expression of {len(text)} characters is too long",
                              expected=f"at most {max_length}")


def _syntax_tree(text):
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        message, expected = _syntax_hint(text.strip(), exc)
        raise ExpressionError(f'in "{_short(text)}": {message}', expected=expected) from None


def _walker(text, variables, functions, divide_by_variables, constants, rational_powers, bindings=None):
    _check_text(text)
    names = {str(v): sympy.Symbol(str(v)) for v in variables}
    for c in constants:
        if c not in CONSTANTS:
            raise ExpressionError(f"constant {c!r} is not supported", expected=", ".join(CONSTANTS))
        names[c] = getattr(sympy, c)
    for name, value in (bindings or {}).items():
        names[str(name)] = sympy.Rational(value.numerator, value.denominator) if hasattr(value, "denominator") \
            else sympy.Rational(value)
    allowed = {}
    for f in functions:
        if f not in FUNCTIONS:
            raise ExpressionError(f"function {f!r} is not supported", expected=", ".join(FUNCTIONS))
        fn = FUNCTIONS[f]
        allowed[f] = getattr(sympy, fn) if isinstance(fn, str) else fn
    return _syntax_tree(text), _Walker(text.strip(), names, allowed, divide_by_variables, rational_powers)


_OPERATOR_END = re.compile(r"(\*\*|[-+*/^(,.])\s*$")
_SIDE_BY_SIDE = re.compile(r"([A-Za-z_0-9.]+|\))\s+([A-Za-z_(][A-Za-z_0-9]*|[0-9.]+)")


def _syntax_hint(s: str, exc: SyntaxError):
    """A syntax error as ``(message, expected)``: where it is (a 1-based column of the stripped
    text) and the usual fix.

    >>> _syntax_hint("x1**2 +", SyntaxError("invalid syntax"))
    ("the expression ends after '+' at column 7", 'an operand after it')
    >>> _syntax_hint("2 x1", SyntaxError("invalid syntax"))
    ('two operands side by side at column 3', 'an operator between them: 2*x1')
    >>> _syntax_hint("(x1 + 2", SyntaxError("'(' was never closed"))
    ("'(' at column 1 is never closed", "a ')'")
    """
    if not s:
        return "the expression is empty", "an arithmetic expression"
    opened = []
    for k, ch in enumerate(s, 1):
        if ch == "(":
            opened.append(k)
        elif ch == ")":
            if not opened:
                return f"')' at column {k} has no '('", "balanced parentheses"
            opened.pop()
    if opened:
        return f"'(' at column {opened[-1]} is never closed", "a ')'"
    end = _OPERATOR_END.search(s)
    if end:
        return f"the expression ends after {end.group(1)!r} at column {end.start(1) + 1}", "an operand after it"
    pair = _SIDE_BY_SIDE.search(s)
    if pair:
        return (f"two operands side by side at column {pair.start(2) + 1}",
                f"an operator between them: {pair.group(1)}*{pair.group(2)}")
    column = exc.offset or 1
    near = s[max(column - 1, 0):column + 4]
    detail = "" if exc.msg in ("invalid syntax", None) else f" ({exc.msg.split(';')[0]})"
    return f"syntax error at column {column}, near {near!r}{detail}", "an arithmetic expression"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


class _Walker:
    def __init__(self, source, names, functions, divide_by_variables, rational_powers=False):
        self.source = source
        self.rational_powers = rational_powers
        self.bound = set()  # the indices of the finite sums being read (integers, substituted afterwards)
        self.names = names
        self.functions = functions
        self.divide_by_variables = divide_by_variables

    def fail(self, message, expected=None):
        raise ExpressionError(f'in "{_short(self.source)}": {message}', expected=expected)

    def integer(self, value):
        return sympy.Integer(value)

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
            return self.integer(value)
        literal = ast.get_source_segment(self.source, node) or repr(value)
        try:
            hint = f"an exact rational: write {format_exact(Fraction(literal.replace('_', '')))}"
        except ValueError:
            hint = "an exact rational such as 3/4"
        self.fail(f"float literal {literal}", expected=hint)

    def visit_Name(self, node, depth):
        if node.id not in self.names:
            self.fail(f"unknown name {node.id!r}{did_you_mean(node.id, self.names)}",
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
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return self._sum(node, depth)
        return self.combine(node, self.visit(node.left, depth), self.visit(node.right, depth))

    def combine(self, node, left, right):
        """``left op right`` for the operators other than ``+`` and ``-``."""
        op = node.op
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right.free_symbols - self.bound and not self.divide_by_variables:
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"division by a non-constant {segment!r}", expected="a constant divisor")
            if right == 0:
                self.fail("division by zero", expected="a nonzero divisor")
            return left / right
        if isinstance(op, ast.Pow) and right.free_symbols and right.free_symbols <= self.bound:
            return left ** right  # an exponent in a sum's index: checked term by term
        if isinstance(op, ast.Pow) and self.rational_powers:
            if right.free_symbols or not right.is_Rational or max(abs(right.p), right.q) > MAX_POWER:
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"exponent {segment!r} is not a rational constant of at most {MAX_POWER} in size",
                          expected="a constant exponent such as -1/2")
            if left == 0 and right < 0:
                self.fail("0 to a negative power", expected="a nonzero base")
            return left ** right
        if isinstance(op, ast.Pow):
            if not (right.is_Integer and 0 <= int(right) <= MAX_POWER):
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"exponent {segment!r} is not an integer from 0 to {MAX_POWER}",
                          expected="a small non-negative integer exponent")
            return left ** int(right)
        if isinstance(op, ast.BitXor):
            segment = ast.get_source_segment(self.source, node)
            self.fail(f"'^' in {segment!r} is not a power", expected="** for powers, as in x1**2")
        self.fail(f"operator {type(op).__name__} is not allowed", expected="+ - * / **")

    def _sum(self, node, depth):
        """``a + b - c + ...``: Python's tree nests a sum of n terms n deep on its left; the whole
        sum is one level here, so a polynomial of thousands of terms is not "nested too deeply"."""
        parts = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            parts.append((node.op, node.right))
            node = node.left
        terms = [self.visit(node, depth)]
        for op, right in reversed(parts):
            value = self.visit(right, depth)
            terms.append(value if isinstance(op, ast.Add) else -value)
        return self.add(terms)

    def add(self, terms):
        return sympy.Add(*terms)

    def visit_Call(self, node, depth):
        if not isinstance(node.func, ast.Name):
            self.fail("only plain function calls are allowed", expected="name(arguments)")
        name = node.func.id
        if name not in self.functions:
            if not self.functions:
                self.fail(f"unknown function {name!r}: no functions are allowed here",
                          expected="numbers, names, + - * /, integer powers ** and parentheses")
            self.fail(f"unknown function {name!r}{did_you_mean(name, self.functions)}",
                      expected="one of: " + ", ".join(sorted(self.functions)))
        if node.keywords:
            self.fail(f"keyword arguments in {name}()", expected="positional arguments")
        if name == "sum":
            return self._finite_sum(node, depth)
        args = [self.visit(a, depth) for a in node.args]
        arity = {"exp": 1, "sqrt": 1, "abs": 1, "relu": 1, "log": 1, "sin": 1, "cos": 1}.get(name)
        if arity is not None and len(args) != arity:
            self.fail(f"{name}() takes {arity} argument, got {len(args)}")
        if arity is None and len(args) < 1:
            self.fail(f"{name}() needs at least one argument")
        return self.functions[name](*args)

    def _finite_sum(self, node, depth):
        """``sum(body, k, lo, hi)``: body with k = lo, lo + 1, ..., hi, added exactly."""
        usage = "sum(body, k, lo, hi) with k a new name and lo, hi integer constants"
        if len(node.args) != 4 or not isinstance(node.args[1], ast.Name):
            self.fail("sum() takes four arguments", expected=usage)
        k = node.args[1].id
        if k in self.names:
            self.fail(f"sum() index {k!r} is already a name", expected=usage)
        lo, hi = self.visit(node.args[2], depth), self.visit(node.args[3], depth)
        if not (lo.is_Integer and hi.is_Integer):
            self.fail("sum() bounds are not integer constants", expected=usage)
        if int(hi) - int(lo) + 1 > MAX_SUM_TERMS:
            self.fail(f"sum() of {int(hi) - int(lo) + 1} terms", expected=f"at most {MAX_SUM_TERMS} terms")
        symbol = sympy.Symbol(k)
        self.names[k] = symbol
        self.bound.add(symbol)
        try:
            body = self.visit(node.args[0], depth)
        finally:
            del self.names[k]
            self.bound.discard(symbol)
        terms = []
        for i in range(int(lo), int(hi) + 1):
            term = body.subs(symbol, sympy.Integer(i))
            if term.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or term.has(sympy.I):
                self.fail(f"sum() term at {k} = {i} is not a finite real number", expected="a finite term")
            terms.append(term)
        return sympy.Add(*terms)


class _PolynomialWalker(_Walker):
    """:class:`_Walker` building ``fmpq_mpoly`` values of one ring instead of SymPy expressions."""

    def __init__(self, source, R, size_limit, names=None):
        index = {n: k for k, n in enumerate(R.names())}
        if names is not None:
            index = {n: index[g] for n, g in names.items()}
        super().__init__(source, index, {}, False)
        self.R = R
        self.size_limit = size_limit or (lambda degree, terms: None)

    def integer(self, value):
        return self.R.constant(value)

    def visit_Name(self, node, depth):
        if node.id not in self.names:
            super().visit_Name(node, depth)  # the unknown-name message
        return self.R.gen(self.names[node.id])  # made on use: a ring may have thousands of names

    def add(self, terms):
        return pairwise_sum(terms)

    def combine(self, node, left, right):
        op = node.op
        if isinstance(op, ast.Mult):
            degree, terms = _degree(left) + _degree(right), len(left) * len(right)
            if terms > _FEW_TERMS:  # tighter, and dearer: the monomials the generators in use can make
                terms = min(terms, _dense_terms(degree, left, right))
            self.size_limit(degree, terms)
            return left * right
        if isinstance(op, ast.Div):
            if not right.is_constant():
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"division by a non-constant {segment!r}", expected="a constant divisor")
            if right.is_zero():
                self.fail("division by zero", expected="a nonzero divisor")
            return left / right.leading_coefficient()
        if isinstance(op, ast.Pow):
            n = right.leading_coefficient() if right.is_constant() and not right.is_zero() else None
            if not right.is_constant() or n is not None and (n.q != 1 or not 0 <= n.p <= MAX_POWER):
                segment = ast.get_source_segment(self.source, node.right)
                self.fail(f"exponent {segment!r} is not an integer from 0 to {MAX_POWER}",
                          expected="a small non-negative integer exponent")
            n, k = 0 if n is None else int(n.p), len(left)
            terms = 1 if k <= 1 or n == 0 else comb(n + k - 1, k - 1)
            if terms > _FEW_TERMS:
                terms = min(terms, _dense_terms(n * _degree(left), left))
            self.size_limit(n * _degree(left), terms)
            return left ** n
        return super().combine(node, left, right)  # '^' and the operators refused there


#: Below this many terms a product's size is not bounded more tightly (reading every generator's
#: degree costs as much as the ring has generators).
_FEW_TERMS = 1000


def _degree(p) -> int:
    return max(int(p.total_degree()), 0)


def _dense_terms(degree, *polys) -> int:
    """The number of monomials of total degree <= ``degree`` in the generators ``polys`` use."""
    used = sum(1 for e in zip(*(p.degrees() for p in polys)) if any(e))
    return comb(degree + used, used)
