"""TOML spec files: the only place symtrans parses files users write.

A spec names a construction, a target, an optional domain and how to check (a claim about no
graph, a ``scalar`` proof step or a ``spectrum``, has only ``[check]``: the method and its data)::

    [construction]
    builtin = "fang2022.polynomial"     # or: graph = "net.json"; or: module = "mine.py:build"
    [construction.params]
    degree = 3                          # optional, passed to the builtin / function

    [target]
    kind = "polynomial"                 # or "general_polynomial" (every polynomial of a degree),
    variables = ["x1", "x2"]            # "maxout", "relu", "cpwl", "graph", "contextual_mapping", "dataset"
    expr = "x1**2*x2 - 3/4*x2 + 1"

    [domain]                            # optional; the float cross-check samples this box
    box = [["-1", "1"], ["-1", "1"]]

    [check]                             # optional
    method = "identity"                 # or "readout"
    expect = "PROVED"                   # or "REFUTED" for a negative obligation
    crosscheck = 200                    # float64 points to compare (never a proof)

A ``maxout`` target is ``layers`` (``layers[l][i][j] = [w_1, ..., w_n, b]``: piece ``j`` of unit
``i``) and ``output`` (``[a_1, ..., a_N, c]``); a ``relu`` target has one ``[w..., b]`` per unit.
Their input ``dimension`` is read from the first layer (give it only to have it checked).

>>> parse_spec('''
... [construction]
... builtin = "gu2026.maxout"
... [target]
... kind = "relu"
... layers = [[["1", "-1", "0"]]]
... output = ["1", "0"]
... [domain]
... box = [["-1", "1"], ["-1", "1"]]
... ''', name="relu").target.dimension
2

Why this module is long: it is the only parser of files users write, every section and
target kind with its one-line error naming the field; each function is short.

Numbers are exact: integers, or strings such as ``"3/4"``.  A TOML float
(``0.1``) is refused with the exact spelling to use instead.  Unknown keys are
errors, so a misspelt key cannot be silently ignored.

>>> spec = parse_spec('''
... [construction]
... builtin = "fang2022.polynomial"
... [target]
... kind = "polynomial"
... variables = ["x"]
... expr = "x**3 - x/2"
... ''', name="cubic")
>>> spec.claim.describe(), spec.expected
('output == x**3 - 1/2*x over Q[x]', 'PROVED')
>>> parse_spec('[target]\\nkind = "polynomial"\\nvariables = ["x"]\\nexpr = "x"\\nscale = 0.1\\n')
Traceback (most recent call last):
...
symtrans.errors.SpecError: field 'target.scale': 0.1 is a TOML float (expected an exact rational: write "1/10")
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

import networkx as nx

from .certificate import VERDICTS
from .claims import Claim
from .constructions import build_builtin
from .domains import domain_from_json
from .errors import SpecError, SymtransError, did_you_mean, user_code
from .exact import format_exact, suggest_rational
from .graph import loads
from .io.transformer_lens import load_model
from .kinds import KINDS, alias_note, default_method, lookup
from .targets import (
    Dataset,
    GraphTarget,
    MaxoutNet,
    Polynomial,
    Sequences,
    Target,
    cpwl_network,
)

try:  # Python 3.11+
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Spec", "load_spec", "parse_spec"]

#: Keys every ``[check]`` table may have, whatever the method; each kind adds its own
#: (:meth:`symtrans.kinds.base.ClaimKind.spec_keys`).
COMMON_CHECK_KEYS = {"method": "the claim kind (default: the target kind's first)",
                     "expect": "PROVED, REFUTED or UNKNOWN", "crosscheck": "float64 points to compare (never a proof)",
                     "name": "the obligation's name"}

_SECTIONS = {
    "construction": {"builtin", "graph", "module", "model", "params"},
    "target": {"kind", "variables", "expr", "degree", "dimension", "layers", "output", "sequences", "labels",
               "graph", "cases", "reference"},
    "domain": {"box", "max_len"},
    "check": None,  # checked against the method's keys
}


@dataclass
class Spec:
    """A parsed spec: how to build the graph, and the claim to check."""

    name: str
    construction: dict
    target: Target
    claim: Claim
    expected: str = "PROVED"
    crosscheck: int = 0
    base: Path = field(default_factory=Path.cwd)
    notes: tuple = ()
    #: The model a ``[construction] model`` names, read once (None for other constructions).
    model: object = None
    #: The spec file's name (set by :func:`load_spec`); errors building the graph name it.
    source: str = ""

    def build_graph(self):
        """Build (or load) the graph the spec names; an error names the spec file."""
        try:
            return self._build_graph()
        except SymtransError as exc:
            if not self.source:
                raise
            raise type(exc)(f"{self.source}: {exc}") from None

    def _build_graph(self):
        c = self.construction
        if not c:  # a graph-free claim (a proof step, a spectrum)
            return None
        params = dict(c.get("params", {}))
        if "builtin" in c:
            return build_builtin(c["builtin"], self.target, params, self.claim.domain)
        if "graph" in c:
            return _load_graph(self.base, c["graph"], "construction.graph")
        if self.model is not None:
            return self.model.graph()
        return _call_user_function(c["module"], self.base, self.target, params)


def _load_graph(base: Path, name: str, where: str):
    """A graph JSON file named relative to the spec's folder."""
    path = base / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"graph file {str(path)!r}: {exc.strerror}", field=where) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"graph file {str(path)!r}: not UTF-8 text (byte {exc.start})", field=where) from None
    try:
        return loads(text)
    except SymtransError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None


