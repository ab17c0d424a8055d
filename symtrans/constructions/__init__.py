"""Constructions from the papers, one module per paper (added by the theorem slices)."""
