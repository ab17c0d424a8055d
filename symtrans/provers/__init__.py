"""Proof procedures shared by the claim kinds' provers (``symtrans/kinds/<kind>/prove.py``).

``polynomial`` (exact expansion helpers, nonzero points), ``pwl`` (cut trees, pieces on an
interval), ``bounds`` (Arb bisection), ``emulation`` (the compositional prover),
``separation`` (adaptive-precision separation), ``crosscheck`` (floats, never a proof) and
``_certify`` (the one place a verdict becomes a certificate).  The checker
(:mod:`symtrans.checking`) imports none of them.
"""
