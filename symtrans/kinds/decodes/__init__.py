"""``decodes``: a model's decoded output equals a reference on every input of a finite domain.

For a categorical output the decode at a position is ``values[argmax of the logits]``;
it is *certified* when the winning logit's enclosure lies strictly above every other's.
PROVED when, at every position where the reference is defined, the certified decode is
the reference's value; REFUTED with the input, the position, the expected and the
certified actual value; UNKNOWN (with the input and position) where two logits cannot be
separated at the largest precision.  For a numerical output (logit 0) the claim is
``|output - reference| <= tolerance``, certified the same way.  The inputs are token
sequences; the model reads ``[BOS] + tokens`` (:mod:`symtrans.io.transformer_lens`).

>>> from symtrans import Claim
>>> c = Claim("decodes", expected={"vocab": ["BOS", "a"], "bos": "BOS", "values": [0, 1],
...                                "inputs": [["a"], ["a", "a"]], "expected": [[1], [None, 2]]})
>>> c.describe()
'the decode equals the reference at 2 defined positions of 2 inputs'
"""

from dataclasses import dataclass
from fractions import Fraction

from ...errors import SpecError
from ..base import ClaimKind, Params, boolean, integer, param, rational

#: JSON scalars a categorical value may be.
_SCALARS = (bool, int, float, str, type(None))


def _token(t) -> bool:
    return isinstance(t, (str, int)) and not isinstance(t, bool)


def _names(value, name):
    if not isinstance(value, (list, tuple)) or not value or not all(_token(v) for v in value):
        raise SpecError(f"{str(value)[:60]!r}", field=name, expected="a non-empty list of token names")
    if len(set(value)) != len(value):
        raise SpecError("a token appears twice", field=name, expected="distinct token names")
    return tuple(value)


def _text(value, name):
    if not _token(value):
        raise SpecError(f"{str(value)[:60]!r}", field=name, expected="a token name")
    return value


def _values(value, name):
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not value or not all(
            isinstance(v, _SCALARS) and v is not None for v in value):
        raise SpecError(f"{str(value)[:60]!r}", field=name, expected="a list of values (numbers, strings, booleans)")
    return tuple(value)


def _inputs(value, name):
    if not isinstance(value, (list, tuple)) or not value:
        raise SpecError("no inputs", field=name, expected="a non-empty list of token sequences")
    out = []
    for i, seq in enumerate(value):
        if not isinstance(seq, (list, tuple)) or not seq or not all(_token(t) for t in seq):
            raise SpecError(f"input {i} is {str(seq)[:60]!r}", field=name, expected="a non-empty list of token names")
        out.append(tuple(seq))
    return tuple(out)


def _expected(value, name):
    if not isinstance(value, (list, tuple)):
        raise SpecError("the reference outputs are not a list", field=name)
    out = []
    for i, row in enumerate(value):
        if not isinstance(row, (list, tuple)) or not all(isinstance(v, _SCALARS) for v in row):
            raise SpecError(f"reference output {i} is {str(row)[:60]!r}", field=name,
                            expected="one value (or null) per token")
        out.append(tuple(row))
    return tuple(out)


@dataclass(frozen=True)
class DecodesParams(Params):
    vocab: tuple = param(_names, doc="the model's tokens, in the order of its one-hot rows")
    bos: str = param(_text, doc="the token the model reads first")
    inputs: tuple = param(_inputs, doc="the token sequences (without BOS)")
    expected: tuple = param(_expected, doc="the reference's output at each token (null: undefined)")
    values: tuple = param(_values, default=None, doc="categorical: the value of each logit; null: numerical")
    tolerance: Fraction = param(rational(nonnegative=True, optional=True), default=None,
                                doc="numerical: the largest |output - reference| allowed")
    max_bits: int = param(integer(lo=53, hi=1 << 14), default=1024, doc="largest Arb precision to try")
    start_bits: int = param(integer(lo=10, hi=1 << 14), default=64, doc="first Arb precision")
    boxes: bool = param(boolean(), default=True,
                        doc="decide first with rigorous float64 boxes (symtrans.backends.box), all inputs of a "
                            "length in one run; Arb takes only what they leave undecided")

    def validate(self):
        if self.bos not in self.vocab:
            raise SpecError(f"the BOS token {self.bos!r} is not in the vocabulary", field="bos")
        if len(self.expected) != len(self.inputs):
            raise SpecError(f"{len(self.expected)} reference outputs for {len(self.inputs)} inputs",
                            field="expected", expected="one per input")
        for i, (seq, row) in enumerate(zip(self.inputs, self.expected)):
            unknown = [t for t in seq if t not in self.vocab]
            if unknown:
                raise SpecError(f"input {i} has the token {unknown[0]!r}", field="inputs",
                                expected="tokens of the vocabulary")
            if len(row) != len(seq):
                raise SpecError(f"reference output {i} has {len(row)} values for {len(seq)} tokens",
                                field="expected", expected="one value (or null) per token")
        if self.values is None:
            if self.tolerance is None:
                raise SpecError("a numerical output needs a tolerance", field="tolerance", expected="a rational >= 0")
            for i, row in enumerate(self.expected):
                for v in row:
                    if v is not None:
                        if isinstance(v, bool):
                            raise SpecError(f"reference output {i} has {v!r}", field="expected",
                                            expected="exact numbers (strings like \"1/3\") or null")
                        rational()(v, "expected")
        elif self.tolerance is not None:
            raise SpecError("a categorical output takes no tolerance", field="tolerance")

    @property
    def defined(self) -> int:
        return sum(v is not None for row in self.expected for v in row)


def _summarize(cert):
    ev, ce = cert.evidence, cert.counterexample
    if cert.verdict == "PROVED":
        boxes = ev.get("boxes", 0)
        how = ("with float64 boxes" if boxes == ev["positions"] else
               f"at {ev['bits']} bits" if not boxes else f"with float64 boxes, and Arb at {ev['bits']} bits for "
               f"{ev['positions'] - boxes}")
        return f"{ev['positions']} positions of {ev['inputs']} inputs decode as the reference (certified {how})"
    if ce:
        what = "actual" if cert.verdict == "REFUTED" else "undecided"
        return (f"input {' '.join(map(str, ce['input']))}, position {ce['position']}: expected {ce['expected']!r}, "
                f"{what} {ce.get('actual')!r}")
    return f"not certified: {ev.get('reason')}"


KIND = ClaimKind(
    name="decodes", package=__name__, params=DecodesParams,
    doc="the decoded output equals a reference on every input",
    describe=lambda c: (f"the decode equals the reference at {c.expected.defined} defined positions of "
                        f"{len(c.expected.inputs)} inputs"),
    summarize=_summarize,
    evidence={"inputs": "inputs decided", "positions": "positions decided",
              "bits": "the largest precision used (53: float64 boxes decided every position)",
              "boxes": "positions the float64 boxes decided (Arb the rest)",
              "undecided": "UNKNOWN: positions not separated at max_bits"},
    spec_targets=("decodes",), envelope=(), check_keys=("tolerance", "max_bits", "start_bits", "boxes"),
    from_target=lambda t: t.claim_data())
