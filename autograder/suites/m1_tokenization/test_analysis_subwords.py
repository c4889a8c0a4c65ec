"""Hidden tests: analysis.py, learning goal 2 — subwords between characters and words.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import pytest

from autograder.checks import expect_dict, expect_float, expect_list
from m1_helpers import GPT2_TEXTS, TrustedView, difference, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


def course_text(solution, name: str) -> str:
    return solution.function(ANALYSIS, "load_text")(name)


@pytest.mark.points(1)
@pytest.mark.hint("Four lengths of the same text at four granularities; bytes and characters differ as soon as a character is not ASCII.")
def test_granularity(student, solution):
    granularity = student.function(ANALYSIS, "granularity")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in (MIXED, GPT2_TEXTS["german"], course_text(solution, "heldout.txt")[:3000]):
        want = expected(solution, "granularity", view, text)
        got = expect_dict(granularity(tok, text), "granularity(tok, text)", keys=str, values=int)
        assert got.get("words") == want["words"], \
            f"granularity(tok, text) counted {got.get('words')} words; expected {want['words']}, the words of split_words"
        assert got == want, f"granularity(tok, text) = {got}; expected {want}"


@pytest.mark.points(1)
@pytest.mark.hint("The most frequent words first; equally frequent words in string order (case matters); max_size keeps the first ones and cannot be negative.")
def test_build_word_vocab(student):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    # counts: b 3, a 2, d 2, The 1, c 1, the 1 -> ties in string order ("T" < "c" < "t").
    text = "b a b the d c a b d The"
    for size, want in ((None, ["b", "a", "d", "The", "c", "the"]), (3, ["b", "a", "d"]), (0, [])):
        args = (text,) if size is None else (text, size)
        got = expect_list(build_word_vocab(*args), f"build_word_vocab(text{'' if size is None else f', {size}'})", of=str)
        assert got == want, f"build_word_vocab(text{'' if size is None else f', {size}'}): {difference(got, want, 'words')}"
    with pytest.raises(ValueError):
        build_word_vocab(text, -1)


@pytest.mark.points(1)
@pytest.mark.hint("The rate counts occurrences, not distinct words, matches case-sensitively, and a text without words has no rate (ValueError).")
def test_oov_rate_counts_occurrences(student):
    oov_rate = student.function(ANALYSIS, "oov_rate")
    for vocab, text, want, property_failed in ((["the"], "the cat the cat the", 0.4, "occurrences, not distinct words, are counted"),
                                               (["the", "cat"], "The cat", 0.5, "matching is case-sensitive"),
                                               ([], "a, b", 1.0, "punctuation marks are words too")):
        got = expect_float(oov_rate(vocab, text), f"oov_rate({vocab}, {text!r})")
        assert got == pytest.approx(want), f"oov_rate({vocab}, {text!r}) = {got:.4f}, expected {want} ({property_failed})"
    with pytest.raises(ValueError):
        oov_rate(["a"], "  \n ")


@pytest.mark.points(1)
@pytest.mark.hint("A word vocabulary built on the training text meets new names and numbers in the held-out text.")
def test_word_level_oov_on_heldout_text(student, solution):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    oov_rate = student.function(ANALYSIS, "oov_rate")
    train, heldout = course_text(solution, "corpus.txt"), course_text(solution, "heldout.txt")
    for size in (None, 1000):
        want = expected(solution, "oov_rate", expected(solution, "build_word_vocab", train, size), heldout)
        words = expect_list(build_word_vocab(train, size), f"build_word_vocab(train, {size})", of=str)
        got = expect_float(oov_rate(words, heldout), "oov_rate(words, heldout)")
        assert got == pytest.approx(want), f"out-of-vocabulary rate on the held-out text {got:.4f}, expected {want:.4f} (max_size {size})"
