"""Certificates: a verdict with everything needed to re-check it.

A :class:`Certificate` records the verdict (``PROVED``, ``REFUTED`` or
``UNKNOWN``), the claim, the graph (embedded, with its fingerprint), the
method and backend, the evidence (for a polynomial identity: the expanded
output coefficients and the residual), a counterexample for a refutation,
timings and versions.  Every number is an exact rational string.
``symtrans check CERT`` re-checks it with :mod:`symtrans.checker`, which
does not import the constructions or the verifiers.

>>> from symtrans.certificate import Certificate
>>> c = Certificate("PROVED", {"kind": "identity"}, "ab12", "identity", "poly")
>>> Certificate.from_json(c.to_json()).verdict
'PROVED'
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field

from .errors import SpecError

__all__ = ["Certificate", "VERDICTS", "FORMAT", "VERSION"]

VERDICTS = ("PROVED", "REFUTED", "UNKNOWN")
FORMAT = "symtrans-certificate"
VERSION = 1


def _versions():
    import flint
    import mpmath
    import networkx
    import sympy

    from . import __version__

    return {"symtrans": __version__, "python": platform.python_version(), "python-flint": flint.__version__,
            "sympy": sympy.__version__, "mpmath": mpmath.__version__, "networkx": networkx.__version__}


@dataclass
class Certificate:
    """A verdict and its evidence (see the module docstring)."""

    verdict: str
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
        if self.verdict not in VERDICTS:
            raise SpecError(f"verdict {self.verdict!r}", field="verdict", expected=" | ".join(VERDICTS))

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "name": self.name, "verdict": self.verdict,
                "claim": self.claim, "fingerprint": self.fingerprint, "method": self.method,
                "backend": self.backend, "precision": self.precision, "evidence": self.evidence,
                "counterexample": self.counterexample, "seconds": round(self.seconds, 6),
                "versions": self.versions, "graph": self.graph}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, sort_keys=True)

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
        return cls(data["verdict"], data["claim"], data["fingerprint"], data["method"], data["backend"],
                   data.get("precision"), data.get("evidence") or {}, data.get("counterexample"),
                   data.get("seconds", 0.0), data.get("graph"), data.get("name", ""),
                   data.get("versions") or {})
