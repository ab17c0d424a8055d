"""Kajitsuka & Sato (ICLR 2024), "Are Transformers with One Layer Self-Attention Using Low-Rank
Weight Matrices Universal Approximators?", arXiv:2307.14023.

Theorem 2: for sequences
``X^(1..N)`` (tokens in Q^d) without duplicate tokens, tokenwise ``(r_min, r_max, eps)``-separated,
with vocabulary ``V``, one single-head softmax self-attention layer with rank-1 weights is an
``(r, delta)``-contextual mapping: outputs have norm ``<= r``, and the outputs of two token
positions are more than ``delta`` apart whenever the tokens differ or their sequences' token sets
differ.  ``r = r_max + eps/4`` and ``delta`` is exponentially small (below).

**The constants and weights are a reconstruction** (re-derived to reproduce the paper's delta),
not copied from the paper:

1. *Projection lemma.*  For ``S = V + {0}`` there is a unit ``w`` with
   ``c ||x - x'|| <= |w.(x - x')|`` on ``S``, ``c = sqrt(8/(pi d)) / |S|^2``.  We search rational
   unit vectors (inverse stereographic images of rational points) and check the inequality
   *exactly*, with ``c`` replaced by a certified rational lower bound (``pi < 355/113``).
2. *Weights* (head size 1, all rank 1; tokens are rows here): key and value ``x -> w.x``, query
   ``x -> lambda w.x``, output ``t -> (eps/(4 r_max)) t e_1``.
3. *Temperature* ``lambda >= (2 log n + 3)/(c^2 r_min eps)`` makes the logit gaps ``>= 2 log n + 3``
   (Lemma 1's hypothesis); every constant is replaced by a rational on the safe side.
4. *Output* ``F(X)_k = x_k + W_O boltz(a)/(lambda w.x_k)``: the read-out is at most ``r_max`` in
   size, so the perturbation is ``<= eps/4``; the Boltzmann operator separates different token
   multisets (Lemma 1), which separates the same token in different contexts.

The separations are astronomically small: for KS-T1 (``d = n = 2``, three tokens) the achieved
minimum is about ``10^-488`` and the theoretical ``delta`` about ``10^-1397``: float64 sees 0.

>>> from symtrans.constructions.kajitsuka2024 import contextual_mapping
>>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
>>> seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
>>> cm = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5")   # KS-T1: three 2-subsets of three tokens
>>> cm.vocabulary_size, round(float(cm.lam), 3), cm.r
(3, 400.872, Fraction(51, 20))
>>> contextual_mapping(seqs).w   # or let symtrans find a rational projection vector
(Fraction(12, 37), Fraction(35, 37))
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from ..backends import IntervalBackend
from ..channels import Channels
from ..errors import SpecError
from ..exact import exact_rational
from ..graph import (
    OP,
    OUTPUTS,
    add_input,
    add_op,
    from_json,
    new_graph,
    set_outputs,
    to_json,
)
from ..interpret import evaluate
from ..layers import Head, attention_head, residual
from ..ops import Hadamard, Linear, Normalize, Reduce, ReLU
from ..weights import Weights

__all__ = ["ContextualMapping", "contextual_mapping", "check_sequences", "projection_vector", "boltzmann_graph",
           "random_sequences", "Memorizer", "memorizer",
           "theoretical_delta"]

PAPER = "kajitsuka2024"
PI_UPPER = Fraction(355, 113)  # > pi


def _sqrt_bounds(q: Fraction, digits: int = 30):
    """Rational lower and upper bounds of sqrt(q) (q >= 0), within 10^-digits (equal when q is a square)."""
    p, r = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if p * p == q.numerator and r * r == q.denominator:
        return Fraction(p, r), Fraction(p, r)
    scale = 10 ** digits
    lo = Fraction(math.isqrt(q.numerator * scale * scale // q.denominator), scale)
    hi = lo + Fraction(1, scale)
    if hi * hi < q:  # pragma: no cover - isqrt floors, so this cannot happen
        raise SpecError("internal error in sqrt bounds")
    return lo, hi


def _sq(v):
    return sum(a * a for a in v)


def _sub(u, v):
    return tuple(a - b for a, b in zip(u, v))


def _dot(u, v):
    return sum(a * b for a, b in zip(u, v))


def check_sequences(sequences):
    """Check the hypotheses exactly; returns ``(X, n, d, vocabulary, r_min^2, r_max^2, eps^2)``.

    >>> check_sequences([[["1", "0"], ["1", "0"]]])
    Traceback (most recent call last):
    ...
    symtrans.errors.SpecError: field 'sequences': sequence 0 has the duplicate token (1, 0) at positions 0 and 1 (expected distinct tokens in every sequence)
    """
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise SpecError("no sequences given", field="sequences", expected="a non-empty list of sequences")
    X = []
    for s, seq in enumerate(sequences):
        if not isinstance(seq, (list, tuple)) or not seq:
            raise SpecError(f"sequence {s} is empty", field="sequences", expected="a list of tokens")
        tokens = []
        for t, tok in enumerate(seq):
            if not isinstance(tok, (list, tuple)) or not tok:
                raise SpecError(f"token {t} of sequence {s} is {tok!r}", field="sequences",
                                expected="a list of coordinates")
            tokens.append(tuple(exact_rational(v, f"sequence {s} token {t}") for v in tok))
        X.append(tokens)
    n, d = len(X[0]), len(X[0][0])
    for s, seq in enumerate(X):
        if len(seq) != n:
            raise SpecError(f"sequence {s} has {len(seq)} tokens", field="sequences", expected=f"{n} like sequence 0")
        for t, tok in enumerate(seq):
            if len(tok) != d:
                raise SpecError(f"token {t} of sequence {s} has {len(tok)} coordinates", field="sequences",
                                expected=f"{d} like the first token")
            if not any(tok):
                raise SpecError(f"token {t} of sequence {s} is the zero vector", field="sequences",
                                expected="nonzero tokens (r_min > 0)")
        seen = {}
        for t, tok in enumerate(seq):
            if tok in seen:
                fmt = "(" + ", ".join(str(v) for v in tok) + ")"
                raise SpecError(f"sequence {s} has the duplicate token {fmt} at positions {seen[tok]} and {t}",
                                field="sequences", expected="distinct tokens in every sequence")
            seen[tok] = t
    vocabulary = sorted({tok for seq in X for tok in seq})
    if n < 2:
        raise SpecError("sequences of one token", field="sequences", expected="n >= 2 tokens")
    norms = [_sq(v) for v in vocabulary]
    gaps = [_sq(_sub(u, v)) for i, u in enumerate(vocabulary) for v in vocabulary[i + 1:]]
    eps2 = min(gaps) if gaps else Fraction(4) * max(norms)
    return X, n, d, vocabulary, min(norms), max(norms), eps2


def _unit_vectors(d, rng):
    """Rational unit vectors: inverse stereographic images of small rational points."""
    yield tuple(Fraction(1 if i == 0 else 0) for i in range(d))
    for _ in range(20000):
        p = [Fraction(rng.randint(-12, 12), rng.randint(1, 12)) for _ in range(d - 1)]
        s = _sq(p)
        yield tuple([2 * a / (1 + s) for a in p] + [(s - 1) / (1 + s)])


def projection_vector(vocabulary, d, seed: int = 0, w=None):
    """A rational unit ``w`` with ``c_low^2 ||x - x'||^2 <= (w.(x - x'))^2`` on ``V + {0}``, checked exactly.

    Returns ``(w, c_low^2, min ratio^2)``; ``c_low^2 = 8 / (pi_upper d |S|^4) <= c^2``.  A given
    ``w`` must be an exact unit vector and is checked; otherwise rational unit vectors are searched.
    """
    S = list(vocabulary) + [tuple(Fraction(0) for _ in range(d))]
    c2 = Fraction(8) / (PI_UPPER * d * len(S) ** 4)
    diffs = [_sub(u, v) for i, u in enumerate(S) for v in S[i + 1:]]
    if w is not None:
        w = tuple(exact_rational(v, "w") for v in w)
        if len(w) != d or _sq(w) != 1:
            raise SpecError(f"w = {tuple(map(str, w))} is not a unit vector of dimension {d}", field="w",
                            expected="rationals with sum of squares exactly 1, e.g. (3/5, 4/5)")
        ratio = min(_dot(w, v) ** 2 / _sq(v) for v in diffs)
        if ratio < c2:
            raise SpecError(f"w fails the projection lemma (min ratio^2 {float(ratio):.3g} < c^2 {float(c2):.3g})",
                            field="w")
        return w, c2, ratio
    best = None
    rng = random.Random(seed)
    for k, w in enumerate(_unit_vectors(d, rng)):
        ratio = min(_dot(w, v) ** 2 / _sq(v) for v in diffs)
        if best is None or ratio > best[2]:
            best = (w, c2, ratio)
        if ratio >= c2 and (k > 200 or ratio >= 16 * c2):
            break
    if best[2] < c2:
        raise SpecError("no rational projection vector satisfies the projection lemma",
                        expected="a vocabulary for which the lemma's constant is attainable")
    return best


@dataclass
class ContextualMapping:
    """The construction's data: sequences, constants (exact rationals), weights and graph."""

    sequences: list
    n: int
    d: int
    vocabulary: list
    w: tuple
    c2_low: Fraction
    ratio2: Fraction
    r_min: Fraction  # a rational lower bound of the smallest token norm
    r_max: Fraction  # a rational upper bound of the largest token norm
    eps: Fraction  # a rational lower bound of the smallest distance between distinct tokens
    lam: Fraction
    scale: Fraction  # the output map's factor, <= eps / (4 r_max)
    graph: object

    @property
    def vocabulary_size(self):
        return len(self.vocabulary)

    @property
    def r(self) -> Fraction:
        """``r = r_max + eps/4`` (rational upper bound)."""
        return self.r_max + self.eps / 4

    def inputs(self, k):
        """The graph input for sequence ``k``."""
        return {"X": [list(tok) for tok in self.sequences[k]]}


