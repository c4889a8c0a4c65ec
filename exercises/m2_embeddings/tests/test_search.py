"""Public tests of search.py: mean pooling, BM25, semantic search, recall and reciprocal rank."""

import numpy as np
import pytest

from autograder.checks import expect_array, expect_float, expect_int, expect_pairs

SEARCH = "m2_embeddings.search"
LOOKUP = "autograder.worker_helpers.m2_embeddings:lookup_embedder"


def ranked(result, what, n):
    """A ranking checked to be n (doc_index, score) pairs of an int and a float."""
    pairs = expect_pairs(result, what, of=(int, float), length=n)
    return [(expect_int(doc, what + "'s document index"), expect_float(score, what + "'s score")) for doc, score in pairs]


@pytest.mark.points(2)
@pytest.mark.hint("The average is over the real tokens only.")
def test_mean_pool_skips_padding(student):
    tokens = np.array([[[1.0, 1.0], [3.0, 5.0], [9.0, 9.0]]])
    got = expect_array(student.function(SEARCH, "mean_pool")(tokens, np.array([[1, 1, 0]])), "mean_pool(tokens, mask)", shape=(1, 2), dtype_kind="f")
    np.testing.assert_allclose(got, [[2.0, 3.0]])


@pytest.mark.points(2)
@pytest.mark.hint("BM25 as the docstring defines it, summed over the query's words: a word in most documents still adds a little; equal scores keep the lower index first.")
def test_bm25_small(student):
    docs = ["a red car", "the quick fox", "a red fox"]
    got = ranked(student.function(SEARCH, "bm25_search")("red fox", docs, 3), "bm25_search('red fox', docs, 3)", 3)
    order = [doc for doc, _ in got]
    assert min(score for _, score in got) >= 0, f"bm25_search gave a negative score: {got}; a query word adds to the score even when most documents hold it"
    assert order[0] == 2, f"ranked {order}: document 2 holds both query words, the others one each"
    assert order == [2, 0, 1], f"ranked {order}: documents 0 and 1 score the same, so the lower index comes first"
    assert got[0][1] == pytest.approx(2 * np.log(1.6))  # idf("red") = idf("fox") = ln(1.6)


@pytest.mark.points(2)
@pytest.mark.hint("Documents are ranked by the cosine of their vector with the query's vector.")
def test_semantic_search_small(student):
    texts = ["automobile", "banana", "car"]
    vectors = np.array([[0.9, 0.1], [0.0, 1.0], [1.0, 0.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = ranked(student.function(SEARCH, "semantic_search")("automobile", ["banana", "car"], embed, 1), "semantic_search(...)", 1)
    assert [doc for doc, _ in got] == [1]
    assert got[0][1] == pytest.approx(0.9 / np.hypot(0.9, 0.1))


@pytest.mark.points(1)
@pytest.mark.hint("Recall is a share of the relevant documents; ranks count from 1.")
def test_recall_and_reciprocal_rank(student):
    assert expect_float(student.function(SEARCH, "recall_at_k")([4, 7, 1], {1, 9}, 3), "recall_at_k") == pytest.approx(0.5)
    assert expect_float(student.function(SEARCH, "reciprocal_rank")([4, 7, 1], {1, 9}), "reciprocal_rank") == pytest.approx(1 / 3)
