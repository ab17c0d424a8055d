"""Sparse attention patterns: who attends to whom, as exact 0/1 matrices.

A pattern on ``n`` tokens is its adjacency ``A[i][j] = 1`` when token ``i`` attends to token ``j``
(Cheng et al.'s ``A_N``).  :func:`pattern` builds the named families of the sparse-attention
literature; :func:`as_mask` turns one into the attention :class:`~symtrans.ops.Mask` a head uses.

=============  ==============================================================================
name           ``A[i][j] = 1`` when
=============  ==============================================================================
full           always
causal         ``j <= i``
window         ``|i - j| <= w`` (Longformer's sliding window, not circular)
circulant      ``(j - i) mod n`` or ``(i - j) mod n`` is at most ``w`` (circular window)
one_sided      ``(j - i) mod n <= w`` (circular, looking ahead only)
star           ``i = j``, or ``i`` or ``j`` is a hub (Star-Transformer, global tokens)
longformer     ``window`` with width ``w``, plus global tokens ``hubs``
bigbird        ``longformer`` plus ``r`` random keys per query (``seed``)
=============  ==============================================================================

>>> pattern({"name": "circulant", "n": 5, "w": 1})[0]
(1, 1, 0, 0, 1)
>>> pattern({"name": "one_sided", "n": 4, "w": 1})
((1, 1, 0, 0), (0, 1, 1, 0), (0, 0, 1, 1), (1, 0, 0, 1))
>>> pattern({"adjacency": [[1, 0], [1, 2]]})
Traceback (most recent call last):
...
symtrans.errors.SpecError: field 'pattern.adjacency': entry (1, 1) is 2 (expected 0 or 1)
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from .errors import SpecError
from .ops import Mask

__all__ = ["pattern", "PATTERNS", "as_mask", "MAX_TOKENS"]

#: Most tokens a pattern may have.
MAX_TOKENS = 512

#: Named patterns and the keys each takes (besides ``n``).
PATTERNS = {"full": (), "causal": (), "window": ("w",), "circulant": ("w",), "one_sided": ("w",),
            "star": ("hubs",), "longformer": ("w", "hubs"), "bigbird": ("w", "hubs", "r", "seed")}


def _int(data, key, where, lo=0, default=None):
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise SpecError(f"{key} = {value!r}", field=f"{where}.{key}", expected=f"an integer >= {lo}")
    return value


def pattern(data, where: str = "pattern") -> tuple:
    """The adjacency of a pattern given by name (``{"name": ..., "n": ..., ...}``) or explicitly
    (``{"adjacency": [[0/1, ...], ...]}``), as a tuple of tuples of 0/1."""
    if not isinstance(data, Mapping):
        raise SpecError(f"{str(data)[:60]!r} is not a table", field=where,
                        expected='{name = "circulant", n = 6, w = 2} or {adjacency = [[...]]}')
    if "adjacency" in data:
        extra = sorted(set(data) - {"adjacency"})
        if extra:
            raise SpecError(f"unknown key {extra[0]!r} next to adjacency", field=where)
        return _adjacency(data["adjacency"], f"{where}.adjacency")
    name = data.get("name")
    if name not in PATTERNS:
        raise SpecError(f"pattern {name!r}", field=f"{where}.name", expected=" | ".join(PATTERNS))
    extra = sorted(set(data) - {"name", "n", *PATTERNS[name]})
    if extra:
        raise SpecError(f"unknown key {extra[0]!r} for a {name} pattern", field=where,
                        expected=", ".join(("n",) + PATTERNS[name]))
    n = _int(data, "n", where, lo=1)
    if n > MAX_TOKENS:
        raise SpecError(f"n = {n}", field=f"{where}.n", expected=f"at most {MAX_TOKENS} tokens")
    w = _int(data, "w", where, default=0) if "w" in PATTERNS[name] else 0
    hubs = data.get("hubs", [])
    if not isinstance(hubs, list) or not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h < n
                                              for h in hubs):
        raise SpecError(f"hubs = {hubs!r}", field=f"{where}.hubs", expected=f"a list of positions 0..{n - 1}")
    hubs = set(hubs)

    def edge(i, j):
        if name == "full":
            return True
        if name == "causal":
            return j <= i
        if name == "circulant":
            return min((j - i) % n, (i - j) % n) <= w
        if name == "one_sided":
            return (j - i) % n <= w
        near = abs(i - j) <= w if name in ("window", "longformer", "bigbird") else i == j
        return near or (name != "window" and (i in hubs or j in hubs))

    rows = [[int(edge(i, j)) for j in range(n)] for i in range(n)]
    if name == "bigbird":
        rng = random.Random(_int(data, "seed", where, default=0))
        r = _int(data, "r", where, default=1)
        for i in range(n):
            for j in rng.sample(range(n), min(r, n)):
                rows[i][j] = 1
    return tuple(tuple(r) for r in rows)


def _adjacency(rows, where):
    if not isinstance(rows, (list, tuple)) or not rows:
        raise SpecError("not a non-empty list of rows", field=where, expected="a square 0/1 matrix")
    n = len(rows)
    if n > MAX_TOKENS:
        raise SpecError(f"{n} tokens", field=where, expected=f"at most {MAX_TOKENS}")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != n:
            raise SpecError(f"row {i} has {len(row) if isinstance(row, (list, tuple)) else 'no'} entries",
                            field=where, expected=f"a square 0/1 matrix ({n} entries per row)")
        for j, v in enumerate(row):
            if isinstance(v, bool) or v not in (0, 1):
                raise SpecError(f"entry ({i}, {j}) is {v!r}", field=where, expected="0 or 1")
        out.append(tuple(row))
    return tuple(out)


def as_mask(adjacency):
    """The :class:`~symtrans.ops.Mask` of a pattern (query ``i`` may attend to key ``j``)."""
    n = len(adjacency)
    return Mask((n, n), {(i, j) for i in range(n) for j in range(n) if adjacency[i][j]})
