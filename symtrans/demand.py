"""Which entries of each node a computation needs: a backward pass over the plan.

A *demand* is ``None`` (every entry) or a dict ``row -> None | frozenset of columns`` (the whole
row, or those columns of it).  Starting from the wanted nodes (every entry), each op turns the
demand on its output into a demand on each argument (:func:`argument_demand`); a node's demand
is the union over its consumers.  The interpreter then hands each op its arguments restricted to
what that op needs (entries outside are dropped, that is, read as 0), so a product only multiplies
what reaches a wanted entry: Fang et al.'s read-out needs one row of every score matrix, not all
``tokens x tokens`` of them.

Only *ring* ops (sums and products: ``Linear``, ``MatMul``, ``Add``, ``Hadamard``, ``Scores``
without a kernel, ``Normalize("none")``, ``Rows``, ``TokenMix``, ``Reduce("sum")``) pass a partial
demand on.  Every other op asks for all of its arguments, so whatever it computes is computed from
true values: an entry outside the demand that a ring op computed from dropped entries is wrong, but
a ring op never fails on it, and nothing wanted reads it.  Restriction is an optimisation only;
a backend without :meth:`restrict` computes everything, with the same results.

>>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
>>> from symtrans.ops import MatMul, Rows
>>> G = new_graph(); x = add_input(G, "X", (3, 2))
>>> _ = add_op(G, "gram", MatMul(transpose_b=True), [x, x]); _ = add_op(G, "row", Rows((1,)), ["gram"])
>>> set_outputs(G, ["row"])
>>> from symtrans.interpret import plan
>>> wanted, steps = plan(G)
>>> needs = demands(steps, wanted, {n: G.nodes[n]["shape"] for n in G})
>>> needs[("row", 0)], needs[("gram", 0)], needs[("gram", 1)]
({1: None}, {1: None}, None)
"""

from __future__ import annotations

from .ops import Add, Hadamard, Linear, MatMul, Normalize, Reduce, Rows, Scores, TokenMix

__all__ = ["demands", "argument_demand", "union"]


def union(a, b):
    """The union of two demands."""
    if a is None or b is None:
        return None
    out = dict(a)
    merged = {}  # rows share their column sets: one union per distinct pair, not per row (memory)
    for i, cols in b.items():
        mine = out.get(i, ())
        if i not in out or mine is cols:
            out[i] = cols
        elif mine is None or cols is None:
            out[i] = None
        else:
            key = (id(mine), id(cols))
            if key not in merged:  # the pair is kept alive with its union, so an id is never reused meanwhile
                merged[key] = (mine, cols, mine | cols)
            out[i] = merged[key][2]
    return out


def _columns(demand):
    """All columns any demanded row asks for (None: every column)."""
    cols = set()
    for c in demand.values():
        if c is None:
            return None
        cols |= c
    return frozenset(cols)


def _rows(demand):
    """Whole rows, for every row of which anything is demanded."""
    return {i: None for i, cols in demand.items() if cols is None or cols}


def _reads(weight):
    """The rows of a weight matrix that hold anything: the columns of ``X`` that ``X @ W`` reads."""
    return frozenset(k for (k, _), _ in weight.entries)


def _linear_rows(weight, demand):
    """For ``X @ W``: the columns of ``X`` each demanded row needs (rows of ``W`` reaching the demanded columns)."""
    by_col = {}
    for (k, j), _ in weight.entries:
        by_col.setdefault(j, set()).add(k)
    every = _reads(weight)
    out, seen = {}, {}  # rows share their column sets (memory): one computation per distinct set
    for i, cols in demand.items():
        if cols is None:
            out[i] = every
            continue
        if id(cols) not in seen:
            seen[id(cols)] = (cols, frozenset().union(*(by_col.get(j, ()) for j in cols)))
        out[i] = seen[id(cols)][1]
    return out


def _every_row(shape, cols):
    """Every row of a value of ``shape``, those columns of each (None: every entry)."""
    return None if cols is None else dict.fromkeys(range(shape[0]), cols)


def argument_demand(op, demand, shapes):
    """The demand on each of ``op``'s arguments (of the given ``shapes``), given the demand on its output."""
    if demand is None and isinstance(op, Rows):  # every output row, still only the selected input rows
        demand = dict.fromkeys(range(len(op.indices)))
    if demand is None and isinstance(op, Linear):  # every row, still only the columns the weight reads
        return [_every_row(shapes[0], _reads(op.weight))]
    if demand is None:
        return [None] * len(shapes)
    if isinstance(op, Linear):
        return [_linear_rows(op.weight, demand)]
    if isinstance(op, (Add, Hadamard)) or (isinstance(op, Normalize) and op.rule == "none"):
        return [demand] * len(shapes)
    if isinstance(op, MatMul):  # A's demanded rows; B's demanded columns (rows of B^T)
        cols = _columns(demand)
        if cols is None:
            return [_rows(demand), None]
        return [_rows(demand), dict.fromkeys(cols) if op.transpose_b else _every_row(shapes[1], cols)]
    if isinstance(op, Scores) and op.kernel is None:
        cols = _columns(demand)
        return [_rows(demand), None if cols is None else dict.fromkeys(cols)]
    if isinstance(op, Rows):
        out = {}
        for r, cols in demand.items():
            out = union(out, {op.indices[r]: cols})
        return [out]
    if isinstance(op, TokenMix):
        out = {}
        for (i, j), _ in op.weight.entries:
            if i in demand:
                out = union(out, {j: demand[i]})
        return [out]
    if isinstance(op, Reduce) and op.kind == "sum":
        return [_rows(demand)] if op.axis == 1 else [_every_row(shapes[0], _columns(demand))]
    return [None] * len(shapes)


def demands(steps, wanted, shapes):
    """``{(node, argument index): demand}`` for every step of a plan (``None``: all entries);
    ``shapes`` maps a node to its shape."""
    node_demand = {n: None for n in wanted}
    out = {}
    for n, op, args, is_input in reversed(steps):
        if is_input:
            continue
        d = node_demand.get(n, {})
        for index, (a, ad) in enumerate(zip(args, argument_demand(op, d, [shapes[a] for a in args]))):
            out[(n, index)] = ad
            node_demand[a] = union(node_demand[a], ad) if a in node_demand else ad
    return out
