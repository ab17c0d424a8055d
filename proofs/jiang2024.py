"""Jiang & Li (NeurIPS 2024, arXiv:2305.18475): the checkable steps of the representation and rate proofs.

The obligations are JL-1 .. JL-11, the project's checklist for the paper; each suspected
error of the paper is an obligation whose docstring-comment says what the paper prints, what is
true, and why.  Checked here (every verdict exact or certified; see ``docs/jiang2024.rst``):

* **JL-1** the Eq. (5) model (ReLU ``f^`` and ``F^`` around one softmax head) is permutation
  equivariant: an exact identity for the generators of ``S_tau`` with ``exp`` and ReLU left
  uninterpreted (``tau = 2, 3, 4``; ``tau = 5`` in the full run, about 140 s).  Control: with a causal mask it is
  not, REFUTED at an input.
* **JL-2** Theorem 4.1's weights: ``rho = log 2`` on equal positions gives softmax weights exactly
  ``2/(tau+1)`` and ``1/(tau+1)`` for ``tau = 3``, ``I^(s) = [s, s + 1/2]``, on the *whole* domain
  ``X^(E)`` (exact polytope cells; ``exp(log 2) = 2``).  ``1/tau`` REFUTED.
* **JL-3** Eq. (23) lists ``2 tau d + 2`` components of ``f``; the text's ``n = 2 tau d + 1`` REFUTED, by
  counting and on the construction built as printed (its stream width); the corrected one has ``tau d + 1``.
* **JL-4** the printed ``F_1`` needs ``psi_t(x_t)``, which the attention output does not determine:
  "the output at ``t = 1`` determines ``H_1``" REFUTED by the exact pair ``(0, 2)``, ``(1/4, 3)``, and
  the same pair found by a search of ``I1 x I2``.
* **JL-5** the statement survives: a corrected construction (``f = (e_s (x) x(s), b_s)``, ``n = tau d + 1``,
  ``F^`` gated by big-M) computes ``H_t = max(x_1, x_2 - 2) - x_t`` on ``I1 x I2`` exactly, its position
  labels ``1/3`` and ``2/3`` are constant (disjoint images), and its attention output determines ``x``.
* **JL-6** a rank-``r`` coupling is represented with zero attention error once ``m_h = r`` (every score
  an identity); ``m_h = r - 1`` REFUTED at a rational point; the positional coupling's POD rank is 2.
* **JL-7** the printed key index ``e_(k + m_h + 1)`` makes the last key read the value block: REFUTED;
  ``e_(k + m_h)`` PROVED.
* **JL-8** the rate step: (a) on the Haar example (singular values 1 and 1/10) the printed
  ``int |rho - rho~| <= sum_(k>1) sigma_k^2`` REFUTED, the Cauchy-Schwarz form PROVED with equality;
  (b) ``sigma_k = 10/k``, ``m = 1``: ``sum_(k>m) sigma_k^2 <= C_1 m^-(2a-1)`` REFUTED by a partial sum,
  the whole tail ``100 (pi^2/6 - 1)`` within the corrected bound.
* **JL-9** the temporal-mixing example's singular values, from the coupling itself (exact Gram matrices,
  characteristic polynomial, isolated roots): ``sqrt((7 +- sqrt 33)/8)`` and ``1/2``; the printed
  ``1.265`` REFUTED to three decimals; mixing raised the rank from 2 to 3.
* **JL-10** Prop. 6.3: ``rho(s) = e^(-s/gamma)`` gives ``C_RNN = 1 + gamma``; "``C_RNN <= gamma``" REFUTED.
* **JL-11** nearest point: the scores are ``-|u - v|^2`` up to a row constant (so the hardmax is the
  nearest point for every ``u``), the text's ``+|u - v|^2`` REFUTED; selection weights ``count/3`` in
  ``{0, 1/3, 2/3, 1}`` exactly on a whole cube, the text's ``1/2`` REFUTED.

  A continuous variant (``g(u) = 1 - 2u``) computes every number: singular values ``1, 1/30``,
  ``int |rho - rho~| = 1/40`` by exact integration over cells; the printed step REFUTED again.
  (c) the self-attention terms live on the diagonal, a null set: a bump of width ``1/M`` has
  ``rho(u, u) = 1`` but ``int int |rho| = 1/M - 1/(3M^2)``, so the ratio grows like ``M``.

Not checked here: the factor ``tau^2`` by which identity (43) is off (the checklist records it without the
algebra to check); Theorem 4.2's infimum over all models and the density claim are not checkable
statements (an infimum over a function class, a closure).

>>> obs = list(obligations())
>>> len(obs), sum(o.expected == "REFUTED" for o in obs)
(86, 21)
"""

