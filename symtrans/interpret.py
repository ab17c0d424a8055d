"""Evaluate a graph on a backend: one topological loop, no backend-specific code.

>>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
>>> from symtrans.ops import Hadamard
>>> from symtrans.backends import PolyBackend, RationalBackend
>>> G = new_graph(); x = add_input(G, "x", (1, 2))
>>> _ = add_op(G, "sq", Hadamard(), [x, x]); set_outputs(G, ["sq"])
>>> out = evaluate(G, PolyBackend())
>>> PolyBackend().to_sympy(out["sq"])
Matrix([[x1**2, x2**2]])
>>> RationalBackend().to_list(evaluate(G, RationalBackend(), {"x": ["1/2", -3]})["sq"])
[[1/4, 9]]
"""

from __future__ import annotations

import contextlib

import networkx as nx

from .backends import RationalBackend
from .budget import checkpoint
from .demand import demands
from .errors import SpecError, SymtransError
from .graph import (
    INPUTS,
    OP,
    OUTPUTS,
    SHAPE,
    arguments,
    check,
    input_variables,
    parameters,
    substitute,
)

__all__ = ["evaluate", "evaluate_many", "evaluate_at_point", "plan"]


def evaluate(G, backend, inputs=None, params=None, nodes=(), validate: bool = True, outputs: bool = True):
    """Evaluate ``G`` on ``backend``.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph that passes :func:`symtrans.graph.validate`.
    backend : symtrans.backends.base.Backend
        Any backend from :mod:`symtrans.backends`.
    inputs : dict, optional
        Input name -> value (nested lists, a flat list for one-row inputs,
        or an array for the float backend).  An input left out stays symbolic,
        which only the ``poly`` backend accepts.
    params : dict, optional
        Parameter name -> exact rational.  Without it, parameters stay
        symbolic (``poly`` backend only).
    nodes : iterable of str
        Extra nodes whose values to return as well (to check invariants
        inside the network, block by block).
    validate : bool
        Check the graph first (the default).  Callers that evaluate one
        graph many times check it once and pass ``False``.
    outputs : bool
        Also compute and return the graph's outputs (the default).  With
        ``False`` only ``nodes`` and what they depend on are computed.

    Returns
    -------
    dict
        Node name -> backend value, for every output and every node asked for.

    Errors from the backend are re-raised naming the node that failed.

    Examples
    --------
    >>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
    >>> from symtrans.ops import Div
    >>> from symtrans.backends import RationalBackend
    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> _ = add_op(G, "q", Div(), [x, x]); set_outputs(G, ["q"])
    >>> evaluate(G, RationalBackend(), {"x": [3, 0]})
    Traceback (most recent call last):
    ...
    symtrans.errors.EvaluationError: node 'q': division by zero (expected a nonzero divisor)
    """
    if validate:
        check(G)
    inputs = _known_inputs(G, inputs)
    if params:
        G = substitute(G, params)
    wanted, steps = plan(G, nodes, outputs)
    needs = _needs(G, backend, steps, wanted)
    with backend.session(_symbols(G)):
        return _run(G, backend, steps, wanted, inputs, needs)


def evaluate_many(G, backend, inputs_list, nodes=(), validate: bool = True, outputs: bool = True):
    """:func:`evaluate` on each of ``inputs_list`` in turn, returning one dict per input.

    The graph is checked and planned once, every run shares one backend session, and each
    weight matrix is lifted to the backend once (:meth:`~symtrans.backends.base.ScalarBackend.constants_cached`):
    what a verifier that runs one network on many sequences wants.

    >>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> from symtrans.backends import RationalBackend
    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> _ = add_op(G, "y", Linear(Weights.from_rows([[1], ["1/2"]])), [x]); set_outputs(G, ["y"])
    >>> bk = RationalBackend()
    >>> [bk.to_list(out["y"]) for out in evaluate_many(G, bk, [{"x": [1, 2]}, {"x": [0, 4]}])]
    [[[2]], [[2]]]
    """
    if validate:
        check(G)
    inputs_list = [_known_inputs(G, inputs) for inputs in inputs_list]
    wanted, steps = plan(G, nodes, outputs)
    needs = _needs(G, backend, steps, wanted)
    cached = getattr(backend, "constants_cached", None)
    with backend.session(_symbols(G)), (cached() if cached else contextlib.nullcontext()):
        return [_run(G, backend, steps, wanted, inputs, needs) for inputs in inputs_list]


def _known_inputs(G, inputs):
    """A copy of ``inputs``, refusing a value for a name that is not an input."""
    inputs = dict(inputs or {})
    unknown = set(inputs) - set(G.graph[INPUTS])
    if unknown:
        raise SpecError(f"value given for {sorted(unknown)[0]!r}, which is not an input",
                        expected="one of " + ", ".join(G.graph[INPUTS]))
    return inputs


