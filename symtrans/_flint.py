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

__all__ = ["flint", "HAVE_FLINT"]
