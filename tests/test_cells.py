"""Exact polytopes, the polytope cell engine (pwl in d >= 2), region counts and equivalence certificates."""

from __future__ import annotations

import copy
import json
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from symtrans import BackendError, SpecError, Weights, add_input, add_op, new_graph, set_outputs
from symtrans._flint import flint
from symtrans.backends.cells import Affine
from symtrans.regions import count_regions, enumerate_cells
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.gu2026 import maxout_transformer, single_head_transformer
from symtrans.domains import Box
from symtrans.graph import replace_weight
from symtrans.interpret import evaluate_at_point
from symtrans.ops import Add, Hadamard, Linear, MatMul, Normalize
from symtrans.polytope import Polytope, affine_rank
from symtrans.targets import MaxoutNet, cpwl_network, maxout_graph
from symtrans import verify

Q = flint.fmpq


def _frac(v):
    return Fraction(int(v.p), int(v.q))


# -- polytopes -------------------------------------------------------------------------------------

def test_box_cut_and_facets_are_exact():
    P = Polytope.box([(0, 1), (0, 1), (0, 1)])
    neg, pos = P.cut(((Q(1), Q(1), Q(1)), Q(-3, 2)))   # x + y + z = 3/2: a hexagonal section
    assert len(neg.vertices) == 10 and len(pos.vertices) == 10      # 4 corners + the hexagon's 6
    assert sum(1 for v in neg.vertices if sum(v) == Q(3, 2)) == 6
    assert len(neg.facets()) == 7 and len(P.facets()) == 6          # 3 squares cut, 3 triangles, the hexagon
    F, _ = neg.facet(len(neg.constraints) - 1)   # the hexagon, as a 2-D polytope
    assert F.dim == 2 and len(F.vertices) == 6 and affine_rank(F.vertices) == 2
    assert P.cut(((Q(1), Q(0), Q(0)), Q(0)))[1] is P    # x >= 0 on the whole cube: no cut


def test_a_cut_touching_only_a_vertex_does_not_split():
    P = Polytope.box([(0, 1), (0, 1)])
    assert P.cut(((Q(1), Q(1)), Q(0))) == (None, P)     # x + y >= 0, zero only at a corner


def test_from_constraints_and_interior():
    assert Polytope.from_constraints([(0, 1), (0, 1)], [((1, 1), -1)]) is None
    T = Polytope.from_constraints([(0, 1), (0, 1)], [((1, 1), 1)])
    assert sorted(T.vertices) == [(0, 0), (0, 1), (1, 0)]
    assert T.interior_contains(T.centroid()) and not T.interior_contains((Q(1, 2), Q(1, 2)))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20)), min_size=5, max_size=5))
def test_cuts_partition_the_box(cuts, points):
    """Leaves of repeated cuts: every point of the box is in some leaf, inside at most one."""
    leaves = [Polytope.box([(-1, 1), (-1, 1)])]
    for a, b, c in cuts:
        if a == b == 0:
            continue
        nxt = []
        for P in leaves:
            nxt.extend(p for p in P.cut(((Q(a), Q(b)), Q(c))) if p is not None)
        leaves = nxt
    for x, y in points:
        p = (Q(x, 20), Q(y, 20))
        inside = [all(sum(ai * pi for ai, pi in zip(a, p)) <= b for a, b in P.inequalities()) for P in leaves]
        strictly = [P.interior_contains(p) for P in leaves]
        assert any(inside) and sum(strictly) <= 1
        for P in leaves:   # vertices are exact intersections: each satisfies its polytope
            assert all(all(sum(ai * vi for ai, vi in zip(a, v)) <= b for a, b in P.inequalities()) for v in P.vertices)


