"""Import python-flint once, with a clear message when it is missing."""

from __future__ import annotations

from .errors import SymtransError

try:
    import flint
except ImportError:  # pragma: no cover - python-flint is a core dependency
    class _Missing:
        def __getattr__(self, name):
            raise SymtransError("python-flint is not installed",
                                expected="`pip install python-flint` (a core dependency of symtrans)")

    flint = _Missing()
    HAVE_FLINT = False
else:
    HAVE_FLINT = True

__all__ = ["flint", "HAVE_FLINT", "pairwise_sum"]


def pairwise_sum(parts):
    """The sum of a non-empty list of polynomials, added pairwise: each term is copied about
    ``log2(len(parts))`` times, where adding them one by one copies the growing sum each time.

    >>> R = flint.fmpq_mpoly_ctx.get(("x",), "degrevlex")
    >>> pairwise_sum([R.gen(0) ** k for k in range(5)])
    x^4 + x^3 + x^2 + x + 1
    """
    while len(parts) > 1:
        parts = [parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0]
