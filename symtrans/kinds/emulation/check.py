
from __future__ import annotations


import networkx as nx

from ...backends import PolyBackend
from ...backends.base import SparseMatrix
from ...backends.interval import IntervalBackend
from ...checking import _node, _require
from ...exact import exact_rational, format_exact
from ...graph import OP, OUTPUTS, arguments, input_variables
from ...interpret import evaluate, evaluate_at_point
from ...ops import MatMul, Maximum, Normalize, ReLU, Scores
from ...polys import affine_range, poly_key, ring
from ...targets import maxout_graph


def check(G, claim, cert):
    """An independent re-derivation of the compositional proof (see the module docstring)."""
    if cert.verdict != "PROVED":
        ce = cert.counterexample
        _require(isinstance(ce, dict), f"a {cert.verdict} compositional certificate has no point to re-check")
        point = {k: exact_rational(v) for k, v in ce["point"].items()}
        x = [point[v] for v in input_variables(G)]
        got, want = evaluate_at_point(G, point, _node(G, claim)), claim.target.evaluate(x)
        _require(got != want and format_exact(got) == ce["network"], "the counterexample does not re-check")
        return "REFUTED"
    net, box = claim.target, claim.domain
    units = [f"u_{l}_{i}" for l, layer in enumerate(net.layers, 1) for i in range(len(layer))]
    relus = sum(G.nodes[n]["shape"][0] * G.nodes[n]["shape"][1] for n in G if isinstance(G.nodes[n][OP], ReLU))
    names = input_variables(G) + units + [f"s_{k}" for k in range(relus)]
    R = ring(names)
    gen = {v: R.gen(k) for k, v in enumerate(names)}
    # enclosures of the inputs and of every unit
    bk = IntervalBackend(prec=64)
    M = maxout_graph(net)
    layer_nodes = [f"L{l}" if any(len(u) > 1 for u in layer) else f"L{l}.p0" for l, layer in enumerate(net.layers, 1)]
    vals = evaluate(M, bk, {"x": [[tuple(b) for b in box.bounds]]}, nodes=layer_nodes)
    enc = dict(zip(input_variables(G), box.bounds))
    for l, node in enumerate(layer_nodes, 1):
        for i, s_ in enumerate(bk.to_list(vals[node])[0]):
            lo, hi = bk.bounds(s_)
            _require(lo is not None, "an unbounded unit enclosure")
            enc[f"u_{l}_{i}"] = (lo, hi)

    def q(c):
        return R.constant(c.numerator) / c.denominator

    units_of = {}
    prev = [gen[v] for v in input_variables(G)]
    for l, layer in enumerate(net.layers, 1):
        ys = []
        for i, unit in enumerate(layer):
            pieces = frozenset(poly_key(sum((prev[n] * q(pc[n]) for n in range(len(prev))), q(pc[-1]))) for pc in unit)
            # a unit with the same pieces as an earlier one is the same function: one symbol
            ys.append(units_of.setdefault(pieces, gen[f"u_{l}_{i}"]))
        prev = ys
    target = sum((prev[i] * q(a) for i, a in enumerate(net.output[:-1])), q(net.output[-1]))

    symbols, free = {}, [gen[f"s_{k}"] for k in range(relus)]
    pb = PolyBackend(names)
    values, zero = {}, R.from_dict({})
    order = {n: i for i, n in enumerate(G.nodes)}
    with pb.session(names):
        for n in nx.lexicographical_topological_sort(G, key=order.__getitem__):
            op, args = G.nodes[n][OP], [values[a] for a in arguments(G, n)]
            if n in G.graph["inputs"]:
                values[n] = pb.lift_input(None, op.shape, op.variables)
            elif isinstance(op, ReLU):
                rows = {}
                for i, row in args[0].rows.items():
                    for j, p in row.items():
                        rng = affine_range(p, names, enc)
                        if rng is not None and rng[0] >= 0:
                            rows.setdefault(i, {})[j] = p
                        elif rng is None or rng[1] > 0:
                            if poly_key(p) in symbols:
                                v = symbols[poly_key(p)]
                            elif poly_key(-p) in symbols:
                                v = symbols[poly_key(-p)] + p
                            else:
                                v = symbols[poly_key(p)] = free.pop(0)
                            rows.setdefault(i, {})[j] = v
                values[n] = SparseMatrix(args[0].shape, {i: {j: v for j, v in r.items() if not v.is_zero()}
                                                         for i, r in rows.items()})
            elif isinstance(op, Normalize) and op.rule == "hardmax" and not all(
                    p.is_constant() for r in args[0].rows.values() for p in r.values()):
                src = arguments(G, n)[0]
                _require(isinstance(G.nodes[src][OP], Scores) and op.mask is None and op.axis == "row",
                         f"hardmax at {n!r} is not a plain dot-product head")
                values[n] = ("hardmax", [values[a] for a in arguments(G, src)])
            elif isinstance(op, MatMul) and isinstance(args[0], tuple):
                (qm, km), vm = args[0][1], args[1]
                keys = [km.get(s_, 0, None) or zero for s_ in range(km.shape[0])]
                _require([vm.get(s_, 0, None) or zero for s_ in range(vm.shape[0])] == keys,
                         f"head at {n!r}: values differ from keys")
                for t in range(qm.shape[0]):
                    qt = qm.get(t, 0, None) or zero
                    _require(qt.is_constant() and not qt.is_zero() and qt.leading_coefficient() > 0,
                             f"head at {n!r}: a query is not a positive constant")
                y = units_of.get(frozenset(poly_key(p) for p in keys))
                _require(y is not None, f"head at {n!r}: keys are not a unit's pieces")
                values[n] = SparseMatrix((qm.shape[0], 1), {t: {0: y} for t in range(qm.shape[0])})
            elif isinstance(op, Maximum):
                r_, c_ = args[0].shape
                rows = {}
                for i in range(r_):
                    for j in range(c_):
                        ps = [a.get(i, j, None) or zero for a in args]
                        y = ps[0] if all(p == ps[0] for p in ps) else units_of.get(frozenset(poly_key(p) for p in ps))
                        _require(y is not None, f"max at {n!r} is not a unit's pieces")
                        if not y.is_zero():
                            rows.setdefault(i, {})[j] = y
                values[n] = SparseMatrix((r_, c_), rows)
            else:
                values[n] = op.apply(pb, *args)
    out = values[G.graph[OUTPUTS][0]].get(0, 0, None) or zero
    return "PROVED" if out == target else "UNKNOWN"
