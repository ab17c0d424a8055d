"""What prover and checker of a ``decodes`` claim share: running a model on a chunk of same-length
inputs and deciding each defined position, with rigorous float64 boxes
(:mod:`symtrans.backends.box`, the whole chunk in one batched run) or with Arb at a precision.

A position's status is ``"ok"`` (the certified decode is the reference's), ``"wrong"`` (it is
certified and differs: ``actual`` says what it is) or ``"undecided"``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ...backends.box import BoxBackend
from ...backends.interval import IntervalBackend
from ...errors import BackendError
from ...exact import format_exact
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate, evaluate_many
from ...io.transformer_lens import encode, encode_many, with_length

BOX_BITS = 53  #: the precision recorded when float64 boxes decided every position


def same(actual, expected) -> bool:
    """A categorical value equals the reference's (``True`` is not ``1``)."""
    return actual == expected and isinstance(actual, bool) == isinstance(expected, bool)


def _numerical(lo, hi, expected, tolerance):
    """``(status, actual)`` for exact rational bounds ``lo <= output <= hi`` (None: unbounded)."""
    if lo is None:
        return "undecided", None
    e = Fraction(expected)
    if e - tolerance <= lo and hi <= e + tolerance:
        return "ok", None
    if lo > e + tolerance or hi < e - tolerance:
        return "wrong", format_exact(lo) if lo == hi else f"[{float(lo):.9g}, {float(hi):.9g}]"
    return "undecided", None


def decide_arb(bk, row, values, expected, tolerance):
    """``(status, actual)`` of one position from its Arb logits."""
    if values is None:  # numerical: logit 0 within tolerance of the reference
        return _numerical(*bk.bounds(row[0]), expected, tolerance)
    for w, top in enumerate(row):  # the winner: certainly above every other (Arb comparisons, no conversion)
        if all(bk.lt(other, top) is True for k, other in enumerate(row) if k != w):
            actual = values[w]
            return ("ok" if same(actual, expected) else "wrong"), actual
    return "undecided", None


def decide_boxes(lo, hi, values, want, positions):
    """``[(position, status, actual)]`` of one input from float bounds ``lo <= logits <= hi``
    (arrays ``positions x outputs``): the winner is certainly above every other logit."""
    if values is None:
        raise ValueError("numerical outputs are decided by decide_numerical_box")
    w = np.argmax(lo, axis=1)
    others = hi.copy()
    others[np.arange(len(w)), w] = -np.inf
    certain = lo[np.arange(len(w)), w] > others.max(axis=1) if hi.shape[1] > 1 else np.ones(len(w), bool)
    out = []
    for p in positions:  # NaN compares False: never decided
        if not certain[p]:
            out.append((p, "undecided", None))
        else:
            actual = values[int(w[p])]
            out.append((p, "ok" if same(actual, want[p - 1]) else "wrong", actual))
    return out


def decide_numerical_box(lo, hi, expected, tolerance):
    """``(status, actual)`` of a numerical position from float bounds of logit 0."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "undecided", None
    return _numerical(Fraction(float(lo)), Fraction(float(hi)), expected, tolerance)


def run_chunk(G, m, prec, items, how):
    """Decide every defined position of a chunk of inputs of ``m`` tokens: one list of
    ``(position, status, actual)`` per input.  ``items``: ``(tokens, reference row)`` pairs;
    ``how``: ``(vocab, bos, values, tolerance)``; ``prec``: Arb bits, or ``None`` for float64 boxes
    (all the chunk in one run; a machine that fails the box backend's check leaves every position
    undecided).  A unit of parallel work."""
    vocab, bos, values, tolerance = how
    name, out = G.graph[INPUTS][0], G.graph[OUTPUTS][0]
    n = G.nodes[name]["shape"][0]
    H = with_length(G, m + 1)
    wanted = [[p for p in range(1, m + 1) if want[p - 1] is not None] for _, want in items]
    if prec is None:
        try:
            logits = evaluate(H, BoxBackend(), {name: encode_many(vocab, bos, n, [t for t, _ in items])},
                              nodes=[out])[out]
        except BackendError:
            return [[(p, "undecided", None) for p in ps] for ps in wanted]
        lo, hi = np.broadcast_arrays(logits.lo, logits.hi)
        if values is None:
            return [[(p, *decide_numerical_box(lo[b, p, 0], hi[b, p, 0], want[p - 1], tolerance)) for p in ps]
                    for b, ((_, want), ps) in enumerate(zip(items, wanted))]
        return [decide_boxes(lo[b], hi[b], values, want, ps) for b, ((_, want), ps) in enumerate(zip(items, wanted))]
    bk = IntervalBackend(prec=prec)
    runs = evaluate_many(H, bk, [{name: encode(vocab, bos, n, tokens)} for tokens, _ in items], nodes=[out])
    results = []
    for (_, want), ps, run in zip(items, wanted, runs):
        logits = bk.to_list(run[out])
        results.append([(p, *decide_arb(bk, logits[p], values, want[p - 1], tolerance)) for p in ps])
    return results


def chunk_items(e, indices):
    """The ``(tokens, reference row)`` pairs of the claim's inputs ``indices``."""
    return [(e.inputs[i], e.expected[i]) for i in indices]


def how(e):
    """What :func:`run_chunk` needs of the claim besides its inputs."""
    return (e.vocab, e.bos, e.values, e.tolerance)


def by_length(e, indices) -> dict:
    """The claim's ``indices`` grouped by input length (ascending), in input order within a length."""
    groups = {}
    for i in indices:
        groups.setdefault(len(e.inputs[i]), []).append(i)
    return dict(sorted(groups.items()))
