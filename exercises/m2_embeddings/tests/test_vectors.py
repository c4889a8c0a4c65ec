"""Public tests of vectors.py: ids to vectors, cosine similarity, top-k, analogies."""

import numpy as np
import pytest

VECTORS = "m2_embeddings.vectors"


@pytest.mark.points(2)
@pytest.mark.hint("one_hot([2, 0], 3) has shape (2, 3): a single 1.0 per row, at the id")
def test_one_hot_small(student):
    got = student.function(VECTORS, "one_hot")([2, 0], 3)
    np.testing.assert_array_equal(got, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    assert got.dtype == np.float64


@pytest.mark.points(2)
@pytest.mark.hint("a lookup reads rows of E: E[ids] equals one_hot(ids, V) @ E")
def test_lookup_equals_one_hot_times_matrix(student):
    E = np.arange(12, dtype=np.float32).reshape(4, 3)
    ids = np.array([[3, 0], [1, 1]])
    got = student.function(VECTORS, "embedding_lookup")(E, ids)
    assert got.shape == (2, 2, 3) and got.dtype == np.float32
    np.testing.assert_array_equal(got, np.eye(4)[ids] @ E)


@pytest.mark.points(2)
@pytest.mark.hint("cosine compares directions; a zero vector has similarity 0.0, never NaN")
def test_cosine_small(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    assert cosine([1.0, 0.0], [2.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)
    assert cosine([0.0, 0.0], [1.0, 1.0]) == 0.0
    np.testing.assert_allclose(cosine([1.0, 0.0], [[1.0, 1.0], [0.0, 2.0]]), [2**-0.5, 0.0])


@pytest.mark.points(2)
@pytest.mark.hint("top_k returns (indices, scores) best first")
def test_top_k_small(student):
    indices, scores = student.function(VECTORS, "top_k")([1.0, 0.0], [[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]], 2)
    np.testing.assert_array_equal(indices, [1, 2])
    np.testing.assert_allclose(scores, [1.0, 2**-0.5])


@pytest.mark.points(2)
@pytest.mark.hint("3CosAdd: unit vectors, target = b - a + c, skip a, b and c")
def test_analogy_king_queen(student):
    # Two directions: royalty (first axis) and gender (second axis).
    vocab = ["man", "woman", "king", "queen", "apple"]
    E = np.array([[0.1, 1.0], [0.1, -1.0], [1.0, 1.0], [1.0, -1.0], [-1.0, 0.1]])
    assert student.function(VECTORS, "analogy")(E, vocab, "man", "king", "woman") == ["queen"]
