"""Every error symtrans raises, named by what went wrong.

All of them derive from :class:`SymtransError`, whose message is a single line
that names the offending node, field or value and, where it helps, what was
expected instead.  The CLI prints that line and exits with code 2 for bad
input; nothing else is shown to the user.

>>> from symtrans.errors import GraphError
>>> str(GraphError("weight is a float", node="b1.q", field="weight", expected="an exact rational"))
"node 'b1.q', field 'weight': weight is a float (expected an exact rational)"
"""

from __future__ import annotations

import contextlib

__all__ = [
    "did_you_mean",
    "SymtransError",
    "ExactnessError",
    "ExpressionError",
    "GraphError",
    "BackendError",
    "EvaluationError",
    "Undecided",
    "SpecError",
    "user_code",
    "read_json",
    "failure_message",
]


class SymtransError(Exception):
    """Base class of all symtrans errors; the message is one line."""

    def __init__(self, message: str, *, node: str | None = None,
                 field: str | None = None, expected: str | None = None):
        self.message = message
        self.node = node
        self.field = field
        self.expected = expected
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.node is not None:
            where.append(f"node {self.node!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = self.message
        if where:
            text = ", ".join(where) + ": " + text
        if self.expected is not None:
            text += f" (expected {self.expected})"
        return " ".join(text.split("\n"))

    def at(self, node: str | None = None, field: str | None = None):
        """Return a copy of this error located at ``node`` / ``field``.

        A location already present is kept: the innermost place is the most
        precise one.
        """
        return type(self)(self.message,
                          node=self.node if self.node is not None else node,
                          field=self.field if self.field is not None else field,
                          expected=self.expected)

    def __reduce__(self):  # keep pickling working with keyword-only fields
        return (_rebuild, (type(self), self.message, self.node, self.field, self.expected))


def _rebuild(cls, message, node, field, expected):
    return cls(message, node=node, field=field, expected=expected)


class ExactnessError(SymtransError, ValueError):
    """A value that must be an exact rational (or polynomial in parameters) is not."""


class ExpressionError(SymtransError, ValueError):
    """A string expression is outside the restricted grammar."""


class GraphError(SymtransError, ValueError):
    """A graph is malformed: cycle, shape mismatch, unknown op, bad weight, bad JSON."""


class BackendError(SymtransError):
    """A backend cannot perform an operation exactly and refuses to approximate.

    The message names the operation, the backend and (once the interpreter has
    located it) the node.
    """


class EvaluationError(SymtransError, ArithmeticError):
    """An operation is undefined at the given point (division by zero, ...)."""


class Undecided(SymtransError):
    """A comparison of overlapping enclosures was forced into a yes/no answer."""


class SpecError(SymtransError, ValueError):
    """A user-written spec or input file is invalid."""


def did_you_mean(name, options) -> str:
    """``"; did you mean 'x'?"`` for the valid option a misspelt ``name`` is nearest to, else ``""``.

    Near means a few edits away (insertions, deletions, substitutions, swaps of neighbours): one
    for names of 3 to 7 characters, a quarter of the length for longer ones; names of one or two
    characters (``x3``) are never "corrected".

    >>> did_you_mean("fang2022.polynomal", ["fang2022.polynomial", "fang2022.encoder"])
    "; did you mean 'fang2022.polynomial'?"
    >>> did_you_mean("fang2022.cubic", ["fang2022.polynomial", "fang2022.encoder"]), did_you_mean("x3", ["x1"])
    ('', '')
    >>> did_you_mean("alpah", ["alpha", "beta"])
    "; did you mean 'alpha'?"
    """
    if not isinstance(name, str) or len(name) < 3:
        return ""
    limit = max(1, len(name) // 4)
    scored = sorted((_edits(name, str(o)), str(o)) for o in options)
    if not scored or scored[0][0] > limit or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return ""
    return f"; did you mean {scored[0][1]!r}?"


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbouring characters)."""
    if abs(len(a) - len(b)) > 8:
        return abs(len(a) - len(b))
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def failure_message(exc: BaseException) -> str:
    """The one line a failure is reported as, by the CLI and by a batch's ERROR results: the
    message of a :class:`SymtransError`, a file error's name and reason, or, for anything else
    (a bug), ``internal error: ...``.

    >>> failure_message(SpecError("bad", field="x")), failure_message(FileNotFoundError(2, "No such file", "a.toml"))
    ("field 'x': bad", 'a.toml: No such file')
    >>> failure_message(KeyError("k"))
    "internal error: KeyError: 'k' (please report it; SYMTRANS_DEBUG=1 shows the traceback)"
    """
    if isinstance(exc, SymtransError):
        text = str(exc)
    elif isinstance(exc, OSError):
        text = f"{exc.filename}: {exc.strerror}"
    elif isinstance(exc, (RecursionError, MemoryError)):
        text = f"input too large or nested too deeply ({type(exc).__name__})"
    else:
        text = (f"internal error: {type(exc).__name__}: {str(exc)[:200]} "
                "(please report it; SYMTRANS_DEBUG=1 shows the traceback)")
    return text.splitlines()[0] if text else type(exc).__name__


def read_json(text: str, where: str):
    """JSON ``text`` as data; invalid JSON, nesting too deep for Python and integers over its
    4,300-digit conversion limit are each one :class:`SpecError` line naming ``where``.

    >>> read_json("[" * 100000, "x.json")
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: x.json: JSON nested too deeply
    """
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{where}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise SpecError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:  # an integer over Python's 4,300-digit conversion limit
        raise SpecError(f"{where}: {str(exc).split('; use sys.')[0]}") from None


@contextlib.contextmanager
def user_code(what: str, field: str | None = None):
    """Run a user's code (a proof module, a construction function): whatever it raises,
    or a ``sys.exit`` it calls, becomes one :class:`SpecError` line naming ``what``.

    >>> with user_code("proof.py"):
    ...     raise SystemExit(0)
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: proof.py called sys.exit(0) (expected a module that defines functions and returns)
    """
    try:
        yield
    except SymtransError:
        raise
    except SystemExit as exc:
        raise SpecError(f"{what} called sys.exit({exc.code!r})", field=field,
                        expected="a module that defines functions and returns") from None
    except RecursionError:
        raise SpecError(f"{what} failed: recursion too deep", field=field) from None
    except Exception as exc:  # noqa: BLE001 - a user's code: report its failure in one line
        raise SpecError(f"{what} failed: {type(exc).__name__}: {exc}", field=field) from None
