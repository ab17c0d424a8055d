"""NumPy float64, vectorised over a batch of inputs (neither exact nor rigorous).

Every value is an array of shape ``(batch, rows, cols)``.  Inputs are arrays
of shape ``(rows, cols)`` (a batch of one) or ``(batch, rows, cols)``; a flat
list is accepted for a one-row input.  Weights are rounded to the nearest
float64 only here, at the edge.  Floats never prove anything: this backend
is for cross-checks and speed.

>>> import numpy as np
>>> from symtrans.backends.floats import FloatBackend
>>> from symtrans.weights import Weights
>>> bk = FloatBackend()
>>> X = bk.lift_input(np.array([[[1.0, -2.0]], [[3.0, 4.0]]]), (1, 2), ["x1", "x2"])
>>> bk.relu(X)[:, 0, :].tolist()
[[1.0, 0.0], [3.0, 4.0]]
"""

from __future__ import annotations

import numpy as np

from ..errors import SpecError
from ..exact import exact_rational, is_symbolic
from .base import Backend, refuse, softmax_row

__all__ = ["FloatBackend"]


class FloatBackend(Backend):
    """float64 arrays with a leading batch axis.

    Examples
    --------
    >>> from symtrans.weights import Weights
    >>> bk = FloatBackend()
    >>> bk.const(Weights.from_rows([["1/4"]])).tolist()
    [[[0.25]]]
    """

    name = "floats"
    is_exact = False
    is_rigorous = False

    def __init__(self, dtype=np.float64):
        self.dtype = np.dtype(dtype)

    def __repr__(self):
        return f"FloatBackend({self.dtype.name})"

    # -- making values -----------------------------------------------------------------------------
    def const(self, W):
        out = np.zeros((1,) + W.shape, dtype=self.dtype)
        for (i, j), v in W.items():
            if is_symbolic(v):
                raise refuse(self, "a symbolic weight", f"{v} has free parameters; bind them first")
            out[0, i, j] = float(v) if not hasattr(v, "denominator") else v.numerator / v.denominator
        return out

    def fill(self, rows, cols, value):

        v = exact_rational(value)
        return np.full((1, rows, cols), v.numerator / v.denominator, dtype=self.dtype)

    def lift_input(self, value, shape, variables):
        if value is None:
            raise refuse(self, f"the symbolic input {variables[0] if variables else ''}",
                         "this backend needs a value for every input")
        arr = np.asarray(value, dtype=self.dtype)
        if arr.ndim == 1 and shape[0] == 1:
            arr = arr[None, :]
        if arr.ndim == 2:
            arr = arr[None]
        if arr.ndim != 3 or arr.shape[1:] != tuple(shape):
            raise SpecError(f"input array has shape {arr.shape}",
                            expected=f"({shape[0]}, {shape[1]}) or (batch, {shape[0]}, {shape[1]})")
        return arr

    # -- structure ---------------------------------------------------------------------------------
    def shape(self, A):
        return A.shape[1:]

    def to_list(self, A):
        """Nested lists for the first batch element (use the array itself for all)."""
        return A[0].tolist()

    def transpose(self, A):
        return np.swapaxes(A, 1, 2)

    def reshape(self, A, rows, cols):
        return A.reshape(A.shape[0], rows, cols)

    def hstack(self, mats):
        batch = max(M.shape[0] for M in mats)
        return np.concatenate([np.broadcast_to(M, (batch,) + M.shape[1:]) for M in mats], axis=2)

    def select_rows(self, A, indices):
        return A[:, list(indices), :]

    # -- arithmetic --------------------------------------------------------------------------------
    def add(self, A, B):
        return A + B

    def neg(self, A):
        return -A

    def matmul(self, A, B):
        return np.matmul(A, B)

    def hadamard(self, A, B):
        return A * B

    def masked(self, A, allowed):
        return np.where(self._mask_array(allowed, A.shape[1:])[None], A, 0.0)

    def div(self, A, B):
        with np.errstate(divide="ignore", invalid="ignore"):
            return A / B

    def inverse_at_least(self, A, lo):
        return 1.0 / A

    def relu(self, A):
        return np.maximum(A, 0.0)

    def maximum(self, A, B):
        return np.maximum(A, B)

    def exp(self, A):
        with np.errstate(over="ignore"):
            return np.exp(A)

    def softmax(self, S, beta, allowed=None, root=None):
        """:func:`~symtrans.backends.base.softmax_row` on float vectors: over the batch and
        the rows at once when nothing is masked, row by row otherwise."""
        b = exact_rational(beta)
        z = S * (b.numerator / b.denominator / np.sqrt(root or 1))
        batch, n, m = z.shape
        out = np.zeros_like(z)
        groups = [(slice(None), range(m))] if allowed is None else [
            (i, [k for k in range(m) if (i, k) in allowed]) for i in range(n)]
        for rows, keys in groups:
            cols = [z[:, rows, k] for k in range(m)]
            for j, w in softmax_row(cols, keys, self.exp, lambda t: 1.0 / t, 1.0).items():
                out[:, rows, j] = w
        return out

    def top_softmax(self, S, beta, top, allowed=None, root=None):
        """Softmax over each row's ``top`` largest allowed scores, ties to the lower index (a stable sort)."""
        b = exact_rational(beta)
        z = S * (b.numerator / b.denominator / np.sqrt(root or 1))
        if allowed is not None:
            z = np.where(self._mask_array(allowed, z.shape[1:])[None], z, -np.inf)
        order = np.argsort(-z, axis=2, kind="stable")
        keep = np.zeros(z.shape, dtype=bool)
        np.put_along_axis(keep, order[:, :, :top], True, axis=2)
        keep &= np.isfinite(z)
        z = np.where(keep, z, -np.inf)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(z - z.max(axis=2, keepdims=True))
        return e / e.sum(axis=2, keepdims=True)

    def sqrt(self, A):
        with np.errstate(invalid="ignore"):
            return np.sqrt(A)

    def _mask_array(self, mask, shape):
        allowed = np.zeros(shape, dtype=bool)
        for i, j in mask:
            allowed[i, j] = True
        return allowed

    def reduce_sum(self, A, axis):
        return A.sum(axis=1 + axis, keepdims=True)

    def reduce_max(self, A, axis, mask=None):
        if mask is not None:
            allowed = self._mask_array(mask, A.shape[1:])
            A = np.where(allowed[None], A, -np.inf)
        return A.max(axis=1 + axis, keepdims=True)

    def hardmax(self, S, mask=None):
        """Row-wise argmax weights with ties (exact float equality) averaged."""
        allowed = (np.ones(S.shape[1:], dtype=bool) if mask is None
                   else self._mask_array(mask, S.shape[1:]))
        masked = np.where(allowed[None], S, -np.inf)
        top = masked.max(axis=2, keepdims=True)
        winners = (masked == top) & allowed[None]
        return winners / winners.sum(axis=2, keepdims=True)

    # -- comparisons (plain floats: always decided, never rigorous) ---------------------------------
    def lt(self, a, b):
        return bool(a < b)

    def le(self, a, b):
        return bool(a <= b)

    def eq(self, a, b):
        return bool(a == b)
