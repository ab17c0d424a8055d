"""The documentation builds as a site: Sphinx with warnings as errors, every page in the toctree,
the API reference generated from the docstrings, and no reference to files outside the repository.

The build needs Sphinx (the ``docs`` extra; the ``test`` extra installs it too) and is skipped
without it.  The pages' examples are doctested separately, by pytest itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_build_with_warnings_as_errors(tmp_path):
    pytest.importorskip("sphinx")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           str(ROOT / "docs"), str(tmp_path / "html")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    built = {p.stem for p in (tmp_path / "html").glob("*.html")}
    pages = {p.stem for p in (ROOT / "docs").glob("*.rst")}
    assert pages <= built, sorted(pages - built)
    api = (tmp_path / "html" / "api.html").read_text()
    for name in ("check_certificate", "verify", "Claim", "GradientBackend", "evaluate"):
        assert name in api, name


def test_no_reference_to_files_outside_the_repository():
    """Docs, docstrings and proof modules cite papers and this repository, never a path above it."""
    outside = re.compile(r"\.\./shared|shared/papers|shared/models|ARCHITECTURE\.md|USERS\.md")
    files = [*(ROOT / "docs").glob("*.rst"), ROOT / "README.md", *(ROOT / "symtrans").rglob("*.py"),
             *(ROOT / "proofs").glob("*.py")]
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in files
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if outside.search(line)]
    assert not hits, hits
