"""Constructions from the papers, one module per paper, and the registry of built-ins.

A built-in is what a spec's ``[construction] builtin = "name"`` refers to: a
function of the spec's target and its ``[construction.params]`` that returns
a graph.

>>> from symtrans.constructions import BUILTINS
>>> sorted(BUILTINS)
['fang2022.encoder', 'fang2022.polynomial', 'gu2026.maxout', 'kajitsuka2024.contextual_mapping', 'kajitsuka2024.memorizer']
"""

from __future__ import annotations

from ..domains import Box
from ..errors import SpecError
from ..targets import Dataset, MaxoutNet, Sequences
from . import fang2022, gu2026, kajitsuka2024

__all__ = ["BUILTINS", "build_builtin"]


def _fang_polynomial(target, degree=None):
    """Fang et al. 2022 (R1): D single-head linear-attention blocks computing the target exactly."""
    return fang2022.polynomial_transformer(target, degree)


def _fang_encoder(target=None, d=None, degree=None):
    """Fang et al. 2022 (R1): the D fixed blocks alone (output: the residual stream)."""
    if d is None:
        d = len(target.variables) if target is not None else None
    if degree is None and target is not None:
        degree = max(target.degree, 0)
    if d is None or degree is None:
        raise SpecError("fang2022.encoder needs d and degree (or a target)", field="construction.params")
    return fang2022.monomial_encoder(d, degree)


def _gu_maxout(target, domain=None, fresh=True, score="hardmax", beta=1):
    """Gu et al. 2026 (R2 / R2'): L+1 blocks emulating a maxout network on the spec's box."""

    if not isinstance(target, MaxoutNet):
        raise SpecError("gu2026.maxout needs a maxout target", field="target.kind", expected="'maxout'")
    if not isinstance(domain, Box):
        raise SpecError("gu2026.maxout needs a [domain] box (the margins are certified on it)", field="domain")
    if not isinstance(fresh, bool):
        raise SpecError(f"fresh = {fresh!r}", field="construction.params.fresh", expected="true or false")
    return gu2026.maxout_transformer(target, domain, score=score, beta=beta, fresh=fresh)


def _ks_contextual_mapping(target, w=None, eps=None, lam_from="theorem", lam_factor=1):
    """Kajitsuka & Sato 2024: one rank-1 softmax attention layer, a contextual mapping on the sequences."""

    if not isinstance(target, Sequences):
        raise SpecError("kajitsuka2024.contextual_mapping needs sequences", field="target.kind",
                        expected="'contextual_mapping'")
    return kajitsuka2024.contextual_mapping(target.as_lists(), w=w, eps=eps, lam_from=lam_from,
                                            lam_factor=lam_factor).graph


def _ks_memorizer(target, w=None, eps=None, lam_from="theorem", max_bits=8192):
    """Kajitsuka & Sato 2024: the one-layer memoriser (contextual mapping + one FFN), exact labels."""

    if not isinstance(target, Dataset):
        raise SpecError("kajitsuka2024.memorizer needs a dataset", field="target.kind", expected="'dataset'")
    return kajitsuka2024.memorizer(target.as_lists(), [list(r) for r in target.labels], max_bits=max_bits,
                                   w=w, eps=eps, lam_from=lam_from).graph


#: name -> (function(target, **params) -> graph, allowed parameter names, needs the domain)
BUILTINS = {
    "fang2022.polynomial": (_fang_polynomial, {"degree"}, False),
    "fang2022.encoder": (_fang_encoder, {"d", "degree"}, False),
    "gu2026.maxout": (_gu_maxout, {"fresh", "score", "beta"}, True),
    "kajitsuka2024.contextual_mapping": (_ks_contextual_mapping, {"w", "eps", "lam_from", "lam_factor"}, False),
    "kajitsuka2024.memorizer": (_ks_memorizer, {"w", "eps", "lam_from", "max_bits"}, False),
}


def build_builtin(name: str, target, params: dict, domain=None):
    """Build a built-in construction, checking its parameters.

    >>> build_builtin("fang2022.cubic", None, {})
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'construction.builtin': unknown builtin 'fang2022.cubic' (expected one of fang2022.polynomial, fang2022.encoder, gu2026.maxout, kajitsuka2024.contextual_mapping, kajitsuka2024.memorizer)
    """
    if name not in BUILTINS:
        raise SpecError(f"unknown builtin {name!r}", field="construction.builtin",
                        expected="one of " + ", ".join(BUILTINS))
    fn, allowed, needs_domain = BUILTINS[name]
    extra = set(params) - allowed
    if extra:
        raise SpecError(f"unknown parameter {sorted(extra)[0]!r} for {name}", field="construction.params",
                        expected=", ".join(sorted(allowed)) or "no parameters")
    return fn(target, domain=domain, **params) if needs_domain else fn(target, **params)
