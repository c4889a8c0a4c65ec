"""Hidden tests of contextual.py: static versus contextual vectors of "pitch" from all-MiniLM-L6-v2."""

import numpy as np
import pytest
from m2_helpers import CONTEXTUAL, VECTORS, pitch

# ----------------------------------------------------------------------------- finding a word's tokens


@pytest.mark.points(2)
@pytest.mark.hint("[CLS] and [SEP] have the empty span (0, 0): they never belong to a word, even one at position 0")
def test_word_positions_skip_special_tokens(student, solution):
    sentence = next(s for s in pitch(solution)["sentences"] if s.span[0] == 0)
    got = student.function(CONTEXTUAL, "word_positions")(sentence.offsets, *sentence.span)
    assert got == [1], "a word at the start of a sentence picked up a special token"


@pytest.mark.points(1)
@pytest.mark.hint("a token overlaps the word when s < end and e > start: touching is not overlapping")
def test_word_positions_split_word_between_neighbours(student):
    offsets = [(0, 0), (0, 3), (4, 6), (6, 9), (9, 13), (14, 18), (0, 0)]  # [CLS] the un ##pit ##ched note [SEP]
    positions = student.function(CONTEXTUAL, "word_positions")
    assert positions(offsets, 4, 13) == [2, 3, 4], "every piece of the word, and nothing else"
    assert positions(offsets, 6, 9) == [3], "a token that ends where the word starts is not part of it"


@pytest.mark.points(1)
@pytest.mark.hint("find the tokens of 'pitch' in every sentence from the offsets")
def test_word_positions_on_every_pitch_sentence(student, solution):
    positions = student.function(CONTEXTUAL, "word_positions")
    reference = solution.function(CONTEXTUAL, "word_positions")
    for s in pitch(solution)["sentences"]:
        assert positions(s.offsets, *s.span) == reference(s.offsets, *s.span), "wrong tokens for 'pitch'"


@pytest.mark.points(1)
@pytest.mark.hint("an empty span (start >= end) or a negative start is not a word: raise ValueError")
def test_word_positions_reject_empty_span(student):
    positions = student.function(CONTEXTUAL, "word_positions")
    with pytest.raises(ValueError):
        positions([(0, 0), (0, 3)], 2, 2)
    with pytest.raises(ValueError):
        positions([(0, 0), (0, 3)], -1, 2)


# ----------------------------------------------------------------------------- one vector per word


@pytest.mark.points(2)
@pytest.mark.hint("average the vectors of all the word's tokens, not just the first piece")
def test_word_vector_averages_every_piece(student):
    rows = np.random.default_rng(40).normal(size=(7, 5)).astype(np.float32)
    got = student.function(CONTEXTUAL, "word_vector")(rows, [2, 3, 4])
    assert isinstance(got, np.ndarray) and got.shape == (5,), "one vector of length d"
    np.testing.assert_allclose(got, rows[2:5].astype(np.float64).mean(axis=0), rtol=1e-6,
                               err_msg="the word vector is not the mean of its pieces")


@pytest.mark.points(1)
@pytest.mark.hint("a negative position would read from the end of the sentence: raise IndexError")
def test_word_vector_refuses_negative_position(student):
    with pytest.raises(IndexError):
        student.function(CONTEXTUAL, "word_vector")(np.ones((4, 2)), [1, -1])


@pytest.mark.points(1)
@pytest.mark.hint("a word covers at least one token: no positions raises ValueError")
def test_word_vector_refuses_no_positions(student):
    with pytest.raises(ValueError):
        student.function(CONTEXTUAL, "word_vector")(np.ones((4, 2)), [])


# ----------------------------------------------------------------------------- comparing senses


@pytest.mark.points(2)
@pytest.mark.hint("average over pairs i < j only: a vector paired with itself adds a 1.0 to the same-sense side")
def test_sense_separation_skips_self_pairs(student, solution):
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [0.8, 0.6], [0.3, 0.9]])
    senses = ["a", "a", "b", "b", "a"]
    got = student.function(CONTEXTUAL, "sense_separation")(vectors, senses)
    assert got == pytest.approx(solution.function(CONTEXTUAL, "sense_separation")(vectors, senses)), (
        "separation is off: are self-pairs included?")


