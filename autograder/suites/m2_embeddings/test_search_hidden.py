"""Hidden tests of search.py: mean pooling, BM25, semantic search, and keyword versus meaning on
the Larkspur API documentation with the real all-MiniLM-L6-v2 vectors."""

import math

import numpy as np
import pytest
from m2_helpers import LOOKUP, SEARCH, check_ranking, collection, ranking, reference_rankings, trusted_embedder

from autograder.checks import expect_array, expect_float, expect_list

# ----------------------------------------------------------------------------- mean pooling


@pytest.mark.points(2)
@pytest.mark.hint("The average is over the real tokens only: padding positions neither add to the sum nor to the count.")
def test_mean_pool_ignores_padding(student, solution):
    rng = np.random.default_rng(30)
    tokens = rng.normal(size=(3, 6, 4))
    mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
    got = expect_array(student.function(SEARCH, "mean_pool")(tokens, mask), "mean_pool(tokens [3, 5, 4], mask [3, 5])",
                       shape=(3, 4), dtype_kind="f", finite=True)
    np.testing.assert_allclose(got, solution.function(SEARCH, "mean_pool")(tokens, mask), atol=1e-6,
                               err_msg="padded positions changed the mean")


@pytest.mark.points(2)
@pytest.mark.hint("A row with no real token has nothing to average: its vector is zeros, never NaN.")
@pytest.mark.deeper_hint("A row whose mask sums to 0 divides 0 by 0; give such a row a divisor that cannot be 0 (its sum is 0 anyway).")
def test_mean_pool_all_padding_row_is_zero(student):
    tokens = np.ones((2, 3, 2))
    got = expect_array(student.function(SEARCH, "mean_pool")(tokens, np.array([[0, 0, 0], [1, 0, 0]])),
                       "mean_pool(tokens [2, 3, 2], a mask with an all-padding row)", shape=(2, 2), dtype_kind="f")
    assert not np.isnan(got).any(), "an all-padding row gave NaN"
    np.testing.assert_allclose(got, [[0.0, 0.0], [1.0, 1.0]], err_msg="an all-padding row must be zeros")


@pytest.mark.points(1)
@pytest.mark.hint("The mask says only whether a position is real: any non-zero value counts the position once.")
def test_mean_pool_reads_mask_as_boolean(student):
    tokens = np.array([[[2.0, 0.0], [4.0, 8.0], [7.0, 7.0]]])
    got = expect_array(student.function(SEARCH, "mean_pool")(tokens, np.array([[2, 1, 0]])),
                       "mean_pool(tokens [1, 3, 2], mask [[2, 1, 0]])", shape=(1, 2), dtype_kind="f", finite=True)
    weighted = (2 * tokens[0, 0] + tokens[0, 1]) / 3
    assert not np.allclose(got[0], weighted), f"mean_pool with mask [[2, 1, 0]] gave {got[0].tolist()}: the token under the mask value 2 counted twice"
    np.testing.assert_allclose(got, [[3.0, 4.0]], err_msg="mean_pool with mask [[2, 1, 0]] is not the average of the first two token vectors")


@pytest.mark.points(1)
@pytest.mark.hint("Token vectors and mask must agree on batch and length; anything else is an error (ValueError).")
def test_mean_pool_rejects_mismatched_shapes(student):
    with pytest.raises(ValueError):
        student.function(SEARCH, "mean_pool")(np.ones((2, 3, 4)), np.ones((2, 4)))


# ----------------------------------------------------------------------------- BM25

WORDS = "the a fox dog red blue car runs quick lazy token vector search query model".split()


