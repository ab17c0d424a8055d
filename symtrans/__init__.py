"""symtrans: prove that hand-built transformers compute what their theorems say.

The public API in one import, listed explicitly (nothing is defined here).  Names are
loaded on first use (PEP 562), so ``symtrans check`` and ``import symtrans.checking``
load the checker without any prover, and the command line starts quickly.

>>> from symtrans import Box, Claim, MaxoutNet, verify, check_certificate
>>> from symtrans.constructions.gu2026 import maxout_transformer
>>> tent, box = MaxoutNet.tent(2), Box([(0, 1)])
>>> cert = verify(maxout_transformer(tent, box), Claim("equivalent", tent, domain=box))
>>> cert
Certificate(PROVED equivalent 'output == maxout net (widths [1, 1], ranks [2, 2]) on the box' graph ...)
>>> check_certificate(cert.to_json()).holds
True
"""

from importlib import import_module

from ._version import __version__

#: Public name -> the module that defines it.
_EXPORTS = {
    # the pipeline, certificates and the checker
    "verify": "pipeline", "Certificate": "certificate", "Verdict": "certificate",
    "check_certificate": "checking", "CheckResult": "checking",
    "load_spec": "spec", "parse_spec": "spec", "Spec": "spec",
    "Obligation": "obligations", "run": "obligations", "collect": "obligations",
    # claims, targets, domains
    "Claim": "claims", "KINDS": "kinds", "ClaimKind": "kinds",
    "Target": "targets", "Polynomial": "targets", "MaxoutNet": "targets", "GraphTarget": "targets",
    "Sequences": "targets", "Dataset": "targets", "cpwl_network": "targets", "maxout_graph": "targets",
    "Box": "domains", "AllReals": "domains",
    # models built elsewhere
    "load_model": "io.transformer_lens", "TLModel": "io.transformer_lens", "export_model": "io.export",
    "from_tracr": "io.export",
    # errors
    "SymtransError": "errors", "ExactnessError": "errors", "ExpressionError": "errors", "GraphError": "errors",
    "BackendError": "errors", "EvaluationError": "errors", "Undecided": "errors", "SpecError": "errors",
    # exact values and weights
    "exact_rational": "exact", "format_exact": "exact", "parse_expression": "expr",
    "Weights": "weights", "Channels": "channels",
    # graphs
    "new_graph": "graph", "add_input": "graph", "add_op": "graph", "set_outputs": "graph", "arguments": "graph",
    "validate": "graph", "fingerprint": "graph", "to_json": "graph", "from_json": "graph", "dumps": "graph",
    "loads": "graph", "sizes": "graph", "parameters": "graph", "substitute": "graph", "replace_weight": "graph",
    # layers
    "Head": "layers", "Kernel": "ops", "Mask": "ops", "embedding": "layers", "positional_writes": "layers",
    "broadcast_writes": "layers", "copy_writes": "layers", "attention_head": "layers",
    "multi_head_attention": "layers", "ffn": "layers", "residual": "layers", "layer_norm": "layers",
    "readout": "layers", "block": "layers",
    # evaluation
    "evaluate": "interpret", "evaluate_many": "interpret", "get_backend": "backends", "BACKENDS": "backends",
    "UNDECIDED": "backends", "PolyBackend": "backends", "RationalBackend": "backends",
    "IntervalBackend": "backends", "MpBackend": "backends", "FloatBackend": "backends", "PWLBackend": "backends",
}

__all__ = [*_EXPORTS, "exact", "__version__"]


def __getattr__(name):
    if name == "exact":  # the module of that name, which is callable as the function (see its end)
        return import_module(f"{__name__}.exact")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symtrans' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
