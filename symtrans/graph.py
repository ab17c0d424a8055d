"""The graph IR: a transformer as a ``networkx.DiGraph`` of exact ops.

A node is one op.  Its attributes, and who writes them:

==============  =====================================================  =======================
key             value                                                   written by
==============  =====================================================  =======================
``OP``          the op (:mod:`symtrans.ops`), weights inside exact       :func:`add_op`, JSON
``SHAPE``       the op's output shape ``(rows, cols)``                  :func:`add_op`, JSON
``ORIGIN``      ``{"paper", "block", "role", "head", "part"}``, for      builders in
                reports, sizes and error messages                        :mod:`symtrans.layers`
==============  =====================================================  =======================

An edge ``u -> v`` carries ``POSITIONS``: the argument positions of ``v`` that
``u`` fills (a tuple, so one value can be used twice, as in ``x * x``).
``G.graph`` holds ``INPUTS`` and ``OUTPUTS`` (node names), ``CHANNELS`` (the
residual stream's :class:`~symtrans.channels.Channels`, or ``None``),
``STREAM`` (``(tokens, width)`` of the residual stream, or ``None``) and
``NAME``.  Passes never mutate a graph; they return new values.

>>> from symtrans.graph import new_graph, add_input, add_op, set_outputs, validate, sizes
>>> from symtrans.ops import Linear, ReLU
>>> from symtrans.weights import Weights
>>> G = new_graph("tiny")
>>> x = add_input(G, "x", (1, 2))
>>> h = add_op(G, "h", Linear(Weights.from_rows([[1, -1], [2, "1/2"]])), [x])
>>> y = add_op(G, "y", ReLU(), [h])
>>> set_outputs(G, [y])
>>> validate(G)
[]
>>> sizes(G)["nonzero_parameters"], sizes(G)["max_weight_bits"]
(4, 2)

Why this module is long: the IR's attribute keys, builders, validation, fingerprint and JSON
form are one contract (the file format); each function is short.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction

import networkx as nx

from .channels import Channels
from .errors import ExactnessError, GraphError, SpecError, SymtransError, read_json
from .exact import exact
from .ops import (
    Add,
    Div,
    Hadamard,
    Input,
    Linear,
    Maximum,
    Op,
    ReLU,
    Sqrt,
    op_from_json,
)
from .weights import Weights

__all__ = [
    "OP", "SHAPE", "ORIGIN", "POSITIONS", "INPUTS", "OUTPUTS", "CHANNELS", "STREAM", "NAME",
    "FORMAT", "VERSION",
    "new_graph", "add_input", "add_op", "set_outputs", "input_variables", "replace_weight", "token_slice", "arguments", "validate", "check",
    "parameters", "substitute", "fingerprint", "to_json", "from_json", "dumps", "loads", "sizes",
]

# node attributes
OP = "op"
SHAPE = "shape"
ORIGIN = "origin"
# edge attribute
POSITIONS = "positions"
# graph attributes
INPUTS = "inputs"
OUTPUTS = "outputs"
CHANNELS = "channels"
STREAM = "stream"
NAME = "name"
#: Written by constructions that come with an analytic error bound (gu2026's softmax variant):
#: ``{"output": Fraction, "beta": ...}``.  A report only: it takes no part in the fingerprint,
#: in any proof or in the JSON form (a graph read back has none).
ANALYTIC_BOUND = "analytic_bound"

#: JSON format name and version written by :func:`to_json`.
FORMAT = "symtrans-graph"
VERSION = 1


def new_graph(name: str = "graph") -> nx.DiGraph:
    """An empty graph with the graph-level attributes set.

    >>> new_graph("g").graph[NAME]
    'g'
    """
    G = nx.DiGraph()
    G.graph.update({NAME: name, INPUTS: [], OUTPUTS: [], CHANNELS: None, STREAM: None})
    return G


def add_input(G, name: str, shape, variables=None) -> str:
    """Declare an input ``name`` of ``shape`` whose entries are named ``variables``.

    Default names: ``x1 .. xd`` for a one-row input ``x``, ``X_1_1 ..`` (row,
    column, 1-based) otherwise.

    >>> G = new_graph()
    >>> add_input(G, "x", (1, 3)); G.nodes["x"][OP].variables
    'x'
    ('x1', 'x2', 'x3')
    """
    r, c = shape
    if variables is None:
        if r == 1:
            variables = [f"{name}{j + 1}" for j in range(c)]
        else:
            variables = [f"{name}_{i + 1}_{j + 1}" for i in range(r) for j in range(c)]
    add_op(G, name, Input(tuple(variables), (r, c)))
    G.graph[INPUTS].append(name)
    return name


def add_op(G, name: str, op: Op, args=(), origin=None) -> str:
    """Add node ``name`` computing ``op(*args)``; returns ``name``.

    The output shape is computed now, so a mismatch is reported at once,
    naming the node.

    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> add_op(G, "bad", Linear(Weights.identity(3)), [x])
    Traceback (most recent call last):
    ...
    symtrans.errors.GraphError: node 'bad', field 'shape': Linear: input with 2 columns for a 3x3 weight (expected 3 columns)
    """
    if not isinstance(op, Op):
        raise GraphError(f"{op!r} is not an op", node=name, expected="an instance of symtrans.ops.Op")
    if name in G:
        raise GraphError("a node of this name already exists", node=name, expected="a new name")
    args = list(args)
    _check_arity(op, len(args), name)
    for a in args:
        if a not in G:
            raise GraphError(f"argument {a!r} is not a node of the graph", node=name)
    try:
        shape = tuple(op.out_shape(*[G.nodes[a][SHAPE] for a in args]))
    except SymtransError as exc:
        raise exc.at(node=name) from None
    G.add_node(name, **{OP: op, SHAPE: shape, ORIGIN: dict(origin or {})})
    for pos, a in enumerate(args):
        if G.has_edge(a, name):
            G.edges[a, name][POSITIONS] = G.edges[a, name][POSITIONS] + (pos,)
        else:
            G.add_edge(a, name, **{POSITIONS: (pos,)})
    return name


def _check_arity(op, n, name):
    if op.arity is None:
        if n < 2:
            raise GraphError(f"{type(op).__name__} takes two or more arguments, got {n}", node=name)
    elif n != op.arity:
        raise GraphError(f"{type(op).__name__} takes {op.arity} argument(s), got {n}", node=name)


def input_variables(G) -> list:
    """The input variable names of ``G``, inputs in declaration order.

    >>> G = new_graph(); _ = add_input(G, "x", (1, 2)); _ = add_input(G, "t", (1, 1), ["t"])
    >>> input_variables(G)
    ['x1', 'x2', 't']
    """
    return [v for name in G.graph[INPUTS] for v in G.nodes[name][OP].variables]


def set_outputs(G, names) -> None:
    """Declare the output nodes.

    >>> G = new_graph(); x = add_input(G, "x", (1, 1)); set_outputs(G, [x]); G.graph[OUTPUTS]
    ['x']
    """
    for n in names:
        if n not in G:
            raise GraphError("output is not a node of the graph", node=n)
    G.graph[OUTPUTS] = list(names)


def arguments(G, node) -> list:
    """The argument nodes of ``node`` in position order.

    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> from symtrans.ops import Hadamard
    >>> _ = add_op(G, "sq", Hadamard(), [x, x]); arguments(G, "sq")
    ['x', 'x']
    """
    slots = {}
    for u, _, data in G.in_edges(node, data=True):
        for p in data.get(POSITIONS, ()):
            slots[p] = u
    return [slots[p] for p in sorted(slots)]


# ---------------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------------
def validate(G) -> list:
    """List every problem of ``G`` (an empty list means the graph is well formed).

    Checked: graph attributes, unknown ops, argument positions and arity,
    cycles, shapes, non-exact weights, inputs that are undeclared or unused,
    and nodes that reach no output.

    >>> from symtrans.ops import ReLU
    >>> G = new_graph(); x = add_input(G, "x", (1, 2)); y = add_op(G, "y", ReLU(), [x])
    >>> set_outputs(G, [y]); validate(G)
    []
    >>> G.add_edge("y", "x", positions=(0,))
    >>> validate(G)
    ["node 'x': an input has arguments", 'cycle: x -> y -> x']
    """
    problems = []
    for key in (INPUTS, OUTPUTS):
        if not isinstance(G.graph.get(key), list):
            problems.append(f"graph attribute {key!r} is missing (expected a list of node names)")
    if problems:
        return problems
    if not G.graph[OUTPUTS]:
        problems.append("the graph declares no outputs")
    for n in G.graph[OUTPUTS]:
        if n not in G:
            problems.append(f"output {n!r} is not a node")
    for n in G.graph[INPUTS]:
        if n not in G or not isinstance(G.nodes[n].get(OP), Input):
            problems.append(f"declared input {n!r} is not an Input node")

    ok_ops = True
    for n, data in G.nodes(data=True):
        op = data.get(OP)
        if not isinstance(op, Op):
            problems.append(f"node {n!r}: unknown op {op!r}")
            ok_ops = False
            continue
        if isinstance(op, Input):
            if G.in_degree(n):
                problems.append(f"node {n!r}: an input has arguments")
            if n not in G.graph[INPUTS]:
                problems.append(f"node {n!r}: an Input node not declared in the graph's inputs")
            continue
        positions = sorted(p for _, _, d in G.in_edges(n, data=True) for p in d.get(POSITIONS, ()))
        if positions != list(range(len(positions))):
            problems.append(f"node {n!r}: argument positions {positions} are not 0..{len(positions) - 1}")
        try:
            _check_arity(op, len(positions), n)
        except GraphError as exc:
            problems.append(str(exc))
        for fname, W in op.weight_items():
            for key, value in W.items():
                if type(value) is Fraction:  # exact as it is (the common entry: no call per entry)
                    continue
                try:
                    exact(value)
                except ExactnessError as exc:
                    problems.append(f"node {n!r}, field {fname!r}: entry {key}: {exc.message}")

    try:
        cycle = nx.find_cycle(G)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        problems.append("cycle: " + " -> ".join(str(u) for u, _ in cycle) + f" -> {cycle[0][0]}")
        return problems
    if not ok_ops:
        return problems

    for n in nx.topological_sort(G):
        op = G.nodes[n][OP]
        stored = G.nodes[n].get(SHAPE)
        if isinstance(op, Input):
            shape = op.shape
        else:
            try:
                shape = tuple(op.out_shape(*[G.nodes[a][SHAPE] for a in arguments(G, n)]))
            except SymtransError as exc:
                problems.append(str(exc.at(node=n)))
                continue
            except (TypeError, KeyError, IndexError):
                continue  # arity / position problems, already reported
        if stored is None or tuple(stored) != shape:
            problems.append(f"node {n!r}: stored shape {stored} differs from computed shape {shape}")

    outputs = set(G.graph[OUTPUTS]) & set(G)
    useful = set(outputs)
    for o in outputs:
        useful |= nx.ancestors(G, o)
    for n in G:
        if n not in useful:
            kind = "input" if isinstance(G.nodes[n][OP], Input) else "node"
            problems.append(f"{kind} {n!r} does not reach any output")
    return problems


def check(G) -> None:
    """Raise :class:`~symtrans.errors.GraphError` with the first problem, if any.

    >>> G = new_graph("empty"); check(G)
    Traceback (most recent call last):
    ...
    symtrans.errors.GraphError: invalid graph 'empty': the graph declares no outputs
    """
    problems = validate(G)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise GraphError(f"invalid graph {G.graph.get(NAME)!r}: {problems[0]}{more}")


# ---------------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------------
def parameters(G) -> list:
    """Sorted names of the parameter symbols used in the weights.

    >>> import sympy
    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> _ = add_op(G, "y", Linear(Weights((1, 2), {(0, 0): sympy.Symbol("b"), (0, 1): sympy.Symbol("a")})), [x])
    >>> parameters(G)
    ['a', 'b']
    """
    out = set()
    for _, data in G.nodes(data=True):
        op = data.get(OP)
        if isinstance(op, Op):
            out |= op.parameters()
    return sorted(out)


def replace_weight(G, node: str, field: str, entry, value) -> nx.DiGraph:
    """A new graph with one weight entry of one node changed (to break or repair a construction).

    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> _ = add_op(G, "y", Linear(Weights.from_rows([[1]])), [x]); set_outputs(G, ["y"])
    >>> H = replace_weight(G, "y", "weight", (0, 0), "1/2")
    >>> H.nodes["y"][OP].weight[0, 0], G.nodes["y"][OP].weight[0, 0]
    (Fraction(1, 2), Fraction(1, 1))
    """
    import dataclasses


    if node not in G:
        raise GraphError("no such node", node=node)
    op = G.nodes[node][OP]
    W = getattr(op, field, None)
    if not isinstance(W, Weights):
        raise GraphError(f"{type(op).__name__} has no weight matrix {field!r}", node=node, field=field,
                         expected=", ".join(f for f, _ in op.weight_items()) or "an op with weights")
    entries = dict(W.items())
    entries[tuple(entry)] = value
    H = G.copy()
    H.graph = dict(G.graph)
    H.nodes[node][OP] = dataclasses.replace(op, **{field: Weights(W.shape, entries)})
    return H


def token_slice(G, node: str, output: str = None) -> nx.DiGraph:
    """The part of ``G`` downstream of ``node`` as a graph of one token.

    The new graph's input is ``node`` itself, one row of its width; every descendant
    of ``node`` on the way to ``output`` (default: the graph's output) is copied.  The
    ops on the way must be token-wise (``Linear``, ``ReLU``, ``Add``, ``Maximum``,
    ``Hadamard``, ``Div``, ``Sqrt``) and read nothing but ``node`` and each other.

    >>> from symtrans.ops import Linear, ReLU
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (3, 1))
    >>> _ = add_op(G, "z", Linear(Weights.from_rows([[2]])), [x])
    >>> _ = add_op(G, "r", ReLU(), ["z"]); set_outputs(G, ["r"])
    >>> S = token_slice(G, "z"); S.graph[INPUTS], S.nodes["z"][SHAPE], S.graph[OUTPUTS]
    (['z'], (1, 1), ['r'])
    """

    output = output or G.graph[OUTPUTS][0]
    between = (nx.descendants(G, node) & (nx.ancestors(G, output) | {output}))
    if output not in between:
        raise GraphError(f"{output!r} does not depend on {node!r}", node=output)
    S = new_graph(f"{G.graph.get(NAME)}[{node}]")
    width = G.nodes[node][SHAPE][1]
    add_input(S, node, (1, width), [f"{node.replace('.', '_')}_{j + 1}" for j in range(width)])
    order = {n: i for i, n in enumerate(G.nodes)}
    for n in nx.lexicographical_topological_sort(G.subgraph(between), key=order.__getitem__):
        op = G.nodes[n][OP]
        if not isinstance(op, (Linear, ReLU, Add, Maximum, Hadamard, Div, Sqrt)):
            raise GraphError(f"{type(op).__name__} is not a token-wise op", node=n,
                             expected="Linear, ReLU, Add, Maximum, Hadamard, Div or Sqrt after the slice point")
        args = arguments(G, n)
        outside = [a for a in args if a != node and a not in between]
        if outside:
            raise GraphError(f"reads {outside[0]!r}, which is not downstream of {node!r}", node=n)
        add_op(S, n, op, args, G.nodes[n].get(ORIGIN))
    set_outputs(S, [output])
    return S


def substitute(G, values) -> nx.DiGraph:
    """A new graph with parameter symbols replaced by exact rationals.

    >>> import sympy
    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> _ = add_op(G, "y", Linear(Weights((1, 1), {(0, 0): sympy.Symbol("c")})), [x])
    >>> parameters(G), parameters(substitute(G, {"c": "2/3"}))
    (['c'], [])
    """
    missing = [p for p in parameters(G) if p not in values]
    if missing:
        raise GraphError(f"no value for parameter {missing[0]!r}", field="params",
                         expected="a value for every parameter: " + ", ".join(parameters(G)))
    H = G.copy()
    H.graph = dict(G.graph)
    for n in H:
        H.nodes[n][OP] = H.nodes[n][OP].substitute(values)
    return H


# ---------------------------------------------------------------------------------------------------
# JSON and fingerprint
# ---------------------------------------------------------------------------------------------------
def to_json(G) -> dict:
    """A self-contained, versioned node-link document; every weight an exact string.

    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (1, 1))
    >>> _ = add_op(G, "y", Linear(Weights.from_rows([["-3/4"]])), [x]); set_outputs(G, ["y"])
    >>> doc = to_json(G)
    >>> doc["format"], doc["version"], doc["nodes"][1]["op"]["weight"]["entries"]
    ('symtrans-graph', 1, [[0, 0, '-3/4']])
    """
    channels = G.graph.get(CHANNELS)
    stream = G.graph.get(STREAM)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": G.graph.get(NAME),
        "parameters": parameters(G),
        "inputs": list(G.graph[INPUTS]),
        "outputs": list(G.graph[OUTPUTS]),
        "channels": channels.to_json() if channels is not None else None,
        "stream": list(stream) if stream is not None else None,
        "nodes": [{"id": n, "op": d[OP].to_json(), "shape": list(d[SHAPE]), "origin": d.get(ORIGIN, {})}
                  for n, d in G.nodes(data=True)],
        "edges": [{"source": u, "target": v, "positions": list(d[POSITIONS])}
                  for u, v, d in G.edges(data=True)],
    }


def from_json(data) -> nx.DiGraph:
    """Rebuild a graph from :func:`to_json` output; malformed documents raise GraphError.

    >>> from symtrans.ops import Linear
    >>> from symtrans.weights import Weights
    >>> G = new_graph(); x = add_input(G, "x", (1, 2))
    >>> _ = add_op(G, "y", Linear(Weights.from_rows([["1/3"], [-2]])), [x]); set_outputs(G, ["y"])
    >>> G2 = from_json(to_json(G))
    >>> fingerprint(G2) == fingerprint(G), G2.nodes["y"]["op"].weight[0, 0]
    (True, Fraction(1, 3))
    """
    if not isinstance(data, dict):
        raise GraphError("graph JSON must be an object", expected=f"a {FORMAT} document")
    if data.get("format") != FORMAT:
        raise GraphError(f"format is {data.get('format')!r}", field="format", expected=repr(FORMAT))
    if data.get("version") != VERSION:
        raise GraphError(f"version {data.get('version')!r} is not supported", field="version",
                         expected=str(VERSION))
    for key in ("inputs", "outputs", "nodes", "edges", "parameters"):
        if not isinstance(data.get(key), list):
            raise GraphError(f"{key!r} is missing or not a list", field=key)
    params = data["parameters"]
    if not all(isinstance(p, str) for p in params):
        raise GraphError("parameters must be a list of names", field="parameters")
    G = new_graph(data.get("name") or "graph")
    for item in data["nodes"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise GraphError(f"node entry {str(item)[:60]!r} has no string 'id'", field="nodes")
        nid = item["id"]
        if nid in G:
            raise GraphError("node id appears twice", node=nid)
        try:
            op = op_from_json(item.get("op"), params)
        except SymtransError as exc:
            raise exc.at(node=nid) from None
        shape = item.get("shape")
        if not (isinstance(shape, list) and len(shape) == 2 and all(isinstance(s, int) for s in shape)):
            raise GraphError(f"shape {shape!r} is not [rows, cols]", node=nid, field="shape")
        origin = item.get("origin") or {}
        if not isinstance(origin, dict):
            raise GraphError("origin is not an object", node=nid, field="origin")
        for key, kinds in (("block", (int,)), ("head", (int, str)), ("role", (str,)), ("part", (str,))):
            if origin.get(key) is not None and (not isinstance(origin[key], kinds) or isinstance(origin[key], bool)):
                raise GraphError(f"origin {key} is {str(origin[key])[:40]!r}", node=nid, field=f"origin.{key}",
                                 expected=" or ".join(k.__name__ for k in kinds))
        G.add_node(nid, **{OP: op, SHAPE: tuple(shape), ORIGIN: origin})
    for e in data["edges"]:
        if not isinstance(e, dict) or not {"source", "target", "positions"} <= set(e):
            raise GraphError(f"edge {str(e)[:60]!r} needs source, target and positions", field="edges")
        for end in ("source", "target"):
            if not isinstance(e[end], str) or e[end] not in G:
                raise GraphError(f"edge {end} {e[end]!r} is not a node", field="edges")
        pos = e["positions"]
        if not isinstance(pos, list) or not pos or not all(isinstance(p, int) and p >= 0 for p in pos):
            raise GraphError(f"edge positions {pos!r} are not non-negative integers", field="edges",
                             node=e["target"])
        G.add_edge(e["source"], e["target"], **{POSITIONS: tuple(pos)})
    for key in ("inputs", "outputs"):
        bad = [n for n in data[key] if not isinstance(n, str)]
        if bad:
            raise GraphError(f"{key} entry {str(bad[0])[:40]!r} is not a node id", field=key)
    G.graph[INPUTS] = list(data["inputs"])
    G.graph[OUTPUTS] = list(data["outputs"])
    if data.get("channels") is not None:
        G.graph[CHANNELS] = Channels.from_json(data["channels"])
    if data.get("stream") is not None:
        stream = data["stream"]
        if not (isinstance(stream, list) and len(stream) == 2 and all(type(v) is int and v >= 0 for v in stream)):
            raise GraphError(f"stream {str(stream)[:40]!r}", field="stream", expected="[tokens, width]")
        G.graph[STREAM] = tuple(stream)
    declared = set(params)
    used = set(parameters(G))
    if used - declared:  # pragma: no cover - the weight parser only admits declared names
        raise GraphError(f"parameter {sorted(used - declared)[0]!r} is not declared", field="parameters")
    return G


def dumps(G) -> str:
    """Graph JSON as a string (indented, stable key order).

    >>> G = new_graph(); x = add_input(G, "x", (1, 1)); set_outputs(G, [x])
    >>> '"format": "symtrans-graph"' in dumps(G)
    True
    """
    return json.dumps(to_json(G), indent=1, sort_keys=True)


def loads(text: str) -> nx.DiGraph:
    """Parse graph JSON text; invalid JSON raises GraphError.

    >>> G = new_graph(); x = add_input(G, "x", (1, 1)); set_outputs(G, [x])
    >>> loads(dumps(G)).graph[INPUTS]
    ['x']
    """
    try:
        data = read_json(text, "graph")
    except SpecError as exc:  # nested too deeply, huge integers, invalid JSON: one line
        raise GraphError(exc.message.removeprefix("graph: ")) from None
    return from_json(data)


def fingerprint(G) -> str:
    """SHA-256 of the canonical serialisation of what the graph computes.

    Node order, the graph's name and the ``origin`` annotations do not take
    part: two graphs with the same ops, weights and wiring have the same
    fingerprint.

    >>> G = new_graph("a"); x = add_input(G, "x", (1, 1)); set_outputs(G, [x])
    >>> H = new_graph("b"); y = add_input(H, "x", (1, 1)); set_outputs(H, [y])
    >>> fingerprint(G) == fingerprint(H), len(fingerprint(G))
    (True, 64)
    """
    return fingerprint_of_json(to_json(G))


def fingerprint_of_json(doc) -> str:
    """:func:`fingerprint` of the graph whose :func:`to_json` document is ``doc`` (a prover that
    embeds the document too builds it once)."""
    payload = {
        "version": doc["version"],
        "parameters": doc["parameters"],
        "inputs": doc["inputs"],
        "outputs": doc["outputs"],
        "nodes": sorted(({"id": n["id"], "op": n["op"], "shape": n["shape"]} for n in doc["nodes"]),
                        key=lambda n: n["id"]),
        "edges": sorted(doc["edges"], key=lambda e: (e["source"], e["target"])),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------
# sizes
# ---------------------------------------------------------------------------------------------------
def sizes(G) -> dict:
    """The graph's size, to compare with a theorem's stated complexity.

    Keys: ``blocks`` (distinct ``origin["block"]``), ``heads_per_block``
    (attention heads in each block, in block order), ``tokens`` and
    ``width`` (of the residual stream), ``ffn_widths`` (hidden width of each
    block's FFN, 0 when it has none), ``nonzero_parameters``,
    ``free_parameters`` (parameter symbols), ``max_weight_bits`` (bits of the
    largest numerator or denominator), ``nodes``.

    >>> G = new_graph(); x = add_input(G, "x", (1, 1)); set_outputs(G, [x])
    >>> sizes(G)
    {'blocks': 0, 'heads_per_block': [], 'tokens': None, 'width': None, 'ffn_widths': [], 'nonzero_parameters': 0, 'free_parameters': 0, 'max_weight_bits': 0, 'nodes': 1}
    """
    blocks = {}
    for _, d in G.nodes(data=True):
        o = d.get(ORIGIN) or {}
        b = o.get("block")
        if b is None:
            continue
        info = blocks.setdefault(b, {"heads": set(), "ffn": 0})
        if o.get("role") == "attention" and o.get("head") is not None:
            info["heads"].add(o["head"])
        if o.get("role") == "ffn" and o.get("part") == "hidden":
            info["ffn"] = max(info["ffn"], d[SHAPE][1])
    order = sorted(blocks)
    stream = G.graph.get(STREAM)
    if stream is None:
        embeds = [d[SHAPE] for _, d in G.nodes(data=True) if (d.get(ORIGIN) or {}).get("role") == "embed"]
        stream = embeds[0] if embeds else (None, None)
    ops = [d[OP] for _, d in G.nodes(data=True)]
    return {
        "blocks": len(order),
        "heads_per_block": [len(blocks[b]["heads"]) for b in order],
        "tokens": stream[0],
        "width": stream[1],
        "ffn_widths": [blocks[b]["ffn"] for b in order],
        "nonzero_parameters": sum(op.nonzeros() for op in ops),
        "free_parameters": len(parameters(G)),
        "max_weight_bits": max((op.max_bits() for op in ops), default=0),
        "nodes": G.number_of_nodes(),
    }

