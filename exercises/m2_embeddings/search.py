"""Search a document collection two ways: by shared keywords (BM25) and by meaning (embeddings).

Keyword search scores a document by the query words it contains. It is fast and exact, and it
breaks as soon as the user's words differ from the author's:

    query  "authentication error"
    doc    "401 Unauthorized: the request did not include a valid access token"
           -> no shared word, BM25 score 0, never found

Semantic search embeds the query and every document with the same model and ranks documents by
cosine similarity. A sentence-embedding model (all-MiniLM-L6-v2 here) produces one vector per
token and averages them — skipping padding — into one vector per text:

    token vectors [B, T, d] --(mean over real tokens)--> text vectors [B, d] --cosine--> ranking

``data/api_docs.jsonl`` holds Nina's API documentation: the pages of Larkspur, an invented
shop-and-payments API; ``data/queries.jsonl`` holds her users' questions in their own words,
with the pages that answer them. Recall@k and reciprocal rank measure which search finds them:
run ``python -m m2_embeddings.search``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Collection, Sequence

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
WORD_RE = re.compile(r"\w+")


def mean_pool(token_embeddings: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Average each text's token vectors over its real tokens: one vector per text.

    Input: ``token_embeddings [B, T, d]`` (float); ``attention_mask [B, T]``, nonzero at real
    tokens and zero at padding (read as boolean: 2 counts once, like 1).
    Output: ``[B, d]`` float array; a row whose mask is all zero is all zeros.
    Example: embeddings ``[[[1., 1.], [3., 5.], [9., 9.]]]`` with mask ``[[1, 1, 0]]`` give
    ``[[2., 3.]]`` — the padding vector ``[9., 9.]`` is ignored.
    Wrong ranks or shapes that do not match raise ``ValueError``.

    The trap: ``token_embeddings.mean(axis=1)`` divides by T, padding included, so the same
    sentence gets a different vector depending on how long its batch-mates are.

    Lesson: course/m2_embeddings.md#searching-by-meaning
    """
    raise NotImplementedError('One vector per sentence from its token vectors, padding left out; lesson section “Searching by meaning” (course/m2_embeddings.md#searching-by-meaning).')


def bm25_search(
    query: str, docs: Sequence[str], k: int, k1: float = 1.5, b: float = 0.75
) -> list[tuple[int, float]]:
    """Rank documents by Okapi BM25, the classic keyword-search score.

    Tokens are ``re.findall(r"\\w+", text.lower())``. With N documents, average length ``avgdl``
    (in tokens), and for a query token t that occurs in ``n(t)`` documents and ``f`` times in
    document D of length ``|D|``:

        idf(t)      = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
        score(D, q) = sum over the query's tokens t (a repeated token counts each time) of
                      idf(t) * f * (k1 + 1) / (f + k1 * (1 - b + b * |D| / avgdl))

    Input: query, documents, ``k >= 0``. Output: ``min(k, len(docs))`` pairs
    ``(doc_index, score)`` best first, equal scores (within 1e-9) by the lower index; documents
    that share no word with the query score 0.0 and fill the end of the list. No documents:
    ``[]``.
    ``k < 0`` raises ``ValueError``.
    Example: ``bm25_search("red fox", ["a red car", "the quick fox", "a red fox"], 2)[0][0] == 2``.

    The trap: the textbook idf ``ln((N - n + 0.5) / (n + 0.5))`` is negative for a word in more
    than half of the documents, so matching it would *lower* a score; the ``1 +`` keeps it
    positive. And a document with no text must not divide by a zero ``avgdl``.

    Lesson: course/m2_embeddings.md#searching-by-meaning
    """
    raise NotImplementedError('Ranking documents by BM25 keyword scores; lesson section “Searching by meaning” (course/m2_embeddings.md#searching-by-meaning).')


def semantic_search(
    query: str, docs: Sequence[str], embed: Callable[[list[str]], np.ndarray], k: int
) -> list[tuple[int, float]]:
    """Rank documents by the cosine similarity of their embeddings to the query's.

    Input: query, documents, ``embed`` (a list of n texts -> array ``[n, d]``), ``k >= 0``.
    Output: ``min(k, len(docs))`` pairs ``(doc_index, cosine)`` best first, equal scores (within
    1e-9) by the lower index. Embed all documents in one call, ``embed(list(docs))``, and the
    query in another, ``embed([query])``. No documents: ``[]`` (``embed`` need not be called).
    A zero vector scores 0.0, never NaN. ``k < 0`` raises ``ValueError``.
    Example: with an ``embed`` that maps "car" and "automobile" to nearby vectors,
    ``semantic_search("automobile", ["banana", "car"], embed, 1) == [(1, 0.93...)]``.

    The trap: ranking by the dot product instead of the cosine lets long vectors win whatever
    their direction; not every model returns unit-length vectors. And ``embed(query)`` with a
    bare string would embed each character: always pass a list.

    Lesson: course/m2_embeddings.md#searching-by-meaning
    """
    raise NotImplementedError('Ranking documents by the meaning of their embeddings; lesson section “Searching by meaning” (course/m2_embeddings.md#searching-by-meaning).')


