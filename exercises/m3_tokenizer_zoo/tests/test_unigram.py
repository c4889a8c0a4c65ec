"""Public tests of unigram.py: Viterbi segmentation, one EM step, byte fallback."""

import math

import pytest

from autograder.checks import expect_dict, expect_list

UNIGRAM = "m3_tokenizer_zoo.unigram"
PIECES = {"a": -1.0, "b": -2.0, "ab": -2.5}


@pytest.mark.points(0.5)
@pytest.mark.hint("the best segmentation has the highest sum of log-probabilities")
def test_unigram_segment_best_total(student):
    got = student.function(UNIGRAM, "unigram_segment")("abab", PIECES)
    assert expect_list(got, 'unigram_segment("abab", ...)', of=str) == ["ab", "ab"]


@pytest.mark.points(0.5)
@pytest.mark.hint("characters without a piece of their own may be read as unknown; a run of "
                  "them is one unk_piece")
def test_unigram_segment_unknown_run(student):
    got = student.function(UNIGRAM, "unigram_segment")("axyb", PIECES)
    assert expect_list(got, 'unigram_segment("axyb", ...)', of=str) == ["a", "<unk>", "b"]


@pytest.mark.points(0.5)
@pytest.mark.hint("expected counts average over every segmentation, weighted by its "
                  "probability; then renormalize them into log-probabilities")
def test_unigram_em_step_two_segmentations(student):
    pieces = {"a": math.log(0.5), "b": math.log(0.25), "ab": math.log(0.25)}
    got = student.function(UNIGRAM, "unigram_em_step")({"ab": 1}, pieces)
    got = expect_dict(got, 'unigram_em_step({"ab": 1}, ...)', keys=str, values=float, length=3)
    assert got == pytest.approx({"a": math.log(0.25), "b": math.log(0.25), "ab": math.log(0.5)})


@pytest.mark.points(0.5)
@pytest.mark.hint("an unknown character becomes its UTF-8 bytes: one piece per byte, written "
                  "<0xNN> in upper-case hex")
def test_byte_fallback_segment_euro_sign(student):
    got = student.function(UNIGRAM, "byte_fallback_segment")("a€b", {"a": -1.0, "b": -2.0})
    got = expect_list(got, 'byte_fallback_segment("a€b", ...)', of=str)
    assert got == ["a", "<0xE2>", "<0x82>", "<0xAC>", "b"]
