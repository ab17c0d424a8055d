"""One executor for parallel work (``concurrent.futures`` shape), chosen explicitly and scoped.

Provers cut a claim into independent pieces (chunks of inputs, sub-boxes) and hand them to
:func:`map_ordered`, which runs them on the executor in scope and returns the results in the
pieces' order, so a certificate never depends on the executor.  Nothing runs in parallel
unless a caller asks: the default is serial.  ``symtrans verify --workers N`` scopes a local
process pool; a ``dask.distributed`` ``Client`` (anything with ``submit`` returning futures
with ``result()``) can be scoped the same way.

>>> with using(None):
...     map_ordered(pow, [(2, 3), (3, 2)])
[8, 9]
>>> workers()
1
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from concurrent.futures import ProcessPoolExecutor

from .errors import SpecError

__all__ = ["using", "map_ordered", "workers", "process_pool"]

_CURRENT = contextvars.ContextVar("symtrans_executor", default=None)


@contextlib.contextmanager
def using(executor):
    """Run the block's parallel pieces on ``executor`` (``None``: serially, in this process)."""
    token = _CURRENT.set(executor)
    try:
        yield executor
    finally:
        _CURRENT.reset(token)


def workers() -> int:
    """How many pieces the executor in scope runs at once (1 when serial)."""
    ex = _CURRENT.get()
    if ex is None:
        return 1
    return getattr(ex, "_max_workers", None) or len(getattr(ex, "ncores", lambda: {0: 1})()) or 1


def map_ordered(fn, argument_tuples) -> list:
    """``[fn(*args) for args in argument_tuples]``, on the executor in scope, in order."""
    ex = _CURRENT.get()
    items = list(argument_tuples)
    if ex is None or len(items) < 2:
        return [fn(*args) for args in items]
    futures = [ex.submit(fn, *args) for args in items]
    return [f.result() for f in futures]


@contextlib.contextmanager
def process_pool(n: int):
    """A local process pool of ``n`` workers, scoped (``n`` = 1: serial, no pool)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= (os.cpu_count() or 1) * 4:
        raise SpecError(f"workers = {n!r}", field="workers", expected=f"an integer from 1 to {(os.cpu_count() or 1) * 4}")
    if n == 1:
        with using(None):
            yield None
        return
    with ProcessPoolExecutor(max_workers=n) as ex, using(ex):
        yield ex
