"""Conversions between SymPy polynomials, python-flint ``fmpq_mpoly`` and exact JSON terms.

Shared by the verifiers and the independent certificate checker (which must
not import the verifiers), so both read and write polynomials the same way.

>>> import flint, sympy
>>> R = flint.fmpq_mpoly_ctx.get(("x", "c"), "degrevlex")
>>> p = to_flint(sympy.Symbol("c") * sympy.Symbol("x") ** 2 - sympy.Rational(1, 3), R)
>>> poly_terms(p)
[[[0, 0], '-1/3'], [[2, 1], '1']]
>>> from_terms(poly_terms(p), R) == p
True
"""

from __future__ import annotations

import re
from fractions import Fraction

from ._lazy import sympy

from ._flint import flint, pairwise_sum
from .errors import SpecError
from .exact import exact_rational, format_exact

__all__ = ["to_flint", "to_sympy", "sympy_of_terms", "poly_text", "degree_in", "poly_terms", "from_terms", "from_dict", "from_sparse", "ring", "poly_key", "affine_range"]

#: Rings with more generators than this get their polynomials from single terms added up:
#: python-flint 0.9's ``fmpq_mpoly_ctx.from_dict`` with two or more terms crashes the process
#: (a segmentation fault) from about 7,270 generators on; one term and the arithmetic do not.
MANY_GENERATORS = 4096


def ring(names):
    """The ``fmpq_mpoly`` ring over ``names`` (degrevlex), as the poly backend builds it."""
    return flint.fmpq_mpoly_ctx.get(tuple(names), "degrevlex")


def from_dict(R, data):
    """``R.from_dict(data)`` ({exponent tuple: fmpq}), safe in rings of any size (see
    :data:`MANY_GENERATORS`): in a large ring, one polynomial per term, added pairwise.

    >>> R = ring([f"c{i}" for i in range(MANY_GENERATORS + 1)])
    >>> e = [0] * (MANY_GENERATORS + 1)
    >>> p = from_dict(R, {tuple(e[:-1] + [1]): flint.fmpq(2), tuple(e[:-1] + [2]): flint.fmpq(3)})
    >>> len(p), p == from_dict(R, {tuple(e[:-1] + [2]): flint.fmpq(3)}) + R.gens()[-1] * 2
    (2, True)
    """
    if len(data) < 2 or len(R.names()) <= MANY_GENERATORS:
        return R.from_dict(data)
    return pairwise_sum([R.from_dict({k: v}) for k, v in data.items()])


def from_sparse(R, terms):
    """The sum of ``coefficient * prod gen_k ** e_k`` over ``terms``, each ``(coefficient,
    {generator index: exponent})``: in a ring of thousands of generators this never builds a dense
    exponent tuple per term (10,000 terms of 10,000 generators took 18 s through :func:`from_dict`,
    2 s as products of generators added pairwise).

    >>> R = ring(["x", "y", "c"])
    >>> from_sparse(R, [(flint.fmpq(1, 2), {0: 2, 2: 1}), (flint.fmpq(-1), {})])
    1/2*x^2*c - 1
    """
    terms = list(terms)
    if len(R.names()) <= MANY_GENERATORS:
        blank = [0] * len(R.names())
        data = {}
        for c, exps in terms:
            full = list(blank)
            for k, e in exps.items():
                full[k] = e
            key = tuple(full)
            data[key] = data.get(key, 0) + c
        return R.from_dict({k: v for k, v in data.items() if v != 0})
    parts = []
    for c, exps in terms:
        m = R.constant(c)
        for k, e in exps.items():
            m = m * R.gen(k) ** e
        parts.append(m)
    return pairwise_sum(parts) if parts else R.from_dict({})


def to_flint(expr, R):
    """A SymPy polynomial with rational coefficients as an element of ring ``R``.

    Only the symbols present in ``expr`` are used to expand it (a SymPy ``Poly``
    over all of a large ring's generators would be dense and slow).
    """
    index = _index(R)
    if expr.is_Symbol and str(expr) in index:  # a bare parameter, the common weight: no expansion
        return R.gen(index[str(expr)])
    names = list(R.names())
    present = sorted((str(s) for s in expr.free_symbols), key=index.get) if expr.free_symbols else []
    missing = set(present) - set(names)
    if missing:
        raise SpecError(f"name {sorted(missing)[0]!r} is not a variable or parameter of the graph")
    if not present:
        c = exact_rational(expr)
        return R.constant(flint.fmpq(c.numerator, c.denominator))
    direct = _expanded_terms(expr, index)
    if direct is not None:
        return from_dict(R, direct)
    where = [index[n] for n in present]
    data = {}
    for monom, coeff in sympy.Poly(expr, *[sympy.Symbol(n) for n in present]).terms():
        full = [0] * len(names)
        for k, e in zip(where, monom):
            full[k] = int(e)
        c = exact_rational(coeff)
        data[tuple(full)] = flint.fmpq(c.numerator, c.denominator)
    return from_dict(R, data)


_INDEXES: dict = {}


def _index(R) -> dict:
    """Generator name -> index in ``R`` (kept per ring: flint keeps one context per names)."""
    index = _INDEXES.get(R)
    if index is None:
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        index = _INDEXES[R] = {n: k for k, n in enumerate(R.names())}
    return index


