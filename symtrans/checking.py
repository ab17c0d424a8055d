"""The independent certificate checker behind ``symtrans check``: the trusted base.

It re-derives a certificate's verdict from the claim, the embedded graph and the
evidence, without trusting the search that produced it.  It dispatches on the
*claim's* kind (the certificate's ``method`` must name that kind, or an older alias
of it); it recomputes the graph's fingerprint; an UNKNOWN certificate is reported as
such, with nothing to re-check.  Each kind's check is ``symtrans/kinds/<kind>/check.py``;
none of them imports a prover (``symtrans/kinds/<kind>/prove.py``, :mod:`symtrans.provers`)
or a construction: they use only the claim data, the graph IR, the interpreter, the
backends, :mod:`symtrans.regions`, :mod:`symtrans.polytope` and the exact polynomial
conversions (``docs/trust.rst`` lists the trusted base).

:func:`check_certificate` never raises: malformed input, a failed check and an
unexpected error in the checker are all a result that does not hold, with the reason.

What each kind's check re-derives:

``identity``
    The embedded graph has the recorded fingerprint; re-evaluated on the poly
    backend, its output equals the recorded expanded coefficients; output
    minus target equals the recorded residual; PROVED iff that residual is
    zero; for REFUTED, the graph evaluated exactly at the counterexample point
    gives the recorded network value, the target gives the recorded target
    value, and the two differ.
``readout``
    PROVED: the recorded ``theta`` times the recomputed channels is the
    target.  REFUTED by degree: every recomputed channel has degree below the
    target's.  REFUTED by ``y``: the recorded monomials cover every monomial of
    the channels and the target, ``y^T A = 0`` and ``y . b != 0``.
``channels``
    The recomputed groups equal the expected polynomials in every token
    (PROVED), or differ at the recorded place (REFUTED).
``sizes``
    The recomputed sizes agree or disagree with the claim as recorded.
``equivalent``
    Rebuilds the recorded cut tree from the box (so its leaves cover it) and
    re-runs the exact polytope cell engine on every leaf: PROVED iff the network
    and the target are each one affine map there, equal to each other and to the
    recorded map, the witness lies inside, and they agree on every face where a
    hardmax of the network ties; REFUTED iff they differ at the recorded point
    (evaluated exactly on the rational backend).
``regions``
    Re-enumerates the cells and re-counts the linear regions.
``sup_error``
    Re-runs the exact piecewise-affine evaluation and recomputes, cell by cell, the exact
    maximum of ``|target - output|`` (ends and vertex of a quadratic).
``contextual_mapping``
    Re-evaluates the outputs with Arb at the recorded precision and re-decides every norm
    and every required pair: PROVED iff all are certainly within ``r`` / beyond ``delta``;
    REFUTED iff the recorded pair (or norm) is certainly on the wrong side.
``logit_gap``
    Recomputes the exact score matrices and the minimum gap against ``2 log n + 3``.
``emulation``
    Re-derives the block-by-block proof independently: every unit of the target
    is a symbol with an Arb enclosure; a ReLU whose affine argument's exact range
    over the enclosures has a sign is linearised, an undecided one becomes a symbol
    ``s`` with ``relu(-p) = s - p``; a hardmax head must have positive constant
    queries, values equal to its keys, and keys equal to a unit's pieces; the
    read-out must be ``<a, y^L> + c`` as a polynomial.
``memorise``
    Re-encloses every data point's context id at the recorded precision and
    re-evaluates the FFN after it exactly (pwl backend) over the enclosure.
``boltzmann``
    Re-evaluates every vector's Boltzmann value at the recorded precision and checks each
    pair's difference against ``(log n)^2 e^(-2r)``.
``same_output``
    Recomputes both output rows over ``Q[params]`` and compares them.
``bound``
    Rebuilds the bisection tree (so the leaves cover the box by construction),
    re-evaluates every leaf's enclosure of ``N - f`` with Arb at the recorded
    precision and checks it lies within ``eps``; for REFUTED, re-evaluates the
    point enclosure and checks it lies beyond ``eps``.

>>> from symtrans.checking import check_certificate
>>> check_certificate({"format": "something else"})
CheckResult(holds=False, verdict=None, reason="field 'format': not a symtrans certificate (expected 'symtrans-certificate')")
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .backends import PolyBackend, PWLBackend
from .budget import TimeLimit, older_objects_frozen, time_limit
from .certificate import Certificate, Verdict, claim_fingerprint
from .claims import Claim
from .errors import SpecError, SymtransError
from .exact import exact_rational
from .graph import OUTPUTS, fingerprint, from_json
from .interpret import evaluate

__all__ = ["check_certificate", "CheckResult"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a re-check: whether the certificate holds, the verdict it re-derived, why.

    True in a boolean context exactly when the certificate holds.
    """

    holds: bool
    verdict: Verdict = None
    reason: str = ""
    #: The input is not a well-formed certificate (the CLI exits 2), rather than one that fails its check.
    malformed: bool = field(default=False, repr=False)

    def __bool__(self):
        return self.holds

    def astuple(self) -> tuple:
        """``(holds, reason)``."""
        return self.holds, self.reason


