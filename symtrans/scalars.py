"""Exact real constants: rigorous enclosures and decided signs, for proof steps and spectra.

A proof step ("the tail sum is at most C m^-(2a-1)", "sigma_1 = sqrt((7 + sqrt 33)/8)")
compares closed-form real numbers built from rationals with ``+ - * /``, rational
powers, ``sqrt``, ``exp``, ``log`` and ``pi`` (SymPy expressions, read by the restricted
parser of :mod:`symtrans.expr`).  Here such a number is

* **enclosed** with Arb balls (:func:`enclose`), every operation outward rounded by
  python-flint, so a ball that excludes 0 decides the sign;
* **zero-tested exactly** when the ball cannot exclude 0 (:func:`exact_zero`): a
  rational is compared exactly, an algebraic number through its minimal polynomial
  (which is ``x`` exactly when the number is 0); a transcendental number whose ball
  keeps 0 stays undecided: never a guess.

:func:`decide_sign` puts the two together: precision doubles from ``start`` until the
ball excludes 0 or ``max_prec`` is reached.

>>> import sympy
>>> x = sympy.sqrt(2 + sympy.sqrt(3)) - (sympy.sqrt(6) + sympy.sqrt(2)) / 2   # a denesting
>>> decide_sign(x)
(0, 64, 'exact: algebraic, minimal polynomial x')
>>> decide_sign(sympy.pi - sympy.Rational(22, 7))[0]
-1
>>> decide_sign(sympy.exp(sympy.log(5)) - 5)
(0, 0, 'exact: rational')
"""

from __future__ import annotations

from ._lazy import sympy

from ._flint import flint
from .budget import MAX_PRECISION
from .errors import SymtransError, Undecided
from .expr import parse_expression

__all__ = ["enclose", "exact_zero", "decide_sign", "arb_text", "parse_constant", "ipow"]

#: Deepest expression :func:`enclose` walks.
_MAX_DEPTH = 400


def enclose(expr, prec: int):
    """An Arb ball containing the real constant ``expr``, computed at ``prec`` bits.

    A power, logarithm or division whose base, argument or divisor this precision cannot show
    positive (nonzero) raises :class:`~symtrans.errors.Undecided`: more bits may decide it.

    >>> import sympy
    >>> b = enclose(sympy.sqrt(sympy.Rational(7, 8) + sympy.sqrt(33) / 8), 64)
    >>> b.contains(flint.arb("1.2621")) , b.contains(flint.arb("1.265"))
    (False, False)
    >>> enclose(sympy.Symbol("m"), 64)
    Traceback (most recent call last):
    ...
    symtrans.errors.SymtransError: the constant has a free symbol m (expected a closed-form real number: give every symbol a value)
    """
    with flint.ctx.workprec(prec):
        return _arb(sympy.sympify(expr), 0)


def _arb(e, depth):
    if depth > _MAX_DEPTH:
        raise SymtransError("a constant nested too deeply", expected=f"at most {_MAX_DEPTH} levels")
    if e.is_Rational:
        return flint.arb(flint.fmpq(int(e.p), int(e.q)))
    if e is sympy.pi:
        return flint.arb.pi()
    if e is sympy.E:
        return flint.arb(1).exp()
    if e.is_Symbol:
        raise SymtransError(f"the constant has a free symbol {e}", expected="a closed-form real number: "
                            "give every symbol a value")
    if isinstance(e, sympy.Add):
        total = flint.arb(0)
        for a in e.args:
            total += _arb(a, depth + 1)
        return total
    if isinstance(e, sympy.Mul):
        total = flint.arb(1)
        for a in e.args:
            total *= _arb(a, depth + 1)
        return total
    if isinstance(e, sympy.Pow):
        base, exponent = e.args
        b = _arb(base, depth + 1)
        if exponent.is_Integer:
            n = int(exponent)
            if n < 0:
                return _inverse(ipow(b, -n), e)
            return ipow(b, n)
        if exponent.is_Rational:
            if not b > 0:
                raise Undecided(f"{e}: a rational power of a base not certainly positive",
                                    expected="a positive base")
            return (b.log() * flint.arb(flint.fmpq(int(exponent.p), int(exponent.q)))).exp()
        if not b > 0:
            raise Undecided(f"{e}: a power of a base not certainly positive", expected="a positive base")
        return (b.log() * _arb(exponent, depth + 1)).exp()
    if isinstance(e, sympy.exp):
        return _arb(e.args[0], depth + 1).exp()
    if isinstance(e, sympy.log):
        a = _arb(e.args[0], depth + 1)
        if not a > 0:
            raise Undecided(f"{e}: log of a number not certainly positive", expected="a positive argument")
        return a.log()
    if isinstance(e, sympy.Abs):
        return abs(_arb(e.args[0], depth + 1))
    if isinstance(e, (sympy.Max, sympy.Min)):
        values = [_arb(a, depth + 1) for a in e.args]
        out = values[0]
        for v in values[1:]:
            out = out.max(v) if isinstance(e, sympy.Max) else out.min(v)
        return out
    raise SymtransError(f"cannot enclose {str(e)[:60]}",
                        expected="rationals, + - * /, powers, sqrt, exp, log, abs, max, min, pi")


