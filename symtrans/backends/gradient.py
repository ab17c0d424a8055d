"""Enclosures of a value and of its gradient over a box: the mean-value (centred) form.

Interval evaluation of ``N(x) - f(x)`` on a box ``B`` of width ``w`` loses the cancellation
between two close functions: its enclosure has width about ``(|N'| + |f'|) w`` however small
``N - f`` is.  The mean-value form keeps it: for ``c`` the centre of ``B``,

    ``h(B)  is contained in  h(c) + sum_i  dh/dx_i(B) * [-w_i/2, w_i/2]``,

whose width is about ``|h'| w``, the slope of the *difference*, small wherever ``N`` follows
``f`` closely.

:class:`GradientBackend` is the interval backend with scalars :class:`Jet` ``(value, gradient)``:
Arb enclosures of a function and of its partial derivatives over the whole box, propagated by
the usual rules (forward-mode differentiation in interval arithmetic).  Where a function is not
differentiable (``max`` and ReLU at a tie the enclosures cannot decide) the gradient encloses
the convex hull of the gradients of the pieces that may be active, an enclosure of Clarke's
generalised gradient; Lebourg's mean value theorem (Clarke, *Optimization and Nonsmooth
Analysis*, 1983, Thm 2.3.7, with the chain rule Thm 2.3.9 and the sum and product rules 2.3.3
and 2.3.13) then gives the form above for every locally Lipschitz ``h``.  A step that is not
Lipschitz on the box (an undecided ``hardmax``, a square root at 0) has no gradient
(:data:`NO_GRADIENT`), and :func:`centred_bounds` falls back to the plain enclosure.  Decided
comparisons keep one branch on the whole box, where the function equals that branch.

>>> from symtrans.backends.gradient import GradientBackend
>>> from symtrans.weights import Weights
>>> bk = GradientBackend(prec=64, directions={"x": 0})
>>> with bk.session():
...     x = bk.lift_input([("1/2", "3/2")], (1, 1), ["x"])
...     y = bk.exp(x)
>>> jet = bk.to_list(y)[0][0]
>>> lo, hi = bk.bounds(jet.gradient[0])      # d/dx exp(x) = exp(x), on [1/2, 3/2]
>>> 1.64 < float(lo) < 1.65 and 4.48 < float(hi) < 4.49
True
"""

from __future__ import annotations

from fractions import Fraction

from .._flint import flint
from ..errors import EvaluationError, SymtransError
from .base import UNDECIDED, softmax_row
from .interval import IntervalBackend, _ArbEngine

__all__ = ["Jet", "GradientBackend", "NO_GRADIENT", "mean_value_form", "centred_bounds"]


class _NoGradient:
    """The gradient of a step that is not Lipschitz on the box: the mean-value form does not apply.
    (Compared by identity; jets never leave the process that made them, so it is never pickled.)"""

    def __repr__(self):
        return "NO_GRADIENT"


#: A gradient the mean-value form cannot use (it propagates through every operation).
NO_GRADIENT = _NoGradient()


def _add(g, h):
    if g is None:
        return h
    if h is None:
        return g
    if g is NO_GRADIENT or h is NO_GRADIENT:
        return NO_GRADIENT
    return tuple(a + b for a, b in zip(g, h))


def _scale(g, s):
    """``s * g`` (``s`` an Arb ball)."""
    if g is None or g is NO_GRADIENT:
        return g
    return tuple(s * a for a in g)


def _hull(g, h):
    """The componentwise hull of two gradients (``None`` is the zero gradient)."""
    if g is NO_GRADIENT or h is NO_GRADIENT:
        return NO_GRADIENT
    if g is None and h is None:
        return None
    n = len(g if g is not None else h)
    zero = flint.arb(0)
    g = g if g is not None else (zero,) * n
    h = h if h is not None else (zero,) * n
    return tuple(a.union(b) for a, b in zip(g, h))


