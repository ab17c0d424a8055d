"""Kajitsuka & Sato (ICLR 2024, arXiv:2307.14023): one rank-1 softmax attention layer is a contextual mapping.

Theorem 2: for tokenwise ``(r_min, r_max, eps)``-separated sequences without duplicate tokens, one
single-head softmax self-attention layer with rank-1 weights is an ``(r, delta)``-contextual mapping,
``r = r_max + eps/4``, ``delta`` exponentially small.  Theorem 1 (the negative side): one hardmax
layer is not enough in general.

Checked here, rigorously (Arb intervals, precision doubled until every comparison is decided;
exact rational arithmetic where possible):

* **KS-T1** (``d = n = 2``, vocabulary ``{(1,0), (0,2), (-1,-1)}``, all three 2-subsets, ``w = (3/5,
  4/5)``, ``eps = 11/5``): the layer is an ``(r = 51/20, delta = 10^-1397)``-contextual mapping (the
  theoretical delta is ``10^-1396.55``); the achieved minimum separation, about ``10^-487.7``, is
  certified at 2048 bits, and ``10^-487`` is REFUTED as a lower bound (it is really that small);
* Lemma 1's hypothesis (logit gaps ``>= 2 log n + 3``) holds exactly for the theorem's ``lambda``;
* random small vocabularies (``d in {1, 2, 3}``, ``n in {2, 3, 4}``, five tokens): Lemma 1's
  hypothesis and the contextual-mapping property with ``delta = 10^-2000``.  These use
  ``lambda`` from the *certified projection ratio* of the chosen ``w`` rather than the lemma's
  worst-case constant ``c``: still a valid lower bound, so the proof goes through, but the
  theorem's ``lambda`` would make the logits about ``10^7`` and the separations need millions of
  bits (UNKNOWN at the 16384-bit limit);
* **KS-T2**: for ``X1 = (1,3,4,6)`` and ``X2 = (1,2,5,6)`` (``d = 1``) every one-layer hardmax head
  gives token 1 the same output in both: the score is ``c x y``, so only the sign of ``c``
  matters; each sign, with a symbolic value weight, is an exact identity over ``Q[v]``; the rank-1
  softmax layer (``lambda`` from the projection ratio) separates every required pair of the two
  sequences by more than ``10^-17`` (certified);
* **KS-T3**, Lemma 1 on adversarial families (the top entries shared, the smallest entry moved
  towards ``-r``; gaps just above ``2 log n + 3``): ``|boltz(a) - boltz(b)| > (log n)^2 e^-2r``,
  certified, for ``n = 2, 3, 5``;
* **memorisation**: the layer followed by one FFN (a projection to a scalar context id and a ReLU
  staircase whose steps lie in certified gaps) outputs the labels *exactly*: each data point's id
  is enclosed with Arb, and the FFN is evaluated exactly over the enclosure (it is the constant
  label there); on KS-T1 and on random labelled datasets, with a claimed wrong label REFUTED;
* negative: with ``lambda`` a hundred times too small, Lemma 1's hypothesis is REFUTED exactly.
  (Ten times too small still satisfies it on KS-T1: the projection constant ``c`` is conservative
  by a factor of about 40 there, so the theorem's ``lambda`` is far larger than needed.)

The constants are a reconstruction (re-derived to reproduce the paper's delta).

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(29, 3)
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from symtrans import (
    Claim,
    Head,
    Obligation,
    Weights,
    add_input,
    attention_head,
    new_graph,
    residual,
    set_outputs,
)
from symtrans.constructions.kajitsuka2024 import (
    boltzmann_graph,
    contextual_mapping,
    memorizer,
    random_sequences,
)

V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
KS_T1 = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
X1 = [[1], [3], [4], [6]]
X2 = [[1], [2], [5], [6]]


def _ks_t1(lam_factor=1):
    return contextual_mapping(KS_T1, w=["3/5", "4/5"], eps="11/5", lam_factor=lam_factor).graph


def _random_sequences(seed, d, n, count=3, vocab=5):
    return random_sequences(seed, d, n, count, vocab)


def adversarial_family(n):
    """Vectors sharing their top n-1 entries (gaps 2 log n + 3 + 1/100) and differing in the smallest."""
    import math

    delta = Fraction(math.ceil((2 * math.log(n) + 3) * 10 ** 4) + 1, 10 ** 4)
    gap = delta + Fraction(1, 100)
    r = gap * n + 1
    top = [r - k * gap for k in range(n - 1)]
    low = top[-1] - gap
    return [top + [low], top + [low - gap], top + [-r]], r, delta


def _equivariant_labels(seqs, seed):
    """Random integer labels, one per (token, token set)."""
    rng = random.Random(seed)
    table = {}
    return [[table.setdefault((tuple(tok), frozenset(map(tuple, seq))), rng.randint(-5, 5)) for tok in seq]
            for seq in seqs]


def _hardmax_layer(sign):
    """One hardmax head on d = 1 tokens with score sign*x*y and a symbolic value weight v, plus the residual."""
    G = new_graph(f"hardmax-sign{sign}")
    X = add_input(G, "X", (4, 1))
    q = Weights.from_rows([[sign]])
    v = Weights((1, 1), {(0, 0): sympy.Symbol("v")})
    one = Weights.identity(1)
    head = Head(q, one, v, one, score="hardmax")
    set_outputs(G, [residual(G, X, attention_head(G, X, head, name="h", block=1), name="F", block=1)])
    return G


def obligations(quick: bool = True):
    r_t1 = {"sequences": KS_T1, "r": "51/20"}
    yield Obligation("kajitsuka2024/KS-T1 contextual mapping with the theoretical delta 10^-1397", _ks_t1,
                     Claim("contextual_mapping", expected=dict(r_t1, delta_log10=-1397)))
    yield Obligation("kajitsuka2024/KS-T1 achieved separation >= 10^-488", _ks_t1,
                     Claim("contextual_mapping", expected=dict(r_t1, delta_log10=-488)))
    yield Obligation("kajitsuka2024/KS-T1 separation is below 10^-487 (it is that small)", _ks_t1,
                     Claim("contextual_mapping", expected=dict(r_t1, delta_log10=-487)), expected="REFUTED")
    yield Obligation("kajitsuka2024/KS-T1 Lemma 1 hypothesis: logit gaps >= 2 log n + 3", _ks_t1,
                     Claim("logit_gap", expected={"sequences": KS_T1}))
    yield Obligation("kajitsuka2024/negative: lambda 100x too small breaks Lemma 1's hypothesis",
                     lambda: _ks_t1("1/100"), Claim("logit_gap", expected={"sequences": KS_T1}), expected="REFUTED")
    cases = [(1, 2), (1, 3), (2, 2), (2, 3), (3, 2), (3, 4)] if quick else \
        [(d, n) for d in (1, 2, 3) for n in (2, 3, 4)]
    for s, (d, n) in enumerate(cases):
        seqs = _random_sequences(100 + s, d, n)

        def build(seqs=seqs):
            return contextual_mapping(seqs, lam_from="ratio").graph

        yield Obligation(f"kajitsuka2024/random vocabulary d={d} n={n}: Lemma 1 hypothesis", build,
                         Claim("logit_gap", expected={"sequences": seqs}))
        yield Obligation(f"kajitsuka2024/random vocabulary d={d} n={n}: contextual mapping, delta 10^-2000", build,
                         Claim("contextual_mapping", expected={"sequences": seqs, "delta_log10": -2000,
                                                               "max_bits": 16384}))
    for n in (2, 3, 5):
        vectors, r, delta = adversarial_family(n)
        yield Obligation(f"kajitsuka2024/KS-T3 Lemma 1 on an adversarial family, n={n}",
                         lambda n=n: boltzmann_graph(n),
                         Claim("boltzmann", expected={"vectors": vectors, "r": r, "delta": delta, "max_bits": 8192}))
    t1_labels = [[1, 2], [3, 4], [5, 6]]
    yield Obligation("kajitsuka2024/memorise KS-T1 with six distinct labels, exactly",
                     lambda: memorizer(KS_T1, t1_labels, w=["3/5", "4/5"], eps="11/5").graph,
                     Claim("memorise", expected={"sequences": KS_T1, "labels": t1_labels, "z": "mem.z"}))
    wrong = [[1, 2], [3, 4], [5, 7]]
    yield Obligation("kajitsuka2024/negative: a wrong label is refuted",
                     lambda: memorizer(KS_T1, t1_labels, w=["3/5", "4/5"], eps="11/5").graph,
                     Claim("memorise", expected={"sequences": KS_T1, "labels": wrong, "z": "mem.z"}),
                     expected="REFUTED")
    for s_, (d, n) in enumerate([(1, 2), (2, 3), (3, 2)]):
        seqs = _random_sequences(300 + s_, d, n, count=4)
        labels = _equivariant_labels(seqs, 300 + s_)
        yield Obligation(f"kajitsuka2024/memorise a random dataset d={d} n={n}, exactly",
                         lambda seqs=seqs, labels=labels: memorizer(seqs, labels, lam_from="ratio").graph,
                         Claim("memorise", expected={"sequences": seqs, "labels": labels, "z": "mem.z"}))
    for sign, label in ((1, "c > 0"), (-1, "c < 0"), (0, "c = 0")):
        yield Obligation(f"kajitsuka2024/KS-T2 hardmax ({label}) gives token 1 the same output in X1 and X2",
                         lambda sign=sign: _hardmax_layer(sign),
                         Claim("same_output", expected={"inputs": [X1, X2], "row": 0}))
    yield Obligation("kajitsuka2024/KS-T2 the rank-1 softmax layer separates token 1 of X1 and X2",
                     lambda: contextual_mapping([X1, X2], lam_from="ratio").graph,
                     Claim("contextual_mapping", expected={"sequences": [[[str(v) for v in t] for t in X1],
                                                                         [[str(v) for v in t] for t in X2]],
                                                           "delta_log10": -17}))