def _symbols(G):
    return [v for name in G.graph[INPUTS] for v in G.nodes[name][OP].variables] + parameters(G)


def _needs(G, backend, steps, wanted):
    """The demand on every argument of every step (:mod:`symtrans.demand`), for a backend that can
    restrict its values; ``{}`` otherwise."""
    if getattr(backend, "restrict", None) is None:
        return {}
    return demands(steps, wanted, {n: G.nodes[n][SHAPE] for n, *_ in steps})


def _run(G, backend, steps, wanted, inputs, needs=None):
    """Run the steps; each op gets its arguments restricted to what it needs, and each value is
    dropped after its last use (peak memory is the live values, not every intermediate)."""
    last = {}
    for index, (_, _, args, _) in enumerate(steps):
        for a in args:
            last[a] = index
    keep = set(wanted)
    needs = needs or {}
    values = {}
    for index, (n, op, args, is_input) in enumerate(steps):
        checkpoint()  # a time limit in force stops here, between nodes
        try:
            if is_input:
                values[n] = backend.lift_input(inputs.get(n), G.nodes[n][SHAPE], op.variables)
            else:
                argv = [values[a] if needs.get((n, i)) is None else backend.restrict(values[a], needs[(n, i)])
                        for i, a in enumerate(args)]
                values[n] = op.apply(backend, *argv)
        except SymtransError as exc:
            raise exc.at(node=n) from None
        for a in set(args):
            if last[a] == index and a not in keep:
                del values[a]
    return {n: values[n] for n in wanted}


def plan(G, nodes=(), outputs: bool = True):
    """``(wanted, steps)``: the nodes to return and, in evaluation order, what computes them.

    Each step is ``(name, op, argument names, is_input)``; only the ancestors of
    ``wanted`` appear, in a reproducible topological order (insertion order
    breaks ties).  :func:`evaluate` runs it; the polytope engine
    (:mod:`symtrans.backends.cells`) runs it too, resuming mid-way after a split.

    >>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
    >>> from symtrans.ops import ReLU
    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> _ = add_op(G, "r", ReLU(), [x]); set_outputs(G, ["r"])
    >>> wanted, steps = plan(G)
    >>> wanted, [(n, is_input) for n, _, _, is_input in steps]
    (['r'], [('x', True), ('r', False)])
    """
    wanted = (list(G.graph[OUTPUTS]) if outputs else []) + [n for n in nodes
                                                             if not outputs or n not in G.graph[OUTPUTS]]
    for n in wanted:
        if n not in G:
            raise SpecError(f"no node {n!r} to return", expected="a node of the graph")
    needed = set(wanted).union(*(nx.ancestors(G, n) for n in wanted)) if wanted else set()
    order = {n: i for i, n in enumerate(G.nodes)}  # insertion order breaks ties: reproducible runs
    inputs = set(G.graph[INPUTS])
    steps = [(n, G.nodes[n][OP], arguments(G, n), n in inputs)
             for n in nx.lexicographical_topological_sort(G, key=order.__getitem__) if n in needed]
    return wanted, steps


def evaluate_at_point(G, point: dict, node: str, row: int = 0, col: int = 0, validate: bool = True):
    """The exact value of ``node[row, col]`` at a point given variable by variable.

    ``point`` maps every input variable and every parameter of ``G`` to an exact
    rational (extra names are ignored).  Used to confirm counterexamples
    independently of the polynomial that found them.

    >>> from symtrans.graph import new_graph, add_input, add_op, set_outputs
    >>> from symtrans.ops import Hadamard
    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> _ = add_op(G, "sq", Hadamard(), [x, x]); set_outputs(G, ["sq"])
    >>> evaluate_at_point(G, {"x1": 3, "x2": "1/2"}, "sq", 0, 1)
    Fraction(1, 4)
    """
    from fractions import Fraction


    params_needed = parameters(G) if validate or point.keys() - set(input_variables(G)) else []
    missing = [v for v in input_variables(G) + params_needed if v not in point]
    if missing:
        raise SpecError(f"the point gives no value for {missing[0]!r}", expected="every variable and parameter")
    inputs = {}
    for name in G.graph[INPUTS]:
        op = G.nodes[name][OP]
        r, c = op.shape
        inputs[name] = [[point[op.variables[a * c + b]] for b in range(c)] for a in range(r)]
    bk = RationalBackend()
    params = {p: point[p] for p in params_needed}
    v = bk.to_list(evaluate(G, bk, inputs, params, nodes=[node], validate=validate, outputs=False)[node])[row][col]
    return Fraction(int(v.p), int(v.q))