# -- the engine ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed,d,k,L,w", [(0, 2, 2, 2, 6), (1, 2, 3, 2, 4), (2, 3, 2, 2, 4), (3, 3, 3, 1, 3)])
def test_cells_agree_with_exact_point_evaluation(seed, d, k, L, w):
    net = MaxoutNet.random(seed, d, k, L, w)
    G = maxout_graph(net)
    leaves = enumerate_cells(G, ["f"], Polytope.box([(-1, 1)] * d))
    rng = random.Random(seed)
    for leaf in rng.sample(leaves, min(25, len(leaves))):
        for p in [leaf.cell.centroid()] + leaf.cell.vertices[:3]:
            assert _frac(leaf.entry("f").at(p)) == net.evaluate([_frac(v) for v in p])


def test_products_of_inputs_are_refused_naming_the_node():
    G = new_graph()
    x = add_input(G, "x", (1, 2))
    add_op(G, "sq", Hadamard(), [x, x])
    set_outputs(G, ["sq"])
    with pytest.raises(BackendError, match="node 'sq': the pwl backend cannot multiply two input-dependent"):
        enumerate_cells(G, ["sq"], Polytope.box([(0, 1), (0, 1)]))


def _hardmax_graph(values):
    """Scores (0, x1, -x1) over three keys, hardmax, then constant values: ties only at x1 = 0."""
    G = new_graph("tie")
    x = add_input(G, "x", (1, 2))
    s = add_op(G, "scores", Linear(Weights((2, 3), {(0, 1): 1, (0, 2): -1})), [x])
    w = add_op(G, "weights", Normalize("hardmax"), [s])
    add_op(G, "out", Linear(Weights((3, 1), {(i, 0): v for i, v in enumerate(values) if v})), [w])
    set_outputs(G, ["out"])
    return G


def test_hardmax_ties_on_a_face_are_checked_exactly():
    zero = MaxoutNet(2, [[[[0, 0, 0]]]], [0, 0])
    square = Box([(-1, 1), (-1, 1)])
    assert verify(_hardmax_graph([0, 0, 0]), Claim("equivalent", zero, domain=square)).verdict == "PROVED"
    # value 1 at the tied key: 0 on every open cell, 1/3 on the line x1 = 0
    cert = verify(_hardmax_graph([1, 0, 0]), Claim("equivalent", zero, domain=square))
    assert cert.verdict == "REFUTED" and cert.counterexample["cell"] == "a face of dimension 1"
    assert cert.counterexample["point"]["x1"] == "0" and cert.counterexample["network"] == "1/3"
    ok, why = check_certificate(json.loads(json.dumps(cert.to_json()))).astuple()
    assert ok, why


def _attention_tie_graph(values):
    """Scores (0, x1, -x1) over three keys, hardmax, times computed values ``V`` (one row per key,
    affine in x): the tie at x1 = 0 matters only where the tied keys' values differ."""
    G = new_graph("attention-tie")
    x = add_input(G, "x", (1, 2))
    s = add_op(G, "scores", Linear(Weights((2, 3), {(0, 1): 1, (0, 2): -1})), [x])
    w = add_op(G, "weights", Normalize("hardmax"), [s])
    (a0, b0), (a1, b1), (a2, b2) = values  # value of key k: a_k . x + b_k
    W = Weights((2, 3), {(i, k): a[i] for k, a in enumerate((a0, a1, a2)) for i in range(2) if a[i]})
    v = add_op(G, "values", Linear(W, Weights((1, 3), {(0, k): b for k, b in enumerate((b0, b1, b2)) if b})), [x])
    add_op(G, "out", MatMul(transpose_b=True), [w, v])
    set_outputs(G, ["out"])
    return G


