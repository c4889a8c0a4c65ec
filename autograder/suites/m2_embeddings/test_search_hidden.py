"""Hidden tests of search.py: mean pooling, BM25, semantic search, and keyword versus meaning on
the Larkspur help pages with the real all-MiniLM-L6-v2 vectors."""

import math

import numpy as np
import pytest
from m2_helpers import LOOKUP, SEARCH, check_ranking, collection, reference_rankings, trusted_embedder

# ----------------------------------------------------------------------------- mean pooling


@pytest.mark.points(2)
@pytest.mark.hint("divide by the number of real tokens (the mask sum), not by T")
def test_mean_pool_ignores_padding(student, solution):
    rng = np.random.default_rng(30)
    tokens = rng.normal(size=(3, 6, 4))
    mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
    got = student.function(SEARCH, "mean_pool")(tokens, mask)
    assert isinstance(got, np.ndarray) and got.shape == (3, 4), "the output is [B, d]"
    np.testing.assert_allclose(got, solution.function(SEARCH, "mean_pool")(tokens, mask), atol=1e-6,
                               err_msg="padded positions changed the mean")


@pytest.mark.points(2)
@pytest.mark.hint("a row with no real token has nothing to average: return zeros, never NaN")
def test_mean_pool_all_padding_row_is_zero(student):
    tokens = np.ones((2, 3, 2))
    got = student.function(SEARCH, "mean_pool")(tokens, np.array([[0, 0, 0], [1, 0, 0]]))
    assert not np.isnan(got).any(), "an all-padding row gave NaN"
    np.testing.assert_allclose(got, [[0.0, 0.0], [1.0, 1.0]], err_msg="an all-padding row must be zeros")


@pytest.mark.points(1)
@pytest.mark.hint("read the mask as boolean: a 2 counts the position once, like a 1")
def test_mean_pool_reads_mask_as_boolean(student):
    tokens = np.array([[[2.0, 0.0], [4.0, 8.0], [7.0, 7.0]]])
    got = student.function(SEARCH, "mean_pool")(tokens, np.array([[2, 1, 0]]))
    np.testing.assert_allclose(got, [[3.0, 4.0]], err_msg="mask values other than 0/1 must act as booleans")


@pytest.mark.points(1)
@pytest.mark.hint("shapes must be [B, T, d] and [B, T]: anything else raises ValueError")
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


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [31, 32, 33])
@pytest.mark.hint("Okapi BM25 exactly as the docstring defines it: idf with 1 +, avgdl over all documents")
def test_bm25_matches_definition_on_random_corpora(student, solution, seed):
    docs, queries = _random_corpus(seed)
    bm25 = student.function(SEARCH, "bm25_search")
    for query in queries:
        check_ranking(bm25(query, docs, 10), solution.function(SEARCH, "bm25_search")(query, docs, 10),
                      "BM25 on a random corpus")


@pytest.mark.points(2)
@pytest.mark.hint("idf = ln(1 + (N - n + 0.5) / (n + 0.5)): without the 1 + a common word scores below zero")
def test_bm25_common_words_still_help(student):
    docs = ["the cat", "the dog", "the bird", "a fish", "the cow"]
    got = student.function(SEARCH, "bm25_search")("the", docs, 5)
    assert all(score > 0 for doc, score in got if doc != 3), "a word in most documents must still score above 0"
    assert [doc for doc, _ in got][-1] == 3, "the document without the word comes last"


@pytest.mark.points(1)
@pytest.mark.hint("a repeated query token counts each time it appears")
def test_bm25_repeated_query_token_counts_twice(student):
    docs = ["red fox", "blue car", "red car"]
    bm25 = student.function(SEARCH, "bm25_search")
    once, twice = dict(bm25("fox", docs, 3)), dict(bm25("fox fox", docs, 3))
    assert twice[0] == pytest.approx(2 * once[0]), "'fox fox' must score twice 'fox'"


@pytest.mark.points(1)
@pytest.mark.hint("return min(k, N) results: documents with score 0 fill the end, lower index first")
def test_bm25_k_larger_than_collection(student):
    got = student.function(SEARCH, "bm25_search")("car", ["red fox", "blue car", "red car", "dog"], 10)
    assert [doc for doc, _ in got] == [1, 2, 0, 3], "zero-score documents must follow, by index"
    assert [score for _, score in got][2:] == [0.0, 0.0], "documents without a query word score 0.0"


@pytest.mark.points(1)
@pytest.mark.hint("no documents gives []; an empty query or empty documents give zero scores, never an error")
def test_bm25_empty_inputs(student):
    bm25 = student.function(SEARCH, "bm25_search")
    assert bm25("anything", [], 5) == [], "no documents: []"
    assert [tuple(p) for p in bm25("", ["a b", "c"], 5)] == [(0, 0.0), (1, 0.0)], "empty query: all zero"
    assert [tuple(p) for p in bm25("x", ["", ""], 5)] == [(0, 0.0), (1, 0.0)], "empty documents: all zero"


@pytest.mark.points(1)
@pytest.mark.hint("equal scores: the lower document index first")
def test_bm25_ties_by_lower_index(student):
    got = student.function(SEARCH, "bm25_search")("vector", ["model", "vector search", "token", "vector search"], 2)
    assert [doc for doc, _ in got] == [1, 3], "identical documents must be listed by index"


@pytest.mark.points(1)
@pytest.mark.hint("use the k1 and b you are given, not fixed constants")
def test_bm25_uses_k1_and_b(student, solution):
    docs, queries = _random_corpus(34)
    got = student.function(SEARCH, "bm25_search")(queries[0], docs, 8, k1=0.6, b=0.3)
    check_ranking(got, solution.function(SEARCH, "bm25_search")(queries[0], docs, 8, k1=0.6, b=0.3),
                  "BM25 with k1=0.6, b=0.3")


