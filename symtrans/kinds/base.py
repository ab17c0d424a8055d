"""What every claim kind is made of: its data, its spec keys, its summary, its evidence schema.

A claim kind is one unit (``symtrans/kinds/<kind>/``):

``__init__.py``
    A :class:`ClaimKind` value, ``KIND``: the kind's name (one name everywhere:
    spec ``method``, claim ``kind``, certificate ``method``, CLI label), its
    :class:`Params` (the claim's data: a frozen dataclass that validates itself
    and compares by its payload), which targets and domain it takes, the spec
    keys it reads, a one-line summary of a certificate's evidence, and the
    documented evidence schema.  It imports no prover and no checker.
``prove.py``
    ``prove(G, claim, name="") -> Certificate``: the search.  Never imported by
    the checker.
``check.py``
    ``check(G, claim, cert) -> Verdict``: re-derives the verdict from the claim,
    the embedded graph and the evidence (:mod:`symtrans.checking`).  Imports no
    prover.

The registry (:mod:`symtrans.kinds`) lists the units explicitly.

>>> from fractions import Fraction
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Eps(Params):
...     eps: Fraction = param(rational(positive=True), doc="the tolerance")
>>> Eps.from_value({"eps": "1/10"}) == Eps.from_value({"eps": Fraction(1, 10)})
True
>>> Eps.from_value({"eps": "-1"})
Traceback (most recent call last):
...
symtrans.errors.SpecError: field 'eps': eps = -1 (expected eps > 0)
>>> Eps.from_value({"eps": "1/10", "epsilon": 1})
Traceback (most recent call last):
...
symtrans.errors.SpecError: field 'epsilon': unknown claim data (expected one of: eps)
"""

from __future__ import annotations

import importlib
from dataclasses import MISSING, dataclass, field, fields
from fractions import Fraction
from typing import Callable, Mapping

from ..errors import SpecError, SymtransError, did_you_mean
from ..exact import exact_rational, format_exact

__all__ = ["ClaimKind", "Params", "NoParams", "param", "rational", "integer", "text", "rational_rows",
           "choice", "boolean", "names", "rational_map", "jsonable"]

#: Largest number of digits a rational in a claim may have (numerator or denominator).
MAX_DIGITS = 4000


# -- converters: value, field name -> validated value -------------------------------------------------

def rational(positive=False, nonnegative=False, optional=False, integral=False, bound=None):
    """A converter to an exact :class:`~fractions.Fraction` (strings like ``"3/4"`` accepted)."""
    def convert(value, name):
        if value is None and optional:
            return None
        try:
            q = exact_rational(value, name)
        except SymtransError as exc:  # name the field, so a spec's error names its key
            raise SpecError(exc.message, field=name, expected=exc.expected) from None
        if max(abs(q.numerator), q.denominator).bit_length() > MAX_DIGITS * 3.33:
            raise SpecError(f"a rational of more than {MAX_DIGITS} digits", field=name, expected="a smaller number")
        key = name.rsplit(".", 1)[-1]
        if positive and q <= 0:
            raise SpecError(f"{key} = {format_exact(q)}", field=name, expected=f"{key} > 0")
        if nonnegative and q < 0:
            raise SpecError(f"{key} = {format_exact(q)}", field=name, expected=f"{key} >= 0")
        if integral and q.denominator != 1:
            raise SpecError(f"{key} = {format_exact(q)}", field=name, expected="an integer")
        if bound is not None and abs(q) > bound:
            raise SpecError(f"{key} = {format_exact(q)}", field=name, expected=f"at most {bound} in absolute value")
        return q
    return convert


def integer(lo=0, hi=None, optional=False):
    """A converter to an ``int`` in ``[lo, hi]`` (booleans refused)."""
    def convert(value, name):
        if value is None and optional:
            return None
        key = name.rsplit(".", 1)[-1]
        if isinstance(value, bool) or not isinstance(value, int) or value < lo:
            raise SpecError(f"{key} = {value!r}", field=name, expected=f"an integer >= {lo}")
        if hi is not None and value > hi:
            raise SpecError(f"{key} = {value!r}", field=name, expected=f"an integer <= {hi}")
        return value
    return convert


def text(optional=False):
    """A converter to a string."""
    def convert(value, name):
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise SpecError(f"{value!r} is not a string", field=name)
        return value
    return convert


def boolean():
    """A converter accepting ``True`` or ``False`` only."""
    def convert(value, name):
        if not isinstance(value, bool):
            raise SpecError(f"{value!r}", field=name, expected="true or false")
        return value
    return convert


