"""Hidden tests of contextual.py: static versus contextual vectors of "pitch" from all-MiniLM-L6-v2."""

import numpy as np
import pytest
from m2_helpers import CONTEXTUAL, VECTORS, pitch

from autograder.checks import expect_array, expect_float, expect_list

# ----------------------------------------------------------------------------- finding a word's tokens


@pytest.mark.points(2)
@pytest.mark.hint("Special tokens such as [CLS] cover no characters of the sentence, so they belong to no word, even a word at its very start.")
def test_word_positions_skip_special_tokens(student, solution):
    sentence = next(s for s in pitch(solution)["sentences"] if s.span[0] == 0)
    got = expect_list(student.function(CONTEXTUAL, "word_positions")(sentence.offsets, *sentence.span),
                      "word_positions(offsets, 0, 5)", of=int)
    assert got == [1], f"word_positions for a word at the start of a sentence gave {got}; expected [1] (position 0 is [CLS])"


@pytest.mark.points(1)
@pytest.mark.hint("A token belongs to a word when their character spans overlap; touching at an edge is not overlapping.")
@pytest.mark.deeper_hint("Character spans are half-open, [start, end): a token that ends exactly where the word starts shares no character with it.")
def test_word_positions_split_word_between_neighbours(student):
    offsets = [(0, 0), (0, 3), (4, 6), (6, 9), (9, 13), (14, 18), (0, 0)]  # [CLS] the un ##pit ##ched note [SEP]
    positions = student.function(CONTEXTUAL, "word_positions")
    for span, want in (((4, 13), [2, 3, 4]), ((6, 9), [3])):
        got = expect_list(positions(offsets, *span), f"word_positions(offsets, {span[0]}, {span[1]})", of=int)
        assert got == want, f"word_positions(offsets, {span[0]}, {span[1]}) = {got}; expected {want}"


@pytest.mark.points(1)
@pytest.mark.hint("The tokens of 'pitch' in every sentence, found from the offsets alone.")
def test_word_positions_on_every_pitch_sentence(student, solution):
    positions = student.function(CONTEXTUAL, "word_positions")
    reference = solution.function(CONTEXTUAL, "word_positions")
    for s in pitch(solution)["sentences"]:
        got = expect_list(positions(s.offsets, *s.span), f"word_positions(offsets, {s.span[0]}, {s.span[1]})", of=int)
        want = reference(s.offsets, *s.span)
        assert got == want, f"word_positions(offsets, {s.span[0]}, {s.span[1]}) = {got}; expected {want}"


@pytest.mark.points(1)
@pytest.mark.hint("An empty span or a negative start is not a word (ValueError).")
def test_word_positions_reject_empty_span(student):
    positions = student.function(CONTEXTUAL, "word_positions")
    with pytest.raises(ValueError):
        positions([(0, 0), (0, 3)], 2, 2)
    with pytest.raises(ValueError):
        positions([(0, 0), (0, 3)], -1, 2)


# ----------------------------------------------------------------------------- one vector per word


@pytest.mark.points(2)
@pytest.mark.hint("A word split into several tokens gets the average of all its pieces.")
def test_word_vector_averages_every_piece(student):
    rows = np.random.default_rng(40).normal(size=(7, 5)).astype(np.float32)
    got = expect_array(student.function(CONTEXTUAL, "word_vector")(rows, [2, 3, 4]), "word_vector(rows [7, 5], [2, 3, 4])",
                       shape=(5,), dtype_kind="f", finite=True)
    np.testing.assert_allclose(got, rows[2:5].astype(np.float64).mean(axis=0), rtol=1e-6,
                               err_msg="the word vector is not the mean of its pieces")


@pytest.mark.points(1)
@pytest.mark.hint("A negative position is not a token of the sentence, though numpy indexing would read one from the end (IndexError).")
def test_word_vector_refuses_negative_position(student):
    with pytest.raises(IndexError):
        student.function(CONTEXTUAL, "word_vector")(np.ones((4, 2)), [1, -1])


@pytest.mark.points(1)
@pytest.mark.hint("A word covers at least one token; no positions is an error (ValueError).")
def test_word_vector_refuses_no_positions(student):
    with pytest.raises(ValueError):
        student.function(CONTEXTUAL, "word_vector")(np.ones((4, 2)), [])


# ----------------------------------------------------------------------------- comparing senses


@pytest.mark.points(2)
@pytest.mark.hint("Each pair of different occurrences counts once; an occurrence paired with itself is not a pair.")
@pytest.mark.deeper_hint("Count each pair of two different occurrences once: the diagonal of the similarity matrix compares each occurrence with itself, and the matrix holds every other pair twice.")
def test_sense_separation_skips_self_pairs(student, solution):
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [0.8, 0.6], [0.3, 0.9]])
    senses = ["a", "a", "b", "b", "a"]
    got = expect_float(student.function(CONTEXTUAL, "sense_separation")(vectors, senses), "sense_separation(5 vectors, senses)")
    want = solution.function(CONTEXTUAL, "sense_separation")(vectors, senses)
    assert got == pytest.approx(want), f"sense_separation of 5 vectors = {got:.4f}; expected {want:.4f}"