def contextual_mapping(sequences, seed: int = 0, lam_factor=1, w=None, eps=None,
                       lam_from: str = "theorem") -> ContextualMapping:
    """Build the rank-1 softmax layer for ``sequences`` (lists of tokens, coordinates exact rationals).

    ``w`` fixes the projection vector (checked exactly), ``eps`` a rational lower bound of the
    token separation (checked: ``eps^2 <=`` the smallest squared distance); ``lam_factor`` scales
    the temperature (``1/10`` builds a deliberately too-small ``lambda``).

    ``lam_from="theorem"`` uses the lemma's worst-case constant ``c`` (the paper's ``lambda``);
    ``lam_from="ratio"`` uses the certified projection ratio of the chosen ``w`` instead (also a
    valid lower bound of ``|w.(x - x')| / ||x - x'||`` on ``V + {0}``, so Lemma 1's gap hypothesis
    still holds), which gives a far smaller ``lambda`` and separations that can be certified with
    thousands rather than millions of bits.
    """
    X, n, d, vocabulary, rmin2, rmax2, eps2 = check_sequences(sequences)
    w, c2_low, ratio2 = projection_vector(vocabulary, d, seed, w)
    r_min, _ = _sqrt_bounds(rmin2)
    _, r_max = _sqrt_bounds(rmax2)
    if eps is None:
        eps, _ = _sqrt_bounds(eps2)
    else:
        eps = exact_rational(eps, "eps")
        if eps <= 0 or eps * eps > eps2:
            raise SpecError(f"eps = {eps} is not a lower bound of the token separation", field="eps",
                            expected=f"0 < eps <= sqrt({eps2})")
    log_n_upper = Fraction(math.log(n)).limit_denominator(10 ** 9) + Fraction(1, 10 ** 8)
    if lam_from not in ("theorem", "ratio"):
        raise SpecError(f"lam_from = {lam_from!r}", field="lam_from", expected="'theorem' or 'ratio'")
    lam = (2 * log_n_upper + 3) / ((c2_low if lam_from == "theorem" else ratio2) * r_min * eps)
    lam = Fraction(math.ceil(lam * 1000), 1000) * exact_rational(lam_factor, "lam_factor")
    scale = Fraction(math.floor(eps / (4 * r_max) * 10 ** 6), 10 ** 6)
    G = new_graph(f"kajitsuka2024-d{d}-n{n}")
    Xn = add_input(G, "X", (n, d))
    one = Channels([("h", 1)])
    tokens = Channels([("x", d)])
    wk = Weights.from_action(tokens, one, [(("x", i), ("h", 0), w[i]) for i in range(d)])
    wq = Weights.from_action(tokens, one, [(("x", i), ("h", 0), lam * w[i]) for i in range(d)])
    wo = Weights.from_action(one, tokens, [(("h", 0), ("x", 0), scale)])
    head = Head(wq, wk, wk, wo, score="softmax", beta=1, axis="row")
    out = residual(G, Xn, attention_head(G, Xn, head, name="sa", block=1, origin={"paper": PAPER}),
                   name="F", block=1, origin={"paper": PAPER})
    set_outputs(G, [out])
    return ContextualMapping(X, n, d, vocabulary, w, c2_low, ratio2, r_min, r_max, eps, lam, scale, G)


