"""Corollary 1's kernel condition as an expansion in the key scale ``t`` (shared, trusted).

For a kernel ``k(q, k) = exp(P) * Q`` with ``P`` and ``Q`` polynomials in the kernel variables
(``s = q.k``, ``r = |q - k|^2``, ``qq = |q|^2``, ``kk = |k|^2``), put ``q = x`` and ``k = t W y``:
``log k(x, tWy) = P(t) + log Q(t)`` with ``P`` a polynomial in ``t``.  The difference
``D(t) = log k(x, tWy1) - log k(x, tWy2)`` is ``sum_m (c_m(y1) - c_m(y2)) t^m`` plus
``log Q(x, tWy1) / Q(x, tWy2)``, which is ``O(log t)``.  So if some coefficient difference
``Delta_m`` with ``m >= 1`` is a nonzero polynomial (in the entries of ``x``, ``W``, ``y1``, ``y2``),
the highest such ``m`` dominates, ``D(t) -> +-infinity`` and the ratio tends to 0 or infinity for
every ``W`` off the zero set of ``Delta_m``: a proper algebraic set, of measure zero.  Nonzero is
shown by an exact rational point where ``Delta_m`` does not vanish.  When every ``Delta_m``
(``m >= 1``) is identically 0, the limit is decided by ``Q`` alone (finite when the degrees agree):
the expansion says nothing, and the verdict is UNKNOWN, never a guess.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..._lazy import sympy

from ..._flint import flint
from ...backends import IntervalBackend
from ...errors import SpecError, SymtransError
from ...expr import parse_expression
from ...scalars import ipow

__all__ = ["variables", "split", "sum_growth", "expansion", "leading_difference", "witness", "evaluate_at", "fixed_point", "restricted",
           "exponent_terms", "vanishing_terms", "box_certifies"]

def _T():
    """The auxiliary symbol "t" (SymPy is imported on first use)."""
    return sympy.Symbol("t")
_VARS = ("s", "r", "qq", "kk")
_EXTRA = ("wq", "wk")  # w.q and w.k for the claim's fixed vector w


def variables(m=0):
    """The names a kernel may use: ``s, r, qq, kk, wq, wk`` and ``oq1, ok1 .. oqm, okm`` (``omega_j . q``,
    ``omega_j . k`` for the claim's ``m`` fixed features)."""
    return _VARS + _EXTRA + tuple(f"o{side}{j}" for j in range(1, m + 1) for side in "qk")


def _parse(formula, m):
    try:
        return parse_expression(formula, variables(m), functions=["exp"])
    except SymtransError as exc:
        raise SpecError(exc.message, field="kernel", expected=exc.expected) from None


def _exp_sum(e):
    """The exponents of ``e = exp(A_1) + exp(A_2) + ...`` (two or more terms), or None."""
    if not isinstance(e, sympy.Add) or not all(isinstance(a, sympy.exp) for a in e.args):
        return None
    return [sympy.expand(a.args[0]) for a in e.args]


def split(formula, m=0):
    """``(P, Q, sums)`` with ``kernel = exp(P) * Q * prod(sum_j exp(A_j))``: ``P`` and ``Q`` polynomials in
    the kernel variables, ``sums`` the exponent lists ``[A_1, A_2, ...]`` of factors that are sums of
    exponentials (Performer's ``sum_j exp(omega_j . (q + k))``); ``None`` for a kernel that *is* a sum
    of exponentials; refused otherwise."""
    e = _parse(formula, m)
    if isinstance(e, sympy.Add) and any(a.has(sympy.exp) for a in e.args):
        return None  # a sum of exponentials: see exponent_terms
    P, Q, sums = sympy.Integer(0), sympy.Integer(1), []
    for f in sympy.Mul.make_args(e):
        if isinstance(f, sympy.exp):
            P += f.args[0]
        elif isinstance(f, sympy.Pow) and isinstance(f.base, sympy.exp) and f.exp.is_Integer:
            P += f.exp * f.base.args[0]
        elif (terms := _exp_sum(f)) is not None:
            sums.append(terms)
        else:
            Q *= f
    symbols = [sympy.Symbol(v) for v in variables(m)]
    for part, what in ((P, "the exponent"), (Q, "the factor outside exp"),
                       *((A, "an exponent of a sum") for terms in sums for A in terms)):
        if part.has(sympy.exp) or not part.is_polynomial(*symbols):
            raise SpecError(f"{what} of {formula!r} is not a polynomial in s, r, qq, kk", field="kernel",
                            expected="a kernel exp(P) * Q * (exp(A1) + exp(A2) + ...) with P, Q, A polynomials")
    return sympy.expand(P), sympy.expand(Q), sums


def _vectors(d):
    x = sympy.Matrix(sympy.symbols(f"x1:{d + 1}"))
    y1 = sympy.Matrix(sympy.symbols(f"a1:{d + 1}"))
    y2 = sympy.Matrix(sympy.symbols(f"b1:{d + 1}"))
    W = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"w{i + 1}{j + 1}"))
    return x, y1, y2, W


