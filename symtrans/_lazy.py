"""SymPy imported on first use: ``from ._lazy import sympy`` in the modules the checker loads.

Importing SymPy takes about 0.35 s, most of a ``symtrans check`` of a small certificate, and
most certificates (numbers, Arb enclosures, cells, models) never need it.  ``sympy`` here is a
stand-in whose attributes are SymPy's, importing it at the first access, except that while SymPy
is not imported its classes are :class:`Deferred` stand-ins: ``isinstance(x, sympy.Basic)`` is
then ``False`` without importing anything, which is exact, since no SymPy object can exist before
SymPy is imported.  Calling a stand-in, or reading anything else from it, imports SymPy.

>>> from symtrans._lazy import sympy
>>> isinstance(3, sympy.Basic)
False
>>> sympy.Rational(1, 3) + 1
4/3
>>> isinstance(sympy.Integer(2), sympy.Basic)
True
>>> sympy.combinatorics.Permutation([1, 0]).order()
2
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["sympy", "loaded"]

#: SymPy classes the package tests values against (``isinstance``) or catches.
_CLASSES = ("Basic", "Expr", "Rational", "Integer", "Float", "Number", "Symbol", "Add", "Mul", "Pow",
            "Function", "log", "exp", "Matrix", "MatrixBase", "Poly")
#: Module attributes read through the stand-in (the rest of the dunder names are introspection,
#: ``doctest`` or ``inspect`` probing an object, and never import SymPy).
_MODULE_DUNDERS = ("__version__", "__file__", "__path__", "__name__")
_ERRORS = ("SympifyError", "PolynomialError", "GeneratorsNeeded", "CoercionFailed")


def loaded() -> bool:
    """Whether SymPy has been imported (by anyone)."""
    return "sympy" in sys.modules


def _real():
    return sys.modules.get("sympy") or importlib.import_module("sympy")


def _real_attr(name):
    real = _real()
    if name in _ERRORS and not hasattr(real, name):
        return importlib.import_module("sympy.polys.polyerrors").__dict__[name]
    try:
        return getattr(real, name)
    except AttributeError:  # a subpackage SymPy does not import itself (sympy.combinatorics)
        try:
            return importlib.import_module(f"sympy.{name}")
        except ImportError:
            raise AttributeError(f"module 'sympy' has no attribute {name!r}") from None


class Deferred(type):
    """The metaclass of the stand-ins: instance and subclass checks are ``False`` until SymPy is
    imported, and SymPy's own answer afterwards; anything else imports SymPy and asks its class."""

    def __instancecheck__(cls, obj):
        return loaded() and isinstance(obj, _real_attr(cls.__name__))

    def __subclasscheck__(cls, sub):
        return loaded() and isinstance(sub, type) and issubclass(sub, _real_attr(cls.__name__))

    def __call__(cls, *args, **kwargs):
        return _real_attr(cls.__name__)(*args, **kwargs)

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_attr(cls.__name__), name)


_STANDINS = {name: Deferred(name, (), {}) for name in _CLASSES}
_STANDINS.update({name: Deferred(name, (Exception,), {}) for name in _ERRORS})


class _LazySympy:
    """``sympy``: SymPy's attributes, with SymPy imported at the first one that needs it."""

    def __getattr__(self, name):
        if name.startswith("__") and name not in _MODULE_DUNDERS:  # introspection never imports SymPy
            raise AttributeError(name)
        if not loaded() and name in _STANDINS:
            return _STANDINS[name]
        value = _real_attr(name)
        if not name.startswith("__"):
            # SymPy is imported now: later reads of this name are plain attribute reads (the hot
            # loops of a proof read ``sympy.Basic`` hundreds of thousands of times)
            object.__setattr__(self, name, value)
        return value

    def __repr__(self):
        return "<sympy, imported on first use>" if not loaded() else repr(_real())


sympy = _LazySympy()
