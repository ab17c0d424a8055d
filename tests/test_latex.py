"""LaTeX output: weights by named channel, the identity, a certificate as an appendix snippet.

No TeX is installed here, so the snippets are checked for what makes LaTeX fail: unbalanced
braces, unescaped special characters from untrusted text (names, summaries), and the content a
reader needs (the claim re-read from the certificate, the verdict, the fingerprint).
"""

from __future__ import annotations

import json
import re

from symtrans import Claim, Polynomial, verify
from symtrans.cli import main
from symtrans.constructions.fang2022 import polynomial_transformer
from symtrans.latex import certificate_latex, escape, weights_latex


def _balanced(text: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\\\|\\[{}]|[{}]", text):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_escape_leaves_no_special_character_bare():
    nasty = "a_b & 100% {x} $y$ #1 ~ ^ \\ end\nnext"
    out = escape(nasty)
    assert "\n" not in out and _balanced(out)
    bare = re.sub(r"\\[&%$#_{}]|\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}", "", out)
    assert not re.search(r"[&%$#_{}~^\\]", bare), bare


def test_weights_are_named_by_channel_and_exact():
    t = Polynomial.parse("3/4*x1*x2 - 1", ["x1", "x2"])
    G = polynomial_transformer(t)
    text = weights_latex(G)
    assert _balanced(text) and text.count("\\begin{tabular}") == text.count("\\end{tabular}")
    assert "\\texttt{P[0]}" in text and "block 2, head 0, key" in text
    assert "\\frac{3}{4}" in text  # the read-out's coefficient, exact
    assert "nonzero entries (listed in the graph file)" in weights_latex(G, max_entries=1)


def test_certificate_snippet_rereads_the_claim_and_escapes_its_name(tmp_path, capsys):
    t = Polynomial.parse("x1**2 - x2/3", ["x1", "x2"])
    cert = verify(polynomial_transformer(t), Claim("identity", t), name="a_b & 50% {x}")
    text = certificate_latex(cert.to_json())
    assert _balanced(text)
    assert "a\\_b \\& 50\\% \\{x\\}" in text and "\\textbf{PROVED}" in text and cert.fingerprint in text
    assert "\\frac{x_{2}}{3}" in text  # the identity, displayed
    path = tmp_path / "c.json"
    path.write_text(cert.dumps())
    assert main(["show", str(path), "--latex"]) == 0
    assert capsys.readouterr().out == text
    # a tampered certificate is refused in one line, not rendered
    data = json.loads(cert.dumps())
    data["claim"]["kind"] = "nonsense"
    path.write_text(json.dumps(data))
    assert main(["show", str(path), "--latex"]) == 2
    assert "nonsense" in capsys.readouterr().err


def test_show_latex_for_a_spec_prints_weights_and_the_identity(capsys):
    assert main(["show", "docs/examples/cubic.toml", "--latex"]) == 0
    out = capsys.readouterr().out
    assert _balanced(out) and "\\mathrm{output}(x_{1}, x_{2}) = x_{1}^{2} x_{2}" in out