@pytest.mark.parametrize("values, verdict, faces", [
    ([((0, 0), 0), ((0, 0), 0), ((0, 0), 0)], "PROVED", 0),     # equal values: the tie is harmless
    ([((1, 0), 0), ((0, 0), 0), ((0, 0), 0)], "PROVED", 0),     # x1 vanishes on the face x1 = 0
    ([((0, 0), 1), ((0, 0), 0), ((0, 0), 0)], "REFUTED", 1),    # 1/3 on the face, 0 elsewhere
    ([((0, 1), 0), ((0, 0), 0), ((0, 0), 0)], "REFUTED", 1),    # x2/3 on the face: agree at one point only
    ([((0, 1), 1), ((0, 0), 0), ((0, 0), 0)], "REFUTED", 1),    # (x2 + 1)/3: agree at one vertex only
    ([((0, -1), 1), ((0, 0), 0), ((0, 0), 0)], "REFUTED", 1),   # (1 - x2)/3: at the other vertex only
])
def test_a_tie_is_skipped_exactly_when_the_tied_values_agree_on_its_face(values, verdict, faces):
    zero = MaxoutNet(2, [[[[0, 0, 0]]]], [0, 0])
    square = Box([(-1, 1), (-1, 1)])
    G = _attention_tie_graph(values)
    cert = verify(G, Claim("equivalent", zero, domain=square))
    assert cert.verdict == verdict
    if verdict == "PROVED":
        assert cert.evidence["tie_faces_checked"] == faces
    else:
        assert cert.counterexample["cell"] == "a face of dimension 1"
        point = [Fraction(cert.counterexample["point"][v]) for v in ("x1", "x2")]
        assert point[0] == 0 and evaluate_at_point(G, dict(zip(("x1", "x2"), point)), "out") != 0
    assert check_certificate(json.loads(json.dumps(cert.to_json()))).holds


def test_a_product_whose_weights_feed_something_else_keeps_its_ties():
    """The skip needs the hardmax to feed only the product: here it is an output too."""
    G = _attention_tie_graph([((0, 0), 0)] * 3)
    leaves = enumerate_cells(G, ["out", "weights"], Polytope.box([(-1, 1), (-1, 1)]))
    assert any(leaf.ties for leaf in leaves)
    leaves = enumerate_cells(G, ["out"], Polytope.box([(-1, 1), (-1, 1)]))
    assert not any(leaf.ties for leaf in leaves)
    # the weights also feed a read-out that jumps on the face: the tie must stay and refute
    w2 = add_op(G, "direct", Linear(Weights((3, 1), {(0, 0): 1})), ["weights"])
    both = add_op(G, "both", Add(), ["out", w2])
    set_outputs(G, [both])
    zero = MaxoutNet(2, [[[[0, 0, 0]]]], [0, 0])
    cert = verify(G, Claim("equivalent", zero, domain=Box([(-1, 1), (-1, 1)])))
    assert cert.verdict == "REFUTED" and cert.counterexample["network"] == "1/3"


# -- region counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("expr,box,regions", [
    ("relu(x1) + relu(x2)", [(-1, 1), (-1, 1)], 4),
    ("abs(x1) + abs(x2)", [(-1, 1), (-1, 1)], 4),
    ("relu(1/2 - abs(x1) - abs(x2))", [(-1, 1), (-1, 1)], 5),          # a pyramid: 4 faces and the flat rest
    ("min(relu(x1 + 1/2), relu(1/2 - x1))", [(-1, 1), (-1, 1)], 4),      # 0 on two separate sides
    ("max(x1, x2, x3)", [(-1, 1)] * 3, 3),
    ("max(x1, 0) - max(x1, 0)", [(-1, 1), (-1, 1)], 1),
])
def test_linear_region_counts(expr, box, regions):
    variables = [f"x{i + 1}" for i in range(len(box))]
    G = maxout_graph(cpwl_network(expr, variables))
    cert = verify(G, Claim("regions", expected={"regions": regions}, domain=Box(box)))
    assert cert.verdict == "PROVED", cert.evidence
    assert check_certificate(json.loads(json.dumps(cert.to_json()))).holds
    wrong = verify(G, Claim("regions", expected={"regions": regions + 1}, domain=Box(box)))
    assert wrong.verdict == "REFUTED" and wrong.counterexample["regions"]["graph"] == regions


def test_regions_merge_only_across_shared_facets():
    """Two cells with the same map touching at a single point are different regions."""
    # |x1| - |x2| has four pieces meeting at the origin; opposite ones differ, so 4;
    # max(|x1|, |x2|) has four pieces too, opposite ones differ: 4; the cells are more.
    for expr in ("abs(x1) - abs(x2)", "max(abs(x1), abs(x2))"):
        G = maxout_graph(cpwl_network(expr, ["x1", "x2"]))
        leaves = enumerate_cells(G, ["f"], Polytope.box([(-1, 1), (-1, 1)]))
        assert count_regions(leaves, lambda leaf: leaf.entry("f")) == 4


