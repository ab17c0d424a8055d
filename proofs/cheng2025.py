"""Cheng, Lin, Shen & Li (NeurIPS 2025, arXiv:2506.23551): the conditions of the UAP framework, checked
on concrete layers, and the sparse-attention applications' groups and layer counts.

The main theorem is not constructive; what a reviewer can check is each condition on concrete
attention families and each application's group and number of layers (``docs/cheng2025.rst``).
Obligations (the project's checklist for the paper):

* **CL-1** Corollary 1's kernel condition: the log-ratio ``log k(x, tWy1) - log k(x, tWy2)`` expanded
  in ``t``; its leading coefficient difference is a nonzero polynomial (a rational witness), so the
  ratio tends to 0 or infinity off a proper algebraic set of ``W``: exp, RBF, RBF times a positive
  polynomial, exp times a polynomial, the paper's new ``exp(w.(x + y))`` and Performer's kernel with
  four fixed rational features (its sum of exponentials grows only like ``t``, the Gaussian factor's
  ``t^2`` difference dominates) PROVED; ``(1 + x.y)^2`` and ``k = 1`` inconclusive (UNKNOWN, as
  as expected: not refuted).
* **CL-2** appendix C.2's sum kernel ``exp(w.x) + exp(w.y)``: on a box of ``W`` where ``w.W y1`` and
  ``w.W y2`` are certainly negative (Arb), the ratio tends to 1: the condition REFUTED on an open set.
* **CL-3** RBF with antipodal keys: the ``t^2`` coefficient vanishes identically (the paper's
  "non-zero quadratic" sentence fails), the condition holds through the ``t`` term.

* **CL-4** two-sample token distinguishability (d = 2, n = 3, one residual layer): softmax,
  RBF-kernel and Performer attention with rational weights make all six output tokens pairwise
  distinct (certified disjoint enclosures).
  Under a symmetry group (a circulant window, ``D_5``) a sequence and its rotation form one orbit:
  orbit-aware pairs PROVED; without the group the two collide exactly (REFUTED).
* **CL-5** the uniform kernel ``k = 1``: token (1, 0) of ``X = ((1,0), (0,2), (-1,-2))`` and of
  ``Y = ((1,0), (1,1), (-2,-1))`` has the same output for *every* ``W_V`` (an identity over
  ``Q[W_V]``), so distinguishability is REFUTED by an exact collision.
* **CL-6** ``Aut`` of sparse patterns: the circulant window of width ``w`` has ``Aut = D_n`` for
  ``n = 5..12`` and ``1 <= w <= floor((n-1)/2) - 1``; at even ``n`` with ``w = n/2 - 1`` (outside the
  corollary's bound) "``Aut = D_n``" is REFUTED by an automorphism outside ``D_n``, and the true orders
  are 48 (``n = 6``) and 384 (``n = 8``); the one-sided window has ``Aut = C_n``; the non-circular
  sliding window only the reversal (order 2).
* **CL-7** hop counts: ``ceil((n-1)/w)`` layers for the sliding window, ``ceil(floor(n/2)/w)`` for the
  circulant window, 2 with a global token; "``ceil(n/(2w))`` layers for Longformer" REFUTED.
* **CL-8** the circular convolution mixer with ``l + 1`` taps reaches every token after
  ``ceil((n-1)/l)`` layers and not one fewer: on its pattern (boolean products) and on the mixer
  itself (``TokenMix`` ops, exact over ``Q[psi]``: every output token contains every input token's
  variables, with rational and with symbolic ``psi``); one layer too few leaves a pair out
  (REFUTED), and one layer maps two sequences that agree on tokens 0 and 1 to the same token 0, an
  exact collision.
* **CL-9** the analyticity audit: softmax, RBF, Performer and Linformer attention PROVED; hardmax
  attention, top-2 routing, linear attention with elu + 1 features, a ReLU layer and a kernel with
  ``abs`` REFUTED.  The zero map is in the family: with ``W_V = 0`` the layer is the identity
  (formal identity, exp uninterpreted), for softmax and Linformer.
* **CL-11** Definition 2's closure: ``W h(A x - b)`` for a ReLU FFN ``h`` equals the FFN with weights
  ``A W1, b1 - b W1, W2 W, b2 W`` for every input and weight (ReLU uninterpreted), a sign error
  REFUTED at a point; Theorem 1's hypothesis ``d >= 2`` fails at ``d = 1``.  Linformer (Cor. 3: UAP
  without symmetry) separates a sequence from its rotation: all six output tokens of ``X`` and
  ``sigma X`` pairwise distinct, while the dense softmax layer, being permutation-equivariant, maps
  them to the same tokens (REFUTED by an exact collision).
* **CL-10** equivariance: the circulant-window layer under ``D_n``, the one-sided window under
  ``C_n`` PROVED; the one-sided window under a reflection REFUTED.

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(119, 22)
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

import sympy

from symtrans import Claim, Obligation, Weights
from symtrans.constructions.cheng2025 import attention_layer, convolution_mixer, ffn_closure
from symtrans.kinds.equivariant import cyclic_generators, dihedral_generators
from symtrans.graph import add_input, add_op, new_graph, set_outputs
from symtrans.ops import FeatureMap, Kernel, Linear, ReLU

X_CL = [[1, 0], [0, 2], [-1, -2]]
Y_CL = [[1, 0], [1, 1], [-2, -1]]
W_Q = Weights.from_rows([["1/2", 1], [-1, "1/3"]])
W_K = Weights.from_rows([[1, "-1/2"], ["2/3", 1]])
W_V = Weights.from_rows([[1, "1/4"], ["-1/2", 1]])
#: Four fixed rational features for Performer (columns), pairwise linearly independent.
OMEGA = [[1, 0], [0, 1], [-1, "1/2"], ["1/3", -1]]
PERFORMER = FeatureMap(Weights.from_rows([list(c) for c in zip(*OMEGA)]), "positive")
#: Linformer's token-axis maps for keys and values (k = 2 landmarks from n = 3 tokens).
LINFORMER = (Weights.from_rows([[1, "1/2", 0], [0, "1/3", 1]]), Weights.from_rows([["1/2", 0, 1], [1, 1, 0]]))
PERFORMER_KERNEL = "exp(-(qq + kk)/2) * (" + " + ".join(f"exp(oq{j} + ok{j})" for j in range(1, 5)) + ")"


def _layer(score="softmax", kernel=None, window=None, n=3, value=W_V, **options):
    return lambda: attention_layer(n, 2, W_Q, W_K, value, score=score, kernel=kernel, window=window, **options)


def _symbolic_value():
    v = sympy.symbols("v11 v12 v21 v22")
    return Weights((2, 2), {(0, 0): v[0], (0, 1): v[1], (1, 0): v[2], (1, 1): v[3]})


def obligations(quick: bool = True):
    # CL-1: Corollary 1's condition, by the expansion of the log-ratio in the key scale t.
    for label, kernel, verdict in (("exp(x.y) (softmax)", "exp(s)", "PROVED"), ("RBF", "exp(-r)", "PROVED"),
                                   ("RBF times a positive polynomial p(x - y)", "exp(-r/2)*(1 + r)", "PROVED"),
                                   ("exp(x.y) times a polynomial", "exp(s)*(1 + s**2)", "PROVED"),
                                   ("polynomial (1 + x.y)^2: inconclusive, not refuted", "(1 + s)**2", "UNKNOWN"),
                                   ("uniform k = 1: inconclusive", "1", "UNKNOWN")):
        yield Obligation(f"cheng2025/CL-1 kernel condition: {label}", None,
                         Claim("kernel_limit", expected={"kernel": kernel}), expected=verdict)
    yield Obligation("cheng2025/CL-1 kernel condition: exp(w.(x + y)), the paper's new kernel", None,
                     Claim("kernel_limit", expected={"kernel": "exp(wq + wk)", "w": [1, "1/2"]}))
    yield Obligation("cheng2025/CL-1 kernel condition: Performer, four fixed rational features", None,
                     Claim("kernel_limit", expected={"kernel": PERFORMER_KERNEL, "omega": OMEGA}))
    # CL-2: appendix C.2's sum kernel exp(w.x) + exp(w.y).  Where w.W y1 < 0 and w.W y2 < 0 (an open set of
    # W) both key terms vanish and the ratio tends to exp(w.x)/exp(w.x) = 1: "for almost every W_K" fails.
    yield Obligation("cheng2025/CL-2 the sum kernel exp(w.x) + exp(w.y) satisfies the condition for a.e. W", None,
                     Claim("kernel_limit", expected={"kernel": "exp(wq) + exp(wk)", "w": [1, 1]}),
                     expected="REFUTED")
    # CL-3: for antipodal keys y2 = -y1 the t^2 coefficient of the RBF log-ratio, |W y1|^2 - |W y2|^2, is 0 for
    # every W: the paper's "non-zero quadratic" sentence fails there; the condition survives through the t term.
    antipodal = ("(w11*y1 + w12*y2)**2 + (w21*y1 + w22*y2)**2 - ((-w11*y1 - w12*y2)**2 + (-w21*y1 - w22*y2)**2) == 0")
    yield Obligation("cheng2025/CL-3 RBF: the t^2 coefficient vanishes identically for antipodal keys", None,
                     Claim("scalar", expected={"relation": antipodal,
                                               "free": ["w11", "w12", "w21", "w22", "y1", "y2"]}))
    yield Obligation("cheng2025/CL-3 RBF: the condition still holds for antipodal keys, through the t term", None,
                     Claim("kernel_limit", expected={"kernel": "exp(-r)", "x": [1, 2], "y1": [1, 1],
                                                     "y2": [-1, -1]}))

    pair = {"sequences": [X_CL, Y_CL]}
    # CL-4: two-sample distinguishability with one residual layer, certified.
    for label, score, kernel in (("softmax", "softmax", None), ("RBF kernel", "kernel", Kernel.rbf(1)),
                                 ("exp kernel", "kernel", Kernel.exp())):
        yield Obligation(f"cheng2025/CL-4 {label} attention distinguishes the tokens of X and Y",
                         _layer(score, kernel), Claim("distinct_tokens", expected=pair))
    yield Obligation("cheng2025/CL-4 Performer attention (four rational features) distinguishes the tokens of X and Y",
                     _layer("features", features=PERFORMER), Claim("distinct_tokens", expected=pair))
    # CL-4 under a symmetry group: a circulant-window layer is D_5-equivariant, so a sequence and its rotation
    # are one orbit and their outputs are permutations of each other; orbit-aware pairs skip them.
    x5 = [[1, 0], [0, 2], [-1, -2], [2, 1], [1, 3]]
    y5 = [[1, 0], [1, 1], [-2, -1], [0, 3], [2, 2]]
    orbit = {"sequences": [x5, x5[1:] + x5[:1], y5]}
    sparse = _layer(window={"name": "circulant", "w": 1}, n=5)
    yield Obligation("cheng2025/CL-4 circulant-window layer, orbit-aware pairs under D_5: distinguished", sparse,
                     Claim("distinct_tokens", expected=dict(orbit, generators=dihedral_generators(5))))
    yield Obligation("cheng2025/CL-4 the same without the group: a sequence and its rotation collide exactly", sparse,
                     Claim("distinct_tokens", expected=orbit), expected="REFUTED")
    # CL-11 (scope): Theorem 1 assumes d >= 2; at d = 1 the engine does not apply it.
    yield Obligation("cheng2025/CL-11 Theorem 1's hypothesis d >= 2 at d = 1", None,
                     Claim("scalar", expected={"relation": "d >= 2", "values": {"d": 1}}), expected="REFUTED")
    # CL-11: Definition 2's closure: W h(A x - b) for a ReLU FFN h is again an FFN of the same width
    # (weights A W1, b1 - b W1, W2 W, b2 W), for every input and every weight, whatever the activation.
    yield Obligation("cheng2025/CL-11 a ReLU FFN family is closed under h -> W h(A . - b) (all weights symbolic)",
                     ffn_closure, Claim("formal_identity", output="moved", expected={"other": "refit"}))
    yield Obligation("cheng2025/CL-11 negative: the refit with b1 + b W1 (a sign error) is not the same map",
                     lambda: ffn_closure(shift_sign=1),
                     Claim("formal_identity", output="moved", expected={"other": "refit"}), expected="REFUTED")
    # CL-11 (Cor. 3): Linformer's token-axis maps break the permutation symmetry: X and its rotation are separated.
    rotated = {"sequences": [X_CL, X_CL[1:] + X_CL[:1]]}
    yield Obligation("cheng2025/CL-11 Linformer separates X from its rotation (all six tokens distinct)",
                     _layer(tokens=LINFORMER), Claim("distinct_tokens", expected=rotated))
    yield Obligation("cheng2025/CL-11 dense softmax does not: X and its rotation share their tokens",
                     _layer(), Claim("distinct_tokens", expected=rotated), expected="REFUTED")
    # CL-5: the uniform kernel averages: token (1, 0) gets (1, 0) + W_V mean, and both means are 0.
    uniform = Kernel.constant()
    yield Obligation("cheng2025/CL-5 uniform kernel: token (1,0) has the same output in X and Y for every W_V",
                     lambda: attention_layer(3, 2, W_Q, W_K, _symbolic_value(), score="kernel", kernel=uniform),
                     Claim("same_output", expected={"inputs": [X_CL, Y_CL], "row": 0}))
    yield Obligation("cheng2025/CL-5 uniform kernel: the tokens of X and Y are not distinguished",
                     _layer("kernel", uniform), Claim("distinct_tokens", expected=pair), expected="REFUTED")

    # CL-6: automorphism groups of sparse patterns.
    for n in range(5, 13):
        for w in range(1, (n - 1) // 2):
            yield Obligation(f"cheng2025/CL-6 circulant window n={n} w={w}: Aut = D_{n}", None,
                             Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": n, "w": w}],
                                                              "generators": dihedral_generators(n),
                                                              "order": 2 * n}))
        yield Obligation(f"cheng2025/CL-6 one-sided window n={n} w=2: Aut = C_{n}", None,
                         Claim("automorphisms", expected={"patterns": [{"name": "one_sided", "n": n, "w": 2}],
                                                          "generators": cyclic_generators(n), "order": n}))
        yield Obligation(f"cheng2025/CL-6 sliding window n={n} w=2 (not circular): only the reversal", None,
                         Claim("automorphisms", expected={"patterns": [{"name": "window", "n": n, "w": 2}],
                                                          "generators": [list(range(n))[::-1]], "order": 2}))
    for n, order in ((6, 48), (8, 384)):
        w = n // 2 - 1
        yield Obligation(f"cheng2025/CL-6 circulant window n={n} w={w} (beyond the bound): Aut = D_{n}", None,
                         Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": n, "w": w}],
                                                          "generators": dihedral_generators(n)}),
                         expected="REFUTED")
        yield Obligation(f"cheng2025/CL-6 circulant window n={n} w={w}: |Aut| = {order}", None,
                         Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": n, "w": w}],
                                                          "order": order}))
    yield Obligation("cheng2025/CL-6 n=4 w=1 also gives D_4 (excluded by the corollary's bound, not tight)", None,
                     Claim("automorphisms", expected={"patterns": [{"name": "circulant", "n": 4, "w": 1}],
                                                      "generators": dihedral_generators(4), "order": 8}))

    # CL-7: hop counts (with the residual connection, every token keeps itself).
    for n in (5, 8, 9, 12):
        for w in (1, 2, 3):
            yield Obligation(f"cheng2025/CL-7 sliding window n={n} w={w}: ceil((n-1)/w) layers", None,
                             Claim("hops", expected={"patterns": [{"name": "window", "n": n, "w": w}],
                                                     "layers": ceil((n - 1) / w)}))
            yield Obligation(f"cheng2025/CL-7 circulant window n={n} w={w}: ceil(floor(n/2)/w) layers", None,
                             Claim("hops", expected={"patterns": [{"name": "circulant", "n": n, "w": w}],
                                                     "layers": ceil((n // 2) / w)}))
    yield Obligation("cheng2025/CL-7 Longformer with a global token: 2 layers", None,
                     Claim("hops", expected={"patterns": [{"name": "longformer", "n": 12, "w": 1, "hubs": [0]}],
                                             "layers": 2}))
    yield Obligation("cheng2025/CL-7 'ceil(n/(2w)) layers for Longformer' at n=9, w=2", None,
                     Claim("hops", expected={"patterns": [{"name": "window", "n": 9, "w": 2}],
                                             "layers": ceil(9 / 4)}), expected="REFUTED")

    # CL-8: the circular convolution mixer [g(X)]_i = sum_{k<=l} psi_k x_{i+k mod n} reaches i..i+l per layer.
    for n, l in ((5, 1), (8, 2), (12, 3)):
        need = ceil((n - 1) / l)
        conv = [{"name": "one_sided", "n": n, "w": l}]
        yield Obligation(f"cheng2025/CL-8 convolution mixer n={n} l={l}: {need} layers", None,
                         Claim("hops", expected={"patterns": conv, "layers": need}))
        yield Obligation(f"cheng2025/CL-8 convolution mixer n={n} l={l}: {need - 1} layers are not enough", None,
                         Claim("hops", expected={"patterns": conv, "layers": need - 1}), expected="REFUTED")
        # The mixer itself (linear, exact): every output token contains every input token after `need` layers.
        taps = [1] + [Fraction(1, k + 1) for k in range(l)]
        yield Obligation(f"cheng2025/CL-8 the mixer itself, n={n} l={l} rational psi: {need} layers reach every token",
                         lambda n=n, need=need, taps=taps: convolution_mixer(n, 2, taps, need),
                         Claim("token_dependence"))
        yield Obligation(f"cheng2025/CL-8 the mixer itself, n={n} l={l}: {need - 1} layers miss a token",
                         lambda n=n, need=need, taps=taps: convolution_mixer(n, 2, taps, need - 1),
                         Claim("token_dependence"), expected="REFUTED")
    psi = sympy.symbols("psi0 psi1")
    yield Obligation("cheng2025/CL-8 the mixer n=5 l=1 with symbolic psi: 4 layers reach every token over Q[psi]",
                     lambda: convolution_mixer(5, 2, list(psi), 4), Claim("token_dependence"))
    # One layer: token 0 sees tokens 0 and 1 only, so two sequences agreeing there collide at token 0.
    agree = {"sequences": [[[1, 0], [0, 2], [-1, -2], [2, 1], [1, 3]], [[1, 0], [0, 2], [-1, -1], [2, 2], [1, 1]]]}
    yield Obligation("cheng2025/CL-8 one convolution layer (n=5, l=1) does not distinguish: exact collision",
                     lambda: convolution_mixer(5, 2, [1, "1/2"], 1), Claim("distinct_tokens", expected=agree),
                     expected="REFUTED")

    # CL-9: the analyticity audit.
    yield Obligation("cheng2025/CL-9 softmax attention is analytic", _layer(), Claim("analytic"))
    yield Obligation("cheng2025/CL-9 RBF-kernel attention is analytic", _layer("kernel", Kernel.rbf(1)),
                     Claim("analytic"))
    yield Obligation("cheng2025/CL-9 Performer attention is analytic", _layer("features", features=PERFORMER),
                     Claim("analytic"))
    yield Obligation("cheng2025/CL-9 Linformer attention is analytic", _layer(tokens=LINFORMER), Claim("analytic"))
    yield Obligation("cheng2025/CL-9 hardmax attention is not", _layer("hardmax"), Claim("analytic"),
                     expected="REFUTED")
    yield Obligation("cheng2025/CL-9 top-2 routing is not", _layer(top=2), Claim("analytic"), expected="REFUTED")
    yield Obligation("cheng2025/CL-9 linear attention with elu + 1 features is not",
                     _layer("features", features=FeatureMap(Weights.identity(2), "elu1")), Claim("analytic"),
                     expected="REFUTED")
    yield Obligation("cheng2025/CL-9 a kernel with abs is not", _layer("kernel", Kernel("exp(-abs(s))")),
                     Claim("analytic"), expected="REFUTED")
    yield Obligation("cheng2025/CL-9 a ReLU FFN layer is not", _relu_layer, Claim("analytic"), expected="REFUTED")
    # The zero map is attainable (Theorem 2's reduction needs it): W_V = 0 leaves only the residual.
    zero = Weights((2, 2), {})
    for label, options in (("softmax", {}), ("Linformer", {"tokens": LINFORMER})):
        yield Obligation(f"cheng2025/CL-9 zero map in the family: {label} with W_V = 0 is the identity",
                         _layer(value=zero, **options), Claim("formal_identity", output="layer", expected={"other": "X"}))

    # CL-10: equivariance of sparse layers (exp uninterpreted), n = 5.
    n = 5
    reflection = [[(-i) % n for i in range(n)]]
    yield Obligation(f"cheng2025/CL-10 circulant-window layer is D_{n}-equivariant",
                     _layer(window={"name": "circulant", "w": 1}, n=n),
                     Claim("equivariant", output="layer", expected={"generators": dihedral_generators(n),
                                                                     "order": 2 * n}))
    yield Obligation(f"cheng2025/CL-10 one-sided-window layer is C_{n}-equivariant",
                     _layer(window={"name": "one_sided", "w": 1}, n=n),
                     Claim("equivariant", output="layer", expected={"generators": cyclic_generators(n), "order": n}))
    yield Obligation("cheng2025/CL-10 one-sided-window layer is not reflection-equivariant",
                     _layer(window={"name": "one_sided", "w": 1}, n=n),
                     Claim("equivariant", output="layer", expected={"generators": reflection}), expected="REFUTED")


def _relu_layer():
    G = new_graph("relu_layer")
    x = add_input(G, "X", (3, 2))
    h = add_op(G, "h", Linear(W_Q), [x])
    set_outputs(G, [add_op(G, "r", ReLU(), [h])])
    return G
