"""Hidden tests of unigram.py: Viterbi segmentation against `tokenizers.models.Unigram` and a
SentencePiece model trained in the test, the EM step against brute-force enumeration of every
segmentation, byte fallback against `tokenizers` and SentencePiece with byte fallback on."""

import math
import random

import pytest
from internals_helpers import (UNIGRAM, brute_force_em_step, corpus_lines, parallel_texts,
                               random_em_case, random_unigram_case, sentencepiece_model,
                               sentencepiece_pieces, sentencepiece_view, unigram_pieces)
from m3_helpers import first_difference, must_raise

from autograder.checks import expect_dict, expect_float, expect_list

SEGMENT_LESSON = "the lesson section “Unigram: the most probable segmentation”"
EM_LESSON = "the lesson section “Training: expectation-maximization, then pruning”"
BYTES_LESSON = "the lesson section “Byte fallback: nothing is unknown”"
ALPHABET = "abcdé€😀 "


def sample_texts() -> list[str]:
    """Corpus lines the model was not trained on, and the parallel texts of 15 languages."""
    return corpus_lines()[400:460] + list(parallel_texts().values())


@pytest.mark.points(1.5)
@pytest.mark.hint("the best path maximizes the total score: neither the fewest pieces nor a "
                  "greedy longest match is the most probable segmentation")
def test_unigram_segment_is_not_greedy(student):
    segment = student.function(UNIGRAM, "unigram_segment")
    # Longest match takes "abc" and then must pay for "d"; the best path is "ab" + "cd".
    pieces = {"a": -3.0, "b": -3.0, "c": -3.0, "d": -9.0, "abc": -2.0, "ab": -2.5, "cd": -2.5}
    got = expect_list(segment("abcd", pieces), "unigram_segment('abcd', <pieces>)", of=str)
    assert got == ["ab", "cd"], f"gave {got}: a greedy longest match is not the highest total score"
    # Fewer pieces are not better: three likely pieces beat one unlikely one.
    pieces = {"x": -0.5, "y": -0.5, "z": -0.5, "xyz": -4.0}
    got = expect_list(segment("xyz", pieces), "unigram_segment('xyz', <pieces>)", of=str)
    assert got == ["x", "y", "z"], f"gave {got}: the fewest pieces is not the highest total score"


@pytest.mark.points(1)
@pytest.mark.hint("unknown characters score min(pieces) - 10, and consecutive unknown "
                  "characters come out as one unk_piece")
def test_unigram_segment_unknown_characters(student):
    segment = student.function(UNIGRAM, "unigram_segment")
    pieces = {"a": -1.0, "b": -2.0, "xa": -3.0}
    cases = [("a€€😀b", ["a", "<unk>", "b"]), ("€a€", ["<unk>", "a", "<unk>"]),
             ("xab", ["xa", "b"]), ("xxab", ["<unk>", "xa", "b"])]
    for text, want in cases:
        got = expect_list(segment(text, pieces), f"unigram_segment({text!r}, <pieces>)", of=str)
        assert got == want, f"{text!r} gave {got}: unknown runs and their score"
    # x is unknown: "xa" + "b" (-11) beats "<unk>" + "ab" only because the unknown costs 10 more
    # than the rarest piece.
    pieces = {"a": -1.0, "b": -9.0, "xa": -2.0, "ab": -1.0}
    got = expect_list(segment("xab", pieces), "unigram_segment('xab', <pieces>)", of=str)
    assert got == ["xa", "b"], f"'xab' gave {got}: an unknown character scores min(pieces) - 10"
    got = expect_list(segment("a??", pieces, unk_piece="[?]"),
                      "unigram_segment('a??', <pieces>, unk_piece='[?]')", of=str)
    assert got == ["a", "[?]"], f"gave {got}: the unknown piece is the unk_piece argument"
    got = expect_list(segment("", pieces), "unigram_segment('', <pieces>)", of=str)
    assert got == [], f"the empty text gave {got}"


@pytest.mark.points(0.5)
@pytest.mark.hint("a Unigram model without pieces cannot segment anything: raise ValueError")
def test_unigram_segment_rejects_empty_pieces(student):
    segment = student.function(UNIGRAM, "unigram_segment")
    with must_raise(ValueError, "unigram_segment('abc', {})"):
        segment("abc", {})


@pytest.mark.points(2)
@pytest.mark.hint(f"the segmentation with the highest total score (sum of log-probabilities) "
                  f"over all segmentations: Viterbi over the lattice; see {SEGMENT_LESSON}")
@pytest.mark.deeper_hint("Keep, for every position, the best total of any segmentation of the "
                         "text up to there and where its last piece starts; extend it with "
                         "every piece that starts at a position, then walk back from the end.")
def test_unigram_segment_matches_tokenizers(student):
    segment = student.function(UNIGRAM, "unigram_segment")
    rng = random.Random(5)
    for _ in range(150):
        text, pieces = random_unigram_case(rng, ALPHABET)
        got = expect_list(segment(text, pieces), "unigram_segment(<a random text>, <pieces>)", of=str)
        want = unigram_pieces(text, pieces)
        assert got == want, f"not the highest total score: {first_difference(got, want)}"


@pytest.mark.points(1.5)
@pytest.mark.hint("with a real SentencePiece model's pieces and scores, the pieces must be "
                  "SentencePiece's own; unknown characters as one unk_piece per run")
def test_unigram_segment_matches_sentencepiece(student):
    _matches_sentencepiece(student, "unigram_segment", byte_fallback=False)


