"""Hidden tests: analysis.py — subwords (goal 2), vocabulary size (goal 3), matching tokenizers (goal 4).

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a view of that same tokenizer (its ``encode`` and
``decode`` are remote calls, its ``vocab`` a copy), so these tests judge the analysis and
never the tokenizer a second time.
"""

import random

import pytest

from m1_helpers import ENDOFTEXT, GPT2_TEXTS, gpt2_files, sample_corpus

ANALYSIS = "m1_tokenization.analysis"
BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


class TrustedView:
    """A tokenizer in the worker seen from the trusted side: same ids, same strings."""

    def __init__(self, handle):
        self._handle = handle
        self._vocab = None

    def encode(self, text):
        return list(self._handle.encode(text))

    def decode(self, ids):
        return self._handle.decode(list(ids))

    @property
    def vocab(self):
        if self._vocab is None:
            self._vocab = dict(self._handle.fetch("vocab"))
        return self._vocab


def gpt2_tokenizer(student):
    """The student's GPT-2 tokenizer (worker handle) and its trusted view."""
    handle = student.function(TOKENIZER, "BPETokenizer.from_files")(*gpt2_files(), [ENDOFTEXT])
    return handle, TrustedView(handle)


def byte_tokenizer(student, extra: dict[int, bytes] | None = None):
    """The student's BPETokenizer with the 256 byte tokens (plus ``extra``) and no merges."""
    vocab = {i: bytes([i]) for i in range(256)} | (extra or {})
    handle = student.function(TOKENIZER, "BPETokenizer")(vocab, [])
    return handle, TrustedView(handle)


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


def course_text(solution, name: str) -> str:
    return solution.function(ANALYSIS, "load_text")(name)


# ---------------------------------------------------------------- goal 2: why subwords


@pytest.mark.points(1)
@pytest.mark.hint("bytes: len(text.encode('utf-8')); characters: len(text) (code points); subwords: len(tokenizer.encode(text)); words: len(split_words(text)).")
def test_granularity(student, solution):
    granularity = student.function(ANALYSIS, "granularity")
    tok, view = gpt2_tokenizer(student)
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


# ---------------------------------------------------------------- goal 3: vocabulary size


@pytest.mark.points(1)
@pytest.mark.hint("Divide UTF-8 bytes (not characters) by the number of ids; no ids at all raises ValueError.")
def test_bytes_per_token(student, solution):
    bytes_per_token = student.function(ANALYSIS, "bytes_per_token")
    tok, view = gpt2_tokenizer(student)
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


# ---------------------------------------------------------------- goal 4: matching tokenizers


@pytest.mark.points(1)
@pytest.mark.hint("Only the ids present in both vocabularies count (intersect the keys); no id in common raises ValueError.")
def test_id_agreement(student, solution):
    id_agreement = student.function(ANALYSIS, "id_agreement")
    a = {0: b"a", 1: b"b", 2: b"c", 7: b"x"}
    b = {0: b"a", 1: b"c", 2: b"c", 3: b"d", 9: b"x"}
    assert id_agreement(a, b) == pytest.approx(2 / 3), "compare only the ids both vocabularies have"
    assert id_agreement(b, a) == pytest.approx(2 / 3), "the result must not depend on the order"
    with pytest.raises(ValueError):
        id_agreement({0: b"a"}, {1: b"a"})
    vocab, _ = solution.function(BPE, "train_bpe")(sample_corpus(), 256 + 200)
    gpt2 = solution.function(TOKENIZER, "BPETokenizer.from_files")(*solution.function(TOKENIZER, "gpt2_files")())
    want = expected(solution, "id_agreement", vocab, gpt2.vocab)
    assert id_agreement(vocab, gpt2.vocab) == pytest.approx(want), "wrong agreement between a course tokenizer and GPT-2"


@pytest.mark.points(1)
@pytest.mark.hint("Decode the whole list of kept ids at once (a character may span several ids); the same tokenizer on both sides gives the text back.")
def test_decode_with_the_same_tokenizer_round_trips(student):
    decode_wrong = student.function(ANALYSIS, "decode_with_wrong_tokenizer")
    tok, _ = byte_tokenizer(student)
    assert decode_wrong(MIXED, tok, tok) == MIXED, "decoding with the matching tokenizer must give the text back"


@pytest.mark.points(1)
@pytest.mark.hint("Keep exactly the ids that are keys of decoder.vocab (not those below len(vocab)), then decode them as one list.")
def test_decode_with_a_mismatched_tokenizer(student, solution):
    decode_wrong = student.function(ANALYSIS, "decode_with_wrong_tokenizer")
    encoder, encoder_view = gpt2_tokenizer(student)
    decoder, decoder_view = byte_tokenizer(student, {1000: b" BANANA", 4000: b" KIWI"})
    for text in (GPT2_TEXTS["english"], MIXED):
        want = expected(solution, "decode_with_wrong_tokenizer", text, encoder_view, decoder_view)
        assert decode_wrong(text, encoder, decoder) == want, "wrong text read through the mismatched tokenizer"


@pytest.mark.points(1)
@pytest.mark.hint("Decode each id on its own, in order: [tokenizer.decode([i]) for i in tokenizer.encode(text)].")
def test_token_pieces(student):
    token_pieces = student.function(ANALYSIS, "token_pieces")
    tok, view = gpt2_tokenizer(student)
    for text in ("strawberry", " strawberry", "I 👍🏽 tokens", GPT2_TEXTS["code"]):
        want = [view.decode([i]) for i in view.encode(text)]
        assert token_pieces(tok, text) == want, "wrong pieces"


@pytest.mark.points(1)
@pytest.mark.hint("count: occurrences in the word; standalone: pieces equal to the letter; hidden: occurrences inside the other pieces (count them all, 'ss' holds two); a letter that is not one character raises ValueError.")
def test_letter_visibility(student, solution):
    letter_visibility = student.function(ANALYSIS, "letter_visibility")
    tok, view = gpt2_tokenizer(student)
    for word, letter in (("strawberry", "r"), ("Mississippi", "s"), ("aardvark", "a"), ("aardvark", "q")):
        want = expected(solution, "letter_visibility", view, word, letter)
        assert dict(letter_visibility(tok, word, letter)) == want, f"wrong visibility of {letter!r}"
    for bad in ("rr", ""):
        with pytest.raises(ValueError):
            letter_visibility(tok, "strawberry", bad)
