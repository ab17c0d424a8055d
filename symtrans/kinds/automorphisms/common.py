"""Automorphisms of sparse patterns, shared by the prover and the checker (the trusted base).

An automorphism of a pattern ``A`` is a permutation ``s`` of the tokens with ``A[s(i)][s(j)] = A[i][j]``
for all ``i, j`` (self-loops included); they are enumerated with networkx's ``DiGraphMatcher`` (VF2)
on the pattern as a directed graph, and kept when they preserve every other pattern too
(the intersection ``Aut(N_1) n Aut(N_2) n ...`` of Cheng et al.'s Corollary 2).
"""

from __future__ import annotations

import networkx as nx
from networkx.algorithms.isomorphism import DiGraphMatcher
from ..._lazy import sympy

from ...errors import SpecError
from ...patterns import pattern

__all__ = ["adjacencies", "automorphisms", "iter_automorphisms", "outside", "preserves", "generated",
           "MAX_AUTOMORPHISMS"]

#: Most automorphisms enumerated; beyond it the order is not decided (UNKNOWN).
MAX_AUTOMORPHISMS = 50_000


def adjacencies(data):
    """The claim's patterns as adjacency tuples, all on the same number of tokens."""
    mats = [pattern(p, f"patterns[{k}]") for k, p in enumerate(data.patterns)]
    sizes = {len(A) for A in mats}
    if len(sizes) != 1:
        raise SpecError(f"patterns on {sorted(sizes)} tokens", field="patterns", expected="one number of tokens")
    return mats


def _digraph(A):
    """The pattern as a digraph, or its complement when that has fewer edges: both have the same
    automorphisms, and VF2 is faster on the sparser one."""
    n = len(A)
    ones = sum(map(sum, A))
    keep = 1 if ones <= n * n - ones else 0
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((i, j) for i in range(n) for j in range(n) if A[i][j] == keep)
    return G


def preserves(s, mats) -> bool:
    """Whether the permutation ``s`` (a tuple, ``i -> s[i]``) is an automorphism of every pattern."""
    n = len(mats[0])
    return all(A[s[i]][s[j]] == A[i][j] for A in mats for i in range(n) for j in range(n))


def iter_automorphisms(mats):
    """The common automorphisms (tuples), one by one."""
    G = _digraph(mats[0])
    rest = mats[1:]  # VF2 already preserves the first pattern
    for m in DiGraphMatcher(G, G).isomorphisms_iter():
        s = tuple(m[i] for i in range(len(mats[0])))
        if not rest or preserves(s, rest):
            yield s


def automorphisms(mats, limit=MAX_AUTOMORPHISMS):
    """The common automorphisms (tuples), or ``None`` when there are more than ``limit``."""
    out = []
    for s in iter_automorphisms(mats):
        out.append(s)
        if len(out) > limit:
            return None
    return sorted(out)


def outside(mats, generators, limit=MAX_AUTOMORPHISMS):
    """``(an automorphism outside <generators> or None, automorphisms seen, decided)``.

    Stops at the first automorphism outside the group; ``decided`` is False when the
    enumeration passed ``limit`` first.
    """
    n = len(mats[0])
    H = generated(generators, n)
    seen = 0
    for s in iter_automorphisms(mats):
        seen += 1
        if not H.contains(sympy.combinatorics.Permutation(list(s), size=n)):
            return s, seen, True
        if seen > limit:
            return None, seen, False
    return None, seen, True


def generated(generators, n):
    """The permutation group the generators generate (SymPy), on ``n`` points."""
    return sympy.combinatorics.PermutationGroup([sympy.combinatorics.Permutation(list(g), size=n) for g in generators])