def _random_corpus(seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    docs = [" ".join(rng.choice(WORDS, size=rng.integers(0, 12))) for _ in range(25)]
    queries = [" ".join(rng.choice(WORDS, size=rng.integers(1, 4))) for _ in range(6)]
    return docs, queries


@pytest.mark.points(2)
@pytest.mark.hint("A word found in most documents still helps a little: its idf stays above zero.")
@pytest.mark.deeper_hint("The classic idf turns negative for a word in more than half of the documents; the docstring's idf adds one inside the logarithm, so it stays above zero.")
def test_bm25_common_words_still_help(student):
    docs = ["the cat", "the dog", "the bird", "a fish", "the cow"]
    got = ranking(student.function(SEARCH, "bm25_search")("the", docs, 5), "bm25_search('the', docs, 5)")
    assert len(got) == 5, (f"bm25_search('the', 5 docs, 5) returned {len(got)} results; expected 5: every document is ranked, "
                           "one without the query word with score 0.0")
    assert all(score > 0 for doc, score in got if doc != 3), "a word in most documents must still score above 0"
    assert [doc for doc, _ in got][-1] == 3, "the document without the word comes last"


@pytest.mark.points(1)
@pytest.mark.hint("A query word written twice counts twice.")
@pytest.mark.deeper_hint("Walk over the query's tokens as they are, repeats included, rather than over the set of distinct tokens.")
def test_bm25_repeated_query_token_counts_twice(student):
    docs = ["red fox", "blue car", "red car"]
    bm25 = student.function(SEARCH, "bm25_search")
    once = dict(ranking(bm25("fox", docs, 3), "bm25_search('fox', docs, 3)"))
    twice = dict(ranking(bm25("fox fox", docs, 3), "bm25_search('fox fox', docs, 3)"))
    assert 0 in once and 0 in twice, "document 0 ('red fox') is missing from the results"
    assert twice[0] == pytest.approx(2 * once[0]), f"'fox fox' scores {twice[0]:.4f} on 'red fox', 'fox' scores {once[0]:.4f}: not twice"


@pytest.mark.points(1)
@pytest.mark.hint("k larger than the collection returns every document; documents without a query word score 0.0 and come last, lower index first.")
def test_bm25_k_larger_than_collection(student):
    got = ranking(student.function(SEARCH, "bm25_search")("car", ["red fox", "blue car", "red car", "dog"], 10),
                  "bm25_search('car', 4 docs, 10)")
    assert [doc for doc, _ in got] == [1, 2, 0, 3], "zero-score documents must follow, by index"
    assert [score for _, score in got][2:] == [0.0, 0.0], "documents without a query word score 0.0"


@pytest.mark.points(1)
@pytest.mark.hint("Empty inputs are not errors: no documents means no results; an empty query or empty documents score 0.0.")
def test_bm25_empty_inputs(student):
    bm25 = student.function(SEARCH, "bm25_search")
    for args, want, name in ((("anything", [], 5), [], "no documents"), (("", ["a b", "c"], 5), [(0, 0.0), (1, 0.0)], "an empty query"),
                             (("x", ["", ""], 5), [(0, 0.0), (1, 0.0)], "empty documents")):
        got = ranking(bm25(*args), f"bm25_search{args}")
        assert got == want, f"with {name} bm25_search returned {got}; expected {want}"


@pytest.mark.points(1)
@pytest.mark.hint("Equal scores list the lower document index first.")
def test_bm25_ties_by_lower_index(student):
    got = ranking(student.function(SEARCH, "bm25_search")("vector", ["model", "vector search", "token", "vector search"], 2),
                  "bm25_search('vector', docs with a duplicate, 2)")
    assert [doc for doc, _ in got] == [1, 3], "identical documents must be listed by index"


@pytest.mark.points(1)
@pytest.mark.hint("k1 and b are parameters: other values must change the scores.")
def test_bm25_uses_k1_and_b(student, solution):
    docs, queries = _random_corpus(34)
    got = student.function(SEARCH, "bm25_search")(queries[0], docs, 8, k1=0.6, b=0.3)
    check_ranking(got, solution.function(SEARCH, "bm25_search")(queries[0], docs, 8, k1=0.6, b=0.3),
                  "BM25 with k1=0.6, b=0.3")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [31, 32, 33])
@pytest.mark.hint("Okapi BM25 exactly as the docstring defines it; the first score that differs shows which term is off.")
def test_bm25_matches_definition_on_random_corpora(student, solution, seed):
    docs, queries = _random_corpus(seed)
    bm25 = student.function(SEARCH, "bm25_search")
    for query in queries:
        check_ranking(bm25(query, docs, 10), solution.function(SEARCH, "bm25_search")(query, docs, 10),
                      "BM25 on a random corpus")


# ----------------------------------------------------------------------------- semantic search


