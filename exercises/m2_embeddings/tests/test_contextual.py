"""Public tests of contextual.py: find a word's tokens, average them, compare senses."""

import numpy as np
import pytest

CONTEXTUAL = "m2_embeddings.contextual"


@pytest.mark.points(1)
@pytest.mark.hint("keep tokens with a non-empty span that overlaps [start, end)")
def test_word_positions_split_word(student):
    offsets = [(0, 0), (0, 2), (2, 5), (5, 9), (0, 0)]  # [CLS] un ##pit ##ched [SEP]
    assert student.function(CONTEXTUAL, "word_positions")(offsets, 0, 9) == [1, 2, 3]


@pytest.mark.points(1)
@pytest.mark.hint("a word's vector is the mean of its tokens' vectors")
def test_word_vector_mean(student):
    rows = np.array([[1.0, 1.0], [3.0, 5.0], [9.0, 9.0]])
    np.testing.assert_allclose(student.function(CONTEXTUAL, "word_vector")(rows, [0, 1]), [2.0, 3.0])


@pytest.mark.points(1)
@pytest.mark.hint("compare pairs i < j only; a vector is never its own neighbour")
def test_senses_small(student):
    vectors = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0], [0.1, 1.0]])
    senses = ["a", "a", "b", "b"]
    separation = student.function(CONTEXTUAL, "sense_separation")(vectors[:3], senses[:3])
    assert separation == pytest.approx(0.9950 - (0.0 + 0.0995) / 2, abs=1e-3)
    assert student.function(CONTEXTUAL, "sense_accuracy")(vectors, senses) == 1.0