# -- equivalence in 2-D and 3-D --------------------------------------------------------------------

CASES = [(203, 2, 3, 2, 3), (212, 2, 2, 2, 4), (223, 3, 2, 2, 3)]


@pytest.mark.parametrize("seed,d,k,L,w", CASES)
def test_r2_and_r3_emulations_proved_by_cells_and_rechecked(seed, d, k, L, w):
    net = MaxoutNet.random(seed, d, k, L, w)
    box = Box([(-1, 1)] * d)
    for G in (maxout_transformer(net, box), maxout_transformer(net, box, fresh=False),
              single_head_transformer(net, box)):
        cert = verify(G, Claim("equivalent", net, domain=box))
        # every tie of these constructions is between tokens whose values agree on the tie
        # face (the two tied pieces are equal there), so no face needs a second enumeration
        assert cert.verdict == "PROVED" and cert.evidence["tie_faces_checked"] == 0
        assert cert.evidence["linear_regions"] <= cert.evidence["activation_cells"] <= cert.evidence["network_cells"]
        data = json.loads(json.dumps(cert.to_json()))
        assert check_certificate(data).holds
    # tampering: a recorded map, a cut, a dropped subtree
    bad = copy.deepcopy(data)
    bad["evidence"]["regions"][0][1][-1] = str(Fraction(bad["evidence"]["regions"][0][1][-1]) + 1)
    assert not check_certificate(bad).holds
    bad = copy.deepcopy(data)
    bad["evidence"]["tree"]["cut"][-1] = str(Fraction(bad["evidence"]["tree"]["cut"][-1]) + Fraction(1, 3))
    assert not check_certificate(bad).holds
    bad = copy.deepcopy(data)
    bad["evidence"]["tree"] = bad["evidence"]["tree"]["le"]
    assert not check_certificate(bad).holds


@pytest.mark.parametrize("seed,d,k,L,w", CASES)
def test_wrong_emulations_are_refuted_with_an_exact_point(seed, d, k, L, w):
    net = MaxoutNet.random(seed, d, k, L, w)
    box = Box([(-1, 1)] * d)
    variables = [f"x{i + 1}" for i in range(d)]
    for bad in (maxout_transformer(net, box, margins_override=[Fraction(1, 2)] * L),
                replace_weight(maxout_transformer(net, box), "readout", "bias", (0, 0),
                               net.output[-1] + Fraction(1, 7)),
                single_head_transformer(net, box, c_override=1)):
        cert = verify(bad, Claim("equivalent", net, domain=box))
        assert cert.verdict == "REFUTED"
        point = {v: Fraction(cert.counterexample["point"][v]) for v in variables}
        assert evaluate_at_point(bad, point, "readout") != net.evaluate([point[v] for v in variables])
        assert check_certificate(json.loads(json.dumps(cert.to_json()))).holds


def test_affine_prints_and_refuses_products():
    f = Affine((Q(1), Q(0), Q(-1, 2)))
    assert str(f) == "x1 - 1/2" and str(Affine((Q(0), Q(0)))) == "0"
    with pytest.raises(BackendError, match="cannot multiply two input-dependent values"):
        f * f


# -- a graph as the target -------------------------------------------------------------------------

def test_two_constructions_proved_equal_to_each_other():
    from symtrans.targets import GraphTarget

    net = MaxoutNet.random(212, 2, 2, 2, 4)
    box = Box([(-1, 1)] * 2)
    R2, R3 = maxout_transformer(net, box), single_head_transformer(net, box)
    cert = verify(R2, Claim("equivalent", GraphTarget(R3), domain=box))
    assert cert.verdict == "PROVED"
    data = json.loads(cert.dumps())
    assert data["claim"]["target"]["kind"] == "graph" and check_certificate(data).holds
    wrong = replace_weight(R3, "readout", "bias", (0, 0), net.output[-1] + 1)
    cert = verify(R2, Claim("equivalent", GraphTarget(wrong), domain=box))
    assert cert.verdict == "REFUTED" and cert.counterexample["target"] != cert.counterexample["network"]
    assert check_certificate(json.loads(cert.dumps())).holds


