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

__all__ = ["using", "map_ordered", "workers", "process_pool", "dask_client"]

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
    if hasattr(ex, "scatter"):  # dask.distributed: no hashing of the arguments to name each task
        futures = [ex.submit(fn, *args, pure=False) for args in items]
    else:
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


@contextlib.contextmanager
def dask_client(address: str, n_workers: int = 2):
    """A ``dask.distributed`` ``Client`` on the scheduler at ``address`` (``"local"``: a
    ``LocalCluster`` of ``n_workers`` single-threaded processes on this machine), scoped.

    Needs the ``dask`` extra (``pip install 'symtrans[dask]'``); without it, a one-line refusal.
    The cluster's workers must be able to import symtrans and read the files being verified.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SpecError("--scheduler needs dask.distributed, which is not installed", field="scheduler",
                        expected="pip install 'symtrans[dask]'") from None
    if address == "local":
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client, using(client):
            yield client
        return
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SpecError(f"no dask scheduler at {address!r}: {exc}", field="scheduler",
                        expected="an address such as tcp://host:8786, or 'local'") from None
    with client, using(client):
        yield client
