"""Budgets: how much work one claim or one certificate may ask for, and a scoped time limit.

A request beyond a budget is refused in one line (a claim) or not accepted (a
certificate); a run beyond its time limit stops with :class:`TimeLimit` (UNKNOWN
for an obligation, not re-checked for a certificate).  The time limit works
between Python steps: one long native call (a single enormous FLINT product)
finishes first, which is why the size budgets exist too.

>>> import time
>>> try:
...     with time_limit(0.05, "a nap"):
...         time.sleep(1)
... except TimeLimit as exc:
...     print(exc)
a nap: time limit of 0.05 s reached
>>> with time_limit(None, "no limit"):
...     pass
"""

from __future__ import annotations

import contextlib
import signal
import threading

from .errors import SymtransError

__all__ = ["MAX_PRECISION", "MAX_LOG10", "MAX_DEGREE", "MAX_TERMS", "MAX_SAMPLES", "MAX_STREAM_ENTRIES", "TimeLimit",
           "time_limit"]

#: Bits of working precision a claim or a certificate may ask for.
MAX_PRECISION = 1 << 16
#: Largest |e| in a threshold written as 10^e.
MAX_LOG10 = 100_000
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


@contextlib.contextmanager
def time_limit(seconds, what: str):
    """Raise :class:`TimeLimit` inside the block after ``seconds`` (None or 0: no limit).

    Uses the real-time interval timer, so it works in the main thread of a Unix process;
    elsewhere the block runs without a limit.  Once reached, the limit is raised again every
    50 ms until it propagates (Python drops an exception raised inside a gc callback).  An
    enclosing limit is restored afterwards.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        # fire again shortly: an exception raised while Python runs a gc or weakref callback is
        # printed and dropped, and the block would then run on without a limit
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise TimeLimit(f"{what}: time limit of {seconds:g} s reached")

    previous = signal.signal(signal.SIGALRM, alarm)
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, outer)
