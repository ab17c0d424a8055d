"""The ``symtrans`` command line.

Exit codes (ARCHITECTURE section 5): 0 all proved / as expected, 1 something
refuted or unexpected, 2 bad input or usage, 3 unknown / limits reached.  Bad
input prints one line ``symtrans: error: ...`` on stderr and never a
traceback.

Commands in this release: ``show`` (a graph file's validity, sizes and
fingerprint).  ``verify``, ``list``, ``check`` and ``export`` come with the
theorem slices.

>>> main(["--version"])
symtrans 0.1.0
0
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .errors import SymtransError
from .graph import NAME, fingerprint, loads, sizes, validate

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(EXIT_USAGE, f"symtrans: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser (exposed for documentation tools).

    >>> build_parser().parse_args(["show", "g.json", "--json"]).json
    True
    """
    parser = _Parser(prog="symtrans",
                     description="Symbolic verification of constructive transformer expressivity proofs.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    show = sub.add_parser("show", help="validate a graph JSON file and print its sizes and fingerprint")
    show.add_argument("graph", help="a graph JSON file (as written by symtrans)")
    show.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def main(argv=None) -> int:
    """Run the CLI; returns the exit code.

    >>> main(["show", "/nonexistent.json"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"symtrans {__version__}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return _COMMANDS[args.command](args)
    except SymtransError as exc:
        print(f"symtrans: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"symtrans: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE


def _show(args) -> int:
    with open(args.graph, encoding="utf-8") as fh:
        text = fh.read()
    G = loads(text)
    problems = validate(G)
    report = {"graph": G.graph.get(NAME), "fingerprint": fingerprint(G), "valid": not problems,
              "problems": problems, "sizes": sizes(G)}
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print(f"graph {report['graph']!r}  fingerprint {report['fingerprint'][:16]}")
        for key, value in report["sizes"].items():
            print(f"  {key:20s} {value}")
        for p in problems:
            print(f"  problem: {p}")
        print("valid" if not problems else f"INVALID: {len(problems)} problem(s)")
    return EXIT_OK if not problems else EXIT_USAGE


_COMMANDS = {"show": _show}