# ----------------------------------------------------------------------------- semantic search


@pytest.mark.points(2)
@pytest.mark.hint("rank by cosine, not the dot product: a long vector must not win by its length")
def test_semantic_search_uses_cosine(student):
    texts = ["q", "long", "aligned", "opposite"]
    vectors = np.array([[1.0, 0.0], [10.0, 8.0], [0.5, 0.01], [-3.0, 0.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = student.function(SEARCH, "semantic_search")("q", ["long", "aligned", "opposite"], embed, 3)
    check_ranking(got, [(1, 0.5 / math.hypot(0.5, 0.01)), (0, 10 / math.hypot(10, 8)), (2, -1.0)],
                  "semantic search")


@pytest.mark.points(1)
@pytest.mark.hint("a zero vector has cosine 0.0 with the query: no NaN, ranked between positive and negative")
def test_semantic_search_zero_vector(student):
    texts = ["q", "zero", "good", "bad"]
    vectors = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.9], [-1.0, -1.0]])
    embed = student.worker_helper(LOOKUP, texts, vectors)
    got = student.function(SEARCH, "semantic_search")("q", ["bad", "zero", "good"], embed, 3)
    assert not any(math.isnan(float(s)) for _, s in got), "a zero vector gave NaN"
    assert [doc for doc, _ in got] == [2, 1, 0], "a zero vector scores 0.0"


@pytest.mark.points(1)
@pytest.mark.hint("equal cosines keep the lower index first; k larger than the collection returns every document")
def test_semantic_search_ties_and_large_k(student):
    texts = ["q", "x", "y"]
    embed = student.worker_helper(LOOKUP, texts, np.array([[1.0, 0.0], [2.0, 1.0], [4.0, 2.0]]))
    semantic = student.function(SEARCH, "semantic_search")
    got = semantic("q", ["y", "x", "y", "x"], embed, 10)
    assert [doc for doc, _ in got] == [0, 1, 2, 3], "equal scores must keep the lower index first"
    assert semantic("q", [], embed, 3) == [], "no documents: []"


@pytest.mark.points(1)
@pytest.mark.hint("call embed twice: embed(list(docs)) for all documents at once and embed([query])")
def test_semantic_search_embeds_documents_in_one_batch(student):
    texts = ["q"] + [f"doc {i}" for i in range(6)]
    embed = student.worker_helper(LOOKUP, texts, np.random.default_rng(35).normal(size=(7, 4)))
    student.function(SEARCH, "semantic_search")("q", texts[1:], embed, 2)
    assert sorted(embed.fetch("calls")) == [1, 6], "embed the documents in one call and the query in another"


# ----------------------------------------------------------------------------- metrics


@pytest.mark.points(1)
@pytest.mark.hint("recall@k = relevant documents among the first k / number of relevant documents")
def test_recall_divides_by_relevant_count(student):
    recall = student.function(SEARCH, "recall_at_k")
    assert recall([1, 9, 2, 3], [1, 2, 3, 4], 3) == pytest.approx(0.5), "recall@3 is wrong"
    assert recall([7, 1], [1], 5) == pytest.approx(1.0), "one relevant document found: recall 1.0"
    with pytest.raises(ValueError):
        recall([1, 2], [], 2)


@pytest.mark.points(1)
@pytest.mark.hint("ranks count from 1: a relevant document on top gives 1.0; none found gives 0.0")
def test_reciprocal_rank_counts_from_one(student):
    rr = student.function(SEARCH, "reciprocal_rank")
    assert rr([5, 2], {5}) == pytest.approx(1.0), "first result relevant: 1.0"
    assert rr([8, 6, 4, 2], {2, 99}) == pytest.approx(0.25), "relevant at rank 4: 0.25"
    assert rr([8, 6], {1}) == 0.0, "nothing relevant: 0.0"


# ----------------------------------------------------------------------------- the Larkspur collection


@pytest.mark.points(2)
@pytest.mark.call_timeout(30)
@pytest.mark.hint("BM25 on the course's help pages must rank exactly as the definition says")
def test_bm25_on_the_larkspur_collection(student, solution):
    data = collection(solution)
    bm25 = student.function(SEARCH, "bm25_search")
    reference = solution.function(SEARCH, "bm25_search")
    for query, _ in data["queries"]:
        check_ranking(bm25(query, data["docs"], 10), reference(query, data["docs"], 10), "BM25 on the collection")


@pytest.mark.points(2)
@pytest.mark.call_timeout(30)
@pytest.mark.hint("semantic search with all-MiniLM-L6-v2 vectors: cosine of each document to the query")
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
@pytest.mark.hint("recall@5 and reciprocal rank of every query: meaning should beat keywords clearly here")
def test_semantic_search_beats_keywords(student, solution):
    data = collection(solution)
    recall, rr = student.function(SEARCH, "recall_at_k"), student.function(SEARCH, "reciprocal_rank")
    means = {}
    for name, rankings in reference_rankings(solution, 5).items():
        got = [(recall(r, rel, 5), rr(r, rel)) for r, (_, rel) in zip(rankings, data["queries"])]
        want = [(solution.function(SEARCH, "recall_at_k")(r, rel, 5), solution.function(SEARCH, "reciprocal_rank")(r, rel))
                for r, (_, rel) in zip(rankings, data["queries"])]
        np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"recall@5 or reciprocal rank is off for {name}")
        means[name] = np.mean(got, axis=0)
    assert means["semantic"][0] > means["bm25"][0] + 0.2, "semantic search should find clearly more"