@pytest.mark.points(1)
@pytest.mark.hint("Separation compares same-sense pairs with different-sense pairs, by direction, each pair once.")
def test_sense_separation_on_random_vectors(student, solution):
    rng = np.random.default_rng(41)
    vectors = rng.normal(size=(12, 6)) * rng.uniform(0.5, 3, size=(12, 1))
    senses = list(rng.choice(["x", "y", "z"], size=12))
    got = expect_float(student.function(CONTEXTUAL, "sense_separation")(vectors, senses), "sense_separation(12 vectors, senses)")
    want = solution.function(CONTEXTUAL, "sense_separation")(vectors, senses)
    assert got == pytest.approx(want, abs=1e-6), f"sense_separation of 12 random vectors = {got:.4f}; expected {want:.4f}"


@pytest.mark.points(1)
@pytest.mark.hint("Without a same-sense pair or a different-sense pair there is nothing to compare (ValueError).")
def test_sense_separation_needs_both_kinds_of_pairs(student):
    with pytest.raises(ValueError):
        student.function(CONTEXTUAL, "sense_separation")(np.eye(3), ["a", "b", "c"])


@pytest.mark.points(2)
@pytest.mark.hint("Each occurrence is judged by the others: it is never its own nearest neighbour.")
@pytest.mark.deeper_hint("Every vector is most similar to itself; take each occurrence out of its own candidates before picking the nearest.")
def test_sense_accuracy_leaves_one_out(student):
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1], [0.1, 0.9]])
    got = expect_float(student.function(CONTEXTUAL, "sense_accuracy")(vectors, ["a", "a", "b", "b"]), "sense_accuracy(4 vectors, senses)")
    assert got == 0.0, f"sense_accuracy = {got}; every nearest other occurrence here has the other sense, so 0.0"


@pytest.mark.points(1)
@pytest.mark.hint("Between equally similar neighbours the lower index wins.")
def test_sense_accuracy_ties_by_lower_index(student):
    accuracy = student.function(CONTEXTUAL, "sense_accuracy")
    equal = np.array([[1.0, 0.0]] * 3)
    # Every other occurrence is equally near: the lower index decides (2 of 3 right here, 0 of 3
    # below; the higher index would give the opposite).
    for senses, want in ((["a", "a", "b"], 2 / 3), (["a", "b", "b"], 0.0)):
        got = expect_float(accuracy(equal, senses), f"sense_accuracy(3 equal vectors, {senses})")
        assert got == pytest.approx(want, abs=1e-9), \
            f"sense_accuracy(3 equal vectors, {senses}) = {got}; expected {want:.4g} when ties go to the lower index"


# ----------------------------------------------------------------------------- "pitch" in the real model


@pytest.mark.points(2)
@pytest.mark.hint("Contextual vectors of 'pitch' group by sense; a static vector is the same for every sense.")
def test_pitch_separation_static_versus_contextual(student, solution):
    data = pitch(solution)
    separation = student.function(CONTEXTUAL, "sense_separation")
    contextual = expect_float(separation(data["contextual"], data["senses"]), "sense_separation(contextual vectors, senses)")
    static = expect_float(separation(data["static"], data["senses"]), "sense_separation(static vectors, senses)")
    want = solution.function(CONTEXTUAL, "sense_separation")(data["contextual"], data["senses"])
    assert contextual == pytest.approx(want, abs=1e-6), "separation of the contextual vectors is off"
    assert contextual > 0.05, "contextual vectors should separate the senses"
    assert abs(static) < 1e-6, "identical static vectors cannot separate anything"


@pytest.mark.points(1)
@pytest.mark.hint("The nearest-neighbour sense of every occurrence: contextual vectors, one per occurrence, tell the senses of pitch apart.")
def test_pitch_accuracy_static_versus_contextual(student, solution):
    data = pitch(solution)
    accuracy = student.function(CONTEXTUAL, "sense_accuracy")
    contextual = expect_float(accuracy(data["contextual"], data["senses"]), "sense_accuracy(contextual vectors, senses)")
    assert contextual == 1.0, f"sense_accuracy of the contextual vectors = {contextual}; they find every sense (1.0)"
    # The static vectors are not graded here: all 18 are equal, so every neighbour is a tie
    # whose last bits depend on the CPU (ties are graded with exact ones in
    # test_sense_accuracy_ties_by_lower_index).


@pytest.mark.points(1)
@pytest.mark.hint("The static vector of 'pitch' is one row of the embedding table, the same in every sentence.")
def test_pitch_static_vectors_are_one_row(student, solution):
    data = pitch(solution)
    lookup = student.function(VECTORS, "embedding_lookup")
    word_vector = student.function(CONTEXTUAL, "word_vector")
    reference_positions = solution.function(CONTEXTUAL, "word_positions")
    vectors = []
    for s in data["sentences"][::5]:
        rows = expect_array(lookup(data["table"], s.rows), "embedding_lookup(table, a sentence's ids)",
                            shape=(len(s.rows), data["table"].shape[1]), dtype_kind="f", finite=True)
        vectors.append(expect_array(word_vector(rows, reference_positions(s.offsets, *s.span)),
                                    "word_vector(rows, positions of 'pitch')", shape=(data["table"].shape[1],),
                                    dtype_kind="f", finite=True))
    for v in vectors:
        np.testing.assert_array_equal(v, vectors[0], err_msg="the static vector of 'pitch' changed between sentences")
    np.testing.assert_allclose(vectors[0], data["static"][0], rtol=1e-6, err_msg="wrong static vector")