def theoretical_delta(cm: ContextualMapping, prec: int = 256):
    """A rigorous enclosure (Arb) of the paper's delta for these constants (Kajitsuka & Sato 2024,
    Theorem 2's constant), and log10 of it::

        delta = [2 (log n)^2 eps^2 r_min / (r_max^2 (|V|+1)^4 (2 log n + 3) pi d)]
                * exp(-(|V|+1)^4 (2 log n + 3) pi d r_max^2 / (4 eps r_min))
    """
    import flint

    with flint.ctx.workprec(prec):
        n, V1, d = flint.arb(cm.n), flint.arb(cm.vocabulary_size + 1), flint.arb(cm.d)
        eps = flint.arb(flint.fmpq(cm.eps.numerator, cm.eps.denominator))
        rmin = flint.arb(flint.fmpq(cm.r_min.numerator, cm.r_min.denominator))
        rmax = flint.arb(flint.fmpq(cm.r_max.numerator, cm.r_max.denominator))
        logn, pi = n.log(), flint.arb.pi()
        core = V1 ** 4 * (2 * logn + 3) * pi * d
        delta = 2 * logn ** 2 * eps ** 2 * rmin / (rmax ** 2 * core) * (-(core * rmax ** 2) / (4 * eps * rmin)).exp()
        log10 = delta.log() / flint.arb(10).log()
    return delta, log10


