"""docs/trust.rst names the checker's trusted base; this keeps the page and the import graph in step."""

from __future__ import annotations

import re

import networkx as nx

from test_layers_of_the_package import ROOT, _imports

PAGE = ROOT.parent / "docs" / "trust.rst"


def trusted_base() -> set:
    """Every module the checker (symtrans.checking and the kinds' check.py) imports, transitively."""
    G = nx.DiGraph((a, b) for a, b, _ in _imports())
    roots = ["symtrans.checking"] + [n for n in G if n.endswith(".check")]
    out = set(roots)
    for r in roots:
        out |= nx.descendants(G, r)
    return out


def named_on_the_page() -> set:
    text = PAGE.read_text()
    names = set(re.findall(r"``(symtrans(?:\.[a-z_]+)*)``", text))
    # "``symtrans.backends`` with ``base``, ``rational``, ..." names the backend submodules
    section = text.split("Arithmetic", 1)[1].split("Geometry", 1)[0]
    names |= {f"symtrans.backends.{m}" for m in re.findall(r"``([a-z]+)``", section)}
    names.discard("symtrans.backends.arb")
    return names


def test_the_page_names_every_trusted_module():
    base = trusted_base()
    kinds = {m for m in base if re.fullmatch(r"symtrans\.kinds\.[a-z_]+(\.check)?", m)}
    missing = sorted(base - kinds - named_on_the_page())
    assert not missing, f"docs/trust.rst does not name {missing}"
    assert "each kind's ``__init__``" in PAGE.read_text() and "``symtrans.kinds.<kind>.check``" in PAGE.read_text()


def test_the_page_names_nothing_outside_the_trusted_base():
    extra = sorted(m for m in named_on_the_page() - trusted_base()
                   if (ROOT.parent / m.replace(".", "/")).with_suffix(".py").exists()
                   or (ROOT.parent / m.replace(".", "/") / "__init__.py").exists())
    extra = [m for m in extra if m not in ("symtrans.provers._certify",)]  # named as what refuses, not trusted
    assert not extra, f"docs/trust.rst calls {extra} trusted, the checker does not import them"


def test_no_prover_or_construction_is_trusted():
    assert not [m for m in trusted_base() if re.match(r"symtrans\.(provers|constructions|pipeline|spec|obligations)"
                                                      r"|.*\.prove$", m)]
