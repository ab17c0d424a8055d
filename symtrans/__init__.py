"""symtrans: prove that hand-built transformers compute what their theorems say.

The public API, listed explicitly (nothing is defined here).
"""

from .backends import (BACKENDS, UNDECIDED, FloatBackend, IntervalBackend, MpBackend, PolyBackend,
                       PWLBackend, RationalBackend, get_backend)
from .channels import Channels
from .errors import (BackendError, EvaluationError, ExactnessError, ExpressionError, GraphError,
                     SpecError, SymtransError, Undecided)
from .exact import exact, exact_rational, format_exact
from .expr import parse_expression
from .graph import (add_input, add_op, arguments, dumps, fingerprint, from_json, loads, new_graph,
                    parameters, set_outputs, sizes, substitute, to_json, validate)
from .interpret import evaluate
from .layers import (Head, attention_head, block, broadcast_writes, copy_writes, embedding, ffn,
                     layer_norm, multi_head_attention, positional_writes, readout, residual)
from .ops import Kernel, Mask
from .weights import Weights

__version__ = "0.1.0"

__all__ = [
    # errors
    "SymtransError", "ExactnessError", "ExpressionError", "GraphError", "BackendError",
    "EvaluationError", "Undecided", "SpecError",
    # exact values and weights
    "exact", "exact_rational", "format_exact", "parse_expression", "Weights", "Channels",
    # graphs
    "new_graph", "add_input", "add_op", "set_outputs", "arguments", "validate", "fingerprint",
    "to_json", "from_json", "dumps", "loads", "sizes", "parameters", "substitute",
    # layers
    "Head", "Kernel", "Mask", "embedding", "positional_writes", "broadcast_writes", "copy_writes",
    "attention_head", "multi_head_attention", "ffn", "residual", "layer_norm", "readout", "block",
    # evaluation
    "evaluate", "get_backend", "BACKENDS", "UNDECIDED", "PolyBackend", "RationalBackend",
    "IntervalBackend", "MpBackend", "FloatBackend", "PWLBackend",
    "__version__",
]
