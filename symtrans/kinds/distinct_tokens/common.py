"""Required pairs and their evaluation, shared by the prover and the checker."""

from __future__ import annotations

from ...backends import FormalBackend, IntervalBackend, RationalBackend
from ...backends.formal import same
from ...errors import BackendError
from ...graph import INPUTS, OUTPUTS
from ...interpret import evaluate
from ..automorphisms.common import generated

__all__ = ["orbits", "required_pairs", "outputs", "apart", "exact_outputs", "equal_tokens", "enclosed_outputs"]


def orbits(data):
    """The orbit index of each sequence under the group (each its own orbit without generators)."""
    seqs = [tuple(map(tuple, X)) for X in data.sequences]
    if not data.generators:
        return list(range(len(seqs)))
    n = len(seqs[0])
    group = list(generated(data.generators, n).generate())
    label = []
    for k, X in enumerate(seqs):
        images = {tuple(X[g.array_form[i]] for i in range(n)) for g in group}
        label.append(next((label[j] for j in range(k) if seqs[j] in images), k))
    return label


def required_pairs(data):
    """``((sequence, token), (sequence, token))`` pairs that must be distinct."""
    n = len(data.sequences[0])
    label = orbits(data)
    out = []
    for a in range(len(data.sequences)):
        for b in range(a, len(data.sequences)):
            if a != b and label[a] == label[b]:
                continue
            for i in range(n):
                for j in range(n):
                    if (a, i) < (b, j):
                        out.append(((a, i), (b, j)))
    return out


def outputs(G, claim, backend):
    """The output rows for every sequence on ``backend`` (inside its session)."""
    X = G.graph[INPUTS][0]
    node = claim.output or G.graph[OUTPUTS][0]
    rows = []
    for seq in claim.expected.sequences:
        value = evaluate(G, backend, {X: [list(t) for t in seq]}, nodes=[node], validate=False, outputs=False)[node]
        rows.append(backend.to_list(value))
    return rows


def apart(bk, u, v) -> bool:
    """Some coordinate of two enclosed tokens is certainly different."""
    return any(bk.lt(a, b) is True or bk.lt(b, a) is True for a, b in zip(u, v))


def exact_outputs(G, claim):
    """Exact outputs and the backend: rational, or formal (exp of constants kept exact) when softmax is
    irrational; ``(None, None)`` when neither can evaluate the layer."""
    for bk in (RationalBackend(), FormalBackend()):
        try:
            return outputs(G, claim, bk), bk
        except BackendError:
            continue
    return None, None


def equal_tokens(u, v, bk) -> bool:
    """Exactly equal tokens (rational values, or the same closed forms)."""
    if isinstance(bk, FormalBackend):
        return all(same(a, b) for a, b in zip(u, v))
    return u == v


def enclosed_outputs(G, claim, prec):
    ib = IntervalBackend(prec=prec)
    with ib.session():
        return ib, outputs(G, claim, ib)
