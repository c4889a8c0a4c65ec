"""Public tests of contextual.py: find a word's tokens, average them, compare senses."""

import numpy as np
import pytest

from autograder.checks import expect_array, expect_float, expect_list

CONTEXTUAL = "m2_embeddings.contextual"


@pytest.mark.points(1)
@pytest.mark.hint("A token belongs to a word when their character spans overlap; special tokens cover no characters.")
def test_word_positions_split_word(student):
    offsets = [(0, 0), (0, 2), (2, 5), (5, 9), (0, 0)]  # [CLS] un ##pit ##ched [SEP]
    assert expect_list(student.function(CONTEXTUAL, "word_positions")(offsets, 0, 9), "word_positions(offsets, 0, 9)", of=int) == [1, 2, 3]


@pytest.mark.points(1)
@pytest.mark.hint("A word split into several tokens gets the average of all its pieces.")
def test_word_vector_mean(student):
    rows = np.array([[1.0, 1.0], [3.0, 5.0], [9.0, 9.0]])
    got = expect_array(student.function(CONTEXTUAL, "word_vector")(rows, [0, 1]), "word_vector(rows, [0, 1])", shape=(2,), dtype_kind="f")
    np.testing.assert_allclose(got, [2.0, 3.0])


@pytest.mark.points(1)
@pytest.mark.hint("Separation is the mean cosine of the same-sense pairs minus that of the different-sense pairs; each pair of two occurrences counts once and an occurrence is never paired with itself, nor its own neighbour.")
def test_senses_small(student):
    vectors = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0], [0.1, 1.0]])
    senses = ["a", "a", "b", "b"]
    separation = expect_float(student.function(CONTEXTUAL, "sense_separation")(vectors[:3], senses[:3]), "sense_separation")
    assert separation == pytest.approx(0.9950 - (0.0 + 0.0995) / 2, abs=1e-3), (
        f"sense_separation of 3 vectors (two of sense a) = {separation:.4f}; expected 0.9950 (the one same-sense pair) "
        "minus 0.0498 (the mean of the two different-sense pairs)")
    assert expect_float(student.function(CONTEXTUAL, "sense_accuracy")(vectors, senses), "sense_accuracy") == 1.0
