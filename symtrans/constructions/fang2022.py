"""Fang, Ouyang, Zhou, Cheng (2022), "Attention Enables Zero Approximation Error", arXiv:2202.12166.

Theorem (claims C1, C2 of the paper's abstract): a single-head self-attention
transformer with ``D`` encoder blocks, suitably adapted, computes every
polynomial of degree ``D`` in ``d`` variables with zero error; the blocks are
fixed, only the read-out (the "free parameters") depends on the polynomial.

**This is our reconstruction (R1), not the authors' matrices**, which we have not seen.  It is
consistent with what the paper states: D blocks, one head each, untrained 0/1
encoder weights, an inner-product (linear, softmax-free) attention as the
multiplicative mechanism, and ``C(d+D, D)`` free parameters.

Proof sketch (each step is a checked claim in ``proofs/fang2022_polynomial.py``):

1. *Embedding.*  Token ``b`` (of ``n = C(d+D-1, d)``, or 1 when ``D <= 1``)
   holds its positional one-hot ``e_b`` in group ``P``, the vector
   ``x~ = (1, x1, .., xd)`` in slot ``b`` of group ``X`` (zeros in the other
   slots), and the constant 1 in group ``R0``.  Groups ``R1 .. RD`` start at 0.
2. *Block l* (``l = 1..D``), linear attention ``H <- H + (H Wq)(H Wk)^T (H Wv) Wo``:
   the query of every token is ``R_{l-1}`` (the monomials of degree ``<= l-1``,
   zero-padded to length ``n``), the key of token ``b`` is ``e_b``, so the
   score of key ``b`` is the ``b``-th monomial ``x^{alpha_b}``; the value of
   token ``b`` is its ``X`` slot, ``e_b (x) x~``.  The head's output is
   therefore ``R_{l-1}(x) (x) x~``: every product ``x^alpha x~_c``.  ``Wo``
   selects one representative of each monomial ``beta`` of degree ``<= l``
   (``beta`` itself with ``c = 0`` if ``|beta| < l``, else ``beta - e_c`` with
   ``c`` the first nonzero coordinate) into the fresh group ``R_l``.
3. *Invariant.*  After block ``l``, ``R_l`` holds exactly the monomials of
   degree ``<= l`` in every token, and every earlier group is unchanged
   (proved symbolically over ``Q[x]``).
4. *Read-out.*  ``y = sum_beta theta_beta H[0, R_D[beta]]``: with ``theta`` the
   target's coefficients the output *is* the target.  With ``theta`` the
   symbols ``c_beta`` the identity holds in ``Q[c][x]``, which proves the
   theorem for every polynomial of degree ``<= D`` at once.

Sizes: ``D`` blocks, 1 head, ``n`` tokens, width
``n + n(d+1) + sum_{l<=D} C(d+l, l)``, head dimensions ``n`` (query/key) and
``n(d+1)`` (value), all encoder weights in {0, 1}, ``C(d+D, D)`` free
parameters.  With ``D - 1`` blocks every channel has degree ``<= D - 1``, so
no read-out reaches a degree-``D`` target.

>>> from symtrans.constructions.fang2022 import polynomial_transformer, expected_sizes
>>> from symtrans.targets import Polynomial
>>> G = polynomial_transformer(Polynomial.parse("x1**2*x2 + 3", ["x1", "x2"]))
>>> from symtrans.graph import sizes
>>> s = sizes(G); (s["blocks"], s["heads_per_block"], s["tokens"], s["width"])
(3, [1, 1, 1], 6, 44)
>>> expected_sizes(2, 3)
{'blocks': 3, 'heads_per_block': [1, 1, 1], 'tokens': 6, 'width': 44, 'free_parameters': 10}
"""

from __future__ import annotations

from math import comb

from ..channels import Channels
from ..budget import MAX_STREAM_ENTRIES
from ..errors import SpecError
from ..graph import add_input, new_graph, set_outputs
from ..layers import Head, block, copy_writes, embedding, positional_writes, readout
from ..targets import Polynomial, monomials
from ..weights import Weights

__all__ = ["monomial_encoder", "polynomial_transformer", "expected_sizes", "stream_channels", "token_count"]

PAPER = "fang2022"


def token_count(d: int, D: int) -> int:
    """Tokens of R1: ``C(d+D-1, d)``, and 1 when ``D <= 1``.

    >>> token_count(2, 3), token_count(3, 1), token_count(1, 0)
    (6, 1, 1)
    """
    return 1 if D <= 1 else comb(d + D - 1, d)


def stream_channels(d: int, D: int) -> Channels:
    """The residual stream's groups: ``P``, ``X``, ``R0 .. RD``.

    >>> stream_channels(1, 2).groups
    (('P', 2), ('X', 4), ('R0', 1), ('R1', 2), ('R2', 3))
    """
    n = token_count(d, D)
    return Channels([("P", n), ("X", n * (d + 1))] + [(f"R{l}", comb(d + l, l)) for l in range(D + 1)])


def expected_sizes(d: int, D: int) -> dict:
    """The theorem's (reconstruction's) sizes for ``d`` variables and degree ``D``."""
    return {"blocks": D, "heads_per_block": [1] * D, "tokens": token_count(d, D),
            "width": stream_channels(d, D).width, "free_parameters": comb(d + D, D)}


