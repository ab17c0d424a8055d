"""The registry of claim kinds: one unit per kind, listed explicitly.

Adding a kind is one folder (``symtrans/kinds/<kind>/`` with ``__init__.py``,
``prove.py`` and ``check.py``, see :mod:`symtrans.kinds.base` and the docs page
"Adding a claim kind") plus one line in :data:`UNITS` below.  A kind defined outside
the package (a plugin, a test) is added with :func:`register`.

>>> from symtrans.kinds import unit
>>> unit("separation").name
'contextual_mapping'
>>> sorted(k for k in KINDS)[:3]
['analytic', 'automorphisms', 'boltzmann']
"""

from __future__ import annotations

from ..errors import SpecError, did_you_mean
from . import (
    analytic,
    automorphisms,
    boltzmann,
    bound,
    channels,
    contextual_mapping,
    decodes,
    distinct_tokens,
    emulation,
    equivalent,
    equivariant,
    factors_through,
    formal_identity,
    hops,
    identity,
    integral,
    kernel_limit,
    logit_gap,
    memorise,
    readout,
    regions,
    same_output,
    scalar,
    sizes,
    spectrum,
    sup_error,
    token_dependence,
)
from .base import ClaimKind

__all__ = ["KINDS", "UNITS", "ClaimKind", "lookup", "unit", "register", "unregister", "alias_note", "default_method"]

#: The units, in the order specs look for a default method of a target kind.
UNITS = (identity.KIND, readout.KIND, channels.KIND, sizes.KIND, equivalent.KIND, emulation.KIND, regions.KIND,
         sup_error.KIND, bound.KIND, contextual_mapping.KIND, logit_gap.KIND, same_output.KIND, boltzmann.KIND,
         memorise.KIND, decodes.KIND, scalar.KIND, equivariant.KIND,
         factors_through.KIND, spectrum.KIND, integral.KIND,
         automorphisms.KIND, hops.KIND, analytic.KIND,
         distinct_tokens.KIND, kernel_limit.KIND, formal_identity.KIND, token_dependence.KIND)

#: Kind name -> unit.
KINDS: dict = {}
_ALIASES: dict = {}


def register(kind: ClaimKind) -> ClaimKind:
    """Add a unit to the registry (its name and aliases must be new)."""
    if not isinstance(kind, ClaimKind):
        raise SpecError(f"{kind!r} is not a ClaimKind", field="kind")
    for name in (kind.name, *kind.aliases):
        if name in KINDS or name in _ALIASES:
            raise SpecError(f"claim kind {name!r} is registered already", field="kind")
    KINDS[kind.name] = kind
    _ALIASES.update({a: kind.name for a in kind.aliases})
    return kind


def unregister(name: str):
    """Remove a unit added by :func:`register` (for tests and plugins)."""
    kind = KINDS.pop(name)
    for a in kind.aliases:
        _ALIASES.pop(a, None)


for _kind in UNITS:
    register(_kind)


def lookup(name):
    """The unit of a kind, by its name or an older alias; ``None`` for an unknown name."""
    if not isinstance(name, str):
        return None
    return KINDS.get(name) or KINDS.get(_ALIASES.get(name))


def unit(name) -> ClaimKind:
    """The unit of a kind, by its name or an older alias; an unknown name is a SpecError."""
    found = lookup(name)
    if found is None:
        raise SpecError(f"unknown claim kind {name!r}{did_you_mean(name, list(KINDS) + list(_ALIASES))}", field="kind",
                        expected=" | ".join(KINDS))
    return found


def alias_note(name: str, where: str) -> str:
    """A one-line deprecation note when ``name`` is an old spelling, else ``""``."""
    if name in _ALIASES:
        return f"{where} {name!r} is an old name for {_ALIASES[name]!r}; it still works, but please write the new one"
    return ""


def default_method(target_kind: str) -> str:
    """The kind a spec checks when ``[check] method`` is not given, for a target kind."""
    for kind in KINDS.values():
        if target_kind in kind.spec_targets:
            return kind.name
    raise SpecError(f"no claim kind takes a {target_kind!r} target from a spec", field="target.kind")
