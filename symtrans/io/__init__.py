"""Model files in and out: the TransformerLens layout (safetensors, npz, pt) and tracr's compiled models.

* :mod:`symtrans.io.transformer_lens`: read a model folder as a graph with exact weights; the
  token encoding and the per-length attention restriction ``decodes`` claims use.
* :mod:`symtrans.io.export`: write a graph back to that layout (never rounding a weight), and
  read a tracr model from memory.

>>> from symtrans.io import load_model
>>> load_model.__module__
'symtrans.io.transformer_lens'
"""

from .transformer_lens import TLModel, encode, load_model, with_length

__all__ = ["TLModel", "load_model", "encode", "with_length"]
