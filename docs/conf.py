"""Sphinx configuration: ``python -m sphinx -W -b html docs docs/_build`` (needs the ``docs`` extra).

The pages are reStructuredText, doctested by pytest; the API reference (:doc:`api`) is generated
from the docstrings (numpy style, read by napoleon).
"""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

project = "symtrans"
author = "The symtrans developers"
copyright = "2026, The symtrans developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "examples", "schemas", "images/*.md"]
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
html_theme = "alabaster"
master_doc = "index"
suppress_warnings = []