def _reject_floats(data, where=""):
    if isinstance(data, float):
        exact = suggest_rational(repr(data))
        raise SpecError(f"{data!r} is a TOML float", field=where.strip("."),
                        expected=exact if exact.startswith("a ") else f'an exact rational: write "{exact}"')
    if isinstance(data, dict):
        for k, v in data.items():
            _reject_floats(v, f"{where}.{k}" if where else k)
    if isinstance(data, list):
        for i, v in enumerate(data):
            _reject_floats(v, f"{where}[{i}]")


def _section(data, name, required=False):
    if name not in data:
        if required:
            raise SpecError(f"missing section [{name}]", field=name)
        return {}
    section = data[name]
    if not isinstance(section, dict):
        raise SpecError(f"[{name}] must be a table", field=name)
    extra = set(section) - _SECTIONS[name] if _SECTIONS[name] is not None else ()
    if extra:
        bad = sorted(extra)[0]
        raise SpecError(f"unknown key {bad!r} in [{name}]{did_you_mean(bad, _SECTIONS[name])}", field=name,
                        expected=", ".join(sorted(_SECTIONS[name])))
    return section


def _string(section, key, where, default=None):
    value = section.get(key, default)
    if value is not None and not isinstance(value, str):
        raise SpecError(f"{value!r} is not a string", field=f"{where}.{key}")
    return value


def _integer(section, key, where, default, lo=0):
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise SpecError(f"{value!r} is not an integer >= {lo}", field=f"{where}.{key}")
    return value


def _input_width(layers, kind):
    """The input dimension a maxout / ReLU target's first layer implies (its first piece's weights;
    every other piece is checked against it), or None when the layers are malformed (reported then)."""
    try:
        first = layers[0][0][0] if kind == "maxout" else layers[0][0]
        return len(first) - 1 if isinstance(first, list) and len(first) > 1 else None
    except (IndexError, TypeError):
        return None


