"""Budgets: how much work one claim or one certificate may ask for, and a scoped time limit.

A request beyond a budget is refused in one line (a claim) or not accepted (a
certificate); a run beyond its time limit stops with :class:`TimeLimit` (UNKNOWN
for an obligation, not re-checked for a certificate) at the next :func:`checkpoint`.

>>> import time
>>> try:
...     with time_limit(0.05, "a busy loop"):
...         while True:
...             checkpoint()
... except TimeLimit as exc:
...     print(exc)
a busy loop: time limit of 0.05 s reached
>>> with time_limit(None, "no limit"):
...     pass
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import time

from .errors import SymtransError

__all__ = ["MAX_PRECISION", "MAX_LOG10", "MAX_DEGREE", "MAX_TERMS", "MAX_SAMPLES", "MAX_STREAM_ENTRIES", "TimeLimit",
           "time_limit", "checkpoint", "progress", "current_progress", "older_objects_frozen"]

#: Bits of working precision a claim or a certificate may ask for.
MAX_PRECISION = 1 << 16
#: Largest ``|e|`` in a threshold written as ``10^e``.
MAX_LOG10 = 10 ** 6
#: Largest total degree of a polynomial target.
MAX_DEGREE = 1_000
#: Largest number of terms a polynomial target may expand to (C(degree + names, names) bounds it).
MAX_TERMS = 20_000
#: Largest number of float cross-check samples.
MAX_SAMPLES = 100_000
#: Largest residual stream (tokens x channels) a construction may build.
MAX_STREAM_ENTRIES = 20_000_000


class TimeLimit(SymtransError):
    """The time limit of a :func:`time_limit` block was reached."""


_DEADLINE = contextvars.ContextVar("symtrans_deadline", default=None)


class time_limit:
    """Stop work inside the ``with`` block with :class:`TimeLimit` after ``seconds`` (None or 0: no limit).

    Cooperative: the interpreter (every node it evaluates) and the provers' long loops call
    :func:`checkpoint`, which raises once the deadline has passed.  No signal is involved, so
    nothing can be raised from a random place (a gc callback, a ``finally``) or outlive the
    block; one long native call (a single enormous FLINT product) finishes first, which is
    why the size budgets exist too.  Nested limits keep the earliest deadline.
    """

    def __init__(self, seconds, what: str):
        self.seconds, self.what = seconds, what

    def __enter__(self):
        self.token = None
        if self.seconds:
            mine = (time.monotonic() + self.seconds, self.what, self.seconds)
            outer = _DEADLINE.get()
            self.token = _DEADLINE.set(mine if outer is None or mine[0] < outer[0] else outer)
        return self

    def __exit__(self, *exc):
        if self.token is not None:
            _DEADLINE.reset(self.token)
        return False


def checkpoint():
    """Raise :class:`TimeLimit` if the innermost :class:`time_limit` in force has expired."""
    d = _DEADLINE.get()
    if d is not None and time.monotonic() > d[0]:
        raise TimeLimit(f"{d[1]}: time limit of {d[2]:g} s reached")


#: How far the claim running in this process has got: ``(done, total or None, unit)``, or None.
#: Provers report it (:func:`progress`); the command line's progress line reads it from another
#: thread.  It never affects a verdict or a certificate.
_PROGRESS = [None]


def progress(done: int, total=None, unit: str = "steps"):
    """Report that ``done`` of ``total`` (None: unknown) ``unit`` of the running claim are done.

    >>> progress(3, 10, "boxes"); current_progress()
    (3, 10, 'boxes')
    >>> progress(None); current_progress() is None
    True
    """
    _PROGRESS[0] = None if done is None else (done, total, unit)


def current_progress():
    """The last :func:`progress` report, or None."""
    return _PROGRESS[0]


@contextlib.contextmanager
def older_objects_frozen():
    """Keep the objects that exist before a proof out of the cyclic collector while it runs.

    With SymPy imported the process holds hundreds of thousands of long-lived objects, and each
    full collection walks all of them: 0.04 to 0.06 s, most of a small proof's time (Fang's
    (1, 16) fixed target: 0.05 s, 0.01 s with them frozen; (4, 10) parametric: 0.60 s, 0.54 s).
    ``gc.freeze`` moves them out of the collector's generations and ``gc.unfreeze`` moves them
    back when the block ends, so nothing stays frozen: objects made inside the block are
    collected as usual, and older cyclic garbage at the next collection after it.  The collector
    is left alone if it is disabled or if objects are already frozen (by the caller, or by an
    enclosing block).

    >>> before = gc.get_freeze_count()
    >>> with older_objects_frozen():
    ...     inside = gc.get_freeze_count() > 0 or not gc.isenabled()
    >>> inside, gc.get_freeze_count() == before
    (True, True)
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