def boltzmann_graph(n: int):
    """``boltz(a) = sum_k a_k e^(a_k) / sum_j e^(a_j)`` of a 1 x n input ``a``, as a graph.

    >>> from symtrans import evaluate, RationalBackend
    >>> G = boltzmann_graph(3)
    >>> RationalBackend().to_list(evaluate(G, RationalBackend(), {"a": [2, 2, 2]})["boltz"])
    [[2]]
    """

    if not isinstance(n, int) or n < 2:
        raise SpecError(f"n = {n!r}", field="n", expected="an integer >= 2")
    G = new_graph(f"boltzmann-n{n}")
    a = add_input(G, "a", (1, n))
    w = add_op(G, "softmax", Normalize("softmax", beta=1), [a], {"paper": PAPER})
    p = add_op(G, "weighted", Hadamard(), [w, a], {"paper": PAPER})
    set_outputs(G, [add_op(G, "boltz", Reduce("sum", 1), [p], {"paper": PAPER})])
    return G


def random_sequences(seed: int, d: int, n: int, count: int = 3, vocab: int = 5) -> list:
    """``count`` distinct sequences of ``n`` distinct tokens from a random vocabulary of ``vocab``
    nonzero integer tokens in ``[-3, 3]^d`` (reproducible from ``seed``), as rational strings.

    >>> len(random_sequences(0, 2, 3, count=4)), len(random_sequences(0, 2, 3)[0])
    (4, 3)
    """
    rng = random.Random(seed)
    vocabulary = set()
    while len(vocabulary) < vocab:
        tok = tuple(rng.randint(-3, 3) for _ in range(d))
        if any(tok):
            vocabulary.add(tok)
    vocabulary = sorted(vocabulary)
    seqs = set()
    while len(seqs) < count:
        seqs.add(tuple(rng.sample(vocabulary, n)))
    return [[list(map(str, tok)) for tok in seq] for seq in sorted(seqs)]


@dataclass
class Memorizer:
    """The one-layer memoriser: the contextual mapping, a projection ``z = v . F(X)_k`` and a ReLU staircase."""

    cm: ContextualMapping
    v: tuple
    labels: list
    steps: list  # (a, b, jump): the staircase rises by ``jump`` between a and b
    bits: int
    graph: object

    def parameter_count(self) -> dict:
        """Nonzero parameters against the paper's ``4(s + d) + d(2nN + d)`` (s = 1)."""

        d, n, N = self.cm.d, self.cm.n, len(self.cm.sequences)
        attention = 4 * (1 + d)  # four rank-1 maps, each u v^T with s + d numbers
        ffn = sum(self.graph.nodes[k][OP].nonzeros() for k in self.graph if k.startswith("mem."))
        return {"attention_rank1": attention, "ffn": ffn, "total": attention + ffn,
                "paper": 4 * (1 + d) + d * (2 * n * N + d)}


