"""Named channel groups of the residual stream.

Constructions never address the residual stream by raw index arithmetic.  A
:class:`Channels` value lists named groups in order (``P``: positions, ``X``:
copies of the input, ``R_l``: what block ``l`` writes, ...), and weight
matrices are built from the action of a map on named directions
(:meth:`symtrans.weights.Weights.from_action`), as tracr builds its maps from
bases.  Invariants are then checked per group ("after block l, group R_l holds
all monomials of degree <= l").

>>> from symtrans.channels import Channels
>>> ch = Channels([("P", 2), ("X", 3), ("R0", 1)])
>>> ch.width, ch.index("X", 1), ch.slice("R0")
(6, 3, slice(5, 6, None))
>>> ch.label(4)
'X[2]'
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GraphError

__all__ = ["Channels"]


@dataclass(frozen=True)
class Channels:
    """An ordered list of named channel groups, each of a fixed size.

    Parameters
    ----------
    groups : sequence of (name, size)
        Group names are unique non-empty strings, sizes non-negative integers.

    Examples
    --------
    >>> ch = Channels([("a", 2)]).extend([("b", 1)])
    >>> ch.names, ch.offset("b")
    (('a', 'b'), 2)
    """

    groups: tuple

    def __init__(self, groups):
        groups = tuple((str(name), size) for name, size in groups)
        seen = set()
        for name, size in groups:
            if not name:
                raise GraphError("channel group with an empty name", field="channels")
            if name in seen:
                raise GraphError(f"channel group {name!r} appears twice", field="channels",
                                 expected="unique group names")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise GraphError(f"channel group {name!r} has size {size!r}", field="channels",
                                 expected="a non-negative integer")
            seen.add(name)
        object.__setattr__(self, "groups", groups)

    @property
    def names(self) -> tuple:
        """Group names in order."""
        return tuple(name for name, _ in self.groups)

    @property
    def width(self) -> int:
        """Total number of channels."""
        return sum(size for _, size in self.groups)

    def size(self, name: str) -> int:
        """Number of channels in group ``name``."""
        return self._find(name)[1]

    def offset(self, name: str) -> int:
        """Index of the first channel of group ``name``."""
        return self._find(name)[0]

    def slice(self, name: str) -> slice:
        """The slice of the stream occupied by group ``name``."""
        start, size = self._find(name)
        return slice(start, start + size)

    def index(self, name: str, i: int) -> int:
        """Stream index of channel ``i`` of group ``name``."""
        start, size = self._find(name)
        if not 0 <= i < size:
            raise GraphError(f"channel {name}[{i}] is out of range", field="channels",
                             expected=f"an index from 0 to {size - 1}")
        return start + i

    def label(self, index: int) -> str:
        """Name of stream index ``index``, as ``group[i]``."""
        start = 0
        for name, size in self.groups:
            if start <= index < start + size:
                return f"{name}[{index - start}]"
            start += size
        raise GraphError(f"stream index {index} is out of range", field="channels",
                         expected=f"an index below {self.width}")

    def extend(self, groups) -> "Channels":
        """A new layout with ``groups`` appended."""
        return Channels(self.groups + tuple(groups))

    def to_json(self) -> list:
        """JSON form: a list of ``[name, size]``."""
        return [[name, size] for name, size in self.groups]

    @classmethod
    def from_json(cls, data) -> "Channels":
        """Inverse of :meth:`to_json`."""
        if not isinstance(data, list) or not all(isinstance(g, list) and len(g) == 2 for g in data):
            raise GraphError("channels must be a list of [name, size] pairs", field="channels")
        return cls(data)

    def _find(self, name):
        start = 0
        for group, size in self.groups:
            if group == name:
                return start, size
            start += size
        raise GraphError(f"no channel group {name!r}", field="channels",
                         expected="one of " + ", ".join(self.names))