def _target(section, base: Path):
    kind = _string(section, "kind", "target", "polynomial")
    if kind == "graph":
        name = _string(section, "graph", "target")
        if name is None:
            raise SpecError("a graph target needs 'graph', the path of a graph JSON file", field="target.graph")
        output = _string(section, "output", "target")
        return GraphTarget(_load_graph(base, name, "target.graph"), output)
    if kind == "contextual_mapping":
        return Sequences(section.get("sequences"))
    if kind == "dataset":
        return Dataset(section.get("sequences"), section.get("labels"))
    if kind == "cpwl":
        variables = section.get("variables")
        if not isinstance(variables, list) or not variables or not all(
                isinstance(v, str) and v.isidentifier() for v in variables):
            raise SpecError(f"variables {variables!r} must be a non-empty list of names", field="target.variables")
        expr = _string(section, "expr", "target")
        if expr is None:
            raise SpecError("a cpwl target needs 'expr'", field="target.expr")
        return cpwl_network(expr, variables)
    if kind in ("maxout", "relu"):
        layers, output = section.get("layers"), section.get("output")
        if not isinstance(layers, list) or not isinstance(output, list):
            raise SpecError(f"a {kind} target needs 'layers' and 'output' lists", field="target.layers")
        dimension = _integer(section, "dimension", "target", _input_width(layers, kind), lo=1)
        return MaxoutNet.relu(dimension, layers, output) if kind == "relu" else MaxoutNet(dimension, layers, output)
    variables = section.get("variables")
    if not isinstance(variables, list) or not variables or not all(
            isinstance(v, str) and v.isidentifier() for v in variables):
        raise SpecError(f"variables {variables!r} must be a non-empty list of names", field="target.variables")
    if kind == "polynomial":
        expr = _string(section, "expr", "target")
        if expr is None:
            raise SpecError("a polynomial target needs 'expr'", field="target.expr")
        return Polynomial.parse(expr, variables)
    if kind == "general_polynomial":
        degree = _integer(section, "degree", "target", None)
        return Polynomial.general(len(variables), degree, variables)
    raise SpecError(f"target kind {kind!r}", field="target.kind",
                    expected="'polynomial', 'general_polynomial', 'maxout', 'relu', 'cpwl', 'graph', "
                             "'contextual_mapping' or 'dataset'")


