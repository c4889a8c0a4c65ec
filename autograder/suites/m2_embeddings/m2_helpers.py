"""Shared data and checks for the Module 2 hidden tests (trusted side only).

Expected values come from hand-checked literals in the tests, from numpy formulas written out in
the tests, and from the reference solution imported in the trusted process (the ``solution``
fixture). Real model vectors come from all-MiniLM-L6-v2 through the reference's ``model.embed``,
which answers from the course's shipped embeddings (``data/embeddings.npz``, checked against the
model by the repository's tests), so grading never loads the model.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from autograder.checks import expect_float, expect_int, expect_pairs

from autograder.worker_helpers.m2_embeddings import LookupEmbedder

LOOKUP = "autograder.worker_helpers.m2_embeddings:lookup_embedder"
VECTORS = "m2_embeddings.vectors"
SEARCH = "m2_embeddings.search"
CONTEXTUAL = "m2_embeddings.contextual"


@functools.cache
def collection(solution: Any) -> dict[str, Any]:
    """The Larkspur documents and queries, and the model's vector of every one of those texts."""
    docs = solution.function(SEARCH, "load_documents")()
    queries = solution.function(SEARCH, "load_queries")()
    texts = solution.function(SEARCH, "collection_texts")()
    vectors = solution.function("m2_embeddings.model", "embed")(texts)
    return {"docs": docs, "queries": queries, "texts": texts, "vectors": np.asarray(vectors)}


def trusted_embedder(data: dict[str, Any]) -> LookupEmbedder:
    """The same `embed` the student's worker gets, here in the trusted process."""
    return LookupEmbedder(data["texts"], data["vectors"])


@functools.cache
def reference_rankings(solution: Any, k: int) -> dict[str, list[list[int]]]:
    """The reference's top-k documents of every query, by BM25 and by semantic search."""
    data = collection(solution)
    bm25 = solution.function(SEARCH, "bm25_search")
    semantic = solution.function(SEARCH, "semantic_search")
    embed = trusted_embedder(data)
    return {
        "bm25": [[d for d, _ in bm25(q, data["docs"], k)] for q, _ in data["queries"]],
        "semantic": [[d for d, _ in semantic(q, data["docs"], embed, k)] for q, _ in data["queries"]],
    }


@functools.cache
def pitch(solution: Any) -> dict[str, Any]:
    """The "pitch" occurrences: senses and one static and one contextual vector each."""
    sentences, table = solution.function(CONTEXTUAL, "load_pitch")()
    word_positions = solution.function(CONTEXTUAL, "word_positions")
    word_vector = solution.function(CONTEXTUAL, "word_vector")
    static, contextual = [], []
    for s in sentences:
        positions = word_positions(s.offsets, *s.span)
        static.append(word_vector(table[s.rows], positions))
        contextual.append(word_vector(s.contextual, positions))
    return {"sentences": sentences, "table": table, "senses": [s.sense for s in sentences],
            "static": np.stack(static), "contextual": np.stack(contextual)}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def ranking(got: Any, what: str) -> list[tuple[int, float]]:
    """A search result checked to be a list of (doc_index, score) pairs of an int and a float."""
    pairs = expect_pairs(got, what, of=(int, float))
    for index, (doc, score) in enumerate(pairs):
        expect_int(doc, f"{what}'s result {index}: the document index")
        expect_float(score, f"{what}'s result {index}: the score", finite=False)
    return [(int(doc), float(score)) for doc, score in pairs]


def check_ranking(got: Any, want: list[tuple[int, float]], what: str) -> None:
    """``got`` ranks like ``want``: same length, same scores, same documents in the same order.

    Where the reference's scores are equal up to rounding, the order of those documents may
    differ, but documents whose returned scores are exactly equal must come lowest index first.
    """
    pairs = ranking(got, what)
    assert len(pairs) == len(want), f"{what} returned {len(pairs)} results; expected {len(want)}"
    indices = [i for i, _ in pairs]
    scores = [s for _, s in pairs]
    assert len(set(indices)) == len(indices), f"{what}: a document appears twice"
    assert all(math.isfinite(s) for s in scores), f"{what}: a score is not a finite number ({scores})"
    for (gi, gs), (wi, ws) in zip(pairs, want):
        assert math.isclose(gs, ws, rel_tol=1e-6, abs_tol=1e-9), f"{what}: a score is off"
    for a, b in zip(pairs, pairs[1:]):
        assert not (a[1] == b[1] and a[0] > b[0]), f"{what}: equal scores must list the lower index first"
    # Compare document order block by block; a block is a run of reference scores equal up to
    # rounding. The last block may be cut by k, so only its size is compared.
    start = 0
    while start < len(want):
        end = start + 1
        while end < len(want) and _close(want[end][1], want[start][1]):
            end += 1
        if end - start == 1 or end < len(want):
            got_block = sorted(indices[start:end])
            want_block = sorted(int(i) for i, _ in want[start:end])
            assert got_block == want_block, f"{what}: documents are ranked in the wrong order"
        start = end