class _Fail(Exception):
    pass


def _require(condition, reason):
    if not condition:
        raise _Fail(reason)


def check_certificate(data, timeout: float = None) -> CheckResult:
    """Re-check a certificate (parsed JSON) from its claim; never raises.

    ``timeout`` (seconds) bounds the re-check; a certificate not re-checked in time
    does not hold.
    """
    try:
        with time_limit(timeout, "re-checking the certificate"), older_objects_frozen():
            return _check(data)
    except TimeLimit as exc:
        return CheckResult(False, None, f"not re-checked: {exc}")


def _check(data) -> CheckResult:
    try:  # reading: a file that is not a well-formed certificate is malformed input, not a failed check
        cert = Certificate.from_json(data)
        claim = Claim.from_json(cert.claim)
        unit = claim.unit
        if not unit.graph:  # a graph-free claim: no graph, fingerprinted by the claim itself
            if cert.graph is not None:
                raise SpecError(f"a {unit.name} certificate embeds a graph; its claim is about none", field="graph")
            G, subject = None, claim_fingerprint(cert.claim)
        else:
            if not isinstance(cert.graph, dict):
                raise SpecError("the certificate embeds no graph", field="graph")
            G = from_json(cert.graph)
            subject = fingerprint(G)
        if subject != cert.fingerprint:  # the file disagrees with itself
            what = "the embedded graph" if G is not None else "the claim"
            raise SpecError(f"fingerprint mismatch: {what} hashes to {subject[:16]}..., "
                            f"the certificate says {str(cert.fingerprint)[:16]}...")
    except SymtransError as exc:
        return CheckResult(False, None, str(exc), malformed=True)
    except RecursionError:
        return CheckResult(False, None, "malformed certificate: nested too deeply", malformed=True)
    except Exception as exc:  # noqa: BLE001 - the checker never raises
        return CheckResult(False, None, f"malformed certificate: {type(exc).__name__}: {exc}", malformed=True)
    try:
        _require(cert.method in (unit.name, *unit.aliases),
                 f"method {cert.method!r} is not the claim's kind {unit.name!r}")
        if G is not None:
            claim.entry_of(G)
        about = f"{'graph' if G is not None else 'claim'} {cert.fingerprint[:16]}"
        if cert.verdict is Verdict.UNKNOWN:
            return CheckResult(True, Verdict.UNKNOWN, f"UNKNOWN: nothing to re-check ({unit.name}, {about})")
        verdict = Verdict.of(unit.check(G, claim, cert), "the checker's verdict")
        _require(verdict is cert.verdict, f"the certificate says {cert.verdict}, the evidence gives {verdict}")
    except _Fail as exc:
        return CheckResult(False, None, str(exc))
    except SymtransError as exc:
        return CheckResult(False, None, str(exc))
    except RecursionError:
        return CheckResult(False, None, "malformed certificate: nested too deeply")
    except Exception as exc:  # noqa: BLE001 - the checker never raises; anything unexpected fails the check
        return CheckResult(False, None, f"malformed evidence: {type(exc).__name__}: {exc}")
    return CheckResult(True, verdict, f"{verdict} re-checked ({unit.name}, {about})")


def _point(claim, ce, variables):
    """The counterexample's point, variable by variable, required complete and inside the claim's domain."""
    _require(isinstance(ce, dict) and isinstance(ce.get("point"), dict), "the certificate has no point to re-check")
    raw = ce["point"]
    missing = [v for v in variables if v not in raw]
    _require(not missing, f"the counterexample does not give {missing[:1]}")
    point = {v: exact_rational(raw[v], f"counterexample.point.{v}") for v in variables}
    domain = claim.domain
    _require(domain is None or domain.contains([point[v] for v in variables]),
             "the counterexample lies outside the claim's domain")
    return point


def _node(G, claim):
    return claim.output or G.graph[OUTPUTS][0]


def _value(G, names, node):
    return evaluate(G, PolyBackend(names), nodes=[node], outputs=False)[node]


def _pwl_pieces(G, node, lo, hi, row=0, col=0):
    bk = PWLBackend(lo, hi)
    return bk.pieces(evaluate(G, bk, nodes=[node], outputs=False)[node], row, col)


def _separation_inputs(claim):
    return [[list(tok) for tok in seq] for seq in claim.expected.sequences]


def _pq(q):
    return q.numerator, q.denominator
