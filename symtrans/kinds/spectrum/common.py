"""The exact spectrum of a separable coupling: Gram matrices, characteristic polynomial, isolated roots.

Shared by the ``spectrum`` prover and checker (the trusted base).

A coupling ``rho(u, v) = sum_ij C_ij a_i(u) b_j(v)`` on ``L^2[0,1] x L^2[0,1]`` has the singular
values ``sigma_k = sqrt(lambda_k)``, ``lambda_k`` the eigenvalues of ``M = C G_b C^T G_a`` with the
Gram matrices ``G_a = int a a^T``, ``G_b = int b b^T`` (``M`` is similar to the positive
semi-definite ``G_a^1/2 C G_b C^T G_a^1/2``, so the ``lambda_k`` are real and ``>= 0``).

Basis functions are polynomials in the variable, or trigonometric polynomials of period 1
(``sin(2*pi*k*u)``, ``cos(2*pi*k*u)``, integer ``k``); their Gram matrices are integrated exactly:
a trigonometric polynomial is a Laurent polynomial in ``z = e^(2 pi i u)`` and its integral over
``[0, 1]`` is the coefficient of ``z^0``.  The characteristic polynomial of ``M`` is exact
(python-flint ``fmpq_mat.charpoly``), factored over Q, and its roots are isolated by Arb
(``fmpz_poly.complex_roots``, rigorous balls).

>>> import sympy
>>> u = sympy.Symbol("u")
>>> integral(sympy.sin(2 * sympy.pi * u) ** 4, "u"), integral(u ** 2, "u")
(Fraction(3, 8), Fraction(1, 3))
"""

from __future__ import annotations

from fractions import Fraction

from ..._lazy import sympy

from ..._flint import flint
from ...errors import SpecError, Undecided
from ...expr import parse_expression
from ...scalars import enclose, exact_zero, parse_constant

__all__ = ["basis", "integral", "gram", "operator", "charpoly_roots", "kernel_matches", "grams", "exact_operator",
           "decide"]

def _Z():
    """The auxiliary symbol "_z" (SymPy is imported on first use)."""
    return sympy.Symbol("_z")


def basis(texts, variable, field):
    """Parse basis functions of one variable (polynomials, or sin / cos of ``2*pi*k*variable``)."""
    out = []
    for i, text in enumerate(texts):
        try:
            e = parse_expression(text, [variable], functions=["sin", "cos"], constants=["pi"])
        except SpecError as exc:
            raise SpecError(exc.message, field=f"{field}[{i}]", expected=exc.expected) from None
        if e.has(sympy.sin, sympy.cos):
            _laurent(e, {variable: _Z()}, f"{field}[{i}]")  # refuses what cannot be integrated exactly
        elif e.has(sympy.pi):
            raise SpecError("pi outside sin/cos", field=f"{field}[{i}]", expected="a polynomial with rational coefficients")
        out.append(e)
    return out


def _frequency(arg, variables, where):
    """``arg = 2 pi (k_1 v_1 + ...)`` with integers ``k``: the map variable -> k."""
    ks = {}
    rest = sympy.expand(arg / (2 * sympy.pi))
    for v in variables:
        k = rest.coeff(sympy.Symbol(v))
        if not k.is_Integer:
            raise SpecError(f"sin/cos of {arg}: not 2*pi times an integer multiple of {v}", field=where,
                            expected="sin(2*pi*k*u) or cos(2*pi*k*u) with an integer k")
        ks[v] = int(k)
        rest -= k * sympy.Symbol(v)
    if sympy.simplify(rest) != 0:
        raise SpecError(f"sin/cos of {arg} has a phase", field=where, expected="no constant phase")
    return ks


def _laurent(e, zs, where):
    """``e`` as a Laurent polynomial in the ``z_v = e^(2 pi i v)`` (coefficients in Q(i)), or refuse."""
    def monomial(ks):
        out = sympy.Integer(1)
        for v, k in ks.items():
            out *= zs[v] ** k
        return out

    def walk(x):
        if isinstance(x, (sympy.sin, sympy.cos)):
            ks = _frequency(x.args[0], list(zs), where)
            p, m = monomial(ks), monomial({v: -k for v, k in ks.items()})
            return (p - m) / (2 * sympy.I) if isinstance(x, sympy.sin) else (p + m) / 2
        if x.is_Symbol:
            if str(x) in zs:
                raise SpecError(f"{str(e)[:60]} mixes {x} with sin/cos or is not periodic", field=where,
                                expected="a trigonometric polynomial of period 1, or a polynomial")
            raise SpecError(f"unknown symbol {x}", field=where)
        if x.is_Rational or x is sympy.pi:
            if x is sympy.pi:
                raise SpecError("pi outside sin/cos", field=where, expected="2*pi*k*u only inside sin/cos")
            return x
        if isinstance(x, sympy.Add):
            return sympy.Add(*[walk(a) for a in x.args])
        if isinstance(x, sympy.Mul):
            return sympy.Mul(*[walk(a) for a in x.args])
        if isinstance(x, sympy.Pow) and x.exp.is_Integer and x.exp >= 0:
            return walk(x.base) ** int(x.exp)
        raise SpecError(f"cannot integrate {str(x)[:60]} exactly", field=where,
                        expected="polynomials, or sums of products of sin/cos(2*pi*k*u)")
    return sympy.expand(walk(e))


