"""Proof obligations: named (graph, claim, expected verdict) items, found in proof modules and specs.

A proof module (``proofs/*.py``, ARCHITECTURE section 7) defines
``obligations(quick=True)`` yielding :class:`Obligation` values, negative ones
included (too few blocks must be REFUTED).  A spec file (``*.toml``) is one
obligation.  :func:`collect` finds them under files and directories;
:func:`run` checks one and says whether the verdict is the expected one.

>>> from symtrans.obligations import Obligation, run
>>> from symtrans.constructions.fang2022 import polynomial_transformer
>>> from symtrans.targets import Polynomial
>>> from symtrans.claims import Claim
>>> t = Polynomial.parse("x - 1", ["x"])
>>> ob = Obligation("line", lambda: polynomial_transformer(t), Claim("identity", t))
>>> result = run(ob)
>>> result.certificate.verdict, result.as_expected
('PROVED', True)
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .certificate import VERDICTS
from .budget import TimeLimit, time_limit
from .errors import SpecError, SymtransError, failure_message, user_code
from .graph import sizes
from .pipeline import verify
from .provers._certify import STRUCTURE, certify
from .spec import load_spec

__all__ = ["Obligation", "Unloadable", "Result", "run", "run_all", "collect", "name_filter", "load_proof_module"]


@dataclass
class Obligation:
    """One thing to check.

    Parameters
    ----------
    name : str
    graph : networkx.DiGraph or callable or None
        The graph, or a function of no arguments building it (built when run);
        ``None`` for a graph-free claim.
    claim : Claim
    expected : {"PROVED", "REFUTED", "UNKNOWN"}
    crosscheck : int
        Float cross-check points to attach (0: none).
    note : str
        Why this obligation is there (shown in reports).
    notes : tuple of str
        One-line remarks for the user (an old spelling in a spec, say).
    """

    name: str
    graph: object
    claim: object
    expected: str = "PROVED"
    crosscheck: int = 0
    note: str = ""
    notes: tuple = ()

    def __post_init__(self):
        if self.expected not in VERDICTS:
            raise SpecError(f"obligation {self.name!r} expects {self.expected!r}", field="expected",
                            expected=" | ".join(VERDICTS))

    def build(self):
        return self.graph() if callable(self.graph) else self.graph


@dataclass
class Result:
    """An obligation's certificate and whether it came out as expected; or, for an obligation that
    could not be loaded, built or verified, ``error`` (one line) and no certificate."""

    obligation: Obligation
    certificate: object
    sizes: dict
    error: str = None

    @property
    def verdict(self) -> str:
        return "ERROR" if self.error is not None else self.certificate.verdict

    @property
    def as_expected(self) -> bool:
        return self.error is None and self.certificate.verdict == self.obligation.expected


@dataclass
class Unloadable:
    """A file (or a target) whose obligations could not be collected: it runs as one ERROR."""

    name: str
    reason: str
    expected: str = "PROVED"


def run_safely(obligation, timeout: float = None) -> Result:
    """:func:`run`, with a failure (a bad spec, a graph that does not build, a bug) as an ERROR
    result naming it, so that one bad item never stops a batch."""
    if isinstance(obligation, Unloadable):
        return Result(obligation, None, {}, obligation.reason)
    try:
        return run(obligation, timeout)
    except Exception as exc:  # noqa: BLE001 - reported as this obligation's ERROR (a bug's traceback on request)
        if os.environ.get("SYMTRANS_DEBUG") and not isinstance(exc, (SymtransError, OSError)):
            raise
        return Result(obligation, None, {}, failure_message(exc))


def run(obligation: Obligation, timeout: float = None) -> Result:
    """Build the graph and verify the claim; beyond ``timeout`` seconds the verdict is UNKNOWN.

    >>> from symtrans import Claim, MaxoutNet
    >>> from symtrans.constructions.gu2026 import maxout_transformer
    >>> from symtrans.domains import Box
    >>> net, box = MaxoutNet.tent(1), Box([(0, 1)])
    >>> ob = Obligation("tent", lambda: maxout_transformer(net, box), Claim("emulation", net, domain=box))
    >>> run(ob).certificate.verdict, run(ob, timeout=10 ** -6).certificate.evidence
    ('PROVED', {'reason': 'tent: time limit of 1e-06 s reached'})
    """
    start = time.perf_counter()
    with user_code(f"{obligation.name}: building the graph"):
        G = obligation.build()
    try:
        with time_limit(timeout, obligation.name):
            cert = verify(G, obligation.claim, name=obligation.name, crosscheck=obligation.crosscheck)
    except TimeLimit as exc:
        cert = certify(G, obligation.claim, "UNKNOWN", STRUCTURE, None, {"reason": str(exc)}, None, start,
                       obligation.name)
    return Result(obligation, cert, sizes(G) if G is not None else {})


def run_all(obligations, targets=(), quick: bool = True, timeout: float = None, jobs: int = 1, executor=None,
            collected=None):
    """:func:`run` on each obligation, in order, yielding each :class:`Result` as soon as it and the ones
    before it are done.

    With ``jobs > 1`` the obligations run on a local pool of that many processes, or on
    ``executor`` when one is given (a ``dask.distributed`` ``Client``: anything with ``submit``
    returning futures with ``result()``).  An obligation
    holds its graph builder (often a lambda) and cannot be sent to another process, so each worker
    collects ``targets`` itself, once, and runs the obligation at the same index: ``obligations`` must
    come from ``collect(targets, quick, keep_errors=True)`` (filtered is fine), which the caller passes
    as ``collected`` when it has it (else it is collected again here).  Verdicts and certificates are the same
    as serially; only the wall time changes.

    >>> from symtrans import Claim, Polynomial
    >>> from symtrans.constructions.fang2022 import polynomial_transformer
    >>> t = Polynomial.parse("x**2", ["x"])
    >>> [r.certificate.verdict for r in run_all([Obligation("sq", lambda: polynomial_transformer(t), Claim("identity", t))])]
    ['PROVED']
    """
    if (jobs <= 1 and executor is None) or len(obligations) < 2:
        for ob in obligations:
            yield run_safely(ob, timeout)
        return
    every = collected if collected is not None else collect(targets, quick, keep_errors=True)
    index = {o.name: i for i, o in enumerate(every)}
    missing = [o.name for o in obligations if o.name not in index]  # (Unloadable items are indexed too)
    if missing:
        raise SpecError(f"obligation {missing[0]!r} is not among the targets' obligations",
                        expected="obligations collected from the targets given")
    paths = tuple(str(Path(t).resolve()) for t in targets)  # a worker may run elsewhere: absolute paths
    pool = executor if executor is not None else ProcessPoolExecutor(max_workers=jobs)
    futures = [pool.submit(_run_at, paths, quick, index[o.name], timeout) for o in obligations]
    finished = False
    try:
        for ob, future in zip(obligations, futures):
            try:
                cert, graph_sizes, error = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost: this obligation's ERROR, not the batch's
                yield Result(ob, None, {}, failure_message(exc))
                continue
            yield Result(ob, cert, graph_sizes, error)
        finished = True
    finally:  # also on Ctrl-C or an early stop (-x): drop what has not started
        for future in futures:
            future.cancel()
        if executor is None:
            # all done: wait for the pool to close (a pool left closing races CPython's exit hook, which
            # then prints "OSError: Bad file descriptor"); stopped early: do not wait for the rest
            pool.shutdown(wait=finished, cancel_futures=not finished)


_COLLECTED = {}  # in a worker: (targets, quick) -> the obligations, collected once


def _run_at(targets, quick, i, timeout):
    key = (targets, quick)
    if key not in _COLLECTED:
        _COLLECTED[key] = collect(list(targets), quick, keep_errors=True)
    result = run_safely(_COLLECTED[key][i], timeout)
    return result.certificate, result.sizes, result.error


def name_filter(expression: str):
    """A pytest-style ``-k`` expression as a test on obligation names: words match substrings
    (case-insensitive), combined with ``and``, ``or``, ``not`` and parentheses.  Parsed, never
    evaluated as Python.

    >>> f = name_filter("CL-6 and not (n=12 or beyond)")
    >>> f("cheng2025/CL-6 circulant window n=5 w=1: Aut = D_5"), f("cheng2025/CL-6 circulant window n=12 w=2")
    (True, False)
    >>> name_filter("CL-6 and")
    Traceback (most recent call last):
    ...
    symtrans.errors.SymtransError: -k 'CL-6 and': a name or '(' expected at the end (expected words joined by and, or, not, parentheses)
    """
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    pos = 0

    def fail(what):
        where = f"at {tokens[pos]!r}" if pos < len(tokens) else "at the end"
        raise SymtransError(f"-k {expression!r}: {what} {where}",
                            expected="words joined by and, or, not, parentheses")

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def joined(word, operand, combine):  # operand (word operand)*, folded left
        def parse():
            nonlocal pos
            left = operand()
            while peek() == word:
                pos += 1
                left = (lambda a, b: lambda n: combine(a(n), b(n)))(left, operand())
            return left
        return parse

    def negated():
        nonlocal pos
        if peek() == "not":
            pos += 1
            inner = negated()
            return lambda n: not inner(n)
        return atom()

    def atom():
        nonlocal pos
        token = peek()
        if token == "(":
            pos += 1
            inner = either()
            if peek() != ")":
                fail("')' expected")
            pos += 1
            return inner
        if token is None or token in (")", "and", "or", "not"):
            fail("a name or '(' expected")
        pos += 1
        word = token.lower()
        return lambda n: word in n.lower()

    either = joined("or", joined("and", negated, lambda a, b: a and b), lambda a, b: a or b)
    if not tokens:
        fail("an empty expression")
    test = either()
    if pos != len(tokens):
        fail("unexpected")
    return test


#: The proof modules every install carries (``proofs/`` of a checkout; installed as data files).
PROOFS_DATA = Path("share") / "symtrans" / "proofs"


def builtin_proofs() -> Path:
    """The built-in proofs' directory: ``proofs/`` beside the package in a checkout (an editable
    install), else where a wheel install put them (``<prefix>/share/symtrans/proofs``, the user
    base too).  An install without them is a one-line error naming where it looked.

    >>> (builtin_proofs() / "fang2022_polynomial.py").is_file()
    True
    """
    import site
    import sysconfig

    here = Path(__file__).resolve().parent.parent / "proofs"
    places = [here, Path(sysconfig.get_path("data")) / PROOFS_DATA, Path(sys.prefix) / PROOFS_DATA,
              Path(site.getuserbase()) / PROOFS_DATA]
    for place in places:
        if place.is_dir() and any(place.glob("*.py")):
            return place
    raise SymtransError("the built-in proofs are not installed (looked in " + ", ".join(map(str, places)) + ")",
                        expected="a symtrans installed with pip, or a checkout's proofs/ directory")


def load_proof_module(path: Path):
    """Import a proof module from its file and return it."""
    name = f"symtrans_proofs.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with user_code(f"{path}: importing the proof module"):
        spec.loader.exec_module(module)
    if not callable(getattr(module, "obligations", None)):
        raise SpecError(f"{path}: a proof module must define obligations(quick=True)", field="obligations")
    return module


def _from_file(path: Path, quick: bool):
    if path.suffix == ".toml":
        spec = load_spec(path)
        return [Obligation(spec.name, spec.build_graph, spec.claim, spec.expected, spec.crosscheck,
                           note=f"spec {spec.name}", notes=spec.notes)]
    if path.suffix == ".py":
        module = load_proof_module(path)
        with user_code(f"{path}: obligations()"):
            items = list(module.obligations(quick=quick))
        for ob in items:
            if not isinstance(ob, Obligation):
                raise SpecError(f"{path}: obligations() yielded a {type(ob).__name__}", expected="Obligation values")
        return items
    raise SpecError(f"{path}: not a spec (.toml) or a proof module (.py)")


def collect(targets, quick: bool = True, keep_errors: bool = False) -> list:
    """All obligations in the given files and directories (``*.py`` and ``*.toml``, sorted).

    Files whose name starts with ``_`` are skipped inside directories.  A file that cannot be
    loaded (or a target that does not exist) raises, or with ``keep_errors`` becomes one
    :class:`Unloadable` item named after it, so a batch reports it and goes on.
    """
    out = []

    def load(path):
        if not keep_errors:
            out.extend(_from_file(path, quick))
            return
        try:
            out.extend(_from_file(path, quick))
        except Exception as exc:  # noqa: BLE001 - this file's ERROR, not the batch's
            out.append(Unloadable(str(path), failure_message(exc)))

    for target in targets:
        path = Path(target)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".py", ".toml")
                           and not p.name.startswith("_") and "__pycache__" not in p.parts)
            for f in files:
                load(f)
        elif path.exists():
            load(path)
        elif keep_errors:
            out.append(Unloadable(str(target), f"{target}: no such file or directory"))
        else:
            raise SpecError(f"{target}: no such file or directory")
    names = [o.name for o in out]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SpecError(f"obligation name {sorted(duplicates)[0]!r} appears twice", expected="unique names")
    return out