def parse_spec(text: str, base: Path = None, name: str = "spec") -> Spec:
    """Parse spec text (see the module docstring for the format)."""
    try:
        data = tomllib.loads(text)
        _reject_floats(data)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"malformed TOML: {exc}") from None
    except SymtransError:
        raise
    except RecursionError:
        raise SpecError("malformed TOML: nested too deeply") from None
    except ValueError as exc:  # an integer over Python's 4,300-digit conversion limit
        raise SpecError(f"malformed TOML: {exc}".split("; use sys.")[0]) from None
    extra = set(data) - set(_SECTIONS)
    if extra:
        bad = sorted(extra)[0]
        raise SpecError(f"unknown section [{bad}]{did_you_mean(bad, _SECTIONS)}",
                        expected=", ".join(f"[{s}]" for s in _SECTIONS))
    if "construction" not in data and "target" not in data:
        return _spec_without_target(data, name)
    construction = _section(data, "construction", required=True)
    sources = [k for k in ("builtin", "graph", "module", "model") if k in construction]
    if len(sources) != 1:
        raise SpecError("[construction] needs exactly one of builtin, graph, module, model", field="construction",
                        expected="one source")
    _string(construction, sources[0], "construction")
    if "params" in construction and not isinstance(construction["params"], dict):
        raise SpecError("[construction.params] must be a table", field="construction.params")
    base = Path(base) if base is not None else Path.cwd()  # graph and module files are found relative to it
    model = load_model(base / construction["model"]) if "model" in construction else None
    if "target" not in data:
        return _spec_without_target(data, name, construction, base, model)
    target_section = _section(data, "target", required=True)
    if target_section.get("kind") == "decodes":
        target = _decodes_target(target_section, model, _section(data, "domain").pop("max_len", None), base)
    else:
        if "max_len" in _section(data, "domain"):
            raise SpecError("max_len is the domain of a decodes target", field="domain.max_len",
                            expected="box = [[lo, hi], ...]")
        target = _target(target_section, base)
    check = _section(data, "check")
    method = _string(check, "method", "check", None) or default_method(target.kind)
    notes = tuple(n for n in (alias_note(method, "check.method"),) if n)
    kind = lookup(method)
    if kind is None or target.kind not in kind.spec_targets:
        takes = [k.name for k in KINDS.values() if target.kind in k.spec_targets]
        raise SpecError(f"check method {method!r} for {_TARGET_WORDS[target.kind]}", field="check.method",
                        expected=" or ".join(repr(m) for m in takes))
    for key, doc in kind.spec_keys().items():
        if key in kind.params.required() and key not in check:
            raise SpecError(f"a {kind.name} check needs {key}", field=f"check.{key}", expected=doc)
    expected = _check_keys(check, kind, COMMON_CHECK_KEYS)
    groups = check.get("groups")
    if groups is not None and (not isinstance(groups, list) or not all(isinstance(g, str) for g in groups)):
        raise SpecError(f"groups {groups!r} must be a list of group names", field="check.groups")
    domain_section = _section(data, "domain")
    if kind.domain == "box" and "box" not in domain_section:
        raise SpecError(f"a {kind.name} check needs a [domain] box", field="domain")
    if kind.domain is None and domain_section:
        raise SpecError(f"a {kind.name} spec takes its domain from the target", field="domain",
                        expected="no [domain] section")
    domain = None
    if kind.domain is not None:
        domain = domain_from_json({"kind": "box", "bounds": domain_section["box"]} if "box" in domain_section
                                  else None, target.dimension)
    envelope = {"output": _string(check, "output", "check"), "row": _integer(check, "row", "check", 0),
                "col": _integer(check, "col", "check", 0), "groups": tuple(groups) if groups else None}
    envelope = {k: v for k, v in envelope.items() if k in kind.envelope}
    try:
        claim = Claim(kind.name, target if kind.targets else None, expected=kind.data_from_spec(target, check),
                      domain=domain, **envelope)
    except SpecError as exc:  # name the section the offending value came from
        if exc.field and not exc.field.startswith(("check.", "target", "domain")):
            section = "check" if exc.field.split("[")[0] in check else "target"
            exc = SpecError(exc.message, field=f"{section}.{exc.field}", expected=exc.expected)
        raise exc from None
    return Spec(_string(check, "name", "check", name), construction, target, claim, expected,
                _integer(check, "crosscheck", "check", 0), base, notes, model)


def _check_keys(check, kind, common) -> str:
    """Refuse ``[check]`` keys the method does not read; return the expected verdict (``expect``)."""
    allowed = {**common, **kind.spec_keys()}
    extra = sorted(set(check) - set(allowed))
    if extra:
        raise SpecError(f"unknown key {extra[0]!r} in [check] for method {kind.name!r}{did_you_mean(extra[0], allowed)}",
                        field="check",
                        expected=", ".join(sorted(allowed)))
    expected = _string(check, "expect", "check", "PROVED")
    if expected not in VERDICTS:
        raise SpecError(f"expect {expected!r}", field="check.expect", expected="PROVED, REFUTED or UNKNOWN")
    return expected