@pytest.mark.points(2)
@pytest.mark.hint(f"the E-step averages the piece counts over ALL segmentations of each word, "
                  f"weighted by their probabilities and by the word's count; see {EM_LESSON}")
@pytest.mark.deeper_hint("The probability that a piece is used at a given place is the total "
                         "probability of the segmentations that reach its start, times its own "
                         "probability, times the total probability of the ways to finish from its "
                         "end, divided by the total probability of the word.")
def test_unigram_em_step_matches_brute_force(student):
    em_step = student.function(UNIGRAM, "unigram_em_step")
    rng = random.Random(9)
    for case in range(40):
        words, pieces = random_em_case(rng)
        got = expect_dict(em_step(words, pieces), f"unigram_em_step(<case {case}>)",
                          keys=str, values=float, length=len(pieces))
        want = brute_force_em_step(words, pieces)
        assert set(got) == set(want), "the keys must be those of pieces"
        for piece, value in want.items():
            if value == -math.inf:
                assert got[piece] == -math.inf, \
                    f"piece {piece!r} is used by no segmentation but got {got[piece]!r}"
            else:
                assert math.isclose(got[piece], value, rel_tol=1e-9, abs_tol=1e-9), \
                    f"case {case}: the new log-probability of {piece!r} is {got[piece]!r}: " \
                    f"expected counts over all segmentations do not add up"


@pytest.mark.points(1)
@pytest.mark.hint("the new scores are log-probabilities: the exponentials of all of them add "
                  "up to 1 (normalize by the total expected count)")
def test_unigram_em_step_is_a_distribution(student):
    em_step = student.function(UNIGRAM, "unigram_em_step")
    pieces = {c: math.log(0.1) for c in "abcdefgh"} | {"ab": -1.0, "cd": -1.5, "abcd": -2.0}
    got = expect_dict(em_step({"abcd": 3, "dcba": 2, "hgfe": 1}, pieces),
                      "unigram_em_step(<three words>)", keys=str, values=float, length=len(pieces))
    total = sum(math.exp(expect_float(v, "a new log-probability", finite=False)) for v in got.values())
    assert math.isclose(total, 1.0, rel_tol=1e-9), f"the probabilities add up to {total!r}, not 1"


@pytest.mark.points(0.5)
@pytest.mark.hint("a word no segmentation covers is bad input: ValueError; so is an empty "
                  "pieces mapping")
def test_unigram_em_step_rejects_uncoverable_words(student):
    em_step = student.function(UNIGRAM, "unigram_em_step")
    with must_raise(ValueError, "unigram_em_step({'abz': 1}, <pieces without 'z'>)"):
        em_step({"abz": 1}, {"a": -1.0, "b": -1.0})
    with must_raise(ValueError, "unigram_em_step({'ab': 1}, {})"):
        em_step({"ab": 1}, {})


@pytest.mark.points(1)
@pytest.mark.hint("two upper-case hex digits with a leading zero (<0x0A>), one piece per byte, "
                  "never fused, even for several unknown characters in a row")
def test_byte_fallback_segment_byte_format(student):
    segment = student.function(UNIGRAM, "byte_fallback_segment")
    got = expect_list(segment("a\nb", {"a": -1.0, "b": -1.0}), "byte_fallback_segment('a\\nb', ...)", of=str)
    assert got == ["a", "<0x0A>", "b"], f"a newline gave {got}"
    got = expect_list(segment("é€", {"a": -1.0}), "byte_fallback_segment('é€', ...)", of=str)
    assert got == ["<0xC3>", "<0xA9>", "<0xE2>", "<0x82>", "<0xAC>"], f"'é€' gave {got}"


@pytest.mark.points(1.5)
@pytest.mark.hint(f"each unknown character becomes its UTF-8 bytes as <0xNN> pieces, upper-case "
                  f"hex, one piece per byte; see {BYTES_LESSON}")
@pytest.mark.deeper_hint("Segment exactly as without byte fallback; only the unknown "
                         "characters are then written differently, each byte with two hex "
                         "digits, never several characters in one piece.")
def test_byte_fallback_segment_matches_tokenizers(student):
    segment = student.function(UNIGRAM, "byte_fallback_segment")
    rng = random.Random(13)
    for _ in range(120):
        text, pieces = random_unigram_case(rng, ALPHABET + "\n\t")
        got = expect_list(segment(text, pieces), "byte_fallback_segment(<a random text>, <pieces>)", of=str)
        want = unigram_pieces(text, pieces, byte_fallback=True)
        assert got == want, f"the byte pieces differ from the upper-case <0xNN> per byte: " \
                            f"{first_difference(got, want)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("with a real SentencePiece model trained with byte fallback, the pieces "
                  "must be SentencePiece's own")
def test_byte_fallback_segment_matches_sentencepiece(student):
    _matches_sentencepiece(student, "byte_fallback_segment", byte_fallback=True)


def _matches_sentencepiece(student, name: str, byte_fallback: bool) -> None:
    """The student's `name` on the sample texts gives the pieces of a SentencePiece model
    trained in the test (with or without byte fallback)."""
    segment = student.function(UNIGRAM, name)
    sp, pieces = sentencepiece_model(byte_fallback=byte_fallback)
    for index, text in enumerate(sample_texts()):
        got = expect_list(segment(sentencepiece_view(text), pieces),
                          f"{name}(<text {index}>, <SentencePiece pieces>)", of=str)
        want = sentencepiece_pieces(sp, text)
        assert got == want, f"text {index}: pieces differ from SentencePiece's: {first_difference(got, want)}"