def _substitute(P, x, key, w=None, omega=()):
    s, r, qq, kk = (sympy.Symbol(v) for v in _VARS)
    diff = x - key
    subs = {s: (x.T * key)[0], r: (diff.T * diff)[0], qq: (x.T * x)[0], kk: (key.T * key)[0]}
    if w is not None:
        wq, wk = (sympy.Symbol(v) for v in _EXTRA)
        subs.update({wq: (w.T * x)[0], wk: (w.T * key)[0]})
    for j, row in enumerate(omega or (), start=1):
        o = _rational_vector(row)
        subs.update({sympy.Symbol(f"oq{j}"): (o.T * x)[0], sympy.Symbol(f"ok{j}"): (o.T * key)[0]})
    return sympy.expand(P.xreplace(subs))


def _rational_vector(v):
    return sympy.Matrix([sympy.Rational(q.numerator, q.denominator) for q in v]) if v else None


def expansion(P, d, w=None, omega=()):
    """``{m: Delta_m}``: the coefficient differences of ``t^m`` (``m >= 1``) between the keys ``y1`` and ``y2``."""
    x, y1, y2, W = _vectors(d)
    wv = _rational_vector(w)
    D = _substitute(P, x, _T() * W * y1, wv, omega) - _substitute(P, x, _T() * W * y2, wv, omega)
    poly = sympy.Poly(sympy.expand(D), _T())
    return {m: sympy.expand(c) for (m,), c in poly.terms() if m >= 1}


def leading_difference(P, d, w=None, point=None, omega=()):
    """``(m, Delta_m)`` for the highest ``m >= 1`` with ``Delta_m`` not identically 0 (after the fixed keys
    ``point`` are substituted), or ``(None, 0)``."""
    terms = {m: restricted(c, point) for m, c in expansion(P, d, w, omega).items()}
    terms = {m: c for m, c in terms.items() if c != 0}
    if not terms:
        return None, sympy.Integer(0)
    m = max(terms)
    return m, terms[m]


def sum_growth(sums, d, w=None, point=None, omega=()):
    """The highest power of ``t`` in any exponent of a sum factor, for either key (0 without sums).

    ``sum_j exp(A_j)`` lies between ``exp(max_j A_j)`` and ``m exp(max_j A_j)``, so its log is at most
    ``max_j |A_j| + log m``: ``O(t^e)`` with this ``e``.  A coefficient difference of a higher power
    dominates it."""
    x, y1, y2, W = _vectors(d)
    wv = _rational_vector(w)
    e = 0
    for terms in sums:
        for A in terms:
            for y in (y1, y2):
                value = restricted(_substitute(A, x, _T() * W * y, wv, omega), point)
                e = max(e, sympy.Poly(value, _T()).degree() if value != 0 else 0)
    return e


def evaluate_at(expr, point):
    return expr.xreplace({sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in point.items()})


