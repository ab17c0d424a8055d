"""Certificates: a verdict with everything needed to re-check it.

A :class:`Certificate` records the :class:`Verdict`, the claim, the graph (embedded, with
its fingerprint), the method (the claim's kind) and backend, the evidence (for a
polynomial identity: the expanded output coefficients and the residual), a
counterexample for a refutation, timings and versions.  Every number is an exact
rational string.  Certificates are frozen: :meth:`Certificate.replace` builds a variant.
``symtrans check CERT`` re-checks one with :mod:`symtrans.checking`, which imports no
prover.

>>> from symtrans.certificate import Certificate, Verdict
>>> c = Certificate(Verdict.PROVED, {"kind": "sizes", "expected": {"blocks": 0}}, "ab12cd34", "sizes", "structure")
>>> c
Certificate(PROVED sizes 'sizes blocks=0' graph ab12cd34)
>>> Certificate.from_json(c.to_json()).verdict is Verdict.PROVED
True
>>> c.replace(name="mine").name, c.name
('mine', '')
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass, field
from enum import Enum

import flint
import networkx

from ._version import __version__
from .claims import Claim
from .budget import MAX_PRECISION
from .errors import SpecError

__all__ = ["Certificate", "Verdict", "VERDICTS", "FORMAT", "VERSION", "claim_fingerprint"]

FORMAT = "symtrans-certificate"
VERSION = 1


class Verdict(str, Enum):
    """PROVED, REFUTED or UNKNOWN (a ``str``: ``Verdict.PROVED == "PROVED"``)."""

    PROVED = "PROVED"
    REFUTED = "REFUTED"
    UNKNOWN = "UNKNOWN"

    def __str__(self):
        return self.value

    def __repr__(self):  # shown like the string it equals, so results read as in the reports
        return repr(self.value)

    def __format__(self, spec):
        return format(self.value, spec)

    @classmethod
    def of(cls, value, where="verdict") -> "Verdict":
        """A verdict from its name; anything else is a SpecError naming ``where``."""
        try:
            return cls(value)
        except ValueError:
            raise SpecError(f"verdict {value!r}", field=where, expected=" | ".join(v.value for v in cls)) from None


VERDICTS = tuple(v.value for v in Verdict)


def claim_fingerprint(claim_json: dict) -> str:
    """The fingerprint of a graph-free claim: SHA-256 of its canonical JSON.

    A claim about no graph (a scalar proof step, a matrix's spectrum) is its own subject;
    its certificate records this hash where others record the graph's, and the checker
    recomputes it.

    >>> a = claim_fingerprint({"kind": "scalar", "expected": {"relation": "1 < 2"}})
    >>> a == claim_fingerprint({"expected": {"relation": "1 < 2"}, "kind": "scalar"}), len(a)
    (True, 64)
    """
    text = json.dumps(claim_json, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(("claim:" + text).encode()).hexdigest()


def _version_of(package: str) -> str:
    """The version of ``package``: its ``__version__`` once imported, else its installed metadata
    (importing SymPy only to read its version would cost 0.35 s, mpmath 0.03 s)."""
    module = sys.modules.get(package)
    if module is not None:
        return module.__version__
    version = _METADATA_VERSIONS.get(package)
    if version is None:  # read once: 1 ms a package, more than a small proof's arithmetic
        from importlib import metadata  # 0.02 s of e-mail parsing modules: only when a certificate is written

        version = _METADATA_VERSIONS[package] = metadata.version(package)
    return version


_METADATA_VERSIONS = {}


def _versions():
    """The versions a certificate records."""
    return {"symtrans": __version__, "python": "{}.{}.{}".format(*sys.version_info[:3]), "python-flint": flint.__version__,
            "sympy": _version_of("sympy"), "mpmath": _version_of("mpmath"),
            "networkx": networkx.__version__}


#: Every field a certificate file may have.
_FIELDS = {"format", "version", "name", "verdict", "claim", "fingerprint", "method", "backend", "precision",
           "evidence", "counterexample", "seconds", "versions", "graph"}


@dataclass(frozen=True, repr=False)
class Certificate:
    """A verdict and its evidence (see the module docstring).

    ``claim`` is the claim as JSON (as stored), ``graph`` the graph as JSON; ``evidence``
    follows the claim kind's evidence schema (:mod:`symtrans.kinds`).
    """

    verdict: Verdict
    claim: dict
    fingerprint: str
    method: str
    backend: str
    precision: object = None
    evidence: dict = field(default_factory=dict)
    counterexample: dict = None
    seconds: float = 0.0
    graph: dict = None
    name: str = ""
    versions: dict = field(default_factory=_versions)

    def __post_init__(self):
        object.__setattr__(self, "verdict", Verdict.of(self.verdict))

    def replace(self, **changes) -> "Certificate":
        """A copy with some fields changed (certificates are frozen)."""
        return dataclasses.replace(self, **changes)

    def with_evidence(self, **more) -> "Certificate":
        """A copy with more evidence entries (a float cross-check, say)."""
        return self.replace(evidence={**self.evidence, **more})

    def describe(self) -> str:
        """The claim in one line (``?`` when the stored claim cannot be read)."""
        try:
            return Claim.from_json(self.claim).describe()
        except Exception:  # noqa: BLE001 - a repr must not fail on a malformed certificate
            return "?"

    def __repr__(self):
        who = f"{self.name!r} " if self.name else ""
        return (f"Certificate({who}{self.verdict} {self.method} {self.describe()!r} "
                f"graph {str(self.fingerprint)[:16]})")

    def _fields(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "name": self.name, "verdict": self.verdict.value,
                "claim": self.claim, "fingerprint": self.fingerprint, "method": self.method,
                "backend": self.backend, "precision": self.precision, "evidence": self.evidence,
                "counterexample": self.counterexample, "seconds": round(self.seconds, 6),
                "versions": self.versions, "graph": self.graph}

    def to_json(self) -> dict:
        """The certificate as JSON data (a deep copy: editing it leaves the certificate as it was)."""
        return copy.deepcopy(self._fields())

    def dumps(self) -> str:
        """The certificate as JSON text (serialised directly: no copy needed)."""
        return json.dumps(self._fields(), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, data) -> "Certificate":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SpecError("not a symtrans certificate", field="format", expected=repr(FORMAT))
        if data.get("version") != VERSION:
            raise SpecError(f"certificate version {data.get('version')!r}", field="version",
                            expected=str(VERSION))
        missing = [k for k in ("verdict", "claim", "fingerprint", "method", "backend") if k not in data]
        if missing:
            raise SpecError(f"certificate without {missing[0]!r}", field=missing[0])
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            raise SpecError(f"unknown certificate field {unknown[0]!r}", field=unknown[0],
                            expected=", ".join(sorted(_FIELDS)))
        precision = data.get("precision")
        if precision is not None and (type(precision) is not int or not 2 <= precision <= MAX_PRECISION):
            raise SpecError(f"precision {str(precision)[:40]!r}", field="precision",
                            expected=f"null or an integer number of bits from 2 to {MAX_PRECISION}")
        types = {"claim": dict, "fingerprint": str, "method": str, "evidence": (dict, type(None)),
                 "counterexample": (dict, type(None)), "graph": (dict, type(None)), "name": str,
                 "versions": (dict, type(None)), "seconds": (int, float)}
        for key, kind in types.items():
            if key in data and not isinstance(data[key], kind):
                raise SpecError(f"{type(data[key]).__name__} where an object of another type belongs", field=key)
        return cls(Verdict.of(data["verdict"]), data["claim"], data["fingerprint"], data["method"], data["backend"],
                   data.get("precision"), data.get("evidence") or {}, data.get("counterexample"),
                   data.get("seconds", 0.0), data.get("graph"), data.get("name", ""),
                   data.get("versions") or {})
