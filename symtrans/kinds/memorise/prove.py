
from __future__ import annotations

import time

from ...backends import IntervalBackend, PWLBackend
from ...certificate import Certificate
from ...errors import SpecError
from ...exact import format_exact
from ...graph import INPUTS, OUTPUTS, check, token_slice
from ...interpret import evaluate, evaluate_at_point
from ...provers._certify import certify
from ...provers.separation import MAX_BITS_CAP, claim_sequences


def prove(G, claim, name: str = "") -> Certificate:
    """The network outputs ``labels[i][k]`` *exactly* for token ``k`` of sequence ``i``.

    ``expected``: ``{"sequences", "labels", "z": node, "max_bits"}``.  For every data point the
    value of the scalar node ``z`` (the context id) is enclosed with Arb, and the part of the
    graph after ``z`` (a token-wise FFN) is evaluated *exactly* on the pwl backend over that
    enclosure: it must be the constant label there, so the output is the label whatever the
    exact ``z``.  Precision doubles while an enclosure straddles a step; a constant different
    from the label REFUTES the claim.

    >>> from symtrans.constructions.kajitsuka2024 import memorizer
    >>> from symtrans.claims import Claim
    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> seqs, labels = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]], [[1, 2], [3, 4], [5, 6]]
    >>> m = memorizer(seqs, labels, w=["3/5", "4/5"], eps="11/5")
    >>> claim = Claim("memorise", expected={"sequences": seqs, "labels": labels, "z": "mem.z"})
    >>> c = prove(m.graph, claim)
    >>> c.verdict, c.evidence["bits"], c.evidence["points"]
    ('PROVED', 2048, 6)
    """
    start_time = time.perf_counter()
    check(G)
    exp = claim.expected
    X = claim_sequences(claim)
    labels = [list(row) for row in exp.labels]
    if len(labels) != len(X) or any(len(row) != len(X[0]) for row in labels):
        raise SpecError("labels do not match the sequences", field="labels")
    z_node = exp.z
    if z_node not in G:
        raise SpecError(f"no node {z_node!r} for the context id", field="z")
    S = token_slice(G, z_node)
    prec, max_bits = exp.start_bits, min(exp.max_bits, MAX_BITS_CAP)
    while True:
        bk = IntervalBackend(prec=prec)
        pending = 0
        for i, seq in enumerate(X):
            zs = bk.to_list(evaluate(G, bk, {G.graph[INPUTS][0]: [list(t) for t in seq]}, nodes=[z_node],
                                     validate=False, outputs=False)[z_node])
            for k, (z,) in enumerate(zs):
                lo, hi = bk.bounds(z)
                if lo is None:
                    pending += 1
                    continue
                if lo == hi:
                    value = evaluate_at_point(S, {S.nodes[z_node]["op"].variables[0]: lo}, S.graph[OUTPUTS][0])
                    constant = value
                else:
                    pw = PWLBackend(lo, hi)
                    pieces = pw.pieces(evaluate(S, pw, validate=False)[S.graph[OUTPUTS][0]], 0, 0)
                    constant = pieces[0][3] if len(pieces) == 1 and pieces[0][2] == 0 else None
                if constant is None:
                    pending += 1
                elif constant != labels[i][k]:
                    ce = {"sequence": i, "token": k, "output": format_exact(constant),
                          "label": format_exact(labels[i][k])}
                    return certify(G, claim, "REFUTED", "interval+pwl", prec, {"bits": prec}, ce,
                                   start_time, name)
        if not pending:
            evidence = {"bits": prec, "points": sum(len(s) for s in X)}
            return certify(G, claim, "PROVED", "interval+pwl", prec, evidence, None, start_time, name)
        if prec * 2 > max_bits:
            return certify(G, claim, "UNKNOWN", "interval+pwl", prec,
                           {"bits": prec, "undecided_points": pending}, None, start_time, name)
        prec *= 2
