"""Backends: one protocol, eight arithmetics (see :mod:`symtrans.backends.base`).

=========  ========================================  =========  ===========
name       values                                    is_exact   is_rigorous
=========  ========================================  =========  ===========
poly       polynomials over Q (inputs + parameters)  yes        yes
rational   exact rational points                     yes        yes
interval   Arb balls (or mpmath intervals), N bits   no         yes
mp         mpmath points at N digits                 no         no
floats     numpy float64 batches                     no         no
box        numpy float64 interval batches, outward   no         yes
pwl        exact piecewise-affine functions of x     yes        yes
           on a rational interval
formal     rational functions, exp / max / sqrt      yes        yes
           uninterpreted (symmetry claims)
=========  ========================================  =========  ===========

>>> from symtrans.backends import get_backend
>>> get_backend("interval", prec=300)
IntervalBackend(prec=300, engine='arb')
"""

from collections.abc import Mapping
from importlib import import_module

from ..errors import SymtransError
from .base import UNDECIDED, Backend, ScalarBackend, SparseMatrix
from .formal import FormalBackend
from .interval import IntervalBackend
from .poly import PolyBackend
from .pwl import PWLBackend
from .rational import RationalBackend

__all__ = ["Backend", "ScalarBackend", "SparseMatrix", "UNDECIDED", "PolyBackend",
           "RationalBackend", "IntervalBackend", "MpBackend", "FloatBackend", "BoxBackend", "PWLBackend", "FormalBackend", "BACKENDS",
           "get_backend"]

#: The backends built on NumPy (floats, box) or on mpmath points (mp), imported on first use
#: (PEP 562), so that checking a certificate that needs none of them imports neither library.
_ON_FIRST_USE = {"FloatBackend": "floats", "BoxBackend": "box", "MpBackend": "mp"}


def __getattr__(name):
    if name in _ON_FIRST_USE:
        return getattr(import_module(f"{__name__}.{_ON_FIRST_USE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Backends(Mapping):
    """Backend classes by name; a class given as the name of this package's attribute is looked
    up (and its module imported) when first asked for."""

    def __init__(self, entries):
        self._entries = dict(entries)

    def __getitem__(self, name):
        value = self._entries[name]
        if isinstance(value, str):
            value = self._entries[name] = __getattr__(value)
        return value

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def __repr__(self):
        return repr(dict(self))


#: Backend classes by name.
BACKENDS = _Backends({
    "poly": PolyBackend,
    "rational": RationalBackend,
    "interval": IntervalBackend,
    "mp": "MpBackend",
    "floats": "FloatBackend",
    "box": "BoxBackend",
    "pwl": PWLBackend,
    "formal": FormalBackend,
})


def get_backend(name: str, **options):
    """Make a backend by name, with its options (``prec=``, ``dps=``, ``engine=`` ...).

    >>> get_backend("mp", dps=20)
    MpBackend(dps=20)
    >>> get_backend("gpu")
    Traceback (most recent call last):
    ...
    symtrans.errors.SymtransError: unknown backend 'gpu' (expected one of poly, rational, interval, mp, floats, box, pwl, formal)
    """
    if name not in BACKENDS:
        raise SymtransError(f"unknown backend {name!r}", expected="one of " + ", ".join(BACKENDS))
    return BACKENDS[name](**options)