def test_a_target_graph_that_jumps_is_caught_on_its_own_tie_face():
    from symtrans.targets import GraphTarget

    zero = maxout_graph(MaxoutNet(2, [[[[0, 0, 0]]]], [0, 0]))
    square = Box([(-1, 1), (-1, 1)])
    assert verify(zero, Claim("equivalent", GraphTarget(_hardmax_graph([0, 0, 0])), domain=square)).verdict == "PROVED"
    cert = verify(zero, Claim("equivalent", GraphTarget(_hardmax_graph([1, 0, 0])), domain=square))
    assert cert.verdict == "REFUTED" and cert.counterexample["target"] == "1/3"
    assert cert.counterexample["cell"] == "a face of dimension 1"


def test_graph_target_bad_input():
    from symtrans.targets import GraphTarget

    with pytest.raises(SpecError, match="no node 'nope'"):
        GraphTarget(maxout_graph(MaxoutNet.max_of(2)), "nope")
    with pytest.raises(SpecError, match="a box of dimension 3 for a target on R\\^2"):
        Claim("equivalent", GraphTarget(maxout_graph(MaxoutNet.max_of(2))), domain=Box([(0, 1)] * 3))


def test_serial_leaves_come_in_the_order_of_their_cut_signs():
    """The pooled enumeration relies on it: depth-first with side -1 first is sign-word order."""
    for seed in range(3):
        G = maxout_graph(MaxoutNet.random(seed, 3, 3, 2, 3))
        leaves = enumerate_cells(G, G.graph["outputs"], Polytope.box([(-2, 2)] * 3))
        words = [tuple(s for *_, s in leaf.path) for leaf in leaves]
        assert len(leaves) > 4 and words == sorted(words)


def test_a_pool_gives_the_same_cells_and_certificates():
    """Enumerations cut into pieces for 2 workers give the same leaves in the same order, and the
    region and equivalence certificates are identical."""
    from symtrans.parallel import process_pool

    net = MaxoutNet.random(7, 2, 3, 2, 3)
    box = Box([(-2, 2), (-2, 2)])
    G = maxout_transformer(net, box)
    node = G.graph["outputs"][0]
    runs = {}
    for n in (1, 2):
        with process_pool(n):
            leaves = enumerate_cells(G, [node], Polytope.box(box.bounds))
            runs[n] = ([(leaf.path, leaf.pattern, str(leaf.entry(node))) for leaf in leaves],
                       verify(G, Claim("equivalent", net, domain=box)).to_json())
    assert len(runs[1][0]) > 8 and runs[1][0] == runs[2][0]
    one, two = runs[1][1], runs[2][1]
    assert one["verdict"] == "PROVED"
    assert {x: one[x] for x in ("evidence", "counterexample")} == {x: two[x] for x in ("evidence", "counterexample")}


# -- sharing results between cells, whole-matrix products, the box test -------------------------------

def _leaf_record(leaf, node):
    return (leaf.path, leaf.pattern, [str(v) for v in leaf.cell.vertices], str(leaf.entry(node)),
            sorted(sorted(map(str, face)) for face in leaf.ties))


