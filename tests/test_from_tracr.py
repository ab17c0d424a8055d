"""from_tracr against tracr itself: runs only where tracr (with JAX and Haiku) is importable, never
in CI (tracr is not a dependency).  Here it was run with tracr at commit 9ce2b8c, jax 0.10.2 and
dm-haiku 0.0.17 in a separate virtual environment.

* The six shipped fixtures were converted from tracr by a separate script; compiling their programs
  again and converting with from_tracr gives the same graphs (equal fingerprints, equal tensors).
* Programs that are not fixtures, compiled and certified end to end against RASP's own evaluation
  on every input: a non-unique sort is PROVED; make_length at max_seq_len 10 is REFUTED at
  length 10, and tracr's own float run on the counterexample decodes the same wrong value.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

tracr = pytest.importorskip("tracr")
from tracr.compiler import compiling, lib  # noqa: E402
from tracr.rasp import rasp  # noqa: E402

from symtrans import Claim, check_certificate, verify  # noqa: E402
from symtrans.graph import fingerprint  # noqa: E402
from symtrans.io.export import from_tracr  # noqa: E402
from symtrans.io.transformer_lens import load_model  # noqa: E402

MODELS = Path(__file__).resolve().parent.parent / "symtrans" / "data" / "tracr"
FIXTURES = {
    "length_ab_L5": (lib.make_length, {"a", "b"}, 5, False),
    "length_ab_L12": (lib.make_length, {"a", "b"}, 12, False),
    "hist_abc_L5": (lib.make_hist, {"a", "b", "c"}, 5, False),
    "sort_unique_1to5_L5": (lambda: lib.make_sort_unique(rasp.tokens, rasp.tokens), {1, 2, 3, 4, 5}, 5, False),
    "detect_ab_ab_L5": (lambda: lib.detect_pattern(rasp.tokens, "ab"), {"a", "b"}, 5, False),
    "frac_prevs_ab_L8_causal": (lambda: lib.make_frac_prevs(rasp.tokens == "a"), {"a", "b"}, 8, True),
}


def compile_(make, vocab, max_len, causal=False):
    program = make()
    assembled = compiling.compile_rasp_to_model(program, vocab, max_seq_len=max_len, causal=causal,
                                                compiler_bos="BOS", compiler_pad="PAD", mlp_exactness=100)
    return program, assembled


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_from_tracr_reproduces_every_fixture(name):
    program, assembled = compile_(*FIXTURES[name])
    mine, shipped = from_tracr(assembled, program.label, name=name), load_model(MODELS / name)
    assert set(mine.tensors) == set(shipped.tensors)
    for key, t in shipped.tensors.items():
        assert np.array_equal(np.asarray(mine.tensors[key], np.float64), np.asarray(t, np.float64)), key
    assert fingerprint(mine.graph()) == fingerprint(shipped.graph())
    assert mine.vocab == shipped.vocab and mine.output == {k: shipped.output[k] for k in mine.output}


def _claim(model, program, alphabet, max_len):
    inputs = [list(s) for n in range(1, max_len + 1) for s in itertools.product(alphabet, repeat=n)]
    return Claim("decodes", expected={"vocab": model.vocab, "bos": model.bos, "values": model.output["values"],
                                      "inputs": inputs, "expected": [rasp.evaluate(program, s) for s in inputs]})


def test_a_program_that_is_not_a_fixture_is_certified_against_rasp():
    program, assembled = compile_(lambda: lib.make_sort(rasp.tokens, rasp.tokens, max_seq_len=5, min_key=1),
                                  {1, 2, 3}, 5)
    model = from_tracr(assembled, program.label)
    cert = verify(model.graph(), _claim(model, program, [1, 2, 3], 5))
    assert cert.verdict == "PROVED" and cert.evidence["inputs"] == 363
    assert check_certificate(json.loads(cert.dumps())).holds


def test_a_wrong_compiled_length_is_refuted_and_tracr_agrees():
    program, assembled = compile_(lib.make_length, {"a", "b"}, 10)
    model = from_tracr(assembled, program.label)
    cert = verify(model.graph(), _claim(model, program, ["a", "b"], 10))
    ce = cert.counterexample
    assert cert.verdict == "REFUTED" and len(ce["input"]) == 10 and ce["actual"] == 9
    assert assembled.apply(["BOS"] + ce["input"]).decoded[ce["position"]] == 9
    assert check_certificate(json.loads(cert.dumps())).holds