def _spec_without_target(data, name, construction=None, base=None, model=None) -> Spec:
    """A spec with no ``[target]``: a claim about a graph alone (``[construction]`` and ``[check]``:
    ``distinct_tokens``, ``analytic``, ``token_dependence`` ...) or, without ``[construction]``, a
    graph-free claim (only ``[check]``: ``scalar``, ``hops`` ...).

    >>> spec = parse_spec('''[construction]
    ... builtin = "cheng2025.convolution_mixer"
    ... params = { n = 3, taps = [1, 1], layers = 2 }
    ... [check]
    ... method = "token_dependence"''')
    >>> spec.claim.describe(), spec.build_graph().number_of_nodes()
    ('every output token depends on every input token', 3)
    >>> spec = parse_spec('[check]\\nmethod = "scalar"\\nrelation = "exp(log(2)) == 2"\\n')
    >>> spec.claim.describe(), spec.build_graph() is None
    ('exp(log(2)) == 2', True)
    """
    about_graph = construction is not None
    check = _section(data, "check")
    if "domain" in data:
        raise SpecError(f"a spec without [{'target' if about_graph else 'construction'}] takes no [domain]",
                        field="domain")
    method = _string(check, "method", "check", None)
    kind = lookup(method) if method else None
    takes = [k.name for k in KINDS.values()
             if (k.graph and not k.targets and not k.spec_targets if about_graph else not k.graph)]
    if about_graph and method is None:
        raise SpecError("missing section [target]", field="target",
                        expected="a [target], or a [check] method about the graph alone: "
                                 + " or ".join(repr(k) for k in takes))
    if kind is None or kind.name not in takes:
        raise SpecError(f"a spec without [{'target' if about_graph else 'construction] and [target'}] checks "
                        f"{method!r}", field="check.method",
                        expected=f"a claim kind {'that takes no target' if about_graph else 'about no graph'}: "
                                 + " or ".join(repr(k) for k in takes))
    for key, doc in kind.spec_keys().items():
        if key in kind.params.required() and key not in check:
            raise SpecError(f"a {kind.name} check needs {key}", field=f"check.{key}", expected=doc)
    common = COMMON_CHECK_KEYS if about_graph else {k: v for k, v in COMMON_CHECK_KEYS.items() if k != "crosscheck"}
    expected = _check_keys(check, kind, common)
    envelope = {"output": _string(check, "output", "check"), "row": _integer(check, "row", "check", 0),
                "col": _integer(check, "col", "check", 0)}
    try:
        claim = Claim(kind.name, expected=kind.data_from_spec(None, check),
                      **{k: v for k, v in envelope.items() if k in kind.envelope})
    except SpecError as exc:
        raise SpecError(exc.message, field=f"check.{exc.field}" if exc.field and not exc.field.startswith("check")
                        else exc.field or "check", expected=exc.expected) from None
    return Spec(_string(check, "name", "check", name), construction or {}, None, claim, expected,
                _integer(check, "crosscheck", "check", 0) if about_graph else 0, base, (), model)


#: How error messages name a spec's target, by its kind.
_TARGET_WORDS = {"polynomial": "a Polynomial target", "maxout": "a MaxoutNet target", "graph": "a GraphTarget target",
                 "sequences": "sequences", "dataset": "a dataset", "decodes": "a decodes target"}


@dataclass(frozen=True)
class TokenReference:
    """A spec's ``decodes`` target: a model's tokenizer and output, every input of the domain, the reference."""

    data: dict
    kind: ClassVar[str] = "decodes"
    dimension: ClassVar[int] = 0

    def claim_data(self) -> dict:
        return dict(self.data)