@pytest.mark.points(2)
@pytest.mark.hint("Meaning is in the direction of a vector: a long document vector must not win by its length.")
def test_semantic_search_uses_cosine(student):
    texts = ["q", "long", "aligned", "opposite"]
    vectors = np.array([[1.0, 0.0], [10.0, 8.0], [0.5, 0.01], [-3.0, 0.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = student.function(SEARCH, "semantic_search")("q", ["long", "aligned", "opposite"], embed, 3)
    check_ranking(got, [(1, 0.5 / math.hypot(0.5, 0.01)), (0, 10 / math.hypot(10, 8)), (2, -1.0)],
                  "semantic search")


@pytest.mark.points(1)
@pytest.mark.hint("A zero vector has cosine 0.0 with the query, never NaN, so it ranks between the positive and the negative ones.")
def test_semantic_search_zero_vector(student):
    texts = ["q", "zero", "good", "bad"]
    vectors = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.9], [-1.0, -1.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = ranking(student.function(SEARCH, "semantic_search")("q", ["bad", "zero", "good"], embed, 3),
                  "semantic_search('q', 3 docs with a zero vector, embed, 3)")
    assert not any(math.isnan(float(s)) for _, s in got), "a zero vector gave NaN"
    assert [doc for doc, _ in got] == [2, 1, 0], "a zero vector scores 0.0"


@pytest.mark.points(1)
@pytest.mark.hint("Equal cosines keep the lower index first; k larger than the collection returns every document.")
def test_semantic_search_ties_and_large_k(student):
    texts = ["q", "x", "y"]
    embed = student.worker_helper(LOOKUP, texts, np.array([[1.0, 0.0], [2.0, 1.0], [4.0, 2.0]]))
    semantic = student.function(SEARCH, "semantic_search")
    got = ranking(semantic("q", ["y", "x", "y", "x"], embed, 10), "semantic_search('q', 4 docs, embed, 10)")
    order = [doc for doc, _ in got]
    assert order == [0, 1, 2, 3], f"four documents with equal cosines came out as {order}; equal scores keep the lower index first"
    empty = ranking(semantic("q", [], embed, 3), "semantic_search('q', [], embed, 3)")
    assert empty == [], f"with no documents semantic_search returned {empty}"


@pytest.mark.points(1)
@pytest.mark.hint("Embedding is the costly step: the documents are embedded together in one batch, the query on its own.")
@pytest.mark.deeper_hint("embed takes a list of texts: give it all the documents in one call and the query in a second one.")
def test_semantic_search_embeds_documents_in_one_batch(student):
    texts = ["q"] + [f"doc {i}" for i in range(6)]
    embed = student.worker_helper(LOOKUP, texts, np.random.default_rng(35).normal(size=(7, 4)))
    student.function(SEARCH, "semantic_search")("q", texts[1:], embed, 2)
    # The record of calls lives in the worker, so it is data like any other: checked for kind first.
    calls = sorted(expect_list(embed.fetch("calls"), "the embed function's record of batch sizes", of=int))
    assert calls == [1, 6], f"embed was called with batches of {calls} texts for 6 documents and 1 query; expected one batch of 6 and one of 1"


# ----------------------------------------------------------------------------- metrics


@pytest.mark.points(1)
@pytest.mark.hint("Recall is a share of the relevant documents, whatever k is.")
def test_recall_divides_by_relevant_count(student):
    recall = student.function(SEARCH, "recall_at_k")
    for args, want in ((([1, 9, 2, 3], [1, 2, 3, 4], 3), 0.5), (([7, 1], [1], 5), 1.0)):
        got = expect_float(recall(*args), f"recall_at_k{args}")
        assert got == pytest.approx(want), f"recall_at_k{args} = {got}; expected {want}"
    with pytest.raises(ValueError):
        recall([1, 2], [], 2)


@pytest.mark.points(1)
@pytest.mark.hint("Ranks count from 1, so a relevant document on top gives 1.0; none found gives 0.0.")
def test_reciprocal_rank_counts_from_one(student):
    rr = student.function(SEARCH, "reciprocal_rank")
    for args, want in ((([5, 2], {5}), 1.0), (([8, 6, 4, 2], {2, 99}), 0.25), (([8, 6], {1}), 0.0)):
        got = expect_float(rr(*args), f"reciprocal_rank{args}")
        assert got == pytest.approx(want), f"reciprocal_rank{args} = {got}; expected {want}"


# ----------------------------------------------------------------------------- the Larkspur collection


@pytest.mark.points(2)
@pytest.mark.call_timeout(30)
@pytest.mark.hint("BM25 on Nina's API documentation ranks exactly as the definition says.")
def test_bm25_on_the_larkspur_collection(student, solution):
    data = collection(solution)
    bm25 = student.function(SEARCH, "bm25_search")
    reference = solution.function(SEARCH, "bm25_search")
    for query, _ in data["queries"]:
        check_ranking(bm25(query, data["docs"], 10), reference(query, data["docs"], 10), "BM25 on the collection")


@pytest.mark.points(2)
@pytest.mark.call_timeout(30)
@pytest.mark.hint("Semantic search with real all-MiniLM-L6-v2 vectors: every document scored by its cosine with the query.")
def test_semantic_search_on_the_larkspur_collection(student, solution):
    data = collection(solution)
    embed = student.worker_helper(LOOKUP, data["texts"], data["vectors"])
    semantic = student.function(SEARCH, "semantic_search")
    reference = solution.function(SEARCH, "semantic_search")
    for query, _ in data["queries"]:
        check_ranking(semantic(query, data["docs"], embed, 10),
                      reference(query, data["docs"], trusted_embedder(data), 10), "semantic search on the collection")


@pytest.mark.points(1)
@pytest.mark.call_timeout(30)
@pytest.mark.hint("recall@5 and reciprocal rank of every query on the API documentation, for both rankings.")
def test_semantic_search_beats_keywords(student, solution):
    data = collection(solution)
    recall = student.function(SEARCH, "recall_at_k")
    rr = student.function(SEARCH, "reciprocal_rank")
    means = {}
    for name, rankings in reference_rankings(solution, 5).items():
        got = [(expect_float(recall(r, rel, 5), "recall_at_k(ranking, relevant, 5)"),
                expect_float(rr(r, rel), "reciprocal_rank(ranking, relevant)"))
               for r, (_, rel) in zip(rankings, data["queries"])]
        want = [(solution.function(SEARCH, "recall_at_k")(r, rel, 5), solution.function(SEARCH, "reciprocal_rank")(r, rel))
                for r, (_, rel) in zip(rankings, data["queries"])]
        np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"recall@5 or reciprocal rank is off for {name}")
        means[name] = np.mean(got, axis=0)
    assert means["semantic"][0] > means["bm25"][0] + 0.2, "semantic search should find clearly more"
