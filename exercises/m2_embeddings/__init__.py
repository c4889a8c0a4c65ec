"""Module 2 — Embeddings: from token ids to meaning.

    vectors.py     ids to vectors (one-hot, lookup, its gradient, table sizes), cosine, top-k, analogies
    search.py      keyword search (BM25) versus semantic search, mean pooling, recall@k and MRR
    contextual.py  static versus contextual vectors: the many senses of "pitch"
    model.py       the real model (all-MiniLM-L6-v2) and the embedding cache; not an exercise
"""
