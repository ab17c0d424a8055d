"""Certified epsilon bounds for softmax emulations (interval bisection)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from symtrans import SpecError
from symtrans import check_certificate
from symtrans.claims import Claim
from symtrans.constructions.gu2026 import maxout_transformer, softmax_error_bound
from symtrans.domains import Box
from symtrans.targets import MaxoutNet
from symtrans import verify
from symtrans.kinds.bound.prove import smallest_beta

UNIT = Box([(0, 1)])


def test_two_dimensional_softmax_bound_is_certified():
    """A moderate temperature and a loose eps: few boxes (tests/test_gradient.py has beta = 20)."""
    net = MaxoutNet(2, [[[[1, 1, 0], [-1, 2, 0], [0, -1, 1]]]], [1, 0])  # max of three planes
    box = Box([(-1, 1), (-1, 1)])
    G = maxout_transformer(net, box, score="softmax", beta=4)
    analytic, _ = softmax_error_bound(net, 4)
    assert analytic < Fraction(3, 10)
    cert = verify(G, Claim("bound", net, domain=box, expected={"eps": Fraction(3, 10)}))
    assert cert.verdict == "PROVED"
    assert check_certificate(json.loads(cert.dumps())).holds


def test_budget_exhausted_gives_unknown_never_proved():
    tent = MaxoutNet.tent(1)
    G = maxout_transformer(tent, UNIT, score="softmax", beta=10)
    cert = verify(G, Claim("bound", tent, domain=UNIT, expected={"eps": Fraction(29, 1000), "max_boxes": 20}))
    assert cert.verdict == "UNKNOWN" and cert.evidence["undecided_boxes"] > 0


def test_tiny_eps_is_unknown_for_the_exact_network_and_refuted_for_softmax():
    """Bisection encloses N and f separately, so even N == f cannot be certified within a tiny
    eps: UNKNOWN (sound; use an 'equivalent' claim for exactness).  Softmax is refuted at a point."""
    tent = MaxoutNet.tent(2)
    exact = maxout_transformer(tent, UNIT)
    tiny = {"eps": Fraction(1, 10 ** 6), "max_boxes": 200}
    assert verify(exact, Claim("bound", tent, domain=UNIT, expected=tiny)).verdict == "UNKNOWN"
    soft = maxout_transformer(tent, UNIT, score="softmax", beta=30)
    cert = verify(soft, Claim("bound", tent, domain=UNIT, expected={"eps": Fraction(1, 10 ** 6)}))
    assert cert.verdict == "REFUTED"
    assert check_certificate(json.loads(cert.dumps())).holds


def test_smallest_beta_matches_the_sharp_constant():
    """For T, the exact sup error is W(1/e)/beta = 0.27846/beta: eps = 1/20 needs beta >= 5.57."""
    beta, cert = smallest_beta(MaxoutNet.tent(1), UNIT, Fraction(1, 20),
                               lambda b: maxout_transformer(MaxoutNet.tent(1), UNIT, score="softmax", beta=b))
    assert beta == 6 and cert.verdict == "PROVED"


def test_tampered_bound_certificates_fail():
    tent = MaxoutNet.tent(1)
    G = maxout_transformer(tent, UNIT, score="softmax", beta=10)
    data = json.loads(verify(G, Claim("bound", tent, domain=UNIT, expected={"eps": "7/100"})).dumps())
    assert check_certificate(data).holds
    for tamper, reason in [
        (lambda d: d["claim"]["expected"].update(eps="1/100"), "a leaf box is not within eps"),
        (lambda d: d["evidence"].update(tree=d["evidence"]["tree"][:-1]), "leaves boxes uncovered"),
        (lambda d: d["evidence"].update(tree=d["evidence"]["tree"] + ["L"]), "more nodes than boxes"),
    ]:
        d = json.loads(json.dumps(data))
        tamper(d)
        ok, why = check_certificate(d).astuple()
        assert not ok and reason in why, why


@pytest.mark.parametrize("eps", ["0", "-1/2"])
def test_eps_must_be_positive(eps):
    tent = MaxoutNet.tent(1)
    with pytest.raises(SpecError, match="eps > 0"):
        verify(maxout_transformer(tent, UNIT), Claim("bound", tent, domain=UNIT, expected={"eps": eps}))


def test_bisection_pieces_on_two_workers_give_the_same_certificate():
    """Each wave of boxes is cut into one piece per worker; the merged result must not depend on it."""
    from symtrans.parallel import process_pool

    net = MaxoutNet(2, [[[[1, 1, 0], [-1, 2, 0], [0, -1, 1]]]], [1, 0])
    box = Box([(-1, 1), (-1, 1)])
    G = maxout_transformer(net, box, score="softmax", beta=4)
    out = {}
    for claim_eps in ("3/10", "1/100"):  # PROVED after several waves; REFUTED inside a wave
        claim = Claim("bound", net, domain=box, expected={"eps": claim_eps})
        for n in (1, 2):
            with process_pool(n):
                cert = verify(G, claim).to_json()
            out[claim_eps, n] = {k: cert[k] for k in ("verdict", "evidence", "counterexample")}
        assert out[claim_eps, 1] == out[claim_eps, 2]
    assert out["3/10", 1]["verdict"] == "PROVED" and out["3/10", 1]["evidence"]["boxes"] > 64
    assert out["1/100", 1]["verdict"] == "REFUTED"
