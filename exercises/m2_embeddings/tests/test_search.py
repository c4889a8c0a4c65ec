"""Public tests of search.py: mean pooling, BM25, semantic search, recall and reciprocal rank."""

import numpy as np
import pytest

SEARCH = "m2_embeddings.search"
LOOKUP = "autograder.worker_helpers.m2_embeddings:lookup_embedder"


@pytest.mark.points(2)
@pytest.mark.hint("average only the positions where the mask is nonzero")
def test_mean_pool_skips_padding(student):
    tokens = np.array([[[1.0, 1.0], [3.0, 5.0], [9.0, 9.0]]])
    got = student.function(SEARCH, "mean_pool")(tokens, np.array([[1, 1, 0]]))
    np.testing.assert_allclose(got, [[2.0, 3.0]])


@pytest.mark.points(2)
@pytest.mark.hint("BM25 sums idf * saturated term frequency over the query's tokens")
def test_bm25_small(student):
    docs = ["a red car", "the quick fox", "a red fox"]
    got = student.function(SEARCH, "bm25_search")("red fox", docs, 3)
    assert [doc for doc, _ in got] == [2, 0, 1]
    assert got[0][1] == pytest.approx(2 * np.log(1.6))  # idf("red") = idf("fox") = ln(1.6)


@pytest.mark.points(2)
@pytest.mark.hint("embed(list(docs)) and embed([query]), then rank by cosine similarity")
def test_semantic_search_small(student):
    texts = ["automobile", "banana", "car"]
    vectors = np.array([[0.9, 0.1], [0.0, 1.0], [1.0, 0.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = student.function(SEARCH, "semantic_search")("automobile", ["banana", "car"], embed, 1)
    assert [doc for doc, _ in got] == [1]
    assert got[0][1] == pytest.approx(0.9 / np.hypot(0.9, 0.1))


@pytest.mark.points(1)
@pytest.mark.hint("recall@k divides by the number of relevant documents; ranks count from 1")
def test_recall_and_reciprocal_rank(student):
    assert student.function(SEARCH, "recall_at_k")([4, 7, 1], {1, 9}, 3) == pytest.approx(0.5)
    assert student.function(SEARCH, "reciprocal_rank")([4, 7, 1], {1, 9}) == pytest.approx(1 / 3)
