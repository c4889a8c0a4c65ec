"""Hidden tests: analysis.py, learning goal 2 — subwords between characters and words.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import pytest

from m1_helpers import GPT2_TEXTS, TrustedView, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


def course_text(solution, name: str) -> str:
    return solution.function(ANALYSIS, "load_text")(name)


@pytest.mark.points(1)
@pytest.mark.hint("bytes: len(text.encode('utf-8')); characters: len(text) (code points); subwords: len(tokenizer.encode(text)); words: len(split_words(text)).")
def test_granularity(student, solution):
    granularity = student.function(ANALYSIS, "granularity")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in (MIXED, GPT2_TEXTS["german"], course_text(solution, "heldout.txt")[:3000]):
        want = expected(solution, "granularity", view, text)
        assert dict(granularity(tok, text)) == want, "wrong sequence lengths"


@pytest.mark.points(1)
@pytest.mark.hint("Count the words of split_words(text); most frequent first, ties in alphabetical (string) order; keep the first max_size; max_size < 0 raises ValueError.")
def test_build_word_vocab(student):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    # counts: b 3, a 2, d 2, The 1, c 1, the 1 -> ties in string order ("T" < "c" < "t").
    text = "b a b the d c a b d The"
    assert build_word_vocab(text) == ["b", "a", "d", "The", "c", "the"], "wrong order of the words"
    assert build_word_vocab(text, 3) == ["b", "a", "d"], "max_size must keep the most frequent words"
    assert build_word_vocab(text, 0) == [], "max_size 0 keeps nothing"
    with pytest.raises(ValueError):
        build_word_vocab(text, -1)


@pytest.mark.points(1)
@pytest.mark.hint("Count every occurrence of a word (not distinct words), match case-sensitively, and raise ValueError when the text has no word.")
def test_oov_rate_counts_occurrences(student):
    oov_rate = student.function(ANALYSIS, "oov_rate")
    assert oov_rate(["the"], "the cat the cat the") == pytest.approx(0.4), "count occurrences, not distinct words"
    assert oov_rate(["the", "cat"], "The cat") == pytest.approx(0.5), "matching must be case-sensitive"
    assert oov_rate([], "a, b") == pytest.approx(1.0), "punctuation marks are words too (split_words)"
    with pytest.raises(ValueError):
        oov_rate(["a"], "  \n ")


@pytest.mark.points(1)
@pytest.mark.hint("A word vocabulary built on the training text misses the held-out text's new names and numbers: oov_rate(build_word_vocab(train, size), heldout).")
def test_word_level_oov_on_heldout_text(student, solution):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    oov_rate = student.function(ANALYSIS, "oov_rate")
    train, heldout = course_text(solution, "corpus.txt"), course_text(solution, "heldout.txt")
    for size in (None, 1000):
        want = expected(solution, "oov_rate", expected(solution, "build_word_vocab", train, size), heldout)
        got = oov_rate(build_word_vocab(train, size), heldout)
        assert got == pytest.approx(want), "wrong out-of-vocabulary rate on the held-out text"