from __future__ import annotations

from fractions import Fraction
from math import factorial

from symtrans import Box, Claim, Obligation, Weights
from symtrans.constructions.jiang2024 import (
    Tokenwise,
    corrected_representation,
    coupling_model,
    diagonal_bump,
    eq5_model,
    f1_gap_model,
    nearest_point_scores,
    paper_f_components,
    paper_representation,
    rank_one_residual,
    representation_weights,
    selection_average,
)
from symtrans.graph import add_input, add_op, new_graph, set_outputs
from symtrans.kinds.equivariant import symmetric_generators
from symtrans.ops import Linear, Mask, ReLU
from symtrans.targets import GraphTarget, Polynomial

INTERVALS = [("1", "3/2"), ("2", "5/2"), ("3", "7/2")]  # I^(s) = [s, s + 1/2], tau = 3


def _eq5(tau, mask=None):
    """An Eq. (5) model with small rational weights: f^ and F^ ReLU FFNs, one softmax head, d = 2."""
    f = Tokenwise(Weights.from_rows([[1, "1/2", 0], [-1, 1, 2]]), Weights.from_rows([[0, "-1/3", 1]]),
                  Weights.from_rows([[1, 0], [2, 1], [0, -1]]))
    F = Tokenwise(Weights.from_rows([[1, -1], [1, 1]]), None, Weights.from_rows([[1], [-2]]))
    G = eq5_model(tau, 2, f, Weights.from_rows([[1], ["1/2"]]), Weights.from_rows([["2/3"], [-1]]),
                  Weights.from_rows([[1, 0], [1, 1]]), F)
    if mask is not None:
        G.nodes["head.weights"]["op"] = type(G.nodes["head.weights"]["op"])("softmax", 1, "row", mask)
    return G


def _constant_target(value, dimension):
    """A target graph: the constant ``value`` on R^dimension."""
    T = new_graph("constant")
    x = add_input(T, "x", (1, dimension))
    set_outputs(T, [add_op(T, "c", Linear(Weights.zeros(dimension, 1), Weights.from_rows([[value]])), [x])])
    return GraphTarget(T)


def _relu_target(rows, out, name):
    """A target graph on R^2: ``relu(x W + b) out`` (each hidden unit one row ``(w1, w2, b)``)."""
    T = new_graph(name)
    x = add_input(T, "x", (1, 2))
    W = Weights((2, len(rows)), {(i, j): r[i] for j, r in enumerate(rows) for i in range(2) if r[i]})
    b = Weights((1, len(rows)), {(0, j): r[2] for j, r in enumerate(rows) if r[2]})
    h = add_op(T, "h", Linear(W, b), [x])
    a = add_op(T, "a", ReLU(), [h])
    set_outputs(T, [add_op(T, "H", Linear(Weights((len(rows), 1), {(j, 0): c for j, c in enumerate(out) if c})),
                           [a])])
    return GraphTarget(T)


# JL-5's target H_t(x) = max(x1, x2 - 2) - x_t on I1 x I2 = [0, 1] x [2, 4] (there x1, x2 >= 0):
# H_1 = relu(x2 - 2 - x1), H_2 = x1 - x2 + relu(x2 - 2 - x1).
H_UNITS = [(-1, 1, -2), (1, 0, 0), (0, 1, 0)]
H_OUT = {1: [1, 0, 0], 2: [1, 1, -1]}
JL45_BOX = Box([(0, 1), (2, 4)])


def _score_target(G, t, s, sigma, m):
    """``sum_(k < m) sigma_k phi_k(h_t) psi_k(h_s)`` over the input variables of the coupling model."""
    r = len(sigma)
    n = 2 * r + 1
    names = [f"X_{i + 1}_{j + 1}" for i in range(G.nodes["X"]["shape"][0]) for j in range(n)]
    terms = " + ".join(f"({sigma[k]})*X_{t + 1}_{k + 1}*X_{s + 1}_{r + k + 1}" for k in range(m))
    return Polynomial.parse(terms, names)