@pytest.mark.points(1)
@pytest.mark.hint("mean cosine of same-sense pairs minus mean cosine of different-sense pairs, each pair once")
def test_sense_separation_on_random_vectors(student, solution):
    rng = np.random.default_rng(41)
    vectors = rng.normal(size=(12, 6)) * rng.uniform(0.5, 3, size=(12, 1))
    senses = list(rng.choice(["x", "y", "z"], size=12))
    got = student.function(CONTEXTUAL, "sense_separation")(vectors, senses)
    assert got == pytest.approx(solution.function(CONTEXTUAL, "sense_separation")(vectors, senses), abs=1e-6), (
        "separation differs from the definition")


@pytest.mark.points(1)
@pytest.mark.hint("without a same-sense pair or a different-sense pair there is nothing to compare: ValueError")
def test_sense_separation_needs_both_kinds_of_pairs(student):
    with pytest.raises(ValueError):
        student.function(CONTEXTUAL, "sense_separation")(np.eye(3), ["a", "b", "c"])


@pytest.mark.points(2)
@pytest.mark.hint("leave one out: an occurrence must not be its own nearest neighbour")
def test_sense_accuracy_leaves_one_out(student):
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1], [0.1, 0.9]])
    got = student.function(CONTEXTUAL, "sense_accuracy")(vectors, ["a", "a", "b", "b"])
    assert got == 0.0, "every nearest other occurrence here has the other sense"


@pytest.mark.points(1)
@pytest.mark.hint("equally similar neighbours: take the one with the lower index")
def test_sense_accuracy_ties_by_lower_index(student):
    got = student.function(CONTEXTUAL, "sense_accuracy")(np.array([[1.0, 0.0]] * 3), ["a", "b", "b"])
    assert got == 0.0, "ties must go to the lower index"


# ----------------------------------------------------------------------------- "pitch" in the real model


@pytest.mark.points(2)
@pytest.mark.hint("contextual vectors of 'pitch' group by sense; the static row is one vector for every sense")
def test_pitch_separation_static_versus_contextual(student, solution):
    data = pitch(solution)
    separation = student.function(CONTEXTUAL, "sense_separation")
    contextual = separation(data["contextual"], data["senses"])
    static = separation(data["static"], data["senses"])
    want = solution.function(CONTEXTUAL, "sense_separation")(data["contextual"], data["senses"])
    assert contextual == pytest.approx(want, abs=1e-6), "separation of the contextual vectors is off"
    assert contextual > 0.05, "contextual vectors should separate the senses"
    assert abs(static) < 1e-6, "identical static vectors cannot separate anything"


@pytest.mark.points(1)
@pytest.mark.hint("nearest-neighbour sense of every occurrence: contextual vectors get all right, static ones guess")
def test_pitch_accuracy_static_versus_contextual(student, solution):
    data = pitch(solution)
    accuracy = student.function(CONTEXTUAL, "sense_accuracy")
    assert accuracy(data["contextual"], data["senses"]) == 1.0, "contextual vectors should find every sense"
    assert accuracy(data["static"], data["senses"]) <= 0.5, "static vectors cannot tell the senses apart"


@pytest.mark.points(1)
@pytest.mark.hint("the static vector of 'pitch' is one row of the embedding table: embedding_lookup then word_vector")
def test_pitch_static_vectors_are_one_row(student, solution):
    data = pitch(solution)
    lookup = student.function(VECTORS, "embedding_lookup")
    word_vector = student.function(CONTEXTUAL, "word_vector")
    reference_positions = solution.function(CONTEXTUAL, "word_positions")
    vectors = [word_vector(lookup(data["table"], s.rows), reference_positions(s.offsets, *s.span))
               for s in data["sentences"][::5]]
    for v in vectors:
        np.testing.assert_array_equal(v, vectors[0], err_msg="the static vector of 'pitch' changed between sentences")
    np.testing.assert_allclose(vectors[0], data["static"][0], rtol=1e-6, err_msg="wrong static vector")
