"""High-precision points with mpmath (neither exact nor rigorous).

Values are mpmath ``mpf`` numbers made on a private ``MPContext`` with the
chosen number of decimal digits, so the global ``mpmath.mp`` precision is
never touched.  Use it to cross-check, never to prove.

>>> from symtrans.backends.mp import MpBackend
>>> from symtrans.weights import Weights
>>> bk = MpBackend(dps=30)
>>> with bk.session():
...     e = bk.exp(bk.const(Weights.from_rows([[1]])))
>>> bk.ctx.nstr(bk.to_list(e)[0][0], 30)
'2.71828182845904523536028747135'
>>> import mpmath; mpmath.mp.dps
15
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

import mpmath

from ..errors import EvaluationError, SymtransError
from .base import ScalarBackend

__all__ = ["MpBackend"]


class MpBackend(ScalarBackend):
    """mpmath points at ``dps`` decimal digits (not exact, not rigorous).

    Examples
    --------
    >>> bk = MpBackend(dps=50)
    >>> with bk.session():
    ...     third = bk.scalar("1/3")
    >>> str(third)[:12]
    '0.3333333333'
    """

    name = "mp"
    is_exact = False
    is_rigorous = False

    def __init__(self, dps: int = 50):
        if isinstance(dps, bool) or not isinstance(dps, int) or not 1 <= dps <= 300_000:
            raise SymtransError(f"dps {dps!r} is out of range", field="dps",
                                expected="an integer from 1 to 300000")
        self.dps = dps
        self.ctx = mpmath.MPContext()
        self.ctx.dps = dps

    def __repr__(self):
        return f"MpBackend(dps={self.dps})"

    @contextlib.contextmanager
    def session(self, symbols=()):
        old = self.ctx.dps
        self.ctx.dps = self.dps
        try:
            yield self
        finally:
            self.ctx.dps = old

    def _s_from_fraction(self, f: Fraction):
        return self.ctx.mpf(f.numerator) / f.denominator

    def _s_from_constant(self, value):
        return self.ctx.mpf(str(value.evalf(self.ctx.dps + 5)))  # approximate, as everything here

    def _s_is_zero(self, s):
        return s == 0

    def _s_div(self, a, b):
        if b == 0:
            raise EvaluationError("division by zero", expected="a nonzero divisor")
        return a / b

    def _s_exp(self, s):
        return self.ctx.exp(s)

    def _s_sqrt(self, s):
        if s < 0:
            raise EvaluationError(f"square root of the negative number {s}", expected="a non-negative argument")
        return self.ctx.sqrt(s)

    def _s_max(self, a, b):
        return a if a >= b else b

    def _s_lt(self, a, b):
        return bool(a < b)

    def _s_le(self, a, b):
        return bool(a <= b)

    def _s_eq(self, a, b):
        return bool(a == b)