def obligations(quick: bool = True):
    # JL-1: Appendix A.1, equivariance of Eq. (5), exactly, exp and ReLU uninterpreted.
    for tau in ((2, 3, 4) if quick else (2, 3, 4, 5)):
        yield Obligation(f"jiang2024/JL-1 Eq. (5) is permutation equivariant, tau={tau}", lambda tau=tau: _eq5(tau),
                         Claim("equivariant", output="F_hat.out",
                               expected={"generators": symmetric_generators(tau), "order": factorial(tau)}))
    yield Obligation("jiang2024/JL-1 control: with a causal mask Eq. (5) is not equivariant",
                     lambda: _eq5(3, Mask.causal(3)),
                     Claim("equivariant", output="F_hat.out", expected={"generators": symmetric_generators(3)}),
                     expected="REFUTED")

    # JL-2: the representation's softmax weights, on the whole encoded domain X^(E) = I1 x I2 x I3.
    box = Box(INTERVALS)
    tau = len(INTERVALS)
    for t in range(tau):
        for s in range(tau):
            value = f"2/{tau + 1}" if s == t else f"1/{tau + 1}"
            yield Obligation(f"jiang2024/JL-2 softmax weight ({t + 1},{s + 1}) is exactly {value} on X^(E)",
                             lambda: representation_weights(INTERVALS),
                             Claim("equivalent", _constant_target(value, tau), output="weights", row=t, col=s,
                                   domain=box))
    yield Obligation("jiang2024/JL-2 negative: the weights are not uniform (1/tau)",
                     lambda: representation_weights(INTERVALS),
                     Claim("equivalent", _constant_target(f"1/{tau}", tau), output="weights", domain=box),
                     expected="REFUTED")

    # JL-3: Eq. (23) prints f(x(s)) = (psi_{0,s}, ..., psi_{2 tau d, s}, b_s): q runs over 0..2 tau d.
    for n, verdict in (("2*tau*d + 1", "REFUTED"), ("2*tau*d + 2", "PROVED")):
        yield Obligation(f"jiang2024/JL-3 Eq. (23) has n = {n} components (tau=3, d=1)", None,
                         Claim("scalar", expected={"relation": f"sum(1, q, 0, 2*tau*d) + 1 == {n}",
                                                   "values": {"tau": 3, "d": 1}}), expected=verdict)
    assert paper_f_components(3, 1) == 8  # the construction's count agrees with the sum above
    # ... and in a graph: Eq. (23) built on JL-4's instance (tau = 2, d = 1) has an f of 2 tau d + 2 = 6 components.
    for width, verdict in ((5, "REFUTED"), (6, "PROVED")):
        yield Obligation(f"jiang2024/JL-3 Eq. (23) built (tau=2, d=1): f has {width} components", paper_representation,
                         Claim("sizes", expected={"width": width}), expected=verdict)
    yield Obligation("jiang2024/JL-3 the corrected construction's f has tau d + 1 = 3 components",
                     corrected_representation, Claim("sizes", expected={"width": 3}))

    # JL-4: the printed F_1 subtracts psi_t(x_t) from the attention output, which does not determine it.
    # tau = 2, d = 1, psi = x on I1 = [0, 1] and (4 - x)/2 on I2 = [2, 4], g = id: the output at t = 1 is
    # 2 psi(x1) + psi(x2), and F_1 must recover the inner sum H_1 = psi(x1) + psi(x2) = x1 + (4 - x2)/2.
    inner = Polynomial.parse("X_1_1 + (4 - X_2_1)/2", ["X_1_1", "X_2_1"])
    yield Obligation("jiang2024/JL-4 the attention output at t=1 determines H_1 (the printed F_1): exact pair",
                     f1_gap_model, Claim("factors_through", inner, output="mix",
                                         expected={"points": [[0, 2], ["1/4", 3]]}), expected="REFUTED")
    yield Obligation("jiang2024/JL-4 the whole attention output of Eq. (23) (all six components) does not "
                     "determine H_1 either", paper_representation,
                     Claim("factors_through", inner, output="mix", expected={"points": [[0, 2], ["1/4", 3]]}),
                     expected="REFUTED")
    yield Obligation("jiang2024/JL-4 the same, searched on I1 x I2", f1_gap_model,
                     Claim("factors_through", inner, output="mix", domain=JL45_BOX), expected="REFUTED")

    # JL-5: Theorem 4.1's statement holds on the instance, through the corrected construction (n = tau d + 1).
    for t in (1, 2):
        yield Obligation(f"jiang2024/JL-5 corrected representation computes H_{t} on I1 x I2", corrected_representation,
                         Claim("equivalent", _relu_target(H_UNITS, H_OUT[t], f"H_{t}"), output="F_hat.out",
                               row=t - 1, domain=JL45_BOX))
        yield Obligation(f"jiang2024/JL-5 the position label of the attention output at t={t} is {t}/3 "
                         "(disjoint image sets)", corrected_representation,
                         Claim("equivalent", _constant_target(f"{t}/3", 2), output="mix", row=t - 1, col=2,
                               domain=JL45_BOX))
    grid = [[Fraction(i, 4), 2 + Fraction(j, 2)] for i in range(5) for j in range(5)]
    yield Obligation("jiang2024/JL-5 its attention output at t=1 determines x itself (H = x1 x2, 25 grid points)",
                     corrected_representation,
                     Claim("factors_through", Polynomial.parse("X_1_1*X_2_1", ["X_1_1", "X_2_1"]), output="mix",
                           expected={"points": [[str(v) for v in p] for p in grid]}))
    yield Obligation("jiang2024/JL-5 negative: the construction does not compute H_1 with x1 and x2 swapped",
                     corrected_representation,
                     Claim("equivalent", _relu_target([(1, -1, 2), (1, 0, 0), (0, 1, 0)], [1, 0, 0], "wrong"),
                           output="F_hat.out", row=0, domain=JL45_BOX), expected="REFUTED")

    # JL-6 / JL-7: rank-r positional coupling, sigma = (3, 2), tau = 3; scores as polynomials of h.
    sigma = ["3", "2"]
    for m_h, offset, verdict, what in ((2, 0, "PROVED", "JL-6 m_h = r: every score equals the coupling"),
                                       (1, 0, "REFUTED", "JL-6 m_h = r - 1: the score misses sigma_2 phi_2 psi_2"),
                                       (2, 1, "REFUTED", "JL-7 printed key index e_(k+m_h+1) reads the value block")):
        for t, s in ((0, 1), (2, 2)) if verdict == "PROVED" else ((0, 1),):
            def build(m_h=m_h, offset=offset):
                return coupling_model(3, sigma, m_h, key_offset=offset)
            yield Obligation(f"jiang2024/{what}, score ({t + 1},{s + 1})", build,
                             Claim("identity", _score_target(build(), t, s, sigma, len(sigma)), output="head.scores",
                                   row=t, col=s), expected=verdict)

    # JL-8 (a): Haar example rho = 1(x)1 + (1/10) h(x)h on [0,1]^2, m_h = 1: rho - rho~ = (1/10) h(u) h(v),
    # |h| = 1 everywhere but a null set, so int |rho - rho~| = 1/10; the tail is sigma_2^2 = (1/10)^2.
    # The paper inserts the squared L2 tail linearly (43)-(47); Cauchy-Schwarz gives |I| (tail)^(1/2).
    haar = {"L1": "1/10", "sigma2": "1/10", "area": 1}
    yield Obligation("jiang2024/JL-8a printed step: int|rho - rho~| <= sum_{k>1} sigma_k^2 (Haar example)", None,
                     Claim("scalar", expected={"relation": "L1 <= sigma2**2", "values": haar}), expected="REFUTED")
    yield Obligation("jiang2024/JL-8a Cauchy-Schwarz repair: int|rho - rho~| <= |I| (sum_{k>1} sigma_k^2)^(1/2)",
                     None, Claim("scalar", expected={"relation": "L1 <= area*sqrt(sigma2**2)", "values": haar}))
    yield Obligation("jiang2024/JL-8a the repair is tight on this example", None,
                     Claim("scalar", expected={"relation": "L1 == area*sqrt(sigma2**2)", "values": haar}))
    # JL-8 (a) again, with every number computed: the continuous g(u) = 1 - 2u in place of the Haar function.
    # rho = 1 (x) 1 + (1/10) g (x) g has singular values 1 and 1/30 (spectrum, exact Gram matrices); the residual
    # after m_h = 1 is (g(u)/10) g(v), whose L1 norm is (1/10)(int |g|)^2 = 1/40 (exact integration over cells).
    yield Obligation("jiang2024/JL-8a continuous example: singular values 1 and 1/30", None,
                     Claim("spectrum", expected={"coefficients": [[1, 0], [0, "1/10"]], "left": ["1", "1 - 2*u"],
                                                 "right": ["1", "1 - 2*v"], "kernel": "1 + (1 - 2*u)*(1 - 2*v)/10",
                                                 "values": ["1", "1/30"]}))
    yield Obligation("jiang2024/JL-8a continuous example: int |rho - rho~| = 1/40", rank_one_residual,
                     Claim("integral", output="a", domain=Box([(0, 1), (0, 1)]),
                           expected={"times": ["b", 0, 0], "mode": "abs", "value": "1/40"}))
    continuous = {"L1": "1/40", "sigma2": "1/30", "area": 1}
    yield Obligation("jiang2024/JL-8a continuous example: the printed step L1 <= sigma_2^2", None,
                     Claim("scalar", expected={"relation": "L1 <= sigma2**2", "values": continuous}),
                     expected="REFUTED")
    yield Obligation("jiang2024/JL-8a continuous example: the Cauchy-Schwarz form L1 <= |I| sigma_2", None,
                     Claim("scalar", expected={"relation": "L1 <= area*sqrt(sigma2**2)", "values": continuous}))
    # JL-8 (c): the self-attention terms sit on the diagonal, a null set of I x I.  A bump of width 1/M has
    # rho(u, u) = 1 but int int |rho| = 1/M - 1/(3M^2) <= 1/M: the ratio diagonal / L1 is at least M.
    for M in (4, 16, 64):
        yield Obligation(f"jiang2024/JL-8c diagonal bump M={M}: int int |rho| = 1/M - 1/(3M^2)", lambda M=M: diagonal_bump(M),
                         Claim("integral", domain=Box([(0, 1), (0, 1)]),
                               expected={"mode": "abs", "value": f"{3 * M - 1}/{3 * M * M}"}))
        yield Obligation(f"jiang2024/JL-8c diagonal bump M={M}: int int |rho| <= 1/M (so diagonal / L1 >= M)",
                         lambda M=M: diagonal_bump(M),
                         Claim("integral", domain=Box([(0, 1), (0, 1)]),
                               expected={"mode": "abs", "relation": "<=", "value": f"1/{M}"}))
    yield Obligation("jiang2024/JL-8c negative: int int |rho| >= 1/M fails at M=16", lambda: diagonal_bump(16),
                     Claim("integral", domain=Box([(0, 1), (0, 1)]),
                           expected={"mode": "abs", "relation": ">=", "value": "1/16"}), expected="REFUTED")

    # JL-8 (b): sigma_k = C1 k^-a with C1 = 10, a = 1, m = 1: the printed bound C1 m^-(2a-1) = 10, but the
    # tail already exceeds it after nine terms (the terms are positive, so the infinite tail is larger still).
    yield Obligation("jiang2024/JL-8b sum_{k>m} sigma_k^2 <= C1 m^-(2a-1) at sigma_k = 10/k, m = 1", None,
                     Claim("scalar", expected={"relation": "sum((C1*k**(-a))**2, k, m + 1, 10) <= C1*m**(-(2*a - 1))",
                                               "values": {"C1": 10, "a": 1, "m": 1}}), expected="REFUTED")
    # The whole tail is C1^2 (pi^2/6 - 1) = 64.5 (Euler), within the Cauchy-Schwarz-corrected C1^2 m^-(2a-1)/(2a-1).
    yield Obligation("jiang2024/JL-8b the infinite tail C1^2 (pi^2/6 - 1) is within C1^2 m^-(2a-1)/(2a-1)", None,
                     Claim("scalar", expected={"relation": "C1**2*(pi**2/6 - 1) <= C1**2*m**(-(2*a - 1))/(2*a - 1)",
                                               "values": {"C1": 10, "a": 1, "m": 1}}))

    # JL-9: temporal mixing (section 6, appendix D.3): rho(x1, x2) = 1 + 2 sin(2 pi x1) sin(2 pi x2) has singular
    # values (1, 1); rho~(x1, x2) = rho(x1, x1 + x2) = 1 + 2 sin^2(a) cos(b) + 2 sin(a) cos(a) sin(b) (a = 2 pi x1,
    # b = 2 pi x2).  The spectrum kind checks the expansion, integrates the Gram matrices exactly and isolates the
    # roots of the characteristic polynomial x^3 - 2x^2 + 11/16 x - 1/16 = (x - 1/4)(x^2 - 7/4 x + 1/4).
    before = {"coefficients": [[1, 0], [0, 2]], "left": ["1", "sin(2*pi*u)"], "right": ["1", "sin(2*pi*v)"],
              "kernel": "1 + 2*sin(2*pi*u)*sin(2*pi*v)"}
    mixed = {"coefficients": [[1, 0, 0], [0, 2, 0], [0, 0, 2]],
             "left": ["1", "sin(2*pi*u)**2", "sin(2*pi*u)*cos(2*pi*u)"], "right": ["1", "cos(2*pi*v)", "sin(2*pi*v)"],
             "kernel": "1 + 2*sin(2*pi*u)*sin(2*pi*(u + v))"}
    yield Obligation("jiang2024/JL-9 before mixing the singular values are 1, 1", None,
                     Claim("spectrum", expected=dict(before, values=["1", "1"])))
    yield Obligation("jiang2024/JL-9 after mixing they are sqrt((7 + sqrt 33)/8), 1/2, sqrt((7 - sqrt 33)/8)", None,
                     Claim("spectrum", expected=dict(mixed, values=["sqrt((7 + sqrt(33))/8)", "1/2",
                                                                     "sqrt((7 - sqrt(33))/8)"])))
    yield Obligation("jiang2024/JL-9 printed sigma_1 = 1.265 (the others at their true 0.500, 0.396)", None,
                     Claim("spectrum", expected=dict(mixed, decimals=["1.265", "0.500", "0.396"], digits=3)),
                     expected="REFUTED")
    yield Obligation("jiang2024/JL-9 the printed 0.5 and 0.4 are right to one decimal (as is 1.3)", None,
                     Claim("spectrum", expected=dict(mixed, decimals=["1.3", "0.5", "0.4"], digits=1)))
    yield Obligation("jiang2024/JL-9 to three decimals they are 1.262, 0.500, 0.396", None,
                     Claim("spectrum", expected=dict(mixed, decimals=["1.262", "0.500", "0.396"], digits=3)))
    yield Obligation("jiang2024/JL-9 mixing raised the POD rank from 2 to 3", None,
                     Claim("spectrum", expected=dict(mixed, rank=3)))
    yield Obligation("jiang2024/JL-9 the factor of the characteristic polynomial (4 l^2 - 7 l + 1)/4", None,
                     Claim("scalar", expected={"relation": "(1 - l)*(3/4 - l) - (1/2)*1 == (4*l**2 - 7*l + 1)/4",
                                               "free": ["l"]}))

    # JL-6's POD: a positional coupling R on tau = 3 positions (uniform weights) of rank 2, R = 3 phi1 psi1^T +
    # 2 phi2 psi2^T; its singular values are those of D^1/2 R D^1/2 (D = I/3): two nonzero, so m_h = 2 is the
    # least head size with zero attention error.
    R = [[3, 0, 3], [5, 2, 3], [2, 2, 0]]
    third = [["1/3", 0, 0], [0, "1/3", 0], [0, 0, "1/3"]]
    for rank, verdict in ((2, "PROVED"), (1, "REFUTED")):
        yield Obligation(f"jiang2024/JL-6 the positional coupling's POD rank is {rank}", None,
                         Claim("spectrum", expected={"coefficients": R, "gram_left": third, "gram_right": third,
                                                     "rank": rank}), expected=verdict)
    # JL-8 (a)'s singular values: rho = 1 (x) 1 + (1/10) h (x) h with the Haar function h (int h = 0, int h^2 = 1:
    # {1, h} is orthonormal), so sigma = (1, 1/10) and the tail beyond m_h = 1 is sigma_2^2 = 1/100.
    yield Obligation("jiang2024/JL-8a the Haar example's singular values are 1 and 1/10", None,
                     Claim("spectrum", expected={"coefficients": [[1, 0], [0, "1/10"]], "values": ["1", "1/10"]}))

    # JL-10: Prop. 6.3 with rho(s) = e^(-s/gamma): C1 = 1 + inf{beta : e^(t/beta) rho(t) -> 0} = 1 + gamma
    # (the exponent t (1/beta - 1/gamma) -> -inf exactly when beta > gamma), C2 = sup_t e^(t/C1) rho(t) = 1
    # (the exponent t (1/(1 + gamma) - 1/gamma) is decreasing), so C_RNN = C1 C2 = 1 + gamma.
    yield Obligation("jiang2024/JL-10 C2's exponent 1/(1+g) - 1/g = -1/(g(1+g)) (decreasing in t)", None,
                     Claim("scalar", expected={"relation": "1/(1 + g) - 1/g == -1/(g*(1 + g))", "free": ["g"]}))
    for gamma in ("1/2", "2", "10"):
        yield Obligation(f"jiang2024/JL-10 printed C_RNN <= gamma at gamma = {gamma}", None,
                         Claim("scalar", expected={"relation": "(1 + g)*1 <= g", "values": {"g": gamma}}),
                         expected="REFUTED")

    # JL-11 (appendix B.1, illustrative tasks).  Nearest point: with rho(u, v) = -|u - v|^2 the hardmax picks
    # argmin |u - v|; the scores the model computes are -|u - v_s|^2 up to the row constant |u|^2 (an identity
    # in u for each key), so its hardmax is the nearest point for every u.  The text writes rho = |u - v|^2.
    points = [[0, 0], [1, 0], [0, 1], [2, 2], ["1/2", "3/2"], [-1, 1]]
    for s_, (a, b) in enumerate(points):
        target = Polynomial.parse(f"-(u1 - ({a}))**2 - (u2 - ({b}))**2 + u1**2 + u2**2", ["u1", "u2"])
        yield Obligation(f"jiang2024/JL-11 nearest point: score of v_{s_ + 1} = -|u - v|^2 + |u|^2",
                         lambda: nearest_point_scores(points), Claim("identity", target, output="scores", col=s_))
    yield Obligation("jiang2024/JL-11 the text's rho = +|u - v|^2 (dropped minus) does not give -|u - v|^2",
                     lambda: nearest_point_scores(points, sign=1),
                     Claim("identity", Polynomial.parse("-(u1 - 1)**2 - u2**2 + u1**2 + u2**2", ["u1", "u2"]),
                           output="scores", col=1), expected="REFUTED")
    # Weighted average by selection (qSA-like, k = 3): rho = log(count) on the selected positions gives weights
    # count/3, in {0, 1/3, 2/3, 1}, exactly, for every input (exact polytope cells, exp(log c) = c).
    counts = [[2, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 3], [0, 1, 0, 2]]
    cube = Box([(0, 1)] * 8)
    for t, row in enumerate(counts):
        for s_, c in enumerate(row):
            yield Obligation(f"jiang2024/JL-11 selection weight ({t + 1},{s_ + 1}) is {c}/3 (tau=4, d=2)",
                             lambda: selection_average(counts),
                             Claim("equivalent", _constant_target(f"{c}/3", 8), output="weights", row=t, col=s_,
                                   domain=cube))
    yield Obligation("jiang2024/JL-11 the text's weight 1/2 (for a position selected once)",
                     lambda: selection_average(counts),
                     Claim("equivalent", _constant_target("1/2", 8), output="weights", row=0, col=1, domain=cube),
                     expected="REFUTED")
    if not quick:  # the paper's tau = 8, d = 2: the same on a 16-dimensional cube (about 70 s per entry)
        counts8 = [[2, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 3, 0, 0, 0, 0],
                   [0, 1, 0, 2, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 0, 0, 0, 0, 3],
                   [1, 0, 0, 0, 0, 0, 2, 0], [0, 0, 1, 0, 1, 0, 0, 1]]
        yield Obligation("jiang2024/JL-11 selection weight (1,1) is 2/3 (tau=8, d=2)",
                         lambda: selection_average(counts8),
                         Claim("equivalent", _constant_target("2/3", 16), output="weights", row=0, col=0,
                               domain=Box([(0, 1)] * 16)))
