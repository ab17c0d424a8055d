"""Dependency after layers of sparse attention, by exact boolean matrix products (shared, trusted)."""

from __future__ import annotations

__all__ = ["reach", "least_layers", "MAX_LAYERS"]

#: Most layers tried when looking for the least number.
MAX_LAYERS = 1024


def _step(R, A, loops):
    n = len(A)
    # after one more layer, i depends on k when i attends to some j (or is j, with the residual) that depends on k
    return [[int(any((A[i][j] or (loops and i == j)) and R[j][k] for j in range(n))) for k in range(n)]
            for i in range(n)]


def reach(mats, layers, loops=True):
    """``R[i][k] = 1`` when output token ``i`` after ``layers`` layers depends on input token ``k``.

    Layer ``r`` uses pattern ``r mod len(mats)``; ``loops`` adds the residual (each token keeps itself).
    """
    n = len(mats[0])
    R = [[int(i == k) for k in range(n)] for i in range(n)]
    for r in range(layers):
        R = _step(R, mats[r % len(mats)], loops)
    return R


def least_layers(mats, loops=True, limit=MAX_LAYERS):
    """The least number of layers after which every output token depends on every input token (``None``: never)."""
    n = len(mats[0])
    R = [[int(i == k) for k in range(n)] for i in range(n)]
    seen = set()
    for m in range(limit + 1):
        if all(all(row) for row in R):
            return m
        key = (m % len(mats), tuple(map(tuple, R)))
        if key in seen:
            return None
        seen.add(key)
        R = _step(R, mats[m % len(mats)], loops)
    return None
