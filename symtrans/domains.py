"""Where a claim is asserted: all of R^d (polynomial identities) or a rational box.

>>> from symtrans.domains import Box, AllReals
>>> Box.cube(2, -1, 1).bounds
((Fraction(-1, 1), Fraction(1, 1)), (Fraction(-1, 1), Fraction(1, 1)))
>>> AllReals(3).to_json()
{'kind': 'all', 'dimension': 3}
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SpecError
from .exact import exact_rational, format_exact

__all__ = ["AllReals", "Box", "domain_from_json"]


@dataclass(frozen=True)
class AllReals:
    """All of R^d: a polynomial identity proved over Q[x] holds everywhere."""

    dimension: int

    def to_json(self):
        return {"kind": "all", "dimension": self.dimension}

    def contains(self, point) -> bool:
        """Every point of R^d with exact coordinates is in it.

        >>> AllReals(1).contains([10**9])
        True
        """
        return len(point) == self.dimension


@dataclass(frozen=True)
class Box:
    """A product of closed intervals with rational ends.

    >>> Box([("0", "1/2"), (-1, 1)]).dimension
    2
    >>> Box([(1, 0)])
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'domain': interval 0 has lower end 1 above upper end 0 (expected lo <= hi)
    """

    bounds: tuple

    def __init__(self, bounds):
        if not isinstance(bounds, (list, tuple)):
            raise SpecError(f"the box is {type(bounds).__name__} {bounds!r}"[:120], field="domain",
                            expected="a list of pairs [lo, hi]")
        out = []
        for k, pair in enumerate(bounds):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise SpecError(f"interval {k} is {pair!r}", field="domain", expected="a pair [lo, hi]")
            lo, hi = (exact_rational(v, f"domain interval {k}") for v in pair)
            if lo > hi:
                raise SpecError(f"interval {k} has lower end {lo} above upper end {hi}", field="domain",
                                expected="lo <= hi")
            out.append((lo, hi))
        if not out:
            raise SpecError("a box needs at least one interval", field="domain")
        object.__setattr__(self, "bounds", tuple(out))

    @classmethod
    def cube(cls, d: int, lo=-1, hi=1) -> "Box":
        """``[lo, hi]^d``."""
        return cls([(lo, hi)] * d)

    @property
    def dimension(self) -> int:
        return len(self.bounds)

    def contains(self, point) -> bool:
        """Whether ``point`` (exact coordinates, in order) lies in the closed box.

        >>> Box([(-1, 1)]).contains([-1]), Box([(-1, 1)]).contains(["-7"])
        (True, False)
        """
        return len(point) == self.dimension and all(
            lo <= exact_rational(v, "point") <= hi for v, (lo, hi) in zip(point, self.bounds))

    def to_json(self):
        return {"kind": "box", "bounds": [[format_exact(lo), format_exact(hi)] for lo, hi in self.bounds]}


def domain_from_json(data, dimension: int):
    """Read a domain object (``{"kind": "box", "bounds": [...]}`` or ``{"kind": "all"}``).

    >>> domain_from_json({"kind": "box", "bounds": [["-1", "1"]]}, 1).bounds[0][1]
    Fraction(1, 1)
    """
    if data is None:
        return AllReals(dimension)
    if not isinstance(data, dict):
        raise SpecError("domain must be a table", field="domain")
    kind = data.get("kind", "box" if "bounds" in data else "all")
    if kind == "all":
        return AllReals(dimension)
    if kind == "box":
        box = Box(data.get("bounds", []))
        if box.dimension != dimension:
            raise SpecError(f"box of dimension {box.dimension} for {dimension} variables", field="domain",
                            expected=f"{dimension} intervals")
        return box
    raise SpecError(f"domain kind {kind!r}", field="domain", expected="'box' or 'all'")