def recall_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """Fraction of the relevant documents that appear among the first ``k`` results.

    Input: ``ranked`` document indices best first, ``relevant`` the indices that answer the
    query (at least one), ``k >= 1``.
    Output: a float in [0, 1]. Example: ``recall_at_k([4, 7, 1], {1, 9}, 3) == 0.5``.
    Empty ``relevant`` or ``k < 1`` raises ``ValueError``.

    The trap: dividing by ``k`` measures precision, not recall: with one relevant document found
    at rank 1, recall@5 is 1.0, precision@5 is 0.2. A document listed twice counts once.

    Lesson: course/m2_embeddings.md#searching-by-meaning
    """
    raise NotImplementedError('The share of the relevant documents found in the top k; lesson section “Searching by meaning” (course/m2_embeddings.md#searching-by-meaning).')


def reciprocal_rank(ranked: Sequence[int], relevant: Collection[int]) -> float:
    """1 / (rank of the first relevant result), ranks counted from 1; 0.0 when none is found.

    Input: ``ranked`` document indices best first, ``relevant`` the relevant indices (at least
    one). Output: a float in [0, 1]; its mean over queries is the MRR.
    Example: ``reciprocal_rank([4, 7, 1], {1, 9}) == 1 / 3``.
    Empty ``relevant`` raises ``ValueError``.

    The trap: ``enumerate`` counts from 0, and 1 / 0 for a hit at the top is not the answer 1.0.

    Lesson: course/m2_embeddings.md#searching-by-meaning
    """
    raise NotImplementedError('The reciprocal rank of the first relevant document; lesson section “Searching by meaning” (course/m2_embeddings.md#searching-by-meaning).')


def load_documents() -> list[str]:
    """The Larkspur API documentation pages, each as "title\\ntext", in the order of ``data/api_docs.jsonl``."""
    return [f"{page['title']}\n{page['text']}" for page in _read_jsonl("api_docs.jsonl")]


def load_queries() -> list[tuple[str, list[int]]]:
    """``(query, relevant document indices)`` pairs from ``data/queries.jsonl``."""
    index = {page["slug"]: i for i, page in enumerate(_read_jsonl("api_docs.jsonl"))}
    return [(q["query"], [index[slug] for slug in q["relevant"]]) for q in _read_jsonl("queries.jsonl")]


def collection_texts() -> list[str]:
    """Every text the comparison embeds: the documents, then the queries."""
    return load_documents() + [query for query, _ in load_queries()]


def build_embedding_data() -> None:
    """Recompute ``data/embeddings.npz``, the shipped vectors of ``collection_texts()``."""
    from m2_embeddings.model import save_shipped

    save_shipped(collection_texts())


def _read_jsonl(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate(
    search: Callable[[str, int], list[tuple[int, float]]],
    queries: Sequence[tuple[str, Sequence[int]]],
    k: int = 5,
) -> dict[str, float]:
    """Mean recall@k and MRR (over each query's top ``k``) of ``search(query, k)``."""
    rankings = [[doc for doc, _ in search(query, k)] for query, _ in queries]
    recalls = [recall_at_k(ranking, relevant, k) for ranking, (_, relevant) in zip(rankings, queries)]
    ranks = [reciprocal_rank(ranking, relevant) for ranking, (_, relevant) in zip(rankings, queries)]
    return {f"recall@{k}": float(np.mean(recalls)), "mrr": float(np.mean(ranks))}


def compare(k: int = 5) -> dict[str, dict[str, float]]:
    """BM25 versus semantic search (all-MiniLM-L6-v2) on the Larkspur collection."""
    from m2_embeddings.model import embed

    docs, queries = load_documents(), load_queries()
    return {
        "bm25": evaluate(lambda q, n: bm25_search(q, docs, n), queries, k),
        "semantic": evaluate(lambda q, n: semantic_search(q, docs, embed, n), queries, k),
    }


if __name__ == "__main__":
    for name, scores in compare().items():
        print(f"{name:>9}  " + "  ".join(f"{metric} {value:.3f}" for metric, value in scores.items()))