def ipow(b, n: int):
    """``b ** n`` for an integer ``n >= 0`` by repeated squaring (python-flint's ``arb ** int`` gives nan
    for a ball containing 0).

    >>> ipow(flint.arb(0, 1), 2).contains(flint.arb(1)), ipow(flint.arb(3), 0)
    (True, 1.00000000000000)
    """
    out, base = flint.arb(1), b
    while n:
        if n & 1:
            out *= base
        base *= base
        n >>= 1
    return out


def _inverse(b, e):
    if b.contains(0):
        raise Undecided(f"{e}: division by a number not certainly nonzero", expected="a nonzero divisor")
    return 1 / b


def exact_zero(expr):
    """``True`` / ``False`` when ``expr == 0`` is decided exactly, else ``None``.

    Rationals are compared exactly; an algebraic number is 0 exactly when its minimal
    polynomial over Q is ``x``; anything else (``pi - 22/7``) is left to enclosures.

    >>> import sympy
    >>> exact_zero(sympy.sqrt(8) - 2 * sympy.sqrt(2)), exact_zero(sympy.sqrt(2) - 1), exact_zero(sympy.pi)
    (True, False, None)
    """
    e = sympy.sympify(expr)
    if e.is_Rational:
        return e == 0
    if e.has(sympy.exp, sympy.log, sympy.pi, sympy.E):
        return None
    try:
        x = sympy.Dummy("x")
        return sympy.minimal_polynomial(e, x) == x
    except (sympy.polys.polyerrors.NotAlgebraic, NotImplementedError, sympy.polys.polyerrors.PolynomialError):
        return None


def decide_sign(expr, max_prec: int = 4096, start: int = 64):
    """``(sign, precision, how)``: the sign (-1, 0, 1) of a real constant, or ``None`` if undecided.

    ``how`` says what decided it (``"exact: rational"``, ``"arb"``, the minimal polynomial).
    """
    e = sympy.sympify(expr)
    if e.is_Rational:
        return (0 if e == 0 else (1 if e > 0 else -1)), 0, "exact: rational"
    prec = max(2, min(start, max_prec, MAX_PRECISION))
    while True:
        try:
            ball = enclose(e, prec)
        except Undecided:  # a base or divisor whose sign this precision cannot tell: no sign yet
            ball = flint.arb(0, 1)
        if ball > 0:
            return 1, prec, "arb"
        if ball < 0:
            return -1, prec, "arb"
        if prec == 64 or prec >= max_prec:  # try the exact test once early, then once at the end
            zero = exact_zero(e)
            if zero:
                return 0, prec, "exact: algebraic, minimal polynomial x"
        if prec >= min(max_prec, MAX_PRECISION):
            return None, prec, "undecided"
        prec = min(prec * 2, max_prec, MAX_PRECISION)


def arb_text(expr, prec: int = 64, digits: int = 12) -> str:
    """A certified enclosure of a constant, as text: ``[lo +/- rad]``.

    >>> import sympy
    >>> arb_text(sympy.sqrt(2))
    '[1.41421356237 +/- 3.10e-12]'
    """
    return enclose(expr, prec).str(digits, radius=True)


def parse_constant(text, field: str = "value"):
    """A closed-form real constant from text (``"sqrt((7 + sqrt(33))/8)"``), by the restricted parser.

    >>> parse_constant("sqrt((7 + sqrt(33))/8)")
    sqrt(sqrt(33)/8 + 7/8)
    """
    try:
        return parse_expression(text, [], functions=["exp", "sqrt", "log", "abs", "max", "min"], constants=["pi"],
                                rational_powers=True)
    except SymtransError as exc:
        raise SymtransError(exc.message, field=field, expected=exc.expected) from None
