"""Verifiers (added by the theorem slices): polynomial identity, CPWL, bounds, separation, cross-check."""