def _decodes_target(section, model, max_len, base: Path) -> TokenReference:
    """Every sequence over the model's vocabulary (without BOS and PAD) of length 1..max_len, with the
    reference's outputs from a cases file or a ``file.py:fn`` function."""
    if model is None:
        raise SpecError("a decodes target needs [construction] model", field="construction.model")
    longest = model.n_ctx - 1
    max_len = longest if max_len is None else max_len
    if isinstance(max_len, bool) or not isinstance(max_len, int) or not 1 <= max_len <= longest:
        raise SpecError(f"max_len = {max_len!r}", field="domain.max_len", expected=f"an integer from 1 to {longest}")
    skip = {model.bos, model.config["tokenizer"].get("pad")}
    alphabet = [t for t in model.vocab if t not in skip]
    inputs = [list(seq) for m in range(1, max_len + 1) for seq in itertools.product(alphabet, repeat=m)]
    sources = [k for k in ("cases", "reference") if k in section]
    if len(sources) != 1:
        raise SpecError("a decodes target needs exactly one of cases, reference", field="target",
                        expected="cases = \"cases.jsonl\" or reference = \"ref.py:fn\"")
    ref = _string(section, sources[0], "target")
    if sources[0] == "cases":
        table = _read_cases(base / ref)
        missing = [seq for seq in inputs if tuple(seq) not in table]
        if missing:
            raise SpecError(f"{ref} has no line for the input {missing[0]}", field="target.cases",
                            expected=f"every input of length 1..{max_len}, or a reference function")
        expected = [table[tuple(seq)] for seq in inputs]
    else:
        fn = _user_function(ref, base, "target.reference")
        expected = []
        for seq in inputs:
            with user_code(f"{ref} on {seq}", field="target.reference"):
                # NumPy scalars (np.int64, np.bool_) become the Python values they hold
                out = [v.item() if hasattr(v, "item") and not isinstance(v, Fraction) else v for v in fn(list(seq))]
            if len(out) != len(seq):
                raise SpecError(f"{ref} returned {len(out)} values for the input {seq}", field="target.reference",
                                expected="one value (or None) per token")
            expected.append(out)
    numerical = model.output["kind"] == "numerical"
    if numerical:  # exact: a float reference value is the rational it denotes
        expected = [[None if v is None else format_exact(Fraction(v)) for v in row] for row in expected]
    data = {"vocab": model.vocab, "bos": model.bos, "inputs": inputs, "expected": expected,
            "values": None if numerical else model.output["values"]}
    return TokenReference(data)


def _read_cases(path: Path) -> dict:
    """``{input tuple: expected list}`` from a cases file (JSON lines; the first describes the file)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cases file {str(path)!r}: {getattr(exc, 'strerror', None) or 'not UTF-8'}",
                        field="target.cases") from None
    table = {}
    for k, line in enumerate(lines[1:], 2):
        try:
            item = json.loads(line)
            table[tuple(item["input"])] = list(item["expected"])
        except (ValueError, KeyError, TypeError, RecursionError):
            raise SpecError(f"{path.name} line {k} is not an object with input and expected lists",
                            field="target.cases") from None
    return table

def load_spec(path) -> Spec:
    """Read and parse a spec file; the name is the file's stem unless ``[check] name`` says otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        spec = parse_spec(text, path.parent, path.stem)
    except SymtransError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None
    spec.source = path.name
    return spec


def _user_function(ref: str, base: Path, where_field: str):
    """The user's ``file.py:function`` or ``package.module:function``, imported (their own code runs)."""
    if ":" not in ref:
        raise SpecError(f"module {ref!r} does not name a function", field=where_field,
                        expected="'file.py:function' or 'package.module:function'")
    where, fn_name = ref.rsplit(":", 1)
    if where.endswith(".py"):
        path = base / where
        if not path.exists():
            raise SpecError(f"{path}: no such file", field=where_field)
        spec = importlib.util.spec_from_file_location(f"symtrans_user.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        with user_code(f"{path}: importing", field=where_field):
            spec.loader.exec_module(module)
    else:
        with user_code(f"importing {where!r}", field=where_field):
            module = importlib.import_module(where)
    fn = getattr(module, fn_name, None)
    if not callable(fn) or isinstance(fn, type):
        raise SpecError(f"{where} has no function {fn_name!r}", field=where_field)
    return fn


def _call_user_function(ref: str, base: Path, target, params):
    """Call the user's ``file.py:function`` or ``package.module:function`` (their own code)."""
    fn = _user_function(ref, base, "construction.module")
    with user_code(f"{ref}", field="construction.module"):
        G = fn(target, **params)
    if not isinstance(G, nx.DiGraph):
        raise SpecError(f"{ref} returned a {type(G).__name__}", field="construction.module",
                        expected="a symtrans graph (networkx.DiGraph)")
    return G