def integral(e, variable, where="basis"):
    """``int_0^1 e`` exactly, for a polynomial or a period-1 trigonometric polynomial in ``variable``."""
    v = sympy.Symbol(variable)
    if not e.has(sympy.sin, sympy.cos):
        poly = sympy.Poly(e, v)
        total = sum((sympy.Rational(c) / (m[0] + 1) for m, c in poly.terms()), sympy.Integer(0))
        return Fraction(int(total.p), int(total.q))
    value = sympy.expand(sympy.expand(_laurent(e, {variable: _Z()}, where)).coeff(_Z(), 0))
    if not value.is_Rational:
        raise SpecError(f"the integral of {str(e)[:60]} is not rational", field=where)
    return Fraction(int(value.p), int(value.q))


def gram(functions, variable, where):
    """``[int_0^1 f_i f_j]`` exactly, as Fractions; refused if singular (dependent basis functions)."""
    n = len(functions)
    G = [[integral(sympy.expand(functions[i] * functions[j]), variable, where) for j in range(n)] for i in range(n)]
    positive_definite(G, where)
    return G


def positive_definite(G, where):
    """Refuse a matrix that is not symmetric positive definite (Sylvester: leading minors > 0)."""
    n = len(G)
    if any(len(r) != n for r in G):
        raise SpecError(f"a {n} x {len(G[0]) if G else 0} Gram matrix", field=where, expected="a square matrix")
    if any(G[i][j] != G[j][i] for i in range(n) for j in range(n)):
        raise SpecError("a Gram matrix that is not symmetric", field=where, expected="a symmetric matrix")
    M = flint.fmpq_mat(n, n, [_q(x) for r in G for x in r])
    for k in range(1, n + 1):
        minor = flint.fmpq_mat(k, k, [M[i, j] for i in range(k) for j in range(k)])
        if not minor.det() > 0:
            raise SpecError("a Gram matrix that is not positive definite (dependent basis functions?)",
                            field=where, expected="linearly independent functions / a positive definite matrix")


def _q(x):
    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def operator(C, G_left, G_right):
    """``M = C G_right C^T G_left`` (exact ``fmpq_mat``): its eigenvalues are the squared singular values."""
    p, q = len(C), len(C[0])
    if len(G_left) != p or len(G_right) != q:
        raise SpecError(f"coefficients {p} x {q} with Gram matrices {len(G_left)} and {len(G_right)} wide",
                        field="coefficients", expected="one row per left function, one column per right function")
    Cm = flint.fmpq_mat(p, q, [_q(x) for r in C for x in r])
    Gl = flint.fmpq_mat(p, p, [_q(x) for r in G_left for x in r])
    Gr = flint.fmpq_mat(q, q, [_q(x) for r in G_right for x in r])
    return Cm * Gr * Cm.transpose() * Gl


def charpoly_roots(M, prec):
    """``(charpoly, [(root ball (real arb), irreducible factor as fmpz_poly, 1)], nonzero rank)``.

    Roots are sorted from the largest and repeated by multiplicity; zero roots are dropped (they are
    the rank deficiency).
    """
    chi = M.charpoly()
    _, factors = chi.factor()
    roots = []
    with flint.ctx.workprec(prec):
        for f, mult in factors:
            fz = f.numer()
            if fz.degree() == 1 and fz.coeffs()[0] == 0:
                continue  # the factor x: zero eigenvalues
            for ball, m in fz.complex_roots():
                roots.extend([(ball.real, fz, 1)] * (mult * m))  # one entry per multiplicity
    roots.sort(key=lambda r: -float(r[0].mid()))
    rank = len(roots)
    return chi, roots, rank


def kernel_matches(kernel_text, C, left, right, where="kernel"):
    """Whether ``kernel(u, v) == sum C_ij a_i(u) b_j(v)`` exactly (both as Laurent polynomials in two variables)."""
    try:
        k = parse_expression(kernel_text, ["u", "v"], functions=["sin", "cos"], constants=["pi"])
    except SpecError as exc:
        raise SpecError(exc.message, field=where, expected=exc.expected) from None
    zu, zv = sympy.Symbol("_zu"), sympy.Symbol("_zv")
    zs = {"u": zu, "v": zv}
    total = sympy.Add(*[sympy.Rational(C[i][j].numerator, C[i][j].denominator) * a * b
                        for i, a in enumerate(left) for j, b in enumerate(right) if C[i][j]])
    difference = sympy.expand(k - total)
    if difference.has(sympy.sin, sympy.cos):  # a Laurent polynomial in e^(2 pi i u), e^(2 pi i v): canonical
        difference = _laurent(difference, zs, where)
    return sympy.expand(difference) == 0


