"""Hidden tests: analysis.py, learning goal 3 — what the vocabulary size costs and buys.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import random

import pytest

from autograder.checks import expect_dict, expect_float, expect_int, expect_list
from m1_helpers import ENDOFTEXT, GPT2_TEXTS, TrustedView, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


def sweep_rows(sweep, args, n_rows) -> list[dict]:
    what = f"vocab_size_sweep(..., {args[2]}, ...)"
    rows = expect_list(sweep(*args), what, of=dict, length=n_rows)
    return [expect_dict(row, f"{what}'s row {i}", keys=str) for i, row in enumerate(rows)]


def course_text(solution, name: str) -> str:
    return solution.function(ANALYSIS, "load_text")(name)


@pytest.mark.points(1)
@pytest.mark.hint("Bytes per token counts the bytes of the text, not its characters; a text with no tokens has no ratio (ValueError).")
def test_bytes_per_token(student, solution):
    bytes_per_token = student.function(ANALYSIS, "bytes_per_token")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in (MIXED, GPT2_TEXTS["cjk"], GPT2_TEXTS["english"]):
        want = expected(solution, "bytes_per_token", view, text)
        got = expect_float(bytes_per_token(tok, text), f"bytes_per_token(tok, {text[:16]!r}…)")
        assert got == pytest.approx(want), f"bytes_per_token(tok, {text[:16]!r}…) = {got:.4f}, expected {want:.4f}"
    with pytest.raises(ValueError):
        bytes_per_token(tok, "")


@pytest.mark.points(1)
@pytest.mark.hint("One row of d_model numbers per token; an untied output layer is a second table of the same size; sizes below 1 are errors (ValueError).")
def test_embedding_parameters(student):
    embedding_parameters = student.function(ANALYSIS, "embedding_parameters")
    for args, kwargs, want in (((50257, 768), {}, 38_597_376), ((4096, 512), {"tied": False}, 2 * 4096 * 512), ((1, 1), {}, 1)):
        what = f"embedding_parameters{args}" + (" untied" if kwargs else "")
        got = expect_int(embedding_parameters(*args, **kwargs), what)
        assert got == want, f"{what} = {got}, expected {want}"
    for bad in ((0, 768), (50257, 0), (-5, 10)):
        with pytest.raises(ValueError):
            embedding_parameters(*bad)


@pytest.mark.points(1)
@pytest.mark.hint("One row per size, in the order given; a smaller vocabulary is the start of a larger one, learned by the same training.")
def test_vocab_size_sweep(student, solution):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    train = course_text(solution, "corpus.txt")[:40000]
    heldout = course_text(solution, "heldout.txt")[:6000]
    args = (train, heldout, [420, 257, 300, 600], 64, [ENDOFTEXT])
    want = expected(solution, "vocab_size_sweep", *args)
    got = sweep_rows(sweep, args, len(want))
    for row, want_row in zip(got, want):
        assert set(row) == set(want_row), f"a row has the keys {sorted(row)}; expected {sorted(want_row)}"
        for key, value in want_row.items():
            number = expect_float(row[key], f"the {key!r} of the row for size {want_row['vocab_size']}")
            why = ": one merge more than fits beside the 256 bytes and the special token" if key == "num_merges" and number == value + 1 else ""
            assert number == pytest.approx(value), f"{key!r} is {number:g} for size {want_row['vocab_size']}, expected {value:g}{why}"


@pytest.mark.points(1)
@pytest.mark.hint("When training runs out of pairs, a row reports the merges actually learned but still describes the size that was asked for; sizes too small for the bytes and special tokens are errors.")
def test_vocab_size_sweep_edge_cases(student, solution):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    args = ("low lower lowest", "lowest low", [1000, 258], 8, ())
    want = expected(solution, "vocab_size_sweep", *args)
    got = sweep_rows(sweep, args, 2)
    for key, wanted in (("num_merges", [r["num_merges"] for r in want]), ("vocab_size", [1000, 258]),
                        ("embedding_parameters", [8000, 2064]), ("tokens", [r["tokens"] for r in want])):
        values = [expect_int(row.get(key), f"the {key!r} of a row") for row in got]
        assert values == wanted, f"the rows' {key!r} are {values}; expected {wanted}"
    with pytest.raises(ValueError):
        sweep("abc", "abc", [300, 256], 8, [ENDOFTEXT])


@pytest.mark.points(1)
@pytest.mark.hint("Every id of the vocabulary counts, the ids never seen included; an id outside the vocabulary is an error.")
def test_rare_token_fraction(student, solution):
    rare = student.function(ANALYSIS, "rare_token_fraction")
    for args, want, property_failed in ((([0, 0, 1], 4, 2), 0.75, "ids never seen are rare too"),
                                        (([], 10, 1), 1.0, "with no ids every token is rare")):
        got = expect_float(rare(*args), f"rare_token_fraction{args}")
        assert got == pytest.approx(want), f"rare_token_fraction{args} = {got:.4f}, expected {want} ({property_failed})"
    rng = random.Random(5)
    ids = [min(int(rng.paretovariate(1.2)), 99) for _ in range(3000)]
    for min_count in (1, 5, 50):
        want = expected(solution, "rare_token_fraction", ids, 100, min_count)
        got = expect_float(rare(ids, 100, min_count), f"rare_token_fraction(ids, 100, {min_count})")
        assert got == pytest.approx(want), f"rare_token_fraction on Zipf-like ids with min_count {min_count} = {got:.4f}, expected {want:.4f}"
    for bad in (([5], 5, 1), ([-1], 5, 1), ([0], 0, 1), ([0], 5, 0)):
        with pytest.raises(ValueError):
            rare(*bad)