def _check(d, D):
    """Validate ``d`` and ``D``, and refuse sizes beyond :data:`symtrans.budget.MAX_STREAM_ENTRIES`.

    >>> _check(2, 1000)
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'D': d = 2, D = 1000 needs a residual stream of 500500 tokens x 169670501 channels, over the budget of 20000000 entries (expected a smaller degree or dimension)
    """
    for name, v, lo in (("d", d, 1), ("D", D, 0)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise SpecError(f"{name} = {v!r}", field=name, expected=f"an integer >= {lo}")
    tokens = token_count(d, D)
    width = tokens * (d + 2) + comb(d + D + 1, D)  # P, X and R0..RD: stream_channels(d, D).width
    if tokens * width > MAX_STREAM_ENTRIES:
        raise SpecError(f"d = {d}, D = {D} needs a residual stream of {tokens} tokens x {width} channels, "
                        f"over the budget of {MAX_STREAM_ENTRIES} entries", field="D",
                        expected="a smaller degree or dimension")


def _representative(beta, l):
    """The (alpha, c) whose product x^alpha * x~_c is chosen for x^beta in block l."""
    if sum(beta) < l:
        return beta, 0
    c = next(i for i, b in enumerate(beta) if b)  # first nonzero coordinate, 0-based
    alpha = beta[:c] + (beta[c] - 1,) + beta[c + 1:]
    return alpha, c + 1


def _encoder(G, x, d, D):
    ch = stream_channels(d, D)
    n = ch.size("P")
    writes = positional_writes("P", n) + copy_writes("X", n, d) + [(t, ("R0", 0), 0, 1) for t in range(n)]
    H = embedding(G, x, ch, n, writes, origin={"paper": PAPER})
    qk = Channels([("h", n)])
    value = Channels([("v", n * (d + 1))])
    wk = Weights.from_action(ch, qk, [(("P", b), ("h", b), 1) for b in range(n)])
    wv = Weights.from_action(ch, value, [(("X", i), ("v", i), 1) for i in range(n * (d + 1))])
    for l in range(1, D + 1):
        prev = {alpha: i for i, alpha in enumerate(monomials(d, l - 1))}
        wq = Weights.from_action(ch, qk, [((f"R{l - 1}", r), ("h", r), 1) for r in range(len(prev))])
        action = []
        for j, beta in enumerate(monomials(d, l)):
            alpha, c = _representative(beta, l)
            action.append((("v", prev[alpha] * (d + 1) + c), (f"R{l}", j), 1))
        wo = Weights.from_action(value, ch, action)
        H = block(G, H, [Head(wq, wk, wv, wo, score="linear")], index=l, origin={"paper": PAPER})
    return H, ch


def monomial_encoder(d: int, D: int):
    """The ``D`` fixed blocks alone; the output is the whole residual stream.

    Node ``b{l}.res1`` is the stream after block ``l``; the invariant "group
    ``R{l}`` holds the monomials of degree ``<= l``" is checked on it.

    >>> from symtrans import evaluate, PolyBackend
    >>> G = monomial_encoder(1, 2)
    >>> bk = PolyBackend(); H = bk.to_sympy(evaluate(G, bk)["b2.res1"])
    >>> list(H[1, stream_channels(1, 2).slice("R2")])
    [1, x1, x1**2]
    """
    _check(d, D)
    G = new_graph(f"fang2022-encoder-d{d}-D{D}")
    x = add_input(G, "x", (1, d))
    H, _ = _encoder(G, x, d, D)
    set_outputs(G, [H])
    return G


def polynomial_transformer(target: Polynomial, degree: int = None):
    """R1 with the read-out set to ``target``'s coefficients.

    Parameters
    ----------
    target : Polynomial
        Any polynomial with rational coefficients; if its coefficients are
        parameter symbols (:meth:`Polynomial.general`), the read-out weights
        are those symbols and the graph is parametric.
    degree : int, optional
        Number of blocks ``D`` (at least the target's degree; default: the degree).

    >>> G = polynomial_transformer(Polynomial.general(2, 2))
    >>> from symtrans.graph import parameters
    >>> parameters(G)
    ['c_0_0', 'c_0_1', 'c_0_2', 'c_1_0', 'c_1_1', 'c_2_0']
    """
    if not isinstance(target, Polynomial):
        raise SpecError(f"target is a {type(target).__name__}", field="target", expected="a Polynomial")
    d = len(target.variables)
    D = max(target.degree, 0) if degree is None else degree
    _check(d, D)
    if target.degree > D:
        raise SpecError(f"a degree-{target.degree} target needs at least {target.degree} blocks, got {D}",
                        field="degree", expected=f"degree >= {target.degree}")
    G = new_graph(f"fang2022-d{d}-D{D}")
    x = add_input(G, "x", (1, d))
    H, ch = _encoder(G, x, d, D)
    coefficients = target.coefficients()
    action = [((f"R{D}", j), ("y", 0), coefficients[beta])
              for j, beta in enumerate(monomials(d, D)) if beta in coefficients]
    W = Weights.from_action(ch, Channels([("y", 1)]), action)
    set_outputs(G, [readout(G, H, W, tokens=(0,), origin={"paper": PAPER})])
    return G