def memorizer(sequences, labels, max_bits: int = 8192, **mapping_options) -> Memorizer:
    """Memorise ``labels[i][k]`` (exact rationals) for token ``k`` of sequence ``i``, exactly.

    Labels must respect permutation equivariance: a token in sequences with the same token set
    gets one label.  The precision is doubled until a rational direction ``v`` separates, with
    certified gaps, the projected outputs of data points with different labels; the staircase's
    steps lie in those gaps, so it is constant (the label) on every point's enclosure.

    >>> V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    >>> m = memorizer([[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]], [[1, 2], [3, 4], [5, 6]],
    ...               w=["3/5", "4/5"], eps="11/5")
    >>> m.bits, len(m.steps), m.parameter_count()["paper"]
    (2048, 5, 40)
    """

    cm = contextual_mapping(sequences, **mapping_options)
    if not isinstance(labels, (list, tuple)) or len(labels) != len(cm.sequences) or any(
            not isinstance(row, (list, tuple)) or len(row) != cm.n for row in labels):
        raise SpecError("labels do not match the sequences", field="labels",
                        expected=f"{len(cm.sequences)} rows of {cm.n} labels")
    Y = [[exact_rational(v, f"label {i},{k}") for k, v in enumerate(row)] for i, row in enumerate(labels)]
    seen = {}
    for i, seq in enumerate(cm.sequences):
        for k, tok in enumerate(seq):
            key = (tok, frozenset(seq))
            if key in seen and seen[key] != Y[i][k]:
                raise SpecError(f"token {k} of sequence {i} needs label {seen[key]} (permutation equivariance)",
                                field="labels", expected="one label per token and token set")
            seen[key] = Y[i][k]
    rng = random.Random(1)
    directions = [tuple(Fraction(int(j == c)) for j in range(cm.d)) for c in range(cm.d)] + [cm.w] + [
        tuple(Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(cm.d)) for _ in range(20)]
    node = cm.graph.graph[OUTPUTS][0]
    bits = 64
    while bits <= max_bits:
        bk = IntervalBackend(prec=bits)
        outs = [bk.to_list(evaluate(cm.graph, bk, cm.inputs(i))[node]) for i in range(len(cm.sequences))]
        for v in directions:
            with bk.session():
                points = []
                for i, rows in enumerate(outs):
                    for k, row in enumerate(rows):
                        z = sum((bk.scalar(c) * e for c, e in zip(v, row) if c), bk.zero())
                        lo, hi = bk.bounds(z)
                        points.append((lo, hi, Y[i][k]))
            steps = _staircase(points)
            if steps is not None:
                G = from_json(to_json(cm.graph))
                G.graph["outputs"] = []
                one = Channels([("z", 1)])
                zn = add_op(G, "mem.z", Linear(Weights.from_action(Channels([("x", cm.d)]), one,
                                                                   [(("x", j), ("z", 0), c) for j, c in enumerate(v)])),
                            [node], {"paper": PAPER, "role": "ffn", "part": "projection"})
                hidden = Channels([("u", 2 * len(steps))])
                w1, b1, w2 = [], {}, []
                for s_, (a, b, jump) in enumerate(steps):
                    slope = 1 / (b - a)
                    w1 += [(("z", 0), ("u", 2 * s_), slope), (("z", 0), ("u", 2 * s_ + 1), slope)]
                    b1[(0, 2 * s_)], b1[(0, 2 * s_ + 1)] = -a * slope, -a * slope - 1
                    w2 += [(("u", 2 * s_), ("y", 0), jump), (("u", 2 * s_ + 1), ("y", 0), -jump)]
                first = min(points)[2]
                h = add_op(G, "mem.hidden", Linear(Weights.from_action(one, hidden, w1),
                                                   Weights((1, hidden.width), b1)), [zn],
                           {"paper": PAPER, "role": "ffn", "part": "hidden"})
                r = add_op(G, "mem.relu", ReLU(), [h], {"paper": PAPER, "role": "ffn", "part": "activation"})
                out = add_op(G, "mem.out", Linear(Weights.from_action(hidden, Channels([("y", 1)]), w2),
                                                  Weights((1, 1), {(0, 0): first})), [r],
                             {"paper": PAPER, "role": "ffn", "part": "output"})
                G.graph["outputs"] = [out]
                return Memorizer(cm, v, Y, steps, bits, G)
        bits *= 2
    raise SpecError(f"no direction separates the labels within {max_bits} bits", field="max_bits",
                    expected="a larger max_bits")


def _staircase(points):
    """Steps (a, b, jump) between consecutive groups of equal labels, or None if groups overlap."""
    points = sorted(points)
    groups = []
    for lo, hi, y in points:
        if groups and groups[-1][2] == y and lo <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], hi)
            continue
        if groups and lo <= groups[-1][1]:
            return None
        groups.append([lo, hi, y])
    steps = []
    for (lo0, hi0, y0), (lo1, hi1, y1) in zip(groups, groups[1:]):
        if y1 != y0:
            steps.append((hi0, lo1, y1 - y0))
    return steps