class Jet:
    """An Arb enclosure ``value`` of a function on the box and ``gradient`` of its partial
    derivatives (a tuple of Arb balls, ``None`` for a constant, or :data:`NO_GRADIENT`).

    >>> import flint
    >>> x = Jet(flint.arb(2), (flint.arb(1),))
    >>> (x * x + x).gradient                     # d/dx (x^2 + x) = 2x + 1 at x = 2
    (5.00000000000000,)
    """

    __slots__ = ("value", "gradient")

    def __init__(self, value, gradient=None):
        self.value = value
        self.gradient = gradient

    def __repr__(self):
        return f"Jet({self.value}, {self.gradient})"

    def __add__(self, other):
        return Jet(self.value + other.value, _add(self.gradient, other.gradient))

    def __sub__(self, other):
        return Jet(self.value - other.value, _add(self.gradient, _scale(other.gradient, flint.arb(-1))))

    def __neg__(self):
        return Jet(-self.value, _scale(self.gradient, flint.arb(-1)))

    def __mul__(self, other):
        return Jet(self.value * other.value,
                   _add(_scale(self.gradient, other.value), _scale(other.gradient, self.value)))

    def __truediv__(self, other):
        q = self.value / other.value
        if other.gradient is None:
            return Jet(q, _scale(self.gradient, 1 / other.value))
        # (a/b)' = (a' - (a/b) b') / b, every factor enclosed over the whole box
        return Jet(q, _scale(_add(self.gradient, _scale(other.gradient, -q)), 1 / other.value))


class GradientBackend(IntervalBackend):
    """The interval backend on :class:`Jet` scalars (Arb engine only).

    Parameters
    ----------
    prec : int
        Working precision in bits.
    directions : dict
        Input variable name -> its index in the gradient; an input given as an interval
        ``(lo, hi)`` varies along that direction, every other value is constant.

    Examples
    --------
    >>> from symtrans.weights import Weights
    >>> bk = GradientBackend(prec=64, directions={"x": 0, "y": 1})
    >>> with bk.session():
    ...     X = bk.lift_input([("0", "1"), ("0", "1")], (1, 2), ["x", "y"])
    ...     m = bk.to_list(bk.relu(bk.matmul(X, bk.const(Weights.from_rows([[1], [-1]])))))[0][0]
    >>> [tuple(round(float(b), 6) for b in bk.bounds(g)) for g in m.gradient]  # relu(x - y): Clarke hull
    [(-0.0, 1.0), (-1.0, 0.0)]
    """

    name = "interval"

    def __init__(self, prec: int = 53, directions=None):
        super().__init__(prec=prec, engine="arb")
        self.directions = dict(directions or {})

    def __repr__(self):
        return f"GradientBackend(prec={self.prec}, directions={len(self.directions)})"

    def _constant(self, ball):
        return Jet(ball, None)

    # -- scalar hooks ------------------------------------------------------------------------------
    def _s_from_fraction(self, f: Fraction):
        return Jet(self._impl.from_fraction(f), None)

    def _s_from_constant(self, value):
        return Jet(super()._s_from_constant(value), None)

    def _s_lift(self, value, variable):
        lifted = super()._s_lift(value, variable)  # a Jet for a point, an Arb ball for an interval
        if not isinstance(value, tuple):
            return lifted
        if variable not in self.directions:
            return Jet(lifted, None)
        ball = lifted
        n, k = len(self.directions), self.directions[variable]
        zero, one = flint.arb(0), flint.arb(1)
        return Jet(ball, tuple(one if i == k else zero for i in range(n)))

    def _s_is_zero(self, s):
        return s.gradient is None and s.value.is_zero()

    def _s_is_one(s):  # called on the scalar (see ScalarBackend.matmul)
        return s.gradient is None and s.value.is_exact() and s.value == 1

    def _s_div(self, a, b):
        if b.value.is_zero():
            raise EvaluationError("division by zero", expected="a nonzero divisor")
        return a / b

    def _s_exp(self, s):
        y = self._impl.exp(s.value)
        return Jet(y, _scale(s.gradient, y))

    def _s_softmax_shift(self):
        return (lambda s: Jet(self._impl.center(s.value), None)), (lambda s: self._impl.positive(s.value))

    def _s_sqrt(self, s):
        y = self._impl.sqrt(s.value)
        if s.gradient is None:
            return Jet(y, None)
        if not y > 0:  # sqrt is not Lipschitz at 0
            return Jet(y, NO_GRADIENT)
        return Jet(y, _scale(s.gradient, 1 / (2 * y)))

    def _s_max(self, a, b):
        if (b.value <= a.value) is True:  # a on the whole box
            return a
        if (a.value <= b.value) is True:
            return b
        return Jet(self._impl.max(a.value, b.value), _hull(a.gradient, b.gradient))

    def _s_lt(self, a, b):
        return self._impl.lt(a.value, b.value)

    def _s_le(self, a, b):
        return self._impl.le(a.value, b.value)

    def _s_eq(self, a, b):
        if a.gradient is None and b.gradient is None:
            return self._impl.eq(a.value, b.value)
        if a.value.is_finite() and b.value.is_finite() and not a.value.overlaps(b.value):
            return False
        return UNDECIDED

    def _s_unit_interval(self):
        # an undecided hardmax weight: it may jump inside the box
        return Jet(super()._s_unit_interval(), NO_GRADIENT)

    def _softmax_row(self, z, keys) -> dict:
        """Softmax weights with their gradients by ``dw_j = w_j (dz_j - sum_k w_k dz_k)``: an identity
        at every point, so enclosing each factor over the box encloses the gradient, and much
        tighter than the quotient rules through :func:`~symtrans.backends.base.softmax_row`'s sums.
        The weights themselves are the interval backend's."""
        impl = self._impl
        one = impl.from_fraction(Fraction(1))
        w = softmax_row([t.value for t in z], keys, impl.exp, lambda t: impl.inverse_at_least(t, one, 1), one,
                        (impl.center, impl.positive))
        grads = [z[k].gradient for k in keys]
        if any(g is NO_GRADIENT for g in grads):
            mean = NO_GRADIENT
        else:
            mean = None
            for k, g in zip(keys, grads):
                mean = _add(mean, _scale(g, w[k]))
        return {j: Jet(w[j], _scale(_add(z[j].gradient, _scale(mean, flint.arb(-1))), w[j])) for j in keys}

    # -- reading -----------------------------------------------------------------------------------
    def bounds(self, s):
        """Exact rational bounds of an Arb ball, or of a jet's value."""
        return super().bounds(s.value if isinstance(s, Jet) else s)

    def log10_bounds(self, s):
        return super().log10_bounds(s.value if isinstance(s, Jet) else s)

    def lower_key(self, s):
        raise SymtransError("lower_key is not defined on jets")