@pytest.mark.parametrize("make, bounds, ties", [
    (lambda: maxout_transformer(MaxoutNet.random(5, 2, 3, 2, 4), Box([(-2, 2)] * 2)), [(-2, 2)] * 2, False),
    (lambda: maxout_transformer(MaxoutNet.tent(3), Box([(0, 1)])), [(0, 1)], False),
    (lambda: maxout_graph(MaxoutNet.random(6, 3, 2, 2, 4)), [(-1, 1)] * 3, False),
    (lambda: _attention_tie_graph([((0, 1), 1), ((1, 0), 0), ((0, 0), 0)]), [(-1, 1)] * 2, True),
])
def test_sharing_results_between_cells_changes_nothing(make, bounds, ties, monkeypatch):
    """With sharing switched off (a fresh store at every step) the enumeration gives the same
    leaves, in the same order, with the same maps, patterns and tie faces."""
    import symtrans.regions as regions

    G = make()
    node = G.graph["outputs"][0]
    shared = [_leaf_record(leaf, node) for leaf in enumerate_cells(G, [node], Polytope.box(bounds))]
    monkeypatch.setattr(regions, "SHARED_RESULTS", -1)
    alone = [_leaf_record(leaf, node) for leaf in enumerate_cells(G, [node], Polytope.box(bounds))]
    assert len(shared) > 1 and shared == alone
    assert any(record[-1] for record in shared) == ties


def test_shared_results_follow_the_decisions_of_each_cell():
    """An op that looks at its cell is re-evaluated on each: a recorded decision (ReLU) gives one
    shared result per decision; a comparison the trace does not record is never shared."""
    from symtrans.backends.cells import CellBackend
    from symtrans.ops import ReLU
    from symtrans.regions import _apply_shared

    class Below:  # an op deciding by a comparison that leaves no trace
        def apply(self, bk, x):
            return bk.fill(1, 1, 1 if bk.lt(x.get(0, 0, bk.zero()), bk.zero()) else 2)

    box = Polytope.box([(-1, 1)])
    left, right = box.cut(((Q(1),), Q(0)))
    far_right = right.cut(((Q(1),), Q(-1, 2)))[1]
    x = CellBackend(box, ["x1"]).lift_input(None, (1, 1), ["x1"])
    shared = {}

    def run(op, P):
        bk = CellBackend(P, ["x1"])
        out = _apply_shared(bk, "n", op, [x], shared, 0)
        return out, bk.trace

    (l, lt), (r, rt), (rr, rrt) = run(ReLU(), left), run(ReLU(), right), run(ReLU(), far_right)
    assert (str(l.get(0, 0, Affine.constant(Q(0), 1))), str(r.get(0, 0, None))) == ("0", "x1")
    assert lt != rt == rrt and rr is r   # the same decision: the same object
    assert [str(run(Below(), P)[0].get(0, 0, None)) for P in (left, right, left)] == ["1", "2", "1"]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6), st.randoms(use_true_random=False))
def test_whole_matrix_products_equal_the_sparse_product(m, r, c, n, rng):
    """``A W`` by ``fmpq_mat`` planes (taken when the sparse product has many steps) is the
    sparse product, entry for entry (zeros left out)."""
    from symtrans.backends.base import ScalarBackend, SparseMatrix
    from symtrans.backends.cells import CellBackend

    def q():
        return Q(rng.randint(-4, 4), rng.randint(1, 3)) if rng.random() < 0.7 else Q(0)

    bk = CellBackend(Polytope.box([(-1, 1)] * m), [f"x{i + 1}" for i in range(m)])
    A = SparseMatrix((r, c), {i: {j: Affine(tuple(q() for _ in range(m + 1))) for j in range(c) if rng.random() < 0.8}
                              for i in range(r)})
    A = SparseMatrix((r, c), {i: {j: a for j, a in row.items() if not a.is_zero()} for i, row in A.rows.items()})
    W = Weights((c, n), {(i, j): Fraction(rng.randint(-3, 3), rng.randint(1, 2)) for i in range(c) for j in range(n)})
    B = bk.const(W)
    sparse = ScalarBackend.matmul(bk, A, B)
    assert bk.matmul(A, B).rows == sparse.rows
    assert bk._planes_times(A, flint.fmpq_mat([[_entry(B, i, j) for j in range(n)] for i in range(c)]), n).rows \
        == sparse.rows


def _entry(B, i, j):
    s = B.rows.get(i, {}).get(j)
    return Q(0) if s is None else s.c[-1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), max_size=3),
       st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-4, 4)))
