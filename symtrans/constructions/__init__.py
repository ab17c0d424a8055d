"""Constructions from the papers, one module per paper, and the registry of built-ins.

Each built-in imports its paper's module when it is called, so that reading a spec loads only the
construction it names (``cheng2025`` and ``jiang2024`` import SymPy).

A built-in is what a spec's ``[construction] builtin = "name"`` refers to: a
function of the spec's target and its ``[construction.params]`` that returns
a graph.

>>> from symtrans.constructions import BUILTINS
>>> sorted(BUILTINS)
['cheng2025.attention_layer', 'cheng2025.convolution_mixer', 'fang2022.encoder', 'fang2022.polynomial', 'gu2026.maxout', 'kajitsuka2024.contextual_mapping', 'kajitsuka2024.memorizer']
"""

from __future__ import annotations

from ..domains import Box
from ..errors import SpecError, SymtransError, did_you_mean
from ..exact import exact_rational
from ..ops import FeatureMap, Kernel
from ..targets import Dataset, MaxoutNet, Sequences
from ..weights import Weights

__all__ = ["BUILTINS", "build_builtin"]


def _fang_polynomial(target, degree=None):
    """Fang et al. 2022 (R1): D single-head linear-attention blocks computing the target exactly."""
    from . import fang2022

    return fang2022.polynomial_transformer(target, degree)


def _fang_encoder(target=None, d=None, degree=None):
    """Fang et al. 2022 (R1): the D fixed blocks alone (output: the residual stream)."""
    from . import fang2022

    if d is None:
        d = len(target.variables) if target is not None else None
    if degree is None and target is not None:
        degree = max(target.degree, 0)
    if d is None or degree is None:
        raise SpecError("fang2022.encoder needs d and degree (or a target)", field="construction.params")
    return fang2022.monomial_encoder(d, degree)


def _gu_maxout(target, domain=None, fresh=True, score="hardmax", beta=1):
    """Gu et al. 2026 (R2 / R2'): L+1 blocks emulating a maxout network on the spec's box."""
    from . import gu2026

    if not isinstance(target, MaxoutNet):
        raise SpecError("gu2026.maxout needs a maxout target", field="target.kind", expected="'maxout'")
    if not isinstance(domain, Box):
        raise SpecError("gu2026.maxout needs a [domain] box (the margins are certified on it)", field="domain")
    if not isinstance(fresh, bool):
        raise SpecError(f"fresh = {fresh!r}", field="construction.params.fresh", expected="true or false")
    return gu2026.maxout_transformer(target, domain, score=score, beta=beta, fresh=fresh)


def _ks_contextual_mapping(target, w=None, eps=None, lam_from="ratio", lam_factor=1):
    """Kajitsuka & Sato 2024: one rank-1 softmax attention layer, a contextual mapping on the sequences.

    ``lam_from = "ratio"`` (the default) sizes lambda from the certified projection ratio of the
    chosen ``w``, which the lemma's proof allows and which proves true claims at a few hundred
    bits; ``"theorem"`` uses the lemma's worst-case constant, whose separations can need more
    than 8,192 bits (an UNKNOWN then says so).
    """
    from . import kajitsuka2024

    if not isinstance(target, Sequences):
        raise SpecError("kajitsuka2024.contextual_mapping needs sequences", field="target.kind",
                        expected="'contextual_mapping'")
    return kajitsuka2024.contextual_mapping(target.as_lists(), w=w, eps=eps, lam_from=lam_from,
                                            lam_factor=lam_factor).graph


def _ks_memorizer(target, w=None, eps=None, lam_from="ratio", max_bits=8192):
    """Kajitsuka & Sato 2024: the one-layer memoriser (contextual mapping + one FFN), exact labels."""
    from . import kajitsuka2024

    if not isinstance(target, Dataset):
        raise SpecError("kajitsuka2024.memorizer needs a dataset", field="target.kind", expected="'dataset'")
    return kajitsuka2024.memorizer(target.as_lists(), [list(r) for r in target.labels], max_bits=max_bits,
                                   w=w, eps=eps, lam_from=lam_from).graph


def _param(name, make):
    """``make()``, its error reported as one about ``construction.params.<name>``."""
    try:
        return make()
    except SpecError:
        raise
    except SymtransError as exc:
        raise SpecError(exc.message, field=f"construction.params.{name}", expected=exc.expected) from None


def _positive_int(name, value, expected="a positive integer"):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SpecError(f"{name} = {value!r}", field=f"construction.params.{name}", expected=expected)
    return value


