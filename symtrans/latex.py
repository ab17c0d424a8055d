"""LaTeX for papers: a construction's weights by named channel, the identity it computes, and a
certificate as an appendix snippet.

The output is plain LaTeX (``amsmath`` for ``\\frac`` and ``pmatrix``, nothing else), to paste
into a paper or its appendix.  Weights are exact: a rational prints as ``\\frac{p}{q}``, a
symbolic weight through SymPy's LaTeX printer.  Text from certificates and graphs (names,
summaries) is escaped, so a snippet always compiles.

>>> print(escape("x_1 & 50% of {a}"))
x\\_1 \\& 50\\% of \\{a\\}
>>> number("-3/4"), number("5")
('-\\\\frac{3}{4}', '5')
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .certificate import Certificate
from .claims import Claim
from .graph import CHANNELS, OP, ORIGIN
from .kinds import unit
from .ops import Linear

__all__ = ["escape", "number", "weights_latex", "identity_latex", "certificate_latex"]

_SPECIAL = {"\n": " ", "\r": " ", "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}

#: Weight matrices with more nonzero entries than this are summarised, not listed.
MAX_ENTRIES = 60


def escape(text) -> str:
    """``text`` with LaTeX's special characters escaped (for text mode)."""
    return "".join(_SPECIAL.get(ch, ch) for ch in str(text))


def number(value) -> str:
    """An exact weight in math mode: ``\\frac{p}{q}`` for a rational, SymPy's LaTeX otherwise."""
    if isinstance(value, sympy.Basic) and not value.is_Rational:
        return sympy.latex(value)
    q = Fraction(str(value)) if not isinstance(value, Fraction) else value
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def _heading(name, origin) -> str:
    parts = []
    if origin.get("block") is not None:
        parts.append(f"block {origin['block']}")
    if origin.get("head") is not None:
        parts.append(f"head {origin['head']}")
    if origin.get("part") or origin.get("role"):
        parts.append(str(origin.get("part") or origin.get("role")))
    return ", ".join(parts) or name


def weights_latex(G, max_entries: int = MAX_ENTRIES) -> str:
    """Every linear map of ``G`` (attention queries, keys, values and outputs, FFN layers, the
    read-out) as a table of its nonzero weights, rows and columns named by the residual stream's
    channels (``X[1]``) where the graph records them.

    >>> from symtrans import Polynomial
    >>> from symtrans.constructions.fang2022 import polynomial_transformer
    >>> text = weights_latex(polynomial_transformer(Polynomial.parse("x1*x2", ["x1", "x2"])))
    >>> "\\\\begin{tabular}" in text and "block 1, head 0, query" in text
    True
    """
    channels = G.graph.get(CHANNELS)
    width = channels.width if channels is not None else None

    def label(i, n):
        return f"\\texttt{{{escape(channels.label(i))}}}" if channels is not None and n == width else str(i)

    out = [f"% weights of {escape(G.graph.get('name', 'graph'))}, written by symtrans"]
    for name in G.nodes:
        op = G.nodes[name].get(OP)
        if not isinstance(op, Linear):
            continue
        origin = G.nodes[name].get(ORIGIN) or {}
        for what, W in (("weight", op.weight), ("bias", op.bias)):
            if W is None:
                continue
            entries = sorted(W.items())
            rows, cols = W.shape
            title = f"{escape(_heading(name, origin))}: {what} (${rows} \\times {cols}$, {len(entries)} nonzero)"
            out.append(f"\\paragraph{{{title}.}} % node {escape(name)}")
            if not entries:
                out.append("All zero.")
                continue
            if len(entries) > max_entries:
                out.append(f"{len(entries)} nonzero entries (listed in the graph file).")
                continue
            out.append("\\begin{tabular}{@{}lll@{}}")
            out.append("row & column & value \\\\ \\hline")
            for (i, j), v in entries:
                out.append(f"{label(i, rows)} & {label(j, cols)} & ${number(v)}$ \\\\")
            out.append("\\end{tabular}")
    return "\n".join(out) + "\n"


def identity_latex(target, output: str = "y") -> str:
    """The identity a polynomial target states, displayed: ``\\[ y = ... \\]`` (SymPy's printer).

    >>> from symtrans import Polynomial
    >>> identity_latex(Polynomial.parse("x1**2*x2 - 3/4*x2", ["x1", "x2"]))
    '\\\\[ y(x_{1}, x_{2}) = x_{1}^{2} x_{2} - \\\\frac{3 x_{2}}{4} \\\\]'
    """
    xs = ", ".join(sympy.latex(sympy.Symbol(v)) for v in target.variables)
    return f"\\[ {output}({xs}) = {sympy.latex(target.expr)} \\]"


def certificate_latex(data: dict) -> str:
    """A certificate as an appendix snippet: the claim, the verdict and method, the evidence in
    one line, the identity for a polynomial target, and the graph's fingerprint with the command
    that re-checks it.  The claim is re-read from the certificate (never trusted as text).

    >>> from symtrans import Claim, Polynomial, verify
    >>> from symtrans.constructions.fang2022 import polynomial_transformer
    >>> t = Polynomial.parse("x1*x2", ["x1", "x2"])
    >>> snippet = certificate_latex(verify(polynomial_transformer(t), Claim("identity", t)).to_json())
    >>> print(snippet.splitlines()[1])
    \\paragraph{Certificate (identity).} Claim: output == x1*x2 over Q[x1, x2].
    """
    cert = Certificate.from_json(data)
    claim = Claim.from_json(cert.claim)
    kind = unit(claim.kind)
    try:
        summary = kind.summarize(cert)
    except (KeyError, TypeError, ValueError):
        summary = ""
    how = f"{cert.backend} backend" + (f", {cert.precision} bits" if cert.precision else "")
    lines = [f"% symtrans {escape(cert.versions.get('symtrans', ''))} certificate{' ' + escape(cert.name) if cert.name else ''}",
             f"\\paragraph{{Certificate ({escape(claim.kind)}).}} Claim: {escape(claim.describe())}.",
             f"Verdict: \\textbf{{{cert.verdict.value}}} ({escape(how)})."]
    if summary:
        lines.append(f"Evidence: {escape(summary)}.")
    if claim.target is not None and getattr(claim.target, "kind", None) == "polynomial":
        lines.append(identity_latex(claim.target, "\\mathrm{output}"))
    lines.append(f"Graph fingerprint \\texttt{{{escape(cert.fingerprint)}}}; re-checked by "
                 f"\\texttt{{symtrans check}} from the claim, the embedded graph and the evidence.")
    return "\n".join(lines) + "\n"
