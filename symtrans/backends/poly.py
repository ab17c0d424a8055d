"""Polynomials over Q in the inputs (and in parameter symbols), on python-flint ``fmpq_mpoly``.

Values are sparse matrices of sparse multivariate polynomials, so a product
only multiplies nonzero pairs.  Inputs left without a value are the ring's
generators; parameter symbols in weights (for parametric proofs) are
generators too, so an identity proved here holds for every value of them.

Only what is a polynomial is computed: ``+ - *``, products of matrices, and
the exact cases of the other ops on *constant* polynomials (division by a
nonzero constant, max/ReLU/comparisons of constants, ``exp(0)``, square roots
of rational squares).  Anything else (``exp``, ``max``, ReLU, division, a
comparison, of a non-constant polynomial) is refused.

>>> from symtrans.backends.poly import PolyBackend
>>> from symtrans.weights import Weights
>>> bk = PolyBackend()
>>> with bk.session(["x1", "x2"]):
...     X = bk.lift_input(None, (1, 2), ["x1", "x2"])
...     Y = bk.matmul(bk.transpose(X), X)
>>> bk.to_sympy(Y)
Matrix([
[x1**2, x1*x2],
[x1*x2, x2**2]])
>>> with bk.session(["x1", "x2"]):
...     bk.relu(X)
Traceback (most recent call last):
...
symtrans.errors.BackendError: the poly backend cannot compute max exactly: max(x1, 0) of non-constant polynomials is not a polynomial (expected a backend that can: interval (rigorous) or mp / floats (approximate))
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

from .._lazy import sympy

from .._flint import flint
from ..errors import BackendError, SpecError
from ..exact import exact_rational
from ..polys import to_flint
from ..polys import to_sympy as poly_to_sympy
from .base import ScalarBackend, refuse
from .rational import exact_div, exact_exp, exact_sqrt

__all__ = ["PolyBackend"]


class PolyBackend(ScalarBackend):
    """Exact polynomial evaluation (``is_exact``, ``is_rigorous``).

    Parameters
    ----------
    variables : sequence of str, optional
        Generator order of the ring.  Symbols met in a session that are not
        listed are appended in the order given to :meth:`session`.
    ordering : str
        Monomial ordering of the ring (``"degrevlex"``, ``"deglex"``, ``"lex"``).

    Examples
    --------
    >>> bk = PolyBackend(["x"])
    >>> with bk.session(["x"]):
    ...     p = bk.scalar(3)
    >>> p.is_constant()
    True
    """

    name = "poly"
    is_exact = True
    is_rigorous = True

    def __init__(self, variables=None, ordering: str = "degrevlex"):
        self.variables = tuple(variables) if variables is not None else None
        self.ordering = ordering
        self.ring = None

    def __repr__(self):
        return f"PolyBackend({list(self.variables) if self.variables else None!r})"

    @contextlib.contextmanager
    def session(self, symbols=()):
        """Build (or reuse) the ring over the declared variables plus ``symbols``."""
        names = list(self.variables or ())
        names += [s for s in symbols if s not in names]
        previous = self.ring
        if not names:
            names = ["_"]  # a ring needs at least one generator; '_' is never used
        if self.ring is None or tuple(self.ring.names()) != tuple(names):
            self.ring = flint.fmpq_mpoly_ctx.get(tuple(names), self.ordering)
        try:
            yield self
        finally:
            self.ring = previous

    def _ring(self):
        if self.ring is None:
            raise BackendError("the poly backend was used outside a session",
                               expected="`with backend.session(symbols):` around direct use")
        return self.ring

    # -- scalar hooks ------------------------------------------------------------------------------
    def _s_from_fraction(self, f: Fraction):
        return self._ring().constant(flint.fmpq(f.numerator, f.denominator))

    def _s_from_symbolic(self, value):

        try:
            return to_flint(value, self._ring())
        except SpecError:
            missing = sorted({str(s) for s in value.free_symbols} - set(self._ring().names()))
            raise BackendError(f"parameter {missing[0]!r} is not a generator of the poly ring",
                               expected="a parameter declared by the graph") from None

    def _s_lift(self, value, variable):
        if value is None:
            ring = self._ring()
            if variable not in ring.names():
                raise BackendError(f"input variable {variable!r} is not a generator of the poly ring",
                                   expected="the variables declared by the graph's inputs")
            return ring.gen(ring.variable_to_index(variable))
        return self._s_from_fraction(exact_rational(value, f"input {variable}"))

    def _s_is_zero(self, s):
        return s.is_zero()

    # scalars are immutable flint polynomials, so ``a * 1`` may be ``a`` itself
    _s_is_one = flint.fmpq_mpoly.is_one

    def _constant(self, s, op, shown):
        if not s.is_constant():
            raise refuse(self, op, f"{shown} of non-constant polynomials is not a polynomial")
        return s.leading_coefficient() if not s.is_zero() else flint.fmpq(0)

    def _lift_q(self, q):
        return self._ring().constant(q)

    def _s_div(self, a, b):
        q = self._constant(b, "division", f"({a})/({b})")
        return a * self._lift_q(exact_div(flint.fmpq(1), q))

    def _s_exp(self, s):
        return self._lift_q(exact_exp(self, self._constant(s, "exp", f"exp({s})")))

    def _s_sqrt(self, s):
        return self._lift_q(exact_sqrt(self, self._constant(s, "sqrt", f"sqrt({s})")))

    def _s_max(self, a, b):
        x = self._constant(a, "max", f"max({a}, {b})")
        y = self._constant(b, "max", f"max({a}, {b})")
        return a if x >= y else b

    def _s_lt(self, a, b):
        return self._constant(a, "a comparison", f"{a} < {b}") < self._constant(b, "a comparison", f"{a} < {b}")

    def _s_le(self, a, b):
        return self._constant(a, "a comparison", f"{a} <= {b}") <= self._constant(b, "a comparison", f"{a} <= {b}")

    def _s_eq(self, a, b):
        return (a - b).is_zero()

    # -- reading results ---------------------------------------------------------------------------
    def to_sympy_scalar(self, p):
        """One polynomial as a SymPy expression."""
        return poly_to_sympy(p)

    def to_sympy(self, A):
        """A matrix value as a SymPy ``Matrix`` (for display and docs)."""
        z = None
        rows = []
        for i in range(A.shape[0]):
            row = []
            for j in range(A.shape[1]):
                p = A.get(i, j, z)
                row.append(sympy.Integer(0) if p is None else self.to_sympy_scalar(p))
            rows.append(row)
        return sympy.Matrix(rows)

    def evaluate_at(self, A, point: dict):
        """Substitute rationals for generators; returns nested lists of ``fmpq``.

        ``point`` maps generator names to exact rationals; every generator of
        the ring must be given.
        """
        z = flint.fmpq(0)
        out = []
        for i in range(A.shape[0]):
            row = []
            for j in range(A.shape[1]):
                p = A.get(i, j, None)
                if p is None:
                    row.append(z)
                    continue
                args = []
                for n in p.context().names():
                    if n not in point:
                        raise BackendError(f"no value for generator {n!r}",
                                           expected="a value for every variable and parameter")
                    v = exact_rational(point[n], n)
                    args.append(flint.fmpq(v.numerator, v.denominator))
                row.append(p(*args))
            out.append(row)
        return out
