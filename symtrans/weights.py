"""Exact sparse weight matrices.

A :class:`Weights` value is an immutable sparse matrix whose entries are exact:
:class:`~fractions.Fraction` values, or polynomials with rational
coefficients in named parameter symbols (SymPy expressions) for parametric
proofs.  Only nonzero entries are stored.  In JSON every entry is a string:
``"3/4"``, ``"-2"`` or ``"2*c0 - 1/3"``.

>>> from symtrans.weights import Weights
>>> W = Weights.from_rows([[1, "1/2"], [0, -3]])
>>> W.shape, W.nnz, W[0, 1], W.to_rows()
((2, 2), 3, Fraction(1, 2), [['1', '1/2'], ['0', '-3']])
>>> Weights.from_rows([[0.5]])
Traceback (most recent call last):
...
symtrans.errors.ExactnessError: entry (0, 0): 0.5 is a float (expected an exact rational: write "1/2")
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ._lazy import sympy

from .channels import Channels
from .errors import ExactnessError, GraphError, SymtransError
from .exact import bit_size, exact, format_exact, free_parameters
from .expr import parse_expression

__all__ = ["Weights"]


def _check_shape(shape):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)):
        raise GraphError(f"shape {shape!r} is not a pair of non-negative integers",
                         field="shape", expected="[rows, columns]")
    return (int(shape[0]), int(shape[1]))


@dataclass(frozen=True)
class Weights:
    """An exact sparse matrix.

    Parameters
    ----------
    shape : (int, int)
    entries : mapping or iterable of ((i, j), value)
        Values are coerced with :func:`symtrans.exact.exact`; zeros are dropped.

    Examples
    --------
    >>> Weights((2, 3), {(0, 2): "3/4"}).to_rows()
    [['0', '0', '3/4'], ['0', '0', '0']]
    """

    shape: tuple
    entries: tuple

    def __init__(self, shape, entries=()):
        shape = _check_shape(shape)
        items = entries.items() if hasattr(entries, "items") else entries
        clean = {}
        for key, value in items:
            i, j = key
            if not (0 <= i < shape[0] and 0 <= j < shape[1]):
                raise GraphError(f"entry ({i}, {j}) lies outside shape {shape}", field="weights",
                                 expected=f"indices below {shape}")
            try:
                value = exact(value)
            except ExactnessError as exc:
                raise ExactnessError(f"entry ({i}, {j}): {exc.message}", expected=exc.expected) from None
            if value != 0:
                clean[(int(i), int(j))] = value
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "entries", tuple(sorted(clean.items())))
        object.__setattr__(self, "_dict", clean)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, rows) -> "Weights":
        """From a dense nested list (all rows of equal length).

        >>> Weights.from_rows([[1, 2, 3]]).shape
        (1, 3)
        """
        rows = [list(r) for r in rows]
        ncols = len(rows[0]) if rows else 0
        for i, r in enumerate(rows):
            if len(r) != ncols:
                raise GraphError(f"row {i} has {len(r)} entries", field="weights",
                                 expected=f"{ncols} entries like row 0")
        return cls((len(rows), ncols), {(i, j): v for i, r in enumerate(rows) for j, v in enumerate(r)})

    @classmethod
    def zeros(cls, rows: int, cols: int) -> "Weights":
        """The zero matrix."""
        return cls((rows, cols))

    @classmethod
    def ones(cls, rows: int, cols: int) -> "Weights":
        """The all-ones matrix.

        >>> Weights.ones(1, 2).to_rows()
        [['1', '1']]
        """
        return cls((rows, cols), {(i, j): 1 for i in range(rows) for j in range(cols)})

    @classmethod
    def identity(cls, n: int, scale=1) -> "Weights":
        """``scale`` times the n x n identity."""
        return cls((n, n), {(i, i): scale for i in range(n)})

    @classmethod
    def from_action(cls, rows: Channels, cols: Channels, action) -> "Weights":
        """Build a map by its action on named channels.

        ``action`` is an iterable of ``((row_group, i), (col_group, j), value)``;
        repeated pairs add up.  With the row convention (tokens are rows, maps
        act by ``H @ W``) the rows are the input channels and the columns the
        output channels.

        >>> ch = Channels([("P", 2), ("X", 2)])
        >>> Weights.from_action(ch, ch, [(("X", 0), ("P", 1), "1/2")]).entries
        (((2, 1), Fraction(1, 2)),)
        """
        data: dict = {}
        for (rg, i), (cg, j), value in action:
            key = (rows.index(rg, i), cols.index(cg, j))
            data[key] = data.get(key, 0) + exact(value)
        return cls((rows.width, cols.width), data)

    def __repr__(self):
        return f"Weights({self.shape[0]}x{self.shape[1]}, nnz={self.nnz})"

    # -- access -----------------------------------------------------------------------------
    def __getitem__(self, key):
        i, j = key
        return self._dict.get((i, j), Fraction(0))

    @property
    def nnz(self) -> int:
        """Number of nonzero entries."""
        return len(self.entries)

    @property
    def max_bits(self) -> int:
        """Bit size of the largest entry (see :func:`symtrans.exact.bit_size`)."""
        return max((bit_size(v) for _, v in self.entries), default=0)

    @property
    def parameters(self) -> set:
        """Names of the parameter symbols in the entries (computed once: the value is immutable)."""
        names = self.__dict__.get("_parameters")
        if names is None:
            names = frozenset().union(*(free_parameters(v) for _, v in self.entries))
            object.__setattr__(self, "_parameters", names)
        return set(names)

    @property
    def T(self) -> "Weights":
        """The transpose."""
        return Weights((self.shape[1], self.shape[0]), {(j, i): v for (i, j), v in self.entries})

    def items(self):
        """The nonzero ``((i, j), value)`` pairs, sorted."""
        return self.entries

    def to_rows(self) -> list:
        """Dense nested list of canonical strings."""
        return [[format_exact(self[i, j]) for j in range(self.shape[1])] for i in range(self.shape[0])]

    def substitute(self, values: dict) -> "Weights":
        """Replace parameter symbols by exact values (a mapping name -> rational).

        >>> import sympy
        >>> Weights((1, 1), {(0, 0): sympy.Symbol("c") + 1}).substitute({"c": "1/2"})[0, 0]
        Fraction(3, 2)
        """
        if not self.parameters:
            return self
        subs = {sympy.Symbol(k): sympy.Rational(exact(v).numerator, exact(v).denominator)
                for k, v in values.items()}
        out = {}
        for key, v in self.entries:
            out[key] = v.xreplace(subs) if isinstance(v, sympy.Basic) else v
        return Weights(self.shape, out)

    # -- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """``{"shape": [r, c], "entries": [[i, j, "value"], ...]}``."""
        texts = self.__dict__.get("_texts")
        if texts is None:  # formatted once (the value is immutable); a graph is written more than once
            texts = tuple(format_exact(v) for _, v in self.entries)
            object.__setattr__(self, "_texts", texts)
        return {"shape": list(self.shape),
                "entries": [[i, j, t] for ((i, j), _), t in zip(self.entries, texts)]}

    @classmethod
    def from_json(cls, data, parameters=()) -> "Weights":
        """Inverse of :meth:`to_json`; symbolic entries may use ``parameters``.

        >>> Weights.from_json({"shape": [1, 1], "entries": [[0, 0, "2*c - 1/3"]]}, ["c"])[0, 0]
        2*c - 1/3
        """
        if not isinstance(data, dict) or set(data) != {"shape", "entries"}:
            raise GraphError("weights must be an object with keys 'shape' and 'entries'",
                             field="weights")
        shape = _check_shape(data["shape"])
        entries = {}
        if not isinstance(data["entries"], list):
            raise GraphError("weights 'entries' must be a list of [i, j, value]", field="weights")
        for item in data["entries"]:
            if (not isinstance(item, list) or len(item) != 3
                    or not all(isinstance(k, int) and not isinstance(k, bool) for k in item[:2])):
                raise GraphError(f"weight entry {item!r} is not [i, j, value]", field="weights")
            i, j, text = item
            if not isinstance(text, str):
                raise ExactnessError(f"entry ({i}, {j}): weight {text!r} is not a string",
                                     expected='an exact rational string such as "3/4"')
            if (i, j) in entries:
                raise GraphError(f"weight entry ({i}, {j}) appears twice", field="weights")
            entries[(i, j)] = _parse_entry(text, parameters, (i, j))
        return cls(shape, entries)


def _parse_entry(text, parameters, where):
    try:
        return exact(text)
    except ExactnessError as exc:
        if not (parameters or "log(" in text) or not exc.message.endswith("is not a rational number"):
            raise ExactnessError(f"entry {where}: {exc.message}", expected=exc.expected) from None
    try:  # a polynomial in the parameters, or an exact logarithm (log(2): exp(log 2) = 2 exactly)
        return exact(parse_expression(text, parameters, functions=["log"]))
    except SymtransError as exc:
        raise ExactnessError(f"entry {where}: {exc.message}", expected=exc.expected) from None
