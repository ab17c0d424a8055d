"""The package's import graph: no cycles, and no module importing a layer above its own.

The layers, lowest first, are the architecture (docs/architecture.rst): exact values, then
ops, backends, the graph IR, the interpreter, regions and targets, the claim kinds' data,
claims and certificates, then the checker, the provers and the constructions, then the
kinds' prove/check modules, the pipeline, specs, obligations, pictures and the CLI.
Function-local imports count too; only ``cli.py`` and ``plot.py`` keep some, to start
quickly and to load matplotlib only when drawing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "symtrans"

#: (pattern over module names, layer); the first match wins.
LAYERS = [
    (r"symtrans\.(errors|_flint|_lazy|_version|budget|parallel)$", 0),
    (r"symtrans\.(exact|channels)$", 1),
    (r"symtrans\.(expr|scalars|loglinear)$", 2),
    (r"symtrans\.(weights|polys|polytope|domains)$", 3),
    (r"symtrans\.ops$", 4),
    (r"symtrans\.backends(\..*)?$", 5),
    (r"symtrans\.(graph|demand)$", 6),
    (r"symtrans\.interpret$", 7),
    (r"symtrans\.(layers|regions|targets|unitwalk|io(\..*)?)$", 8),
    (r"symtrans\.integrate$", 9),  # over the cells of regions
    (r"symtrans\.patterns$", 8),
    (r"symtrans\.kinds(\.base|\.[a-z_]+)?$", 9),
    (r"symtrans\.kinds\.[a-z_]+\.(?!prove$|check$)[a-z_]+$", 9),  # a kind's shared reading (its prover and checker)
    (r"symtrans\.claims$", 10),
    (r"symtrans\.certificate$", 11),
    (r"symtrans\.(checking|provers(\..*)?|constructions(\..*)?)$", 12),
    (r"symtrans\.kinds\.[a-z_]+\.(prove|check)$", 13),
    (r"symtrans\.pipeline$", 14),
    (r"symtrans\.spec$", 15),
    (r"symtrans\.obligations$", 16),
    (r"symtrans\.(plot|latex)$", 17),
    (r"symtrans(\.cli|\.__main__)?$", 18),
]

#: Imports forbidden whatever the layers say: the checker's independence, and provers free of constructions.
FORBIDDEN = [
    (r"symtrans\.(checking|kinds\.[a-z_]+\.check)$", r"symtrans\.(provers|constructions|pipeline|spec)|.*\.prove$"),
    (r"symtrans\.(provers\..*|kinds\.[a-z_]+\.prove)$", r"symtrans\.constructions"),
    (r"symtrans\.constructions(\..*)?$", r"symtrans\.(provers|pipeline|checking)|.*\.(prove|check)$"),
]

#: Modules allowed function-local imports of the package, and why.
LOCAL_IMPORTS_ALLOWED = {"symtrans.cli": "start quickly; `symtrans check` loads no prover",
                         "symtrans.plot": "matplotlib only when drawing",
                         "symtrans.constructions": "a spec loads only the construction it names "
                                                   "(cheng2025 and jiang2024 import SymPy)"}


def _name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports():
    """(importer, imported, at module level?) for every import of the package's own modules."""
    out = []
    for path in ROOT.rglob("*.py"):
        me = _name(path)
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text())
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("symtrans"):
                    # `from .kinds import identity` imports the submodule
                    names = [f"{target}.{a.name}" for a in node.names]
                    known = [n for n in names if (ROOT.parent / n.replace(".", "/")).with_suffix(".py").exists()
                             or (ROOT.parent / n.replace(".", "/") / "__init__.py").exists()]
                    for t in known or [target]:
                        out.append((me, t, id(node) in top))
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("symtrans"):
                        out.append((me, a.name, id(node) in top))
    return out


def _layer(module):
    for pattern, layer in LAYERS:
        if re.match(pattern, module):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_every_module_has_a_layer():
    for path in ROOT.rglob("*.py"):
        _layer(_name(path))


def test_no_module_imports_a_layer_above_its_own():
    wrong = [(a, b) for a, b, _ in _imports() if _layer(b) > _layer(a)]
    assert not wrong, f"imports upwards: {wrong}"


def test_forbidden_imports():
    wrong = [(a, b) for a, b, _ in _imports() for src, dst in FORBIDDEN if re.match(src, a) and re.match(dst, b)]
    assert not wrong, wrong


def test_no_import_cycles():
    G = nx.DiGraph((a, b) for a, b, top in _imports() if top and a != b and not b.startswith(a + "."))
    cycles = list(nx.simple_cycles(G))
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_function_local_imports_only_where_a_reason_is_written():
    local = sorted({a for a, _, top in _imports() if not top} - set(LOCAL_IMPORTS_ALLOWED))
    assert not local, f"function-local imports of the package in {local}"


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small_or_say_why(path):
    text = path.read_text()
    lines = len(text.splitlines())
    assert lines <= 520 or "Why this module is long:" in text, f"{path.name} has {lines} lines and no reason"