def witness(delta, d, fixed=None):
    """A small rational point (``x, W, y1, y2``; ``fixed`` values kept) where ``delta`` is nonzero, or None."""
    names = sorted((str(s) for s in delta.free_symbols), key=str)
    fixed = dict(fixed or {})
    free = [n for n in names if n not in fixed]
    for values in itertools.islice(itertools.product((1, 2, -1, 3), repeat=len(free)), 20000):
        point = {**fixed, **{n: Fraction(v) for n, v in zip(free, values)}}
        if evaluate_at(delta, point) != 0:
            return point
    return None


def fixed_point(data):
    """The claim's fixed keys as symbol values (``x1.., a1.. (y1), b1.. (y2)``), or ``{}``."""
    out = {}
    for name, prefix in (("x", "x"), ("y1", "a"), ("y2", "b")):
        for i, v in enumerate(getattr(data, name) or ()):
            out[f"{prefix}{i + 1}"] = v
    return out


def restricted(delta, point):
    """``delta`` with the fixed keys substituted (a polynomial in the entries of ``W``)."""
    return sympy.expand(evaluate_at(delta, point)) if point else delta


# -- sums of exponentials: a finite limit on an open set of W refutes "for almost every W" ----------------


def exponent_terms(formula, m=0):
    """The exponents ``[P_1, P_2, ...]`` of a kernel ``exp(P_1) + exp(P_2) + ...`` (variables s, r, qq, kk,
    wq = w.q, wk = w.k, oqj, okj), or None when it is not such a sum."""
    return _exp_sum(_parse(formula, m))


def _term_in_t(P, x, key, w, omega=()):
    return sympy.Poly(_substitute(P, x, key, w, omega), _T())


def vanishing_terms(exponents, d, x, y1, y2, w, omega=()):
    """``(leading coefficients that must be < 0, surviving exponents for y1, for y2)``.

    Each exponent, with ``q = x`` and ``k = t W y``, is a polynomial in ``t`` whose coefficients are
    polynomials in the entries of ``W``.  Where every ``t``-dependent exponent has a negative leading
    coefficient its term vanishes as ``t`` grows, and the kernel tends to the sum of ``exp`` of the
    ``t``-free exponents (the surviving ones).
    """
    X, wv, Wm = _rational_vector(x), _rational_vector(w), _vectors(d)[3]
    negative, surviving = [], []
    for y in (y1, y2):
        Y = _rational_vector(y)
        kept = []
        for P in exponents:
            poly = _term_in_t(P, X, _T() * Wm * Y, wv, omega)
            if poly.degree() >= 1:
                negative.append(sympy.expand(poly.LC()))
            else:
                kept.append(sympy.expand(poly.as_expr()))
        surviving.append(kept)
    return negative, surviving[0], surviving[1]


def box_certifies(negative, kept1, kept2, box, prec=128):
    """On the box of W entries (``{name: (lo, hi)}``) every leading coefficient is certainly < 0 (Arb),
    and both keys keep the same nonempty terms: the ratio then tends to 1 on the whole box."""
    if not kept1 or kept1 != kept2:
        return False
    ib = IntervalBackend(prec=prec)  # each side [lo, hi] as a ball, rounded outward
    balls = {sympy.Symbol(k): ib.scalar_at(prec, (lo, hi)) for k, (lo, hi) in box.items()}
    with flint.ctx.workprec(prec):
        return all(_arb_poly(c, balls) < 0 for c in negative)


def _arb_poly(expr, balls):
    """A polynomial with rational coefficients evaluated on Arb balls (rigorous)."""
    total = flint.arb(0)
    for term in sympy.Add.make_args(sympy.expand(expr)):
        coeff, rest = term.as_coeff_Mul()
        value = flint.arb(flint.fmpq(int(coeff.p), int(coeff.q)))
        for f in sympy.Mul.make_args(rest):
            if f == 1:
                continue
            base, power = f.as_base_exp()
            value *= ipow(balls[base], int(power))
        total += value
    return total