def _matrix(value, name):
    if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
        raise SpecError(f"{value!r} is not a matrix", field=f"construction.params.{name}",
                        expected="a list of rows, entries like \"3/4\"")
    return _param(name, lambda: Weights.from_rows(value))


def _cheng_layer(target=None, n=None, query=None, key=None, value=None, score="softmax", kernel=None, features=None,
                 feature_map="positive", tokens=None, window=None, top=None):
    """Cheng et al. 2025: one residual attention layer on ``n`` tokens (softmax, hardmax, a kernel formula,
    feature maps, Linformer token maps, a sparse window, top-k routing) with the given rational weights."""
    from . import cheng2025

    _positive_int("n", n, "a positive number of tokens")
    mats = {k: _matrix(v, k) for k, v in (("query", query), ("key", key), ("value", value))}
    d = mats["query"].shape[0]
    options = {}
    if kernel is not None:
        if not isinstance(kernel, str):
            raise SpecError(f"kernel = {kernel!r}", field="construction.params.kernel", expected='a formula such as "exp(-r)"')
        score, options["kernel"] = "kernel", _param("kernel", lambda: Kernel(kernel))
    if features is not None:
        omega = _matrix(features, "features")
        score, options["features"] = "features", _param("feature_map", lambda: FeatureMap(omega, feature_map))
    if tokens is not None:
        if not isinstance(tokens, list) or len(tokens) != 2:
            raise SpecError("tokens must be [E, F]", field="construction.params.tokens",
                            expected="two k x n token-axis matrices")
        options["tokens"] = (_matrix(tokens[0], "tokens"), _matrix(tokens[1], "tokens"))
    if window is not None and not isinstance(window, dict):
        raise SpecError(f"window = {window!r}", field="construction.params.window",
                        expected='a table such as { name = "circulant", w = 1 }')
    return _param("score", lambda: cheng2025.attention_layer(n, d, mats["query"], mats["key"], mats["value"],
                                                             score=score, window=window, top=top, **options))


def _cheng_convolution(target=None, n=None, d=1, taps=None, layers=None):
    """Cheng et al. 2025, Cor. 4: ``layers`` circular convolutions with rational ``taps`` (psi_0 .. psi_l)."""
    from . import cheng2025

    for name, v in (("n", n), ("d", d), ("layers", layers)):
        _positive_int(name, v)
    if not isinstance(taps, list) or not taps:
        raise SpecError(f"taps = {taps!r}", field="construction.params.taps", expected="a list of rationals")
    return _param("taps", lambda: cheng2025.convolution_mixer(n, d, [exact_rational(t, "taps") for t in taps], layers))


#: name -> ``(function(target, **params) -> graph, allowed parameter names, needs the domain)``
BUILTINS = {
    "fang2022.polynomial": (_fang_polynomial, {"degree"}, False),
    "fang2022.encoder": (_fang_encoder, {"d", "degree"}, False),
    "gu2026.maxout": (_gu_maxout, {"fresh", "score", "beta"}, True),
    "kajitsuka2024.contextual_mapping": (_ks_contextual_mapping, {"w", "eps", "lam_from", "lam_factor"}, False),
    "kajitsuka2024.memorizer": (_ks_memorizer, {"w", "eps", "lam_from", "max_bits"}, False),
    "cheng2025.attention_layer": (_cheng_layer, {"n", "query", "key", "value", "score", "kernel", "features",
                                                 "feature_map", "tokens", "window", "top"}, False),
    "cheng2025.convolution_mixer": (_cheng_convolution, {"n", "d", "taps", "layers"}, False),
}


def build_builtin(name: str, target, params: dict, domain=None):
    """Build a built-in construction, checking its parameters.

    >>> build_builtin("fang2022.cubic", None, {})
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'construction.builtin': unknown builtin 'fang2022.cubic' (expected one of fang2022.polynomial, fang2022.encoder, gu2026.maxout, kajitsuka2024.contextual_mapping, kajitsuka2024.memorizer, cheng2025.attention_layer, cheng2025.convolution_mixer)
    """
    if name not in BUILTINS:
        raise SpecError(f"unknown builtin {name!r}{did_you_mean(name, BUILTINS)}", field="construction.builtin",
                        expected="one of " + ", ".join(BUILTINS))
    fn, allowed, needs_domain = BUILTINS[name]
    extra = set(params) - allowed
    if extra:
        bad = sorted(extra)[0]
        raise SpecError(f"unknown parameter {bad!r} for {name}{did_you_mean(bad, allowed)}", field="construction.params",
                        expected=", ".join(sorted(allowed)) or "no parameters")
    return fn(target, domain=domain, **params) if needs_domain else fn(target, **params)