def choice(*options):
    """A converter accepting one of ``options``."""
    def convert(value, name):
        if value not in options:
            raise SpecError(f"{value!r}", field=name, expected=" or ".join(repr(o) for o in options))
        return value
    return convert


def rational_rows(depth, nonempty=True):
    """A converter to nested tuples of Fractions, ``depth`` levels deep (2: a list of vectors)."""
    def convert(value, name, level=depth, where=None):
        where = where or name
        if level == 0:
            return rational()(value, where)
        if not isinstance(value, (list, tuple)) or (nonempty and not value):
            raise SpecError(f"{_short(value)} is not a non-empty list", field=where)
        return tuple(convert(v, name, level - 1, f"{where}[{i}]") for i, v in enumerate(value))
    return convert


def names(optional=True):
    """A converter to a tuple of distinct identifiers (symbol names)."""
    def convert(value, name):
        if value is None and optional:
            return ()
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.isidentifier() for v in value):
            raise SpecError(f"{_short(value)} is not a list of names", field=name, expected="names such as ['m', 'a']")
        if len(set(value)) != len(value):
            raise SpecError("a name appears twice", field=name, expected="distinct names")
        return tuple(value)
    return convert


def rational_map():
    """A converter to a sorted tuple of ``(name, Fraction)`` pairs, from a mapping name -> rational."""
    def convert(value, name):
        if value is None:
            return ()
        if isinstance(value, tuple):  # already converted (a frozen claim rebuilt)
            value = dict(value)
        if not isinstance(value, Mapping):
            raise SpecError(f"{_short(value)} is not a table", field=name, expected="a table name -> rational")
        out = []
        for key in sorted(value):
            if not isinstance(key, str) or not key.isidentifier():
                raise SpecError(f"{key!r} is not a name", field=name, expected="names such as m, alpha")
            out.append((key, rational()(value[key], f"{name}.{key}")))
        return tuple(out)
    return convert


def param(convert, default=MISSING, doc=""):
    """A field of a :class:`Params` dataclass: its converter and its one-line documentation."""
    return field(default=default, metadata={"convert": convert, "doc": doc})


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value):
    """Exact values as strings, containers as lists (claims are stored in certificates)."""
    if type(value) in _PLAIN:  # most leaves (a decodes claim has 100,000 tokens): no ABC check
        return value
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return format_exact(value)
    return value


def _short(value, limit=40):
    s = repr(value)
    return s if len(s) <= limit else s[:limit - 3] + "..."


# -- the claim's data ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Params:
    """Base of a kind's claim data: a frozen dataclass whose fields validate themselves.

    Each field is made with :func:`param` (a converter and a one-line doc); values are
    converted on construction, so two claims with equal data compare (and hash) equal.
    """

    def __post_init__(self):
        for f in fields(self):
            convert = f.metadata.get("convert")
            if convert is not None:
                object.__setattr__(self, f.name, convert(getattr(self, f.name), f.name))
        self.validate()

    def validate(self):
        """Checks across fields (override); raise :class:`SpecError` naming the field."""

    @classmethod
    def keys(cls) -> dict:
        """Field name -> one-line documentation (the spec keys and the JSON keys)."""
        return {f.name: f.metadata.get("doc", "") for f in fields(cls)}

    @classmethod
    def required(cls) -> tuple:
        """The fields without a default."""
        return tuple(f.name for f in fields(cls) if f.default is MISSING)

    @classmethod
    def from_value(cls, value) -> "Params":
        """From an instance, a mapping (spec, certificate JSON, API) or None."""
        if isinstance(value, cls):
            return value
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            raise SpecError(f"the claim data is {_short(value)}", field="expected", expected="a table of values")
        names = [f.name for f in fields(cls)]
        unknown = [k for k in value if k not in names]
        if unknown:
            raise SpecError("unknown claim data" + did_you_mean(unknown[0], names), field=str(unknown[0]),
                            expected="one of: " + (", ".join(names) or "no keys"))
        missing = [name for name in cls.required() if name not in value]
        if missing:
            raise SpecError("missing", field=missing[0], expected=cls.keys()[missing[0]] or "a value")
        return cls(**value)

    def to_json(self) -> dict:
        """The data as JSON (exact rationals as strings); fields at their default are left out."""
        return {f.name: jsonable(getattr(self, f.name)) for f in fields(self)
                if f.default is MISSING or getattr(self, f.name) != f.default}


@dataclass(frozen=True)
class NoParams(Params):
    """The data of a kind that has none (the target and domain say everything)."""