def _sym(q):
    return sympy.Rational(int(q.p), int(q.q)) if hasattr(q, "p") else sympy.Rational(q.numerator, q.denominator)


def grams(data):
    """The two Gram matrices a claim's data gives (computed from bases, given, or the identity)."""
    return _sides(data)[0]


def _sides(data):
    """``((G_left, G_right), (left functions, right functions))``, each basis parsed once."""
    C = data.coefficients
    left = _gram_side(data.left, data.gram_left, len(C), "u", "left")
    right = _gram_side(data.right, data.gram_right, len(C[0]), "v", "right")
    return (left[0], right[0]), (left[1], right[1])


def _gram_side(functions, given, size, variable, side):
    if functions:
        parsed = basis(functions, variable, side)
        return gram(parsed, variable, side), parsed
    if given:
        G = [list(r) for r in given]
        positive_definite(G, f"gram_{side}")
        return G, None
    return [[Fraction(int(i == j)) for j in range(size)] for i in range(size)], None


def exact_operator(data):
    """``M = C G_b C^T G_a`` (exact), after checking a claimed kernel against its expansion.

    It does not depend on the precision: the prover computes it once for all its precisions.
    """
    (G_left, G_right), (left, right) = _sides(data)
    if data.kernel and not kernel_matches(data.kernel, data.coefficients, left, right):
        raise SpecError(f"the kernel {data.kernel} is not sum_ij C_ij left_i(u) right_j(v)", field="kernel",
                        expected="coefficients and bases that expand the kernel exactly")
    return operator(data.coefficients, G_left, G_right)


def decide(data, prec, M=None):
    """``(verdict or None, evidence, counterexample)`` for a spectrum claim at ``prec`` bits.

    ``None``: some comparison is undecided at this precision.  ``M``: :func:`exact_operator`, if
    already computed.
    """
    M = exact_operator(data) if M is None else M
    chi, roots, rank = charpoly_roots(M, prec)
    with flint.ctx.workprec(prec):
        sigmas = [(r.max(flint.arb(0))).sqrt() for r, _, _ in roots]
    evidence = {"charpoly": str(chi), "rank": rank,
                "squared_singular_values": [r.str(15, radius=True) for r, _, _ in roots],
                "singular_values": [s.str(15, radius=True) for s in sigmas]}
    if data.rank is not None and data.rank != rank:
        return "REFUTED", evidence, {"rank": rank, "claimed": data.rank}
    undecided = False
    if data.values:
        if len(data.values) != rank:
            return "REFUTED", evidence, {"rank": rank, "claimed values": len(data.values)}
        for k, text in enumerate(data.values):
            v = parse_constant(text, "values")
            w = sympy.expand(v ** 2)
            ball, f, _ = roots[k]
            fw = sum((_sym(c) * w ** i for i, c in enumerate(f.coeffs())), sympy.Integer(0))
            zero = exact_zero(fw)
            try:
                wb, vb = enclose(w, prec), enclose(v, prec)
            except Undecided:  # a closed form whose pieces this precision cannot sign
                undecided = True
                continue
            # Arb comparisons are True only when certain: "certainly negative" refutes, "not certainly >= 0"
            # (a ball around 0) leaves the claim undecided at this precision
            if zero is False or (not wb.overlaps(ball)) or vb < 0:
                return "REFUTED", evidence, {"index": k, "claimed": text, "actual": sigmas[k].str(15, radius=True)}
            others = [b for b, g, _ in roots if not (g == f and b.overlaps(ball))]  # the other distinct roots
            if zero is None or any(wb.overlaps(b) for b in others) or not vb >= 0:
                undecided = True
    if data.decimals:
        if len(data.decimals) != rank:
            return "REFUTED", evidence, {"rank": rank, "claimed decimals": len(data.decimals)}
        half = flint.arb(flint.fmpq(1, 2 * 10 ** data.digits))
        for k, d in enumerate(data.decimals):
            with flint.ctx.workprec(prec):
                gap = abs(sigmas[k] - flint.arb(_q(Fraction(d))))
                if gap > half:
                    return "REFUTED", evidence, {"index": k, "claimed": d, "actual": sigmas[k].str(15, radius=True)}
                if not gap < half:
                    undecided = True
    return (None if undecided else "PROVED"), evidence, None
