"""Hidden tests: analysis.py, learning goal 3 — what the vocabulary size costs and buys.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import random

import pytest

from m1_helpers import ENDOFTEXT, GPT2_TEXTS, TrustedView, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


def course_text(solution, name: str) -> str:
    return solution.function(ANALYSIS, "load_text")(name)


@pytest.mark.points(1)
@pytest.mark.hint("Divide UTF-8 bytes (not characters) by the number of ids; no ids at all raises ValueError.")
def test_bytes_per_token(student, solution):
    bytes_per_token = student.function(ANALYSIS, "bytes_per_token")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in (MIXED, GPT2_TEXTS["cjk"], GPT2_TEXTS["english"]):
        want = expected(solution, "bytes_per_token", view, text)
        assert bytes_per_token(tok, text) == pytest.approx(want), "wrong bytes per token"
    with pytest.raises(ValueError):
        bytes_per_token(tok, "")


@pytest.mark.points(1)
@pytest.mark.hint("vocab_size * d_model for the input table; tied=False adds a separate output matrix of the same size; either below 1 raises ValueError.")
def test_embedding_parameters(student):
    embedding_parameters = student.function(ANALYSIS, "embedding_parameters")
    assert embedding_parameters(50257, 768) == 38_597_376, "wrong count for GPT-2 small"
    assert embedding_parameters(4096, 512, tied=False) == 2 * 4096 * 512, "an untied output layer doubles the count"
    assert embedding_parameters(1, 1) == 1, "the smallest table"
    for bad in ((0, 768), (50257, 0), (-5, 10)):
        with pytest.raises(ValueError):
            embedding_parameters(*bad)


@pytest.mark.points(1)
@pytest.mark.hint("One row per size in the order given; train once at the largest size and keep the first V - 256 - #specials merges for each smaller V.")
def test_vocab_size_sweep(student, solution):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    train = course_text(solution, "corpus.txt")[:40000]
    heldout = course_text(solution, "heldout.txt")[:6000]
    args = (train, heldout, [420, 257, 300, 600], 64, [ENDOFTEXT])
    want = expected(solution, "vocab_size_sweep", *args)
    got = sweep(*args)
    assert len(got) == len(want), "one row per vocabulary size"
    for row, want_row in zip(got, want):
        assert set(row) == set(want_row), "wrong keys in a row"
        for key, value in want_row.items():
            assert row[key] == pytest.approx(value), f"wrong {key!r} in a row"


@pytest.mark.points(1)
@pytest.mark.hint("When training runs out of pairs, report the merges actually learned but keep the requested vocab_size (and its parameters); sizes below 256 + #specials raise ValueError.")
def test_vocab_size_sweep_edge_cases(student, solution):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    args = ("low lower lowest", "lowest low", [1000, 258], 8, ())
    want = expected(solution, "vocab_size_sweep", *args)
    got = sweep(*args)
    assert [r["num_merges"] for r in got] == [r["num_merges"] for r in want], "num_merges must count the merges learned"
    assert [r["vocab_size"] for r in got] == [1000, 258], "keep the vocabulary sizes asked for"
    assert [r["embedding_parameters"] for r in got] == [8000, 2064], "parameters follow the size asked for"
    assert [r["tokens"] for r in got] == [r["tokens"] for r in want], "wrong token counts"
    with pytest.raises(ValueError):
        sweep("abc", "abc", [300, 256], 8, [ENDOFTEXT])


@pytest.mark.points(1)
@pytest.mark.hint("Every id in range(vocab_size) with fewer than min_count occurrences is rare, ids never seen included; an id out of range raises ValueError.")
def test_rare_token_fraction(student, solution):
    rare = student.function(ANALYSIS, "rare_token_fraction")
    assert rare([0, 0, 1], 4, 2) == pytest.approx(0.75), "ids never seen are rare too"
    assert rare([], 10, 1) == pytest.approx(1.0), "no ids: every token is rare"
    rng = random.Random(5)
    ids = [min(int(rng.paretovariate(1.2)), 99) for _ in range(3000)]
    for min_count in (1, 5, 50):
        want = expected(solution, "rare_token_fraction", ids, 100, min_count)
        assert rare(ids, 100, min_count) == pytest.approx(want), "wrong fraction on Zipf-like ids"
    for bad in (([5], 5, 1), ([-1], 5, 1), ([0], 0, 1), ([0], 5, 0)):
        with pytest.raises(ValueError):
            rare(*bad)
