"""Claims: what is asserted about a graph, as data.

A claim names a relation between the graph and a target on a domain:

``identity``
    The output entry ``(row, col)`` of node ``output`` equals the polynomial
    ``target`` for every input (and every value of the target's parameters):
    an identity in ``Q[params][x]``.
``readout``
    *Some* read-out reaches the target: there are rationals ``theta`` with
    ``sum_i theta_i H[token, i] = target``, ``H`` the value of node ``output``
    (optionally restricted to channel ``groups``).  Proved with ``theta``;
    refuted with a certificate that no ``theta`` exists.
``channels``
    Channel groups of node ``output`` hold given polynomials in every token
    (block invariants such as "after block l, R_l holds all monomials of
    degree <= l"); groups in ``zero`` hold 0.
``sizes``
    The graph's sizes (:func:`symtrans.graph.sizes`) equal the ``expected``
    ones (blocks, heads per block, tokens, width, free parameters ...).
``equivalent``
    The output entry equals the maxout network ``target`` (or another graph's
    output, a :class:`~symtrans.targets.GraphTarget`) at every point of the box
    ``domain`` (piecewise-linear equivalence, any dimension).
``emulation``
    As ``equivalent``, proved compositionally (block by block, any dimension,
    no region enumeration): see :mod:`symtrans.verify.emulation`.
``regions``
    The output entry has exactly ``expected["regions"]`` linear regions on the
    box ``domain`` (maximal connected sets where it is one affine map).
``sup_error``
    The exact ``sup`` over an interval of ``|target - output|`` for a polynomial target of
    degree at most 2 equals ``expected["value"]`` (Yarotsky's ``2^(-2m-2)``).
``bound``
    ``sup_{x in domain} |output(x) - target(x)| <= expected["eps"]`` for a maxout
    target (certified by interval evaluation with bisection).
``contextual_mapping``
    On ``expected["sequences"]`` the graph is an ``(r, delta)``-contextual mapping:
    output norms ``<= r`` and required pairs of output tokens farther apart than
    ``delta`` (or ``10^delta_log10``): see :mod:`symtrans.verify.separation`.
``logit_gap``
    Lemma 1's hypothesis on ``expected["sequences"]``: logit gaps ``>= 2 log n + 3``.
``boltzmann``
    Lemma 1 of Kajitsuka & Sato on ``expected["vectors"]`` (with ``r``, ``delta``):
    the Boltzmann operator separates them by more than ``(log n)^2 e^(-2r)``.
``memorise``
    The network outputs ``expected["labels"][i][k]`` exactly for token ``k`` of
    sequence ``i`` (enclosure of the context id ``expected["z"]``, then an exact
    pwl evaluation of the FFN after it).
``same_output``
    The output row ``expected["row"]`` is the same for the two ``expected["inputs"]``,
    for every value of the graph's parameters.

>>> from symtrans.claims import Claim
>>> from symtrans.targets import Polynomial
>>> c = Claim("identity", Polynomial.parse("x1*x2", ["x1", "x2"]))
>>> c.describe()
'output == x1*x2 over Q[x1, x2]'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .domains import AllReals
from .errors import SpecError
from .exact import format_exact
from .domains import Box
from .targets import GraphTarget, MaxoutNet, Polynomial

__all__ = ["Claim", "KINDS"]

KINDS = ("identity", "readout", "channels", "sizes", "equivalent", "emulation", "regions", "bound",
         "contextual_mapping", "logit_gap", "same_output", "boltzmann", "memorise", "sup_error")


@dataclass(frozen=True)
class Claim:
    """A claim about a graph (see the module docstring for the kinds).

    Parameters
    ----------
    kind : {"identity", "readout", "channels"}
    target : Polynomial, optional
        For ``identity`` and ``readout``.
    output : str, optional
        The node the claim is about; the graph's only output if omitted.
    row, col : int
        The entry of the output for ``identity``; ``row`` is the token for ``readout``.
    groups : tuple of str, optional
        ``readout``: channel groups the read-out may use (all if omitted).
    expected : dict, optional
        ``channels``: group name -> list of polynomial expressions (strings or SymPy),
        the same in every token.
    zero : tuple of str
        ``channels``: groups that must be 0 in every token.
    domain : AllReals or Box
    """

    kind: str
    target: Polynomial = None
    output: str = None
    row: int = 0
    col: int = 0
    groups: tuple = None
    expected: dict = field(default=None, compare=False)
    zero: tuple = ()
    domain: object = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise SpecError(f"claim kind {self.kind!r}", field="kind", expected=" | ".join(KINDS))
        if self.kind in ("identity", "readout") and not isinstance(self.target, Polynomial):
            raise SpecError(f"a {self.kind} claim needs a polynomial target", field="target")
        if self.kind == "channels" and not self.expected and not self.zero:
            raise SpecError("a channels claim needs expected groups", field="expected")
        if self.kind in ("sizes", "regions", "bound", "contextual_mapping", "logit_gap", "same_output",
                         "boltzmann", "memorise", "sup_error") and \
                not isinstance(self.expected, dict):
            raise SpecError(f"a {self.kind} claim needs the expected values", field="expected")
        if self.kind == "equivalent" and not isinstance(self.target, (MaxoutNet, GraphTarget)):
            raise SpecError("an equivalent claim needs a maxout-network or graph target", field="target")
        if self.kind in ("emulation", "bound") and not isinstance(self.target, MaxoutNet):
            raise SpecError(f"an {self.kind} claim needs a maxout-network target", field="target")
        if self.kind in ("equivalent", "emulation", "regions", "bound") and not isinstance(self.domain, Box):
            raise SpecError(f"a {self.kind} claim needs a box domain", field="domain")
        if self.kind in ("equivalent", "emulation", "bound") and self.domain.dimension != self.target.dimension:
            raise SpecError(f"a box of dimension {self.domain.dimension} for a target on R^{self.target.dimension}",
                            field="domain", expected=f"{self.target.dimension} intervals")
        if self.kind == "sup_error" and (not isinstance(self.target, Polynomial) or not isinstance(self.domain, Box)):
            raise SpecError("a sup_error claim needs a polynomial target and a box", field="target")
        if self.domain is None and isinstance(self.target, Polynomial):
            object.__setattr__(self, "domain", AllReals(len(self.target.variables)))

    def describe(self) -> str:
        """One line for reports."""
        where = self.output or "output"
        if self.kind == "identity":
            ring = ", ".join(self.target.parameters + self.target.variables) if len(
                self.target.parameters) <= 4 else f"{len(self.target.parameters)} parameters, " + ", ".join(
                self.target.variables)
            return f"{where} == {_short(self.target.expr)} over Q[{ring}]"
        if self.kind == "readout":
            return f"some read-out of {where}[token {self.row}] == {_short(self.target.expr)}"
        if self.kind == "sup_error":
            return f"sup |{_short(self.target.expr)} - {where}| == {self.expected.get('value')} on the interval"
        if self.kind == "memorise":
            return f"outputs equal the labels exactly on {len(self.expected.get('sequences', []))} sequences"
        if self.kind == "boltzmann":
            return f"Lemma 1: boltz separates {len(self.expected.get('vectors', []))} vectors by (log n)^2 e^(-2r)"
        if self.kind == "logit_gap":
            return "logit gaps >= 2 log n + 3 (Lemma 1's hypothesis)"
        if self.kind == "same_output":
            return f"row {self.expected.get('row', 0)} equal on two inputs for every parameter value"
        if self.kind == "contextual_mapping":
            e = self.expected
            delta = f"10^{e['delta_log10']}" if "delta_log10" in e else e.get("delta", 0)
            return f"(r={e.get('r')}, delta={delta})-contextual mapping on {len(e['sequences'])} sequences"
        if self.kind == "bound":
            return f"sup |{where} - maxout net| <= {self.expected.get('eps')} on the box"
        if self.kind in ("sizes", "regions"):
            return f"{self.kind} " + ", ".join(f"{k}={v}" for k, v in self.expected.items())
        if self.kind == "equivalent" and isinstance(self.target, GraphTarget):
            return f"{where} == graph {self.target.graph.graph.get('name', '')!r} node {self.target.output!r} on the box"
        if self.kind in ("equivalent", "emulation"):
            return f"{where} == maxout net (widths {self.target.widths}, ranks {self.target.ranks}) on the box"
        groups = ", ".join(list(self.expected or {}) + [f"{z}=0" for z in self.zero])
        return f"channels {groups} of {where} in every token"

    def to_json(self) -> dict:
        out = {"kind": self.kind, "output": self.output, "row": self.row, "col": self.col}
        if self.target is not None:
            out["target"] = self.target.to_json()
        if self.groups is not None:
            out["groups"] = list(self.groups)
        if self.expected is not None and self.kind in ("sizes", "regions", "bound", "contextual_mapping", "logit_gap",
                                                       "same_output", "boltzmann", "memorise", "sup_error"):
            out["expected"] = _jsonable(self.expected)
        elif self.expected is not None:
            out["expected"] = {g: [str(e) for e in exprs] for g, exprs in self.expected.items()}
        if self.zero:
            out["zero"] = list(self.zero)
        if self.domain is not None:
            out["domain"] = self.domain.to_json()
        return out

    @classmethod
    def from_json(cls, data) -> "Claim":
        """Inverse of :meth:`to_json` (target expressions re-parsed by the restricted parser)."""
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise SpecError("claim is not an object with a known kind", field="claim",
                            expected=" | ".join(KINDS))
        target = data.get("target")
        if target is not None:
            kinds = {"maxout": MaxoutNet, "graph": GraphTarget}
            target = kinds.get(target.get("kind"), Polynomial).from_json(target)
        domain = data.get("domain")
        if domain is not None and domain.get("kind") == "box":
            domain = Box(domain["bounds"])
        else:
            domain = None
        return cls(data["kind"], target, data.get("output"), data.get("row", 0), data.get("col", 0),
                   tuple(data["groups"]) if data.get("groups") is not None else None,
                   data.get("expected"), tuple(data.get("zero", ())), domain)


def _jsonable(value):
    """Exact values as strings, containers recursively (claims are stored in certificates)."""
    from fractions import Fraction

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return format_exact(value)
    return value


def _short(expr, limit=60):
    text = str(expr)
    return text if len(text) <= limit else text[:limit - 3] + "..."
