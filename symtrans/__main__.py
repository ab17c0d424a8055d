"""``python -m symtrans`` runs the command-line interface."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
