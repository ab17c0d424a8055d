"""Claims: what is asserted about a graph, as data.

A :class:`Claim` is the kind's name, the target, the domain, where in the graph (output
node, row, col, channel groups) and the kind's own data (``expected``: a frozen
dataclass of the kind's unit, :mod:`symtrans.kinds`).  Claims are frozen and compare
(and hash) by everything they assert, the kind's data included.  The kinds and what each
asserts are listed by ``symtrans list`` and in :mod:`symtrans.kinds`.

>>> from symtrans.claims import Claim
>>> from symtrans.targets import MaxoutNet, Polynomial
>>> from symtrans.domains import Box
>>> c = Claim("identity", Polynomial.parse("x1*x2", ["x1", "x2"]))
>>> c.describe()
'output == x1*x2 over Q[x1, x2]'
>>> tent, box = MaxoutNet.tent(1), Box([(0, 1)])
>>> Claim("bound", tent, domain=box, expected={"eps": "1/10"}) == Claim("bound", tent, domain=box,
...                                                                      expected={"eps": "1/2"})
False
>>> Claim.from_json(c.to_json()) == c
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .domains import AllReals, Box, domain_from_json
from .errors import SpecError
from .graph import OUTPUTS
from .kinds import KINDS, unit
from .kinds.base import ENVELOPE
from .targets import target_from_json

__all__ = ["Claim", "KINDS"]


@dataclass(frozen=True)
class Claim:
    """A claim about a graph.

    Parameters
    ----------
    kind : str
        A kind's name (or an older alias, read as the kind): see :mod:`symtrans.kinds`.
    target : Polynomial, MaxoutNet, GraphTarget, optional
        What the output should compute, for kinds that take one.
    output : str, optional
        The node the claim is about; the graph's only output if omitted.
    row, col : int
        The output entry (``row`` is the token for ``readout``).
    groups : tuple of str, optional
        ``readout``: channel groups the read-out may use (all if omitted).
    expected : dict or the kind's data
        The kind's data (``eps`` for ``bound``, ``sequences`` for ``contextual_mapping`` ...),
        validated and frozen into the kind's dataclass.
    zero : tuple of str
        ``channels``: groups that must be 0 in every token.
    domain : AllReals or Box, optional
    """

    kind: str
    target: object = None
    output: str = None
    row: int = 0
    col: int = 0
    groups: tuple = None
    expected: object = None
    zero: tuple = ()
    domain: object = None

    def __post_init__(self):
        u = unit(self.kind)
        object.__setattr__(self, "kind", u.name)
        object.__setattr__(self, "expected", u.params.from_value(self.expected))
        if self.groups is not None:
            object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "zero", tuple(self.zero or ()))
        for f in fields(self):
            if f.name in ENVELOPE and f.name not in u.envelope and getattr(self, f.name) != f.default:
                raise SpecError(f"{f.name!r} does not apply to a {u.name} claim", field=f.name)
        if self.output is not None and not isinstance(self.output, str):
            raise SpecError(f"{self.output!r} is not a node name", field="output")
        for key in ("row", "col"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise SpecError(f"{v!r}", field=key, expected="an integer >= 0")
        kind_of_target = getattr(self.target, "kind", None)
        if u.targets and kind_of_target not in u.targets:
            raise SpecError(f"a {u.name} claim needs a {' or '.join(u.targets)} target", field="target",
                            expected=f"not {type(self.target).__name__}")
        if not u.targets and self.target is not None:
            raise SpecError(f"a {u.name} claim takes no target", field="target")
        if u.domain == "reals" and self.domain is None:
            object.__setattr__(self, "domain", AllReals(len(self.target.variables)))
        if u.domain == "box":
            if not isinstance(self.domain, Box):
                raise SpecError(f"a {u.name} claim needs a box domain", field="domain")
            dim = self.target.dimension if self.target is not None else None
            if dim is not None and self.domain.dimension != dim:
                raise SpecError(f"a box of dimension {self.domain.dimension} for a target on R^{dim}",
                                field="domain", expected=f"{dim} intervals")
        elif u.domain == "box_or_none" and self.domain is not None and not isinstance(self.domain, Box):
            raise SpecError(f"a {u.name} claim takes a box domain or none", field="domain")
        elif u.domain is None and self.domain is not None:
            raise SpecError(f"a {u.name} claim takes no domain", field="domain")
        if u.validate is not None:
            u.validate(self)

    def entry_of(self, G) -> tuple:
        """``(node, row, col)``: the output entry this claim is about, checked against ``G``.

        >>> from symtrans import Box, MaxoutNet
        >>> from symtrans.constructions.gu2026 import maxout_transformer
        >>> G = maxout_transformer(MaxoutNet.tent(1), Box([(0, 1)]))
        >>> Claim("emulation", MaxoutNet.tent(1), domain=Box([(0, 1)]), row=1).entry_of(G)
        Traceback (most recent call last):
        ...
        symtrans.errors.SpecError: field 'row': entry (1, 0) of output 'readout', which is 1 x 1 (expected a row below 1 and a column below 1)
        """
        node = self.output or G.graph[OUTPUTS][0]
        if node not in G:
            raise SpecError(f"output {node!r} is not a node of the graph", field="output")
        rows, cols = G.nodes[node]["shape"]
        if not (self.row < rows and self.col < cols):
            raise SpecError(f"entry ({self.row}, {self.col}) of output {node!r}, which is {rows} x {cols}",
                            field="row" if self.row >= rows else "col",
                            expected=f"a row below {rows} and a column below {cols}")
        return node, self.row, self.col

    @property
    def unit(self):
        """The claim kind's unit (:class:`symtrans.kinds.base.ClaimKind`)."""
        return unit(self.kind)

    def describe(self) -> str:
        """One line for reports."""
        return self.unit.describe(self)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "output": self.output, "row": self.row, "col": self.col}
        if self.target is not None:
            out["target"] = self.target.to_json()
        if self.groups is not None:
            out["groups"] = list(self.groups)
        data = self.expected.to_json()
        if data:
            out["expected"] = data
        if self.zero:
            out["zero"] = list(self.zero)
        if self.domain is not None:
            out["domain"] = self.domain.to_json()
        return out

    @classmethod
    def from_json(cls, data) -> "Claim":
        """Inverse of :meth:`to_json` (target expressions re-parsed by the restricted parser)."""
        if not isinstance(data, dict):
            raise SpecError("claim is not an object", field="claim")
        known = {"kind", "target", "output", "row", "col", "groups", "expected", "zero", "domain"}
        extra = sorted(set(data) - known)
        if extra:
            raise SpecError(f"unknown claim field {extra[0]!r}", field=f"claim.{extra[0]}")
        u = unit(data.get("kind"))
        target = data.get("target")
        if target is not None:
            target = target_from_json(target)
        domain = data.get("domain")
        if domain is not None:
            if not isinstance(domain, dict):
                raise SpecError("domain is not an object", field="claim.domain")
            dim = domain.get("dimension") if domain.get("kind") == "all" else len(domain.get("bounds") or [])
            if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
                raise SpecError(f"domain dimension {dim!r}", field="claim.domain")
            domain = domain_from_json(domain, dim)
        if u.domain != "reals" and isinstance(domain, AllReals):
            domain = None
        groups, zero = data.get("groups"), data.get("zero", [])
        for key, value in (("groups", groups), ("zero", zero)):
            if value is not None and (not isinstance(value, list) or not all(isinstance(g, str) for g in value)):
                raise SpecError(f"{key} is not a list of names", field=f"claim.{key}")
        return cls(u.name, target, data.get("output"), data.get("row", 0), data.get("col", 0),
                   tuple(groups) if groups is not None else None, data.get("expected"), tuple(zero or ()), domain)