def _expanded_terms(expr, index):
    """Read an expanded sum of rational multiples of monomials directly (linear time), or None."""
    data = {}
    for term in sympy.Add.make_args(sympy.expand(expr)):
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_Rational:
            return None
        full = [0] * len(index)
        for base, e in (rest.as_powers_dict().items() if rest != 1 else ()):
            if not (base.is_Symbol and e.is_Integer and e > 0 and str(base) in index):
                return None
            full[index[str(base)]] += int(e)
        key = tuple(full)
        c = data.get(key, flint.fmpq(0)) + flint.fmpq(int(coeff.p), int(coeff.q))
        data[key] = c
    return {k: v for k, v in data.items() if v != 0}


def to_sympy(p):
    """An ``fmpq_mpoly`` as an expanded SymPy expression in its ring's generator names.

    >>> R = ring(["x", "c"]); x, c = R.gens()
    >>> to_sympy(x**2 * c / 3 - 1)
    c*x**2/3 - 1
    """
    return sympy_of_terms(p.terms(), p.context().names())


def sympy_of_terms(terms, names):
    """``sum c * prod names[k] ** e_k`` over ``(exponents, fmpq coefficient)`` pairs, in SymPy."""
    symbols = [sympy.Symbol(n) for n in names]
    return sympy.Add(*(sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*(symbols[k] ** int(e)
                                                                       for k, e in enumerate(m) if e))
                       for m, c in terms))


def poly_terms(p) -> list:
    """Terms of an ``fmpq_mpoly`` as ``[[exponents], "coefficient"]``, sorted."""
    return sorted([[list(map(int, m)), format_exact(Fraction(int(c.p), int(c.q)))] for m, c in p.terms()])


def poly_text(p) -> str:
    """``p`` as python-flint writes it, powers as ``**``: one text per polynomial of a ring
    (terms in the ring's order, fractions reduced), so two polynomials of one ring are equal
    exactly when their texts are, and no exponent vector over every generator is built.

    >>> R = ring(["x", "c"]); x, c = R.gens()
    >>> poly_text(x**2 * c / 3 - x + 1), poly_text(R.from_dict({}))
    ('1/3*x**2*c - x + 1', '0')
    """
    return str(p).replace("^", "**")


_FACTOR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\^([0-9]+))?")


def degree_in(p, names) -> int:
    """The largest total degree of ``p``'s terms in the generators ``names`` (-1 for the zero
    polynomial), read off flint's text term by term.

    >>> R = ring(["x", "y", "c"]); x, y, c = R.gens()
    >>> degree_in(x**2 * c**5 + x * y**2 - 3, ["x", "y"]), degree_in(c**4, ["x"]), degree_in(R.from_dict({}), ["x"])
    (3, 0, -1)
    """
    if p.is_zero():
        return -1
    wanted = set(names)
    return max(sum(int(e or 1) for name, e in _FACTOR.findall(term) if name in wanted)
               for term in re.split(r" [+-] ", str(p)))


def from_terms(terms, R):
    """Inverse of :func:`poly_terms` (coefficients parsed exactly): certificates written before
    identity evidence was :func:`poly_text`."""
    data = {}
    for item in terms:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)):
            raise SpecError(f"polynomial term {item!r} is not [exponents, coefficient]", field="terms")
        monom, coeff = item
        if len(monom) != len(R.names()) or not all(isinstance(e, int) and e >= 0 for e in monom):
            raise SpecError(f"exponents {monom!r} do not fit {len(R.names())} generators", field="terms")
        c = exact_rational(coeff, "coefficient")
        data[tuple(monom)] = flint.fmpq(c.numerator, c.denominator)
    return from_dict(R, data)


def poly_key(p) -> tuple:
    """A hashable canonical form of a flint polynomial (flint polynomials are not hashable).

    >>> R = ring(["x", "y"]); x, y = R.gens()
    >>> poly_key(x / 2 - 1) == poly_key(-1 + x / 2), poly_key(x) == poly_key(y)
    (True, False)
    """
    return tuple(sorted((tuple(int(e) for e in m), int(c.p), int(c.q)) for m, c in p.terms()))


def affine_range(p, names, enclosure):
    """The exact range ``(lo, hi)`` of an affine polynomial over the box of its variables' enclosures.

    ``enclosure`` maps a generator's name to rational ``(lo, hi)``.  ``None`` when ``p`` is not
    affine or one of its variables has no enclosure: the range is then not known, never guessed.

    >>> from fractions import Fraction
    >>> R = ring(["x", "s"]); x, s = R.gens()
    >>> affine_range(2 * x - 1, ["x", "s"], {"x": (Fraction(0), Fraction(1))})
    (Fraction(-1, 1), Fraction(1, 1))
    >>> affine_range(x + s, ["x", "s"], {"x": (Fraction(0), Fraction(1))}) is None
    True
    """
    lo = hi = Fraction(0)
    for monom, c in p.terms():
        c = Fraction(int(c.p), int(c.q))
        degree = sum(int(e) for e in monom)
        if degree == 0:
            lo, hi = lo + c, hi + c
            continue
        if degree > 1:
            return None
        bounds = enclosure.get(names[next(k for k, e in enumerate(monom) if e)])
        if bounds is None:
            return None
        a, b = bounds
        lo, hi = lo + min(c * a, c * b), hi + max(c * a, c * b)
    return lo, hi