# -- the unit -----------------------------------------------------------------------------------------

#: Claim fields outside the kind's data, and what each means.
ENVELOPE = {"output": "the node the claim is about (the graph's only output if omitted)",
            "row": "the output row (token)", "col": "the output column (channel)",
            "groups": "channel groups a read-out may use", "zero": "channel groups that must be 0"}


@dataclass(frozen=True)
class ClaimKind:
    """One claim kind (see the module docstring).

    Parameters
    ----------
    name : str
        The one name: spec ``method``, claim ``kind``, certificate ``method``.
    package : str
        The unit's package; its ``prove`` and ``check`` modules are found there.
    params : type
        The :class:`Params` subclass holding the claim's data.
    doc : str
        What the claim asserts, one line.
    describe : callable
        ``describe(claim) -> str``: the claim in one line, for reports.
    summarize : callable
        ``summarize(cert) -> str``: the evidence behind a verdict in one line.
    evidence : dict
        The evidence schema: key -> meaning (documented, and checked by the tests).
    targets : tuple of str
        Target kinds the claim takes (``()``: none).
    spec_targets : tuple of str
        Target kinds a spec file may pair with this method (``()``: not from specs).
    domain : {"box", "reals", "box_or_none", None}
        The domain the claim needs (``box_or_none``: a box, or none when the data
        gives a finite domain).
    envelope : tuple of str
        Which of :data:`ENVELOPE`'s fields apply.
    aliases : tuple of str
        Older spellings of the name, still read (spec method, certificate method).
    check_keys : tuple of str, optional
        The data fields a spec's ``[check]`` table may give (default: all of them).
    from_target : callable, optional
        ``from_target(target) -> dict``: the data a spec's target supplies (the
        sequences of a contextual-mapping spec, say).
    validate : callable, optional
        ``validate(claim)``: checks across the data, target and domain; raises
        :class:`~symtrans.errors.SpecError` naming the field.
    graph : bool
        Whether the claim is about a graph.  A graph-free kind (a scalar proof step,
        the spectrum of a matrix) is proved from its claim alone: ``prove(None, claim)``,
        its certificate embeds no graph and is fingerprinted by the claim itself.
    """

    name: str
    package: str
    params: type
    doc: str
    describe: Callable
    summarize: Callable
    evidence: dict
    targets: tuple = ()
    spec_targets: tuple = ()
    domain: str = None
    envelope: tuple = ("output", "row", "col")
    aliases: tuple = ()
    check_keys: tuple = None
    from_target: Callable = None
    validate: Callable = None
    graph: bool = True

    def prove(self, G, claim, name: str = ""):
        """Run the unit's prover (``<package>.prove.prove``)."""
        return importlib.import_module(f"{self.package}.prove").prove(G, claim, name=name)

    def check(self, G, claim, cert):
        """Run the unit's checker (``<package>.check.check``); imports no prover."""
        return importlib.import_module(f"{self.package}.check").check(G, claim, cert)

    def spec_keys(self) -> dict:
        """The ``[check]`` keys this kind reads: its envelope fields and the data fields a spec gives."""
        keys = {k: ENVELOPE[k] for k in self.envelope if k != "zero"}
        keys.update({k: doc for k, doc in self.params.keys().items()
                     if self.check_keys is None or k in self.check_keys})
        return keys

    def data_from_spec(self, target, check: dict) -> dict:
        """The claim's data from a spec: the ``[check]`` keys it reads, and what the target supplies."""
        keys = self.spec_keys()
        data = {k: check[k] for k in self.params.keys() if k in check and k in keys}
        if self.from_target is not None:
            data.update(self.from_target(target))
        return data


# -- pieces of one-line evidence summaries, shared by the units ----------------------------------------

def point_text(ce, limit=6) -> str:
    """``x1=1/2, x2=0`` for a counterexample's point (at most ``limit`` coordinates)."""
    items = list(ce["point"].items())
    return ", ".join(f"{k}={v}" for k, v in items[:limit]) + (", ..." if len(items) > limit else "")


def mismatch(ce) -> str:
    """``at x=..: network a != target b`` for a refutation at an exact point."""
    return f"at {point_text(ce)}: network {ce['network']} != target {ce['target']}"


def drift(ev) -> str:
    """The float cross-check's drift, if one was attached (never a proof)."""
    d = ev.get("float_drift")
    return f"; float64 drift {d['max_abs']:.1e} (not a proof)" if d else ""


def short(expr, limit=60) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[:limit - 3] + "..."
