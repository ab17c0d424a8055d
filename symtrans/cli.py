"""The ``symtrans`` command line.

``symtrans verify [TARGET...]``
    Check spec files (``*.toml``), proof modules (``*.py``) or directories of
    them (none: the built-in proofs): one result per obligation and a summary.
    ``--json`` prints one JSON object per obligation instead; ``--cert OUT``
    writes the certificate(s) (a file for one obligation, a directory for
    several); ``--full`` runs the proof modules' long sweeps.
``symtrans list [DIR...]``
    The claim kinds, the built-in constructions and the proofs found.
``symtrans check CERT``
    Re-check a certificate with the independent checker.
``symtrans export SPEC --graph OUT.json``
    Write the spec's graph as JSON (edit the weights, then verify it with a
    spec whose ``[construction]`` is ``graph = "OUT.json"``).
``symtrans plot SPEC --regions OUT.png``
    A picture of the spec's network and target on a 1-D or 2-D box (needs matplotlib).
``symtrans show GRAPH.json``
    A graph file's validity, sizes and fingerprint.

Exit codes (ARCHITECTURE section 5): 0 every verdict as expected, 1 something
refuted or otherwise not as expected, 2 bad input or usage, 3 unknown (limits
reached).  Bad input prints one line ``symtrans: error: ...`` on stderr, never
a traceback, and nothing is written.

Why this module is long: it is everything a user of the command line sees (six subcommands,
batch reports and exit codes, JSON records, certificate files written atomically, the live
progress line, result lines that fit 100 columns); each function is short, and the library
behind it is imported lazily so that ``symtrans --version`` starts at once.

>>> main(["--version"])
symtrans 0.1.0
0
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import shutil
import tempfile
import time
from pathlib import Path

from ._version import __version__
from .errors import SymtransError, failure_message, read_json

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(EXIT_USAGE, f"symtrans: error: {message}\n")


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 10 ** 7:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 10^7")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser (exposed for documentation tools).

    >>> build_parser().parse_args(["verify", "proofs", "--json"]).json
    True
    """
    parser = _Parser(prog="symtrans",
                     description="Symbolic verification of constructive transformer expressivity proofs.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    v = sub.add_parser("verify", help="check specs, proof modules or directories of them")
    v.add_argument("targets", nargs="*", help="spec files (.toml), proof modules (.py), directories "
                                              "(none: the built-in proofs, wherever symtrans is installed)")
    v.add_argument("--json", action="store_true", help="one JSON object per obligation")
    v.add_argument("--cert", metavar="OUT", help="write certificate(s): a file, or a directory for several")
    v.add_argument("--full", action="store_true", help="run the proof modules' long sweeps (quick=False)")
    v.add_argument("-k", metavar="EXPR", help="only obligations whose name matches EXPR: words (substrings, "
                                              "any case) joined by and, or, not, parentheses")
    v.add_argument("-x", "--exitfirst", action="store_true",
                   help="stop at the first obligation not as expected (an ERROR included)")
    v.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="run N obligations at once, each in its own process (default 1)")
    v.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get("SYMTRANS_SCHEDULER"),
                   help="run the obligations on a dask.distributed cluster (an address, or 'local' for a "
                        "LocalCluster of -j workers, default 2; env SYMTRANS_SCHEDULER; needs the dask extra)")
    v.add_argument("--workers", type=int, default=1, metavar="N",
                   help="run a claim's independent pieces on N local processes (default 1); verdicts do not change")
    v.add_argument("--timeout", type=_seconds, metavar="S",
                   help="time limit per obligation in seconds; beyond it the verdict is UNKNOWN")
    v.add_argument("-v", "--verbose", action="store_true",
                   help="full result lines (by default each fits 100 columns; --json has everything)")
    ls = sub.add_parser("list", help="list the claim kinds, the built-in constructions and the proofs found")
    ls.add_argument("dirs", nargs="*", help="where to look for proofs (default: the built-in proofs)")
    c = sub.add_parser("check", help="re-check a certificate with the independent checker")
    c.add_argument("cert", help="a certificate JSON file")
    c.add_argument("--timeout", type=_seconds, default=600, metavar="S",
                   help="time limit in seconds (default 600; 0: none); beyond it the certificate is not accepted")
    e = sub.add_parser("export", help="write a spec's graph as JSON, or a model spec's graph as a TransformerLens folder")
    e.add_argument("spec", help="a spec file (.toml)")
    out = e.add_mutually_exclusive_group(required=True)
    out.add_argument("--graph", metavar="OUT", help="the graph JSON file to write")
    out.add_argument("--to", nargs=2, metavar=("FORMAT", "DIR"),
                     help="transformer-lens DIR: model.safetensors and config.json (a [construction] model spec)")
    pl = sub.add_parser("plot", help="draw a spec's network and target (needs matplotlib)")
    pl.add_argument("spec", help="a spec file (.toml) with a maxout/cpwl target and a 1-D or 2-D box")
    what = pl.add_mutually_exclusive_group(required=True)
    what.add_argument("--regions", metavar="OUT", help="the exact linear regions, the target over them (.png .pdf .svg)")
    what.add_argument("--difference", metavar="OUT", help="network - target against eps (.png .pdf .svg)")
    what.add_argument("--separations", metavar="OUT",
                      help="a contextual mapping's pairs: certified separation and the bits each needed")
    what.add_argument("--degrees", metavar="OUT", help="a polynomial construction's channel degrees after each block")
    pl.add_argument("--cert", metavar="CERT", help="a certificate of the spec: its counterexample is marked; a "
                                                   "bound certificate's certified leaf boxes are drawn")
    pl.add_argument("--eps", metavar="Q", help="the tolerance drawn by --difference (default: the spec's eps)")
    s = sub.add_parser("show", help="validate a graph JSON file (or read a model folder) and print its structure")
    s.add_argument("graph", help="a graph JSON file (as written by symtrans), a TransformerLens model folder, "
                                 "or with --latex also a spec (.toml) or a certificate")
    s.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    s.add_argument("--latex", action="store_true",
                   help="print LaTeX: a graph's (or a spec's) weights by named channel and the identity it "
                        "is to compute, or a certificate as an appendix snippet")
    return parser


