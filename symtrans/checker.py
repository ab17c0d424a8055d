"""The independent certificate checker behind ``symtrans check``.

It re-derives a certificate's verdict from the certificate alone, without
trusting the search that produced it, and without importing the
constructions or the verifiers: it uses only the graph IR, the interpreter,
the backends and the exact polynomial conversions.

For each method it checks:

``identity``
    The embedded graph has the recorded fingerprint; re-evaluated on the poly
    backend, its output equals the recorded expanded coefficients; output
    minus target equals the recorded residual; PROVED iff that residual is
    zero; for REFUTED, the graph evaluated exactly at the counterexample point
    gives the recorded network value, the target gives the recorded target
    value, and the two differ.
``readout``
    PROVED: the recorded ``theta`` times the recomputed channels is the
    target.  REFUTED by degree: every recomputed channel has degree below the
    target's.  REFUTED by ``y``: the recorded monomials cover every monomial of
    the channels and the target, ``y^T A = 0`` and ``y . b != 0``.
``channels``
    The recomputed groups equal the expected polynomials in every token
    (PROVED), or differ at the recorded place (REFUTED).
``sizes``
    The recomputed sizes agree or disagree with the claim as recorded.
``equivalent``
    Rebuilds the recorded cut tree from the box (so its leaves cover it) and
    re-runs the exact polytope cell engine on every leaf: PROVED iff the network
    and the target are each one affine map there, equal to each other and to the
    recorded map, the witness lies inside, and they agree on every face where a
    hardmax of the network ties; REFUTED iff they differ at the recorded point
    (evaluated exactly on the rational backend).
``regions``
    Re-enumerates the cells and re-counts the linear regions.
``sup_error``
    Re-runs the exact piecewise-affine evaluation and recomputes, cell by cell, the exact
    maximum of ``|target - output|`` (ends and vertex of a quadratic).
``contextual_mapping``
    Re-evaluates the outputs with Arb at the recorded precision and re-decides every norm
    and every required pair: PROVED iff all are certainly within ``r`` / beyond ``delta``;
    REFUTED iff the recorded pair (or norm) is certainly on the wrong side.
``logit_gap``
    Recomputes the exact score matrices and the minimum gap against ``2 log n + 3``.
``compositional``
    Re-derives the block-by-block proof independently: every unit of the target
    is a symbol with an Arb enclosure; a ReLU whose affine argument's exact range
    over the enclosures has a sign is linearised, an undecided one becomes a symbol
    ``s`` with ``relu(-p) = s - p``; a hardmax head must have positive constant
    queries, values equal to its keys, and keys equal to a unit's pieces; the
    read-out must be ``<a, y^L> + c`` as a polynomial.
``memorise``
    Re-encloses every data point's context id at the recorded precision and
    re-evaluates the FFN after it exactly (pwl backend) over the enclosure.
``boltzmann``
    Re-evaluates every vector's Boltzmann value at the recorded precision and checks each
    pair's difference against ``(log n)^2 e^(-2r)``.
``same_output``
    Recomputes both output rows over ``Q[params]`` and compares them.
``bound``
    Rebuilds the bisection tree (so the leaves cover the box by construction),
    re-evaluates every leaf's enclosure of ``N - f`` with Arb at the recorded
    precision and checks it lies within ``eps``; for REFUTED, re-evaluates the
    point enclosure and checks it lies beyond ``eps``.

>>> from symtrans.checker import check_certificate
>>> check_certificate({"format": "something else"})
(False, "field 'format': not a symtrans certificate (expected 'symtrans-certificate')")
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .backends import PolyBackend
from .certificate import Certificate
from .claims import Claim
from .errors import SpecError, SymtransError
from .exact import exact_rational, format_exact
from .expr import parse_expression
from .graph import CHANNELS, OUTPUTS, fingerprint, from_json, input_variables, parameters, sizes
from .interpret import evaluate, evaluate_at_point
from .polys import from_terms, ring, to_flint

__all__ = ["check_certificate"]


class _Fail(Exception):
    pass


def _require(condition, reason):
    if not condition:
        raise _Fail(reason)


def check_certificate(data) -> tuple:
    """Re-check a certificate (parsed JSON); returns ``(holds, reason)``."""
    try:
        cert = Certificate.from_json(data)
        if not isinstance(cert.graph, dict):
            raise SpecError("the certificate embeds no graph", field="graph")
        G = from_json(cert.graph)
        _require(fingerprint(G) == cert.fingerprint,
                 f"fingerprint mismatch: the embedded graph hashes to {fingerprint(G)[:16]}..., "
                 f"the certificate says {str(cert.fingerprint)[:16]}...")
        claim = Claim.from_json(cert.claim)
        checker = _CHECKERS.get(cert.method)
        _require(checker is not None, f"no checker for method {cert.method!r}")
        verdict = checker(G, claim, cert)
        _require(verdict == cert.verdict, f"the certificate says {cert.verdict}, the evidence gives {verdict}")
    except _Fail as exc:
        return False, str(exc)
    except SymtransError as exc:
        return False, str(exc)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        return False, f"malformed evidence: {type(exc).__name__}: {exc}"
    return True, f"{cert.verdict} re-checked ({cert.method}, graph {cert.fingerprint[:16]})"


def _node(G, claim):
    return claim.output or G.graph[OUTPUTS][0]


def _value(G, names, node):
    return evaluate(G, PolyBackend(names), nodes=[node])[node]


def _check_identity(G, claim, cert):
    ev = cert.evidence
    names = list(ev["generators"])
    needed = input_variables(G) + parameters(G) + list(claim.target.parameters)
    _require(set(needed) <= set(names), "the recorded generators miss a variable or parameter")
    R = ring(names)
    node = _node(G, claim)
    out = _value(G, names, node).get(claim.row, claim.col, None)
    out = R.from_dict({}) if out is None else out
    _require(out == from_terms(ev["output"], R), "the graph's output differs from the recorded coefficients")
    target = to_flint(claim.target.in_variables(input_variables(G)), R)
    residual = out - target
    _require(residual == from_terms(ev["residual"], R), "the recorded residual is not output - target")
    if residual.is_zero():
        return "PROVED"
    ce = cert.counterexample
    _require(isinstance(ce, dict), "a refutation without a counterexample")
    point = {k: exact_rational(v, k) for k, v in ce["point"].items()}
    _require(set(names) <= set(point), "the counterexample does not give every variable and parameter")
    network = evaluate_at_point(G, point, node, claim.row, claim.col)
    subs = {sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in point.items()}
    wanted = exact_rational(claim.target.in_variables(input_variables(G)).xreplace(subs))
    _require(format_exact(network) == ce["network"], "the network's value at the counterexample is not as recorded")
    _require(format_exact(wanted) == ce["target"], "the target's value at the counterexample is not as recorded")
    _require(network != wanted, "network and target agree at the counterexample")
    return "REFUTED"


def _channel_row(G, claim):
    names = input_variables(G)
    R = ring(names)
    value = _value(G, names, _node(G, claim))
    channels = G.graph.get(CHANNELS)
    cols = list(range(value.shape[1]))
    if claim.groups is not None:
        cols = [i for g in claim.groups for i in range(channels.slice(g).start, channels.slice(g).stop)]
    zero = R.from_dict({})
    polys = [value.get(claim.row, j, None) or zero for j in cols]
    labels = {channels.label(j) if channels is not None and channels.width == value.shape[1] else str(j): k
              for k, j in enumerate(cols)}
    return R, polys, labels, to_flint(claim.target.in_variables(names), R)


def _check_readout(G, claim, cert):
    ev = cert.evidence
    R, polys, labels, target = _channel_row(G, claim)
    if cert.verdict == "PROVED":
        total = R.from_dict({})
        for label, q in ev["theta"]:
            c = exact_rational(q)
            total = total + polys[labels[label]] * R.constant(c.numerator) / c.denominator
        _require(total == target, "the recorded read-out does not produce the target")
        return "PROVED"
    if ev.get("argument") == "degree":
        degree = max((int(p.total_degree()) for p in polys if not p.is_zero()), default=-1)
        _require(not target.is_zero() and int(target.total_degree()) > degree,
                 "the degree argument fails: some channel reaches the target's degree")
        return "REFUTED"
    _require(ev.get("argument") == "farkas", "unknown refutation argument")
    monos = [tuple(m) for m in ev["monomials"]]
    present = {tuple(m) for p in polys + [target] for m in p.monoms()}
    _require(present <= set(monos), "the recorded monomials miss a monomial of the channels or the target")
    y = [exact_rational(v) for v in ev["y"]]
    _require(len(y) == len(monos), "y and the monomials differ in length")
    weight = dict(zip(monos, y))

    def pair(p):
        return sum((weight[tuple(m)] * Fraction(int(c.p), int(c.q)) for m, c in p.terms()), Fraction(0))

    _require(all(pair(p) == 0 for p in polys), "y^T A is not zero")
    _require(pair(target) != 0, "y . b is zero")
    return "REFUTED"


def _check_channels(G, claim, cert):
    names = input_variables(G)
    R = ring(names)
    value = _value(G, names, claim.output)
    channels = G.graph[CHANNELS]
    zero = R.from_dict({})
    expected = {g: [to_flint(parse_expression(e, names), R) for e in exprs]
                for g, exprs in (claim.expected or {}).items()}
    expected.update({g: [zero] * channels.size(g) for g in claim.zero})
    for t in range(value.shape[0]):
        for g, polys in expected.items():
            for i, want in enumerate(polys):
                if (value.get(t, channels.offset(g) + i, None) or zero) != want:
                    _require(cert.counterexample and cert.counterexample.get("where") == f"token {t}, {g}[{i}]",
                             "the first mismatch is not where the certificate says")
                    return "REFUTED"
    return "PROVED"


def _check_sizes(G, claim, cert):
    actual = sizes(G)
    return "PROVED" if all(actual.get(k) == v for k, v in claim.expected.items()) else "REFUTED"


def _pwl_pieces(G, node, lo, hi, row=0, col=0):
    from .backends.pwl import PWLBackend

    bk = PWLBackend(lo, hi)
    return bk.pieces(evaluate(G, bk, nodes=[node])[node], row, col)


def _check_equivalent(G, claim, cert):
    return _check_equivalent_cells(G, claim, cert)


def _check_equivalent_cells(G, claim, cert):
    """Rebuild the cut tree from the box (so its leaves cover it), and on every leaf re-run the
    exact cell engine: the network and the target must each be one affine map there, equal to
    each other and to the recorded one.  Every face where a hardmax ties is re-checked too."""
    from .backends.cells import Affine, check_ties, enumerate_cells
    from .polytope import Polytope, to_fmpq as q
    from .targets import GraphTarget, target_graph

    node = _node(G, claim)
    variables = input_variables(G)
    ce = cert.counterexample
    if ce is not None:
        point = {v: exact_rational(ce["point"][v]) for v in variables}
        net = evaluate_at_point(G, point, node, claim.row, claim.col)
        tgt = claim.target.evaluate([point[v] for v in variables])
        _require(format_exact(net) == ce["network"] and format_exact(tgt) == ce["target"],
                 "the values at the counterexample are not as recorded")
        return "REFUTED" if net != tgt else "PROVED"
    _require(len(variables) == claim.domain.dimension, "the box and the graph's inputs differ in dimension")
    H, hnode = target_graph(claim.target)
    cells = cert.evidence["regions"]
    used, leaves = set(), []

    def walk(P, tree):
        if isinstance(tree, int):
            _require(0 <= tree < len(cells) and tree not in used, "the cut tree names a cell twice or not at all")
            used.add(tree)
            leaves.append((P, tree))
            return
        h = [q(v) for v in tree["cut"]]
        _require(len(h) == P.dim + 1, "a cut has the wrong number of coefficients")
        neg, pos = P.cut((tuple(h[:-1]), h[-1]))
        _require(neg is not None and pos is not None, "a cut of the tree does not split its cell")
        walk(neg, tree["le"])
        walk(pos, tree["ge"])

    walk(Polytope.box(claim.domain.bounds), cert.evidence["tree"])
    _require(len(used) == len(cells), "some recorded cells are not leaves of the cut tree")
    net, hleaves = [], []
    for P, k in leaves:
        mine = enumerate_cells(G, [node], P)
        net.extend(mine)
        theirs = enumerate_cells(H, [hnode], P)
        hleaves.extend(theirs)
        _require(len(mine) == 1 and len(theirs) == 1, f"cell {k} is not a single affine piece of both sides")
        f, g = mine[0].entry(node, claim.row, claim.col), theirs[0].entry(hnode)
        recorded = Affine(tuple(q(v) for v in cells[k][1]))
        _require(f == g == recorded, f"cell {k} does not carry the recorded affine map on both sides")
        witness = tuple(q(v) for v in cells[k][0])
        _require(P.interior_contains(witness), f"the witness point of cell {k} is not inside it")
    _, bad = check_ties(G, node, H, hnode, net, grc=(claim.row, claim.col))
    _require(bad is None, "network and target differ on a face where a hardmax ties")
    if isinstance(claim.target, GraphTarget):
        _, bad = check_ties(H, hnode, G, node, hleaves, hrc=(claim.row, claim.col))
        _require(bad is None, "network and target differ on a face where a hardmax of the target ties")
    return "PROVED"


def _check_regions(G, claim, cert):
    from .backends.cells import count_regions, enumerate_cells
    from .polytope import Polytope

    node = _node(G, claim)
    leaves = enumerate_cells(G, [node], Polytope.box(claim.domain.bounds))
    count = count_regions(leaves, lambda leaf: leaf.entry(node, claim.row, claim.col))
    return "PROVED" if count == claim.expected["regions"] else "REFUTED"


def _check_bound(G, claim, cert):
    from .backends.interval import IntervalBackend
    from .targets import maxout_graph

    eps = exact_rational(claim.expected["eps"])
    node = _node(G, claim)
    F = maxout_graph(claim.target)
    prec = int(cert.precision)
    names = input_variables(G)

    def enclosure(box, p):
        bk = IntervalBackend(prec=p)
        inputs = {"x": [[(lo, hi) if lo != hi else lo for lo, hi in box]]}
        n = bk.to_list(evaluate(G, bk, inputs, nodes=[node])[node])[claim.row][claim.col]
        f = bk.to_list(evaluate(F, bk, inputs)["f"])[0][0]
        with bk.session():
            return bk.bounds(n - f)

    _require(list(G.graph["inputs"]) == ["x"] and len(names) == claim.domain.dimension,
             "the graph's input does not match the box")
    if cert.verdict == "REFUTED":
        point = tuple((exact_rational(cert.counterexample["point"][v]),) * 2 for v in names)
        lo, hi = enclosure(point, prec * 2)
        _require(lo is not None and (lo > eps or hi < -eps), "the point enclosure is not beyond eps")
        return "REFUTED"
    _require(cert.verdict == "PROVED", "only PROVED and REFUTED bound certificates can be re-checked")
    tree = list(cert.evidence["tree"])
    stack = [tuple(claim.domain.bounds)]
    while tree:
        _require(stack, "the bisection tree has more nodes than boxes")
        box, step = stack.pop(), tree.pop(0)
        if step == "L":
            lo, hi = enclosure(box, prec)
            _require(lo is not None and -eps <= lo and hi <= eps, f"a leaf box is not within eps: {box}")
        else:
            k = int(step)
            a, b = box[k]
            m = (a + b) / 2
            stack.extend([box[:k] + ((m, b),) + box[k + 1:], box[:k] + ((a, m),) + box[k + 1:]])
    _require(not stack, "the bisection tree leaves boxes uncovered")
    return "PROVED"


def _separation_inputs(claim):
    seqs = claim.expected["sequences"]
    return [[[exact_rational(v) for v in tok] for tok in seq] for seq in seqs]


def _check_separation(G, claim, cert):
    import flint

    from .backends.interval import IntervalBackend

    prec = int(cert.precision)
    X = _separation_inputs(claim)
    exp = claim.expected
    r = exact_rational(exp["r"]) if exp.get("r") is not None else None
    bk = IntervalBackend(prec=prec)
    name, node = G.graph["inputs"][0], G.graph[OUTPUTS][0]
    outs = [bk.to_list(evaluate(G, bk, {name: seq})[node]) for seq in X]
    sets = [frozenset(tuple(t) for t in seq) for seq in X]
    positions = [(i, k) for i, seq in enumerate(X) for k in range(len(seq))]
    with bk.session():
        if "delta_log10" in exp:
            thr2 = flint.arb(10) ** (2 * flint.arb(flint.fmpq(*_pq(exact_rational(exp["delta_log10"])))))
        else:
            d = exact_rational(exp.get("delta", 0))
            thr2 = flint.arb(flint.fmpq(*_pq(d * d)))
        wrong = undecided = False
        if r is not None:
            r2 = flint.arb(flint.fmpq(*_pq(r * r)))
            for rows in outs:
                for row in rows:
                    n2 = sum((v * v for v in row), flint.arb(0))
                    wrong |= bool(n2 > r2)
                    undecided |= not (n2 <= r2) and not (n2 > r2)
        for a, (i, k) in enumerate(positions):
            for (j, l) in positions[a + 1:]:
                if X[i][k] == X[j][l] and sets[i] == sets[j]:
                    continue
                d2 = sum(((p - q) ** 2 for p, q in zip(outs[i][k], outs[j][l])), flint.arb(0))
                if d2 < thr2:
                    wrong = True
                elif not d2 > thr2:
                    undecided = True
    if cert.verdict == "REFUTED":
        _require(wrong, "no pair or norm is certainly on the wrong side at the recorded precision")
        return "REFUTED"
    _require(not undecided, "some comparison is undecided at the recorded precision")
    return "REFUTED" if wrong else "PROVED"


def _pq(q):
    return q.numerator, q.denominator


def _check_logit_gap(G, claim, cert):
    import flint

    from .backends import RationalBackend
    from .graph import OP
    from .ops import Scores

    X = _separation_inputs(claim)
    node = next(n for n in G if isinstance(G.nodes[n][OP], Scores))
    bk = RationalBackend()
    gaps = []
    for seq in X:
        S = bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: seq}, nodes=[node], outputs=False)[node])
        for row in S:
            vals = [Fraction(int(v.p), int(v.q)) for v in row]
            gaps += [abs(a - b) for i, a in enumerate(vals) for b in vals[i + 1:]]
    gap = min(gaps)
    _require(format_exact(gap) == cert.evidence["min_gap"], "the recorded minimum gap is not the recomputed one")
    with flint.ctx.workprec(128):
        g, needed = flint.arb(flint.fmpq(*_pq(gap))), 2 * flint.arb(len(X[0])).log() + 3
        return "PROVED" if g >= needed else ("REFUTED" if g < needed else "UNKNOWN")


def _check_same_output(G, claim, cert):
    from .graph import parameters

    exp = claim.expected
    names = parameters(G)
    node = _node(G, claim)
    rows = []
    for A in exp["inputs"]:
        value = evaluate(G, PolyBackend(names), {G.graph["inputs"][0]: A}, nodes=[node])[node]
        rows.append([value.get(exp.get("row", 0), j, None) for j in range(value.shape[1])])
    same = all((p is None and q is None) or (p is not None and q is not None and p == q) or
               (p is None and q is not None and q.is_zero()) or (q is None and p is not None and p.is_zero())
               for p, q in zip(*rows))
    return "PROVED" if same else "REFUTED"


def _check_boltzmann(G, claim, cert):
    import flint

    from .backends.interval import IntervalBackend

    exp = claim.expected
    vecs = [[exact_rational(v) for v in vec] for vec in exp["vectors"]]
    r = exact_rational(exp["r"])
    bk = IntervalBackend(prec=int(cert.precision))
    values = [bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: [v]})[G.graph[OUTPUTS][0]])[0][0] for v in vecs]
    with bk.session():
        logn = flint.arb(len(vecs[0])).log()
        bound = logn * logn * (-2 * flint.arb(flint.fmpq(*_pq(r)))).exp()
        above = [abs(values[i] - values[j]) > bound for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
        below = [abs(values[i] - values[j]) < bound for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
    if all(above):
        return "PROVED"
    _require(any(below), "some pair is undecided at the recorded precision")
    return "REFUTED"


def _check_compositional(G, claim, cert):
    """An independent re-derivation of the compositional proof (see the module docstring)."""
    import networkx as nx

    from .backends.base import SparseMatrix
    from .backends.interval import IntervalBackend
    from .graph import OP, arguments
    from .ops import MatMul, Maximum, Normalize, ReLU, Scores
    from .targets import maxout_graph

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

    def key(p):
        return tuple(sorted((tuple(int(e) for e in m), int(c.p), int(c.q)) for m, c in p.terms()))

    units_of = {}
    prev = [gen[v] for v in input_variables(G)]
    for l, layer in enumerate(net.layers, 1):
        ys = []
        for i, unit in enumerate(layer):
            pieces = frozenset(key(sum((prev[n] * q(pc[n]) for n in range(len(prev))), q(pc[-1]))) for pc in unit)
            # a unit with the same pieces as an earlier one is the same function: one symbol
            ys.append(units_of.setdefault(pieces, gen[f"u_{l}_{i}"]))
        prev = ys
    target = sum((prev[i] * q(a) for i, a in enumerate(net.output[:-1])), q(net.output[-1]))

    def srange(p):
        lo = hi = Fraction(0)
        for m, c in p.terms():
            c = Fraction(int(c.p), int(c.q))
            deg = sum(int(e) for e in m)
            if deg == 0:
                lo, hi = lo + c, hi + c
            elif deg == 1:
                a, b = enc.get(names[next(k for k, e in enumerate(m) if e)], (None, None))
                if a is None:
                    return None
                lo, hi = lo + min(c * a, c * b), hi + max(c * a, c * b)
            else:
                return None
        return lo, hi

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
                        rng = srange(p)
                        if rng is not None and rng[0] >= 0:
                            rows.setdefault(i, {})[j] = p
                        elif rng is None or rng[1] > 0:
                            if key(p) in symbols:
                                v = symbols[key(p)]
                            elif key(-p) in symbols:
                                v = symbols[key(-p)] + p
                            else:
                                v = symbols[key(p)] = free.pop(0)
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
                y = units_of.get(frozenset(key(p) for p in keys))
                _require(y is not None, f"head at {n!r}: keys are not a unit's pieces")
                values[n] = SparseMatrix((qm.shape[0], 1), {t: {0: y} for t in range(qm.shape[0])})
            elif isinstance(op, Maximum):
                r_, c_ = args[0].shape
                rows = {}
                for i in range(r_):
                    for j in range(c_):
                        ps = [a.get(i, j, None) or zero for a in args]
                        y = ps[0] if all(p == ps[0] for p in ps) else units_of.get(frozenset(key(p) for p in ps))
                        _require(y is not None, f"max at {n!r} is not a unit's pieces")
                        if not y.is_zero():
                            rows.setdefault(i, {})[j] = y
                values[n] = SparseMatrix((r_, c_), rows)
            else:
                values[n] = op.apply(pb, *args)
    out = values[G.graph[OUTPUTS][0]].get(0, 0, None) or zero
    return "PROVED" if out == target else "UNKNOWN"


def _check_memorised(G, claim, cert):
    from .backends import PWLBackend
    from .backends.interval import IntervalBackend
    from .graph import token_slice

    exp = claim.expected
    X = _separation_inputs(claim)
    labels = [[exact_rational(v) for v in row] for row in exp["labels"]]
    z = exp["z"]
    S = token_slice(G, z)
    var = S.nodes[z]["op"].variables[0]
    bk = IntervalBackend(prec=int(cert.precision))
    wrong = False
    for i, seq in enumerate(X):
        zs = bk.to_list(evaluate(G, bk, {G.graph["inputs"][0]: seq}, nodes=[z], outputs=False)[z])
        for k, (zz,) in enumerate(zs):
            lo, hi = bk.bounds(zz)
            _require(lo is not None, "an unbounded context id")
            if lo == hi:
                value = evaluate_at_point(S, {var: lo}, S.graph[OUTPUTS][0])
            else:
                pw = PWLBackend(lo, hi)
                pieces = pw.pieces(evaluate(S, pw)[S.graph[OUTPUTS][0]], 0, 0)
                _require(len(pieces) == 1 and pieces[0][2] == 0, f"the FFN is not constant on point ({i}, {k})")
                value = pieces[0][3]
            wrong |= value != labels[i][k]
    return "REFUTED" if wrong else "PROVED"


def _check_sup_error(G, claim, cert):
    (lo, hi), = claim.domain.bounds
    coeffs = {k[0]: Fraction(v) for k, v in claim.target.coefficients().items()}
    a2, a1, a0 = coeffs.get(2, Fraction(0)), coeffs.get(1, Fraction(0)), coeffs.get(0, Fraction(0))
    best = Fraction(-1)
    for a, b, s_, c in _pwl_pieces(G, _node(G, claim), lo, hi, claim.row, claim.col):
        xs = [a, b] + ([-(a1 - s_) / (2 * a2)] if a2 and a < -(a1 - s_) / (2 * a2) < b else [])
        best = max([best] + [abs(a2 * x * x + (a1 - s_) * x + (a0 - c)) for x in xs])
    return "PROVED" if best == exact_rational(claim.expected["value"]) else "REFUTED"


_CHECKERS = {"identity": _check_identity, "readout": _check_readout, "channels": _check_channels,
             "sizes": _check_sizes, "equivalent": _check_equivalent, "regions": _check_regions,
             "bound": _check_bound, "separation": _check_separation, "logit_gap": _check_logit_gap,
             "same_output": _check_same_output, "boltzmann": _check_boltzmann,
             "compositional": _check_compositional, "memorise": _check_memorised,
             "sup_error": _check_sup_error}
