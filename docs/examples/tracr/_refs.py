"""Reference outputs of the RASP programs tracr compiled (tracr's compiler/lib.py), written out in Python.

Each function maps a token list (without BOS) to one output per token, None where RASP leaves the
output undefined.  tests/test_transformer_lens.py checks them against RASP's own outputs in the
fixtures' cases files.
"""

from fractions import Fraction


def length(tokens):
    """make_length: every position holds the sequence length."""
    return [len(tokens)] * len(tokens)


def hist(tokens):
    """make_hist: how many times each position's token occurs."""
    return [tokens.count(t) for t in tokens]


def frac_prevs_a(tokens):
    """make_frac_prevs(tokens == "a"), causal: the fraction of "a" among the tokens so far."""
    return [Fraction(tokens[:i + 1].count("a"), i + 1) for i in range(len(tokens))]


def detect_ab(tokens):
    """detect_pattern(tokens, "ab"): True where the last two tokens are "a", "b"; undefined at the first."""
    return [None] + [tokens[i - 1:i + 1] == ["a", "b"] for i in range(1, len(tokens))]


def sort_unique(tokens):
    """make_sort_unique(tokens, tokens): position i holds the token with exactly i smaller tokens;
    undefined where no token, or tokens of different values, have that many smaller ones."""
    rank = [sum(k < t for k in tokens) for t in tokens]
    out = []
    for i in range(len(tokens)):
        chosen = {t for t, r in zip(tokens, rank) if r == i}
        out.append(chosen.pop() if len(chosen) == 1 else None)
    return out
