"""Module 2's `embed` functions for student code, answered from tables instead of a model.

`semantic_search(query, docs, embed, k)` needs an `embed` callable, and callables cannot cross
the sandbox boundary. A test computes the vectors in the trusted process (from the course's
shipped embeddings of all-MiniLM-L6-v2, or made up for an edge case) and asks the worker to
build the callable from them:

    embed = student.worker_helper("autograder.worker_helpers.m2_embeddings:lookup_embedder",
                                  texts, vectors)
    student.function("m2_embeddings.search", "semantic_search")(query, docs, embed, 5)

The worker never loads a model (that would cost seconds per worker and need memory the sandbox
does not grant), and nothing computed in the worker flows back into a cache.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


class LookupEmbedder:
    """``embed(texts) -> [len(texts), d]``: the row stored for each text; unknown text: KeyError.

    ``calls`` records the size of every batch asked for, so a test can check how a student
    function used it.
    """

    def __init__(self, texts: Sequence[str], vectors: np.ndarray):
        vectors = np.array(vectors, copy=True)
        if vectors.ndim != 2 or len(texts) != vectors.shape[0]:
            raise ValueError(f"need one row per text, got {len(texts)} texts and {vectors.shape}")
        self.dim = int(vectors.shape[1])
        self._rows = {str(text): i for i, text in enumerate(texts)}
        self._vectors = vectors
        self.calls: list[int] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, (str, bytes)):
            raise TypeError("embed takes a list of texts, not a single string")
        texts = list(texts)
        self.calls.append(len(texts))
        rows = []
        for text in texts:
            if text not in self._rows:
                raise KeyError(f"this embed function knows no text {str(text)[:60]!r}")
            rows.append(self._rows[text])
        return self._vectors[np.asarray(rows, dtype=np.int64)].copy()


def lookup_embedder(texts: Sequence[str], vectors: np.ndarray) -> LookupEmbedder:
    """An `embed` function that maps ``texts[i]`` to ``vectors[i]``."""
    return LookupEmbedder(texts, vectors)