def test_the_box_test_answers_only_for_every_vertex(cuts, h):
    P = Polytope.box([(-1, 1), (-1, 1)])
    for a1, a2, b in cuts:
        if (a1, a2) != (0, 0):
            P = P.cut(((Q(a1), Q(a2)), Q(b)))[0] or P
    a, c = (Q(h[0]), Q(h[1])), Q(h[2])
    s = P.box_sign((a, c))
    values = P.values((a, c))
    assert s == 0 or all(v * s > 0 for v in values)
    if all(v > 0 for v in values) and P.vertices == Polytope.box([(-1, 1), (-1, 1)]).vertices:
        assert s == 1   # on a box the test is exact


def test_whole_matrix_products_leave_irrational_constants_to_the_sparse_product():
    """A weight ``log 2`` (exact on this backend) cannot be an ``fmpq_mat`` entry: the product
    falls back to the sparse one, in B and in A alike."""
    import sympy

    from symtrans.backends.base import ScalarBackend, SparseMatrix
    from symtrans.backends.cells import CellBackend

    bk = CellBackend(Polytope.box([(-1, 1)]), ["x1"])
    c, n = 40, 40
    log2 = Weights((c, n), {(i, j): sympy.log(2) if (i, j) == (0, 0) else 1 for i in range(c) for j in range(n)})
    dense = Weights((c, n), {(i, j): 1 for i in range(c) for j in range(n)})
    A = SparseMatrix((2, c), {i: {j: Affine((Q(j + 1), Q(i))) for j in range(c)} for i in range(2)})
    for W in (log2, dense):
        B = bk.const(W)
        assert bk.matmul(A, B).rows == ScalarBackend.matmul(bk, A, B).rows
    A_log = SparseMatrix((2, c), {0: {0: bk.scalar(sympy.log(2))}, 1: dict(A.rows[1])})
    B = bk.const(dense)
    assert bk.matmul(A_log, B).rows == ScalarBackend.matmul(bk, A_log, B).rows


@pytest.mark.parametrize("make, bounds", [
    (lambda: maxout_transformer(MaxoutNet.random(5, 2, 3, 2, 4), Box([(-2, 2)] * 2)), [(-2, 2)] * 2),
    (lambda: maxout_graph(MaxoutNet.random(6, 3, 2, 2, 4)), [(-1, 1)] * 3),
    (lambda: _attention_tie_graph([((0, 1), 1), ((1, 0), 0), ((0, 0), 0)]), [(-1, 1)] * 2),
])
def test_leaves_along_a_cut_tree_are_the_leaves_on_its_cells(make, bounds):
    """Evaluating down a cut tree (the checker's walk) gives, on every leaf of the tree, what a
    fresh enumeration of that leaf's polytope gives; on a coarser tree, several leaves."""
    from symtrans.regions import leaves_along, leaves_on

    G = make()
    node = G.graph["outputs"][0]
    own = enumerate_cells(G, [node], Polytope.box(bounds))

    def tree_of(P, cuts, index):  # the tree of one leaf's path, grown into a whole tree
        if not cuts:
            index.append(P)
            return P, len(index) - 1
        (a, b, _), rest = cuts[0], cuts[1:]
        neg, pos = P.cut((a, b))
        if neg is None or pos is None:  # this cut misses the cell: go on with the next
            return tree_of(P, rest, index)
        return P, (a, b), tree_of(neg, rest, index), tree_of(pos, rest, index)

    cells = []
    tree = tree_of(Polytope.box(bounds), list(own[-1].path), cells)
    along = leaves_along(G, node, tree)
    fresh = leaves_on(G, node, [(P, ()) for P in cells])
    assert [k for k, _ in along] == list(range(len(cells))) and len(cells) > 1
    for (_, mine), theirs in zip(along, fresh):
        assert [_leaf_record(leaf, node)[1:] for leaf in mine] == [_leaf_record(leaf, node)[1:] for leaf in theirs]
    assert sum(len(mine) for _, mine in along) >= len(cells)
