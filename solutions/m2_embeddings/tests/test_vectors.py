"""Public tests of vectors.py: ids to vectors, cosine similarity, top-k, analogies."""

import numpy as np
import pytest

from autograder.checks import expect_array, expect_float, expect_list, expect_tuple

VECTORS = "m2_embeddings.vectors"


@pytest.mark.points(2)
@pytest.mark.hint("One row per id with a single 1.0, at the id, in float64.")
def test_one_hot_small(student):
    got = expect_array(student.function(VECTORS, "one_hot")([2, 0], 3), "one_hot([2, 0], 3)", shape=(2, 3))
    np.testing.assert_array_equal(got, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    assert got.dtype == np.float64


@pytest.mark.points(2)
@pytest.mark.hint("A lookup gives the same rows as the one-hot product, for ids of any shape, in E's dtype.")
def test_lookup_equals_one_hot_times_matrix(student):
    E = np.arange(12, dtype=np.float32).reshape(4, 3)
    ids = np.array([[3, 0], [1, 1]])
    got = expect_array(student.function(VECTORS, "embedding_lookup")(E, ids), "embedding_lookup(E, ids)", shape=(2, 2, 3))
    assert got.dtype == np.float32, f"embedding_lookup returned {got.dtype} rows for a float32 E; expected float32, E's dtype"
    np.testing.assert_array_equal(got, np.eye(4)[ids] @ E)


@pytest.mark.points(2)
@pytest.mark.hint("Cosine compares directions; a zero vector has similarity 0.0, never NaN.")
def test_cosine_small(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    assert expect_float(cosine([1.0, 0.0], [2.0, 0.0]), "cosine_similarity([1, 0], [2, 0])") == pytest.approx(1.0)
    assert expect_float(cosine([1.0, 0.0], [0.0, 3.0]), "cosine_similarity([1, 0], [0, 3])") == pytest.approx(0.0)
    assert expect_float(cosine([0.0, 0.0], [1.0, 1.0]), "cosine_similarity([0, 0], [1, 1])") == 0.0
    got = expect_array(cosine([1.0, 0.0], [[1.0, 1.0], [0.0, 2.0]]), "cosine_similarity(a vector, 2 rows)", shape=(2,), dtype_kind="f")
    np.testing.assert_allclose(got, [2**-0.5, 0.0])


@pytest.mark.points(2)
@pytest.mark.hint("top_k ranks the rows by their cosine with the query and returns (indices, scores), best first; equal scores keep the lower index first.")
def test_top_k_small(student):
    indices, scores = expect_tuple(student.function(VECTORS, "top_k")([1.0, 0.0], [[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]], 2),
                                   "top_k(q, 3 rows, 2)", length=2)
    np.testing.assert_array_equal(expect_array(indices, "top_k(...)'s indices", shape=(2,), dtype_kind="iu"), [1, 2])
    np.testing.assert_allclose(expect_array(scores, "top_k(...)'s scores", shape=(2,), dtype_kind="f"), [1.0, 2**-0.5],
                               err_msg="the scores are not the cosines of rows 1 and 2 with the query")
    indices, _ = expect_tuple(student.function(VECTORS, "top_k")([1.0, 0.0], [[0.0, 1.0], [1.0, 0.0], [2.0, 0.0]], 2),
                              "top_k(q, rows with a tie, 2)", length=2)
    np.testing.assert_array_equal(expect_array(indices, "top_k(...)'s indices", shape=(2,), dtype_kind="iu"), [1, 2],
                                  err_msg="rows 1 and 2 tie; the lower index comes first")


@pytest.mark.points(2)
@pytest.mark.hint("Analogies are about directions; the words of the question are not answers.")
def test_analogy_king_queen(student):
    # Two directions: royalty (first axis) and gender (second axis).
    vocab = ["man", "woman", "king", "queen", "apple"]
    E = np.array([[0.1, 1.0], [0.1, -1.0], [1.0, 1.0], [1.0, -1.0], [-1.0, 0.1]])
    got = expect_list(student.function(VECTORS, "analogy")(E, vocab, "man", "king", "woman"), "analogy(E, vocab, 'man', 'king', 'woman')", of=str)
    assert got == ["queen"]