def main(argv=None) -> int:
    """Run the CLI; returns the exit code.

    >>> main(["show", "/nonexistent.json"])
    2
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "command", None) == "verify" and not any(e.startswith("-") for e in extra):
        args.targets = list(args.targets) + extra  # targets after options: `verify a.toml -k x b.toml`
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.version:
        print(f"symtrans {__version__}")
        return EXIT_OK
    if args.command is None:  # a usage error, like an unknown command: one line
        print(f"symtrans: error: no command given (expected one of {', '.join(_COMMANDS)}; "
              "symtrans -h for help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader went away (symtrans list | head): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("symtrans: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line; a bug's traceback when asked for
        bug = not isinstance(exc, (SymtransError, OSError, RecursionError, MemoryError))
        if bug and os.environ.get("SYMTRANS_DEBUG"):
            raise
        message = failure_message(exc)
        print(f"symtrans: {message}" if bug else f"symtrans: error: {message}", file=sys.stderr)
        return EXIT_USAGE


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(path: Path, text: str):
    """Write ``text`` to a temporary file beside ``path``, then rename it: readers never see
    half a file.  The file gets the usual permissions (0644 under a 022 umask), not mkstemp's 0600.
    A missing directory is an error: symtrans creates no directory it was not asked for."""
    _require_directory(path.parent, path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _require_directory(directory: Path, for_path: Path):
    if not directory.is_dir():
        raise SymtransError(f"{for_path}: the directory {directory} does not exist",
                            expected="an existing directory (create it first)")


def _evidence_summary(evidence: dict) -> dict:
    """The evidence's scalar entries (counts, precisions, reasons) for ``--json``; bulky trees and
    region lists stay in the certificate."""
    return {k: v for k, v in evidence.items() if isinstance(v, (int, float, str, bool)) or v is None}


def _summary_line(result) -> str:
    """One line of the evidence behind a verdict, for the text report (the claim kind's own summary)."""
    from .kinds import unit

    cert = result.certificate
    try:
        return unit(cert.method).summarize(cert)
    except (KeyError, TypeError, ValueError, SymtransError):
        reason = cert.evidence.get("reason")
        return f"not certified: {reason}" if reason else ""


def _verify(args) -> int:
    """Every obligation gets a verdict, ERROR included (one line naming the file); the run goes on
    (``-x``: stops at the first result not as expected) and ends with a summary.  Exit code, by
    precedence: 2 any ERROR, 1 an unexpected PROVED or REFUTED, 3 only unexpected UNKNOWNs left,
    0 all as expected; 130 when interrupted (after the partial summary)."""
    from .obligations import builtin_proofs, collect, name_filter, run_all
    from .parallel import dask_client, process_pool

    if not 1 <= args.jobs <= (os.cpu_count() or 1) * 4 or (args.workers > 1 and (args.jobs > 1 or args.scheduler)):
        raise SymtransError(f"-j {args.jobs} with --workers {args.workers}",
                            expected=f"-j N from 1 to {(os.cpu_count() or 1) * 4} (obligations in parallel, or a "
                                     "--scheduler) or --workers N (pieces of one claim), not both")
    selected = name_filter(args.k) if args.k is not None else None
    if not args.targets:
        args.targets = [str(builtin_proofs())]
    every = collect(args.targets, quick=not args.full, keep_errors=True)
    obligations = every if selected is None else [o for o in every if selected(o.name)]
    if not obligations:
        raise SymtransError("no obligations found", expected="spec files, proof modules or directories of them")
    results, total, start = [], len(obligations), time.perf_counter()
    width = max(len(o.name) for o in obligations)
    args.cert_paths = _certificate_paths(Path(args.cert), obligations, total > 1) if args.cert else {}
    interrupted = False
    scope = (dask_client(args.scheduler, max(args.jobs, 2)) if args.scheduler
             else process_pool(args.workers))
    live = _ProgressLine(total, enabled=not args.json and sys.stderr.isatty())
    with scope as client, live:
        stream = run_all(obligations, args.targets, not args.full, args.timeout, args.jobs,
                         client if args.scheduler else None, collected=every)
        try:
            live.running(0, obligations[0].name)
            for i, result in enumerate(stream, 1):
                results.append(result)
                with live.lock:  # no redraw between clearing the line and printing the result
                    live.clear()
                    _report(args, result, i, total, width)
                if args.exitfirst and not result.as_expected:
                    break
                if i < total:
                    live.running(i, obligations[i].name)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.close()
    unexpected = [r for r in results if not r.as_expected and r.error is None]
    counts = {v: sum(r.verdict == v for r in results) for v in ("PROVED", "REFUTED", "UNKNOWN", "ERROR")}
    if interrupted:
        code = 130
    elif counts["ERROR"]:
        code = EXIT_USAGE
    elif any(r.verdict != "UNKNOWN" for r in unexpected):
        code = EXIT_REFUTED
    else:
        code = EXIT_UNKNOWN if unexpected else EXIT_OK
    seconds = time.perf_counter() - start
    if args.json:
        print(json.dumps({"summary": {"obligations": total, "run": len(results), "proved": counts["PROVED"],
                                      "refuted": counts["REFUTED"], "unknown": counts["UNKNOWN"],
                                      "errors": counts["ERROR"], "not_as_expected": len(unexpected),
                                      "interrupted": interrupted, "seconds": round(seconds, 2),
                                      "exit_code": code}}, sort_keys=True), flush=True)
    else:
        ran = f"{len(results)} of {total}" if len(results) < total else f"{total}"
        print(f"{ran} {'obligation' if total == 1 else 'obligations'}: {counts['PROVED']} proved, "
              f"{counts['REFUTED']} refuted, {counts['UNKNOWN']} unknown, {counts['ERROR']} "
              f"{'error' if counts['ERROR'] == 1 else 'errors'}; {len(unexpected)} not as expected "
              f"({seconds:.1f}s){'; interrupted' if interrupted else ''}")
    for note in sorted({n for ob in obligations for n in getattr(ob, "notes", ())}):
        print(f"symtrans: note: {note}", file=sys.stderr)
    return code


def _report(args, result, i, total, width):
    """One obligation's line (or JSON record), printed as soon as it is known."""
    ob = result.obligation
    if result.error is not None:  # also one line on stderr, naming the file or obligation
        where = "" if ob.name in result.error or Path(ob.name).name in result.error else f"{ob.name}: "
        print(f"symtrans: error: {where}{result.error}", file=sys.stderr, flush=True)
        if args.json:
            print(json.dumps({"name": ob.name, "verdict": "ERROR", "expected": ob.expected, "as_expected": False,
                              "reason": result.error}, sort_keys=True), flush=True)
        else:
            print(_result_lines(args, f"[{i:>{len(str(total))}}/{total}] {'ERROR':<19} {_name(args, ob.name, width)}  "
                                      f"{'':>8}", result.error), flush=True)
        return
    cert = result.certificate
    path = args.cert_paths.get(ob.name)
    if path is not None:
        _write_certificate(path, cert)
    if args.json:
        print(json.dumps({"name": ob.name, "kind": cert.method, "verdict": cert.verdict, "expected": ob.expected,
                          "as_expected": result.as_expected, "reason": _summary_line(result),
                          "claim": cert.claim, "counterexample": cert.counterexample, "sizes": result.sizes,
                          "seconds": round(cert.seconds, 4),
                          "float_drift": cert.evidence.get("float_drift"),
                          "evidence": _evidence_summary(cert.evidence),
                          "certificate": None if path is None else str(path)}, sort_keys=True), flush=True)
    else:
        flag = "" if result.as_expected else f"UNEXPECTED (expected {ob.expected})  "
        note = " (expected)" if result.as_expected and ob.expected != "PROVED" else ""
        print(_result_lines(args, f"[{i:>{len(str(total))}}/{total}] {cert.verdict:<8}{note:<11} "
                                  f"{_name(args, ob.name, width)}  {cert.seconds:7.2f}s", flag + _summary_line(result)),
              flush=True)


#: The widest name column of a result line without ``-v``.
NAME_COLUMN = 40


def _name(args, name: str, width: int) -> str:
    """The name column: as wide as the longest name, at most :data:`NAME_COLUMN` without ``-v``."""
    if getattr(args, "verbose", False):
        return f"{name:<{width}}"
    column = min(width, NAME_COLUMN)
    return f"{_fit(name, column):<{column}}"


def _result_lines(args, head: str, detail: str) -> str:
    """A result as one line when it fits 100 columns (or with ``-v``), else the head and the detail
    wrapped below it, indented: nothing is cut but an over-long name.

    >>> print(_result_lines(None, "[1/1] PROVED  cubic  0.01s", "residual 0"))
    [1/1] PROVED  cubic  0.01s  residual 0
    >>> print(_result_lines(None, "[1/1] PROVED  cubic  0.01s", "word " * 30))
    [1/1] PROVED  cubic  0.01s
          word word word word word word word word word word word word word word word word word word word
          word word word word word word word word word word word
    """
    import textwrap

    one = f"{head}  {detail}".rstrip()
    if getattr(args, "verbose", False) or len(one) <= 100 or not detail.strip():
        return one
    return head.rstrip() + "\n" + textwrap.fill(detail.strip(), 100, initial_indent=" " * 6,
                                                  subsequent_indent=" " * 6, break_on_hyphens=False)


def _certificate_paths(out: Path, obligations, several: bool) -> dict:
    """Where each obligation's certificate goes (``--cert``), decided and checked before anything
    runs: the file ``out`` for a single obligation, else one file per obligation in the directory
    ``out`` (made when the first certificate is written; its parent must exist)."""
    if not several:
        _require_directory(out.parent, out)
        return {obligations[0].name: out}
    if out.exists() and not out.is_dir():
        raise SymtransError(f"{out} exists and is not a directory", expected="a directory for several certificates")
    _require_directory(out.parent, out)
    names, paths = {}, {}
    for ob in obligations:
        name = certificate_filename(ob.name)
        if name.lower() in names:  # a case-insensitive file system would merge them too
            raise SymtransError(f"obligations {names[name.lower()]!r} and {ob.name!r} would share "
                                f"the certificate file {name}", expected="names that differ in more than case")
        names[name.lower()] = ob.name
        paths[ob.name] = out / name
    return paths


def _write_certificate(path: Path, cert):
    """One certificate, atomically (the batch directory made on first use)."""
    if not path.parent.exists():
        path.parent.mkdir()
    _write_atomic(path, cert.dumps())


def certificate_filename(name: str) -> str:
    """The file a certificate for obligation ``name`` goes to in a ``--cert`` directory.

    Names are kept where they are safe; a name the sanitiser changes gets a short hash of
    the original, so two names that differ only in replaced characters never collide.

    >>> certificate_filename("tent3"), certificate_filename("R2"), certificate_filename("R2'")
    ('tent3.json', 'R2.json', 'R2_-c86d720b.json')
    """
    safe = re.sub(r"[^A-Za-z0-9_.=-]+", "_", name).strip("_.") or "obligation"
    if safe != name:
        safe += "_-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe}.json"


class _ProgressLine:
    """A live status line on stderr when it is a terminal (never in a pipe, a file or ``--json``):
    obligations done, the one running, its elapsed time, and what its prover reports (boxes,
    cells, positions).  A thread redraws it four times a second; result lines clear it first.
    """

    def __init__(self, total: int, enabled: bool):
        import threading

        self.total, self.enabled = total, enabled
        self.lock, self.stop_event = threading.RLock(), threading.Event()
        self.done, self.name, self.started = 0, "", time.monotonic()
        self.thread = threading.Thread(target=self._run, daemon=True) if enabled else None

    def __enter__(self):
        if self.thread is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.thread is not None:
            self.stop_event.set()
            self.thread.join()
            self.clear()
        return False

    def running(self, done: int, name: str):
        from .budget import progress

        with self.lock:
            self.done, self.name, self.started = done, name, time.monotonic()
            progress(None)

    def clear(self):
        if self.enabled:
            with self.lock:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()

    def line(self) -> str:
        from .budget import current_progress

        inner = current_progress()
        detail = ""
        if inner is not None:
            done, total, unit = inner
            detail = f"  {done:,}" + (f"/{total:,}" if total else "") + f" {unit}"
        head = f"[{self.done}/{self.total} done] {self.name}"
        tail = f"  {time.monotonic() - self.started:5.1f}s{detail}"
        width = min(shutil.get_terminal_size((100, 20)).columns, 100) - 1
        return _fit(head, max(width - len(tail), 10)) + tail

    def _run(self):
        while not self.stop_event.wait(0.25):
            with self.lock:
                sys.stderr.write("\r\033[K" + self.line())
                sys.stderr.flush()


def _fit(line: str, width: int = 100) -> str:
    """A human line cut to ``width`` columns (details are in ``--json`` and the docs).

    >>> _fit("x" * 120)[-5:], len(_fit("x" * 120))
    ('xx...', 100)
    """
    return line if len(line) <= width else line[:width - 3] + "..."


def _list(args) -> int:
    """Claim kinds, built-in constructions, and the proofs in ``dirs`` (default: the built-in ones)."""
    from .constructions import BUILTINS
    from .kinds import KINDS
    from .obligations import builtin_proofs, collect

    missing = [d for d in args.dirs if not Path(d).exists()]
    if missing:
        raise SymtransError(f"{missing[0]}: no such file or directory", expected="directories of proof modules or specs")
    print("claim kinds (spec [check] method):")
    for name, kind in KINDS.items():
        print(_fit(f"  {name:20s} {kind.doc}"))
    print("built-in constructions (spec [construction] builtin):")
    for name, (fn, params, _) in BUILTINS.items():
        doc = (fn.__doc__ or "").strip().splitlines()[0]
        print(_fit(f"  {name:32s} {doc}"))
        if params:
            print(_fit(f"  {'':32s} params: {', '.join(sorted(params))}"))
    dirs = args.dirs or [str(builtin_proofs())]
    obligations = collect(dirs, quick=True)
    print(_fit(f"proofs ({len(obligations)} quick obligations in {', '.join(dirs)}):"))
    for ob in obligations:
        tail = f"  [expects {ob.expected}]"
        print(_fit(f"  {ob.name}", 100 - len(tail)) + tail)
    return EXIT_OK


def _check(args) -> int:
    # the checker alone: `symtrans check` imports no prover
    from .checking import check_certificate

    data = _read_json(args.cert)
    if not isinstance(data, dict) or data.get("format") != "symtrans-certificate":
        raise SymtransError(f"{args.cert}: not a symtrans certificate", expected="a file written by --cert")
    result = check_certificate(data, timeout=args.timeout)
    if result.malformed:
        raise SymtransError(f"{args.cert}: {result.reason}")
    print(("OK: " if result.holds else "FAILED: ") + result.reason)
    if not result.holds:
        return EXIT_REFUTED
    return EXIT_UNKNOWN if result.verdict == "UNKNOWN" else EXIT_OK


def _read_json(path):
    """A JSON file's data, or one line saying why it cannot be read (never a traceback)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise SymtransError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return read_json(text, str(path))


def _export(args) -> int:
    from .graph import check, dumps
    from .spec import load_spec

    spec = load_spec(args.spec)
    G = spec.build_graph()
    check(G)
    if args.to:
        from .io.export import export_model

        fmt, folder = args.to
        if fmt != "transformer-lens":
            raise SymtransError(f"export format {fmt!r}", expected="transformer-lens")
        if spec.model is None:
            raise SymtransError(f"{args.spec}: exporting to transformer-lens needs a [construction] model spec "
                                "(its tokenizer and output description)", expected="model = \"DIR\"")
        dtype = export_model(G, spec.model.config, folder)
        print(f"wrote {folder} (model.safetensors in {dtype}, config.json)")
        return EXIT_OK
    text = dumps(G)
    _write_atomic(Path(args.graph), text)
    print(f"wrote {args.graph} ({G.number_of_nodes()} nodes)")
    return EXIT_OK


def _plot(args) -> int:
    from .domains import Box
    from .exact import exact_rational
    from .graph import input_variables
    from .plot import FORMATS, figure_degrees, figure_difference, figure_regions, figure_separations
    from .spec import load_spec

    out = Path(args.regions or args.difference or args.separations or args.degrees)
    if out.suffix.lower() not in FORMATS:
        raise SymtransError(f"{out}: unknown picture format {out.suffix!r}", expected=", ".join(FORMATS))
    _require_directory(out.parent, out)
    spec = load_spec(args.spec)
    G = spec.build_graph()
    if args.separations or args.degrees:
        if args.degrees:
            fig = figure_degrees(G, title=spec.name)
        else:
            expected = spec.claim.expected
            if not hasattr(expected, "delta_log10"):
                raise SymtransError(f"{args.spec}: --separations needs a contextual_mapping check", field="check")
            fig = figure_separations(G, spec.claim.expected.sequences, expected.delta, expected.delta_log10,
                                     title=spec.name, max_bits=expected.max_bits)
        return _save_picture(fig, out)
    if not isinstance(spec.claim.domain, Box):
        raise SymtransError(f"{args.spec}: plotting needs a [domain] box", field="domain")
    target = spec.target if hasattr(spec.target, "evaluate") and not hasattr(spec.target, "variables") else None
    cert = _read_json(args.cert) if args.cert else None
    if args.regions:
        point = (cert or {}).get("counterexample") or {}
        names = input_variables(G)
        points = [[point["point"][v] for v in names]] if isinstance(point.get("point"), dict) and \
            all(v in point["point"] for v in names) else []
        fig = figure_regions(G, target, spec.claim.domain, title=spec.name, points=points)
    else:
        if target is None:
            raise SymtransError(f"{args.spec}: --difference needs a maxout, relu or cpwl target", field="target")
        eps = args.eps if args.eps is not None else getattr(spec.claim.expected, "eps", None)
        if eps is None:
            raise SymtransError(f"{args.spec}: --difference needs an eps (the spec's [check] eps, or --eps)",
                                field="eps")
        proved = cert if cert and cert.get("verdict") == "PROVED" and cert.get("method") == "bound" else None
        fig = figure_difference(G, target, spec.claim.domain, exact_rational(eps, "eps"), title=spec.name,
                                certificate=proved)
    return _save_picture(fig, out)


def _save_picture(fig, out: Path) -> int:
    from .plot import save

    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")  # the real format, renamed when complete
    try:
        save(fig, tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    print(f"wrote {out}")
    return EXIT_OK


def _show(args) -> int:
    from .graph import NAME, fingerprint, from_json, sizes, validate

    if args.latex:
        return _show_latex(args)
    if Path(args.graph).is_dir():  # a model folder (TransformerLens layout)
        from .io.transformer_lens import load_model

        model = load_model(args.graph)
        G = model.graph()
        if args.json:
            print(json.dumps({"model": model.name, "config": {k: v for k, v in model.config.items()
                                                              if k not in ("residual_labels", "source")},
                              "fingerprint": fingerprint(G), "sizes": sizes(G)}, sort_keys=True))
        else:
            print(model.describe())
            print(f"  graph: {G.number_of_nodes()} nodes, fingerprint {fingerprint(G)[:16]}")
        return EXIT_OK
    G = from_json(_read_json(args.graph))
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


def _show_latex(args) -> int:
    from .graph import from_json
    from .latex import certificate_latex, identity_latex, weights_latex

    path = Path(args.graph)
    if path.suffix == ".toml":
        from .spec import load_spec

        spec = load_spec(path)
        print(weights_latex(spec.build_graph()), end="")
        if getattr(spec.target, "kind", None) == "polynomial":
            print(identity_latex(spec.target, "\\mathrm{output}"))
        return EXIT_OK
    if path.is_dir():
        from .io.transformer_lens import load_model

        print(weights_latex(load_model(path).graph()), end="")
        return EXIT_OK
    data = _read_json(path)
    if isinstance(data, dict) and data.get("format") == "symtrans-certificate":
        print(certificate_latex(data), end="")
    else:
        print(weights_latex(from_json(data)), end="")
    return EXIT_OK


_COMMANDS = {"verify": _verify, "list": _list, "check": _check, "export": _export, "plot": _plot,
             "show": _show}