def mean_value_form(jet, centre_value, half_widths):
    """The Arb ball ``h(c) + sum_i dh/dx_i(B) * [-r_i, r_i]`` (``None`` without a usable gradient).

    >>> import flint
    >>> mean_value_form(Jet(flint.arb(0, 2), (flint.arb(3),)), flint.arb(1), [Fraction(1, 2)])
    [+/- 2.51]
    """
    g = jet.gradient
    if g is NO_GRADIENT or not centre_value.is_finite():
        return None
    form = centre_value
    if g is not None:
        for d, r in zip(g, half_widths):
            if r:
                form = form + d * flint.arb(0, flint.arb(flint.fmpq(r.numerator, r.denominator)))
    return form if form.is_finite() else None


def centred_bounds(jet, centre_value, half_widths):
    """Exact rational bounds of ``h`` on a box from its :class:`Jet` on the box, an Arb enclosure
    of ``h`` at the box's centre, and the box's half-widths: the intersection of the plain
    enclosure and :func:`mean_value_form` (the plain one alone when the gradient is unusable).

    >>> import flint
    >>> jet = Jet(flint.arb(0, 2), (flint.arb("0.1", "0.01"),))   # |h| <= 2 naively, h' ~ 0.1
    >>> lo, hi = centred_bounds(jet, flint.arb(0), [Fraction(1)])
    >>> float(lo), float(hi)
    (-0.110000000..., 0.110000000...)
    """
    value, form = jet.value, mean_value_form(jet, centre_value, half_widths)
    if form is not None:
        if not value.is_finite():
            value = form
        elif value.overlaps(form):  # both enclose h(B), so they always overlap
            value = value.intersection(form)
    return _ArbEngine().bounds(value)
