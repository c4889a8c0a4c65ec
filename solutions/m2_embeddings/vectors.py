"""From token ids to vectors, and how to tell which vectors are close.

A language model never sees text, only token ids. Its first layer turns each id into a vector
by reading one row of the embedding matrix ``E`` (``V`` rows, one per token; ``d`` columns):

    ids = [2, 0]         one_hot(ids, V=4)          E [4, 2]           vectors [2, 2]
                         [[0, 0, 1, 0],      @      [[ .1,  .3],   =   [[ .7, -.2],
                          [1, 0, 0, 0]]              [ .0,  .5],        [ .1,  .3]]
                                                     [ .7, -.2],
                                                     [ .4,  .4]]

Multiplying by a one-hot vector selects a row, so the layer is a lookup table: ``E[ids]`` gives
the same numbers without building the ``[n, V]`` matrix of zeros. Training adjusts the rows
until tokens used in similar ways get similar vectors, so *direction* carries meaning. Cosine
similarity compares directions and ignores length:

    cos(a, b) = a·b / (|a| |b|)        1: same direction, 0: unrelated, -1: opposite

With unit vectors, differences encode relations: king - man + woman lands near queen.
"""

from __future__ import annotations

# BEGIN SOLUTION REMOVE
import math

# END SOLUTION
from typing import Sequence

import numpy as np

# Embedding tables of real models: (vocabulary size, embedding dimension).
REAL_VOCABULARIES: dict[str, tuple[int, int]] = {
    "bert-base-uncased": (30_522, 768),
    "all-MiniLM-L6-v2": (30_522, 384),
    "gpt2": (50_257, 768),
    "gpt2-xl": (50_257, 1_600),
    "Llama-2-7b": (32_000, 4_096),
    "Meta-Llama-3-8B": (128_256, 4_096),
}

# Scores that agree to within TIE_TOLERANCE are tied, and a tie goes to the lower index. The
# last bits of a similarity depend on the CPU, the BLAS build and the order of a sum, so
# without a tolerance two equal vectors could rank either way from one machine to the next.
TIE_TOLERANCE = 1e-9


# BEGIN SOLUTION REMOVE
def _check_ids(ids, vocab_size: int) -> np.ndarray:
    """Ids as an integer array, every one in ``[0, vocab_size)``."""
    ids = np.asarray(ids)
    if ids.size == 0:
        ids = ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        raise ValueError(f"token ids must be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        bad = ids[(ids < 0) | (ids >= vocab_size)].flat[0]
        raise IndexError(f"token id {bad} is outside the vocabulary [0, {vocab_size})")
    return ids


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Each vector (last axis) scaled to length 1; zero vectors stay zero.

    Dividing by the largest absolute entry first keeps the norm from overflowing (1e200) or
    underflowing (1e-200) without changing the direction.
    """
    scale = np.max(np.abs(x), axis=-1, keepdims=True) if x.shape[-1] else np.zeros(x.shape[:-1] + (1,))
    x = np.divide(x, scale, out=np.zeros_like(x), where=scale > 0)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def _best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first: each pick is the lowest index among the
    scores left within TIE_TOLERANCE of the best one left. A stable sort of ``-scores`` alone
    would let a difference in the last bit decide between equal scores."""
    scores = np.asarray(scores, dtype=np.float64)
    left = np.ones(scores.shape[0], dtype=bool)
    order = []
    for _ in range(min(k, scores.shape[0])):
        best = scores[left].max()
        pick = int(np.flatnonzero(left & (scores >= best - TIE_TOLERANCE))[0])
        order.append(pick)
        left[pick] = False
    return np.array(order, dtype=np.int64)


# END SOLUTION
def one_hot(ids, vocab_size: int) -> np.ndarray:
    """One-hot encode token ids.

    Input: ``ids``, an int or an integer array of any shape; ``vocab_size`` V >= 1.
    Output: float64 array of shape ``ids.shape + (V,)`` with a single 1.0 per vector, at the id.
    Example: ``one_hot([2, 0], 3) == [[0., 0., 1.], [1., 0., 0.]]``.
    An id ``< 0`` or ``>= V`` raises ``IndexError``; non-integer ids raise ``ValueError``.

    The trap: ``np.eye(V)[ids]`` looks neat but builds a ``V x V`` matrix first — for GPT-2's
    50 257 tokens that is 20 GB. Allocate only the output and set one entry per id.

    Lesson: course/m2_embeddings.md#from-ids-to-vectors
    """
    # BEGIN SOLUTION: One-hot vectors for ids of any shape; lesson section “From IDs to vectors” (course/m2_embeddings.md#from-ids-to-vectors).
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, (int, np.integer)) or vocab_size < 1:
        raise ValueError(f"vocab_size must be a positive int, got {vocab_size!r}")
    ids = _check_ids(ids, vocab_size)
    out = np.zeros(ids.shape + (int(vocab_size),), dtype=np.float64)
    np.put_along_axis(out, ids[..., None].astype(np.intp), 1.0, axis=-1)
    return out
    # END SOLUTION


def embedding_lookup(E: np.ndarray, ids) -> np.ndarray:
    """Read the embedding of each token id: row ``ids[...]`` of ``E``.

    Input: ``E`` of shape ``[V, d]``; ``ids`` an int or an integer array of any shape.
    Output: shape ``ids.shape + (d,)``, same dtype as ``E``, equal to ``one_hot(ids, V) @ E``.
    Example: ``embedding_lookup(np.array([[1., 2.], [3., 4.]]), [1, 1, 0])``
    ``== [[3., 4.], [3., 4.], [1., 2.]]``.
    ``E`` not 2-D raises ``ValueError``; an id ``< 0`` or ``>= V`` raises ``IndexError``.

    The trap: numpy reads ``E[-1]`` as the last row, so a corrupted id of -1 silently becomes a
    real token. A tokenizer never produces negative ids; refuse them.

    Lesson: course/m2_embeddings.md#from-ids-to-vectors
    """
    # BEGIN SOLUTION: The embedding rows of ids of any shape; lesson section “From IDs to vectors” (course/m2_embeddings.md#from-ids-to-vectors).
    E = np.asarray(E)
    if E.ndim != 2:
        raise ValueError(f"E must be a [V, d] matrix, got shape {E.shape}")
    ids = _check_ids(ids, E.shape[0])
    return E[ids]
    # END SOLUTION


def embedding_backward(ids, grad_output: np.ndarray, vocab_size: int) -> np.ndarray:
    """Gradient of a loss with respect to ``E``, given its gradient with respect to the lookup.

    The lookup is ``one_hot(ids, V) @ E``, so ``dE = one_hot(ids, V).T @ grad_output``: every
    occurrence of id ``i`` adds its output gradient to row ``i``; rows of tokens that did not
    occur get exactly zero (that is why a training step only changes the rows it saw).

    Input: ``ids`` integers of any shape S; ``grad_output`` of shape ``S + (d,)``; ``vocab_size`` V.
    Output: float array ``[V, d]`` (``grad_output``'s float dtype; float64 for integer input).
    Example: ``embedding_backward([1, 1], [[1., 0.], [2., 5.]], 3) == [[0, 0], [3, 5], [0, 0]]``.
    Shapes that do not match raise ``ValueError``; ids out of range raise ``IndexError``.

    The trap: ``dE[ids] += grad_output`` writes a repeated id once — the last occurrence wins
    instead of the sum. Accumulate with ``np.add.at`` (or the matrix product above).

    Lesson: course/m2_embeddings.md#from-ids-to-vectors
    """
    # BEGIN SOLUTION: The gradient of the embedding table from the gradients of the looked-up rows; lesson section “From IDs to vectors” (course/m2_embeddings.md#from-ids-to-vectors).
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, (int, np.integer)) or vocab_size < 1:
        raise ValueError(f"vocab_size must be a positive int, got {vocab_size!r}")
    ids = _check_ids(ids, vocab_size)
    grad_output = np.asarray(grad_output)
    if grad_output.ndim != ids.ndim + 1 or grad_output.shape[:-1] != ids.shape:
        raise ValueError(f"grad_output shape {grad_output.shape} does not match ids shape {ids.shape} + (d,)")
    dtype = grad_output.dtype if grad_output.dtype.kind == "f" else np.float64
    d = grad_output.shape[-1]
    dE = np.zeros((int(vocab_size), d), dtype=dtype)
    np.add.at(dE, ids.reshape(-1), grad_output.reshape(-1, d))
    return dE
    # END SOLUTION


def embedding_table_size(vocab_size: int, dim: int, bytes_per_param: float = 4) -> tuple[int, int]:
    """Parameters and memory of an embedding table ``[vocab_size, dim]``.

    Input: positive ``vocab_size`` and ``dim`` (ints); ``bytes_per_param`` > 0 (4 for float32,
    2 for float16/bfloat16, 0.5 for 4-bit weights).
    Output: ``(parameters, bytes)`` as Python ints; bytes rounded up to a whole byte.
    Example: ``embedding_table_size(30_522, 768) == (23_440_896, 93_763_584)`` (BERT: 23 M
    parameters, 94 MB in float32 — a fifth of BERT-base). See ``REAL_VOCABULARIES``.
    A size that is not a positive int (bools included) or ``bytes_per_param <= 0``: ``ValueError``.

    The trap: there is one vector per token and nothing else — no bias per row. And do the
    arithmetic in Python ints: Llama 3's table takes 2.1 GB, more than an int32 can count.

    Lesson: course/m2_embeddings.md#from-ids-to-vectors
    """
    # BEGIN SOLUTION: The size of an embedding table in parameters and in bytes; lesson section “From IDs to vectors” (course/m2_embeddings.md#from-ids-to-vectors).
    for name, value in (("vocab_size", vocab_size), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if isinstance(bytes_per_param, bool) or not bytes_per_param > 0:
        raise ValueError(f"bytes_per_param must be positive, got {bytes_per_param!r}")
    parameters = int(vocab_size) * int(dim)
    return parameters, math.ceil(parameters * bytes_per_param)
    # END SOLUTION


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float | np.ndarray:
    """Cosine similarity between vectors, for one pair or for all pairs at once.

    Input and output by shape (vectors run along the last axis, both of length d):
        a [d],    b [d]     ->  float
        a [n, d], b [m, d]  ->  [n, m]   (entry i, j compares a[i] with b[j])
        a [d],    b [m, d]  ->  [m]
        a [n, d], b [d]     ->  [n]
    Example: ``cosine_similarity([1., 0.], [[1., 1.], [0., 2.]]) ≈ [0.7071, 0.0]``.
    A zero vector has similarity 0.0 with everything; results are clipped to [-1, 1].
    Other shapes, different d, or non-finite entries raise ``ValueError``.

    The trap: ``a @ b / (norm(a) * norm(b))`` is 0 / 0 = NaN for a zero vector, and rounding can
    give 1.0000000000000002. Normalize with a guard, then clip.

    Lesson: course/m2_embeddings.md#how-close-are-two-vectors
    """
    # BEGIN SOLUTION: The cosine similarity of vectors and of rows of matrices; lesson section “How close are two vectors” (course/m2_embeddings.md#how-close-are-two-vectors).
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim not in (1, 2) or b.ndim not in (1, 2):
        raise ValueError(f"expected [d] or [n, d] arrays, got shapes {a.shape} and {b.shape}")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"vector lengths differ: {a.shape[-1]} and {b.shape[-1]}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("vectors must be finite")
    sims = np.clip(_unit_rows(a) @ _unit_rows(b).T, -1.0, 1.0)
    return float(sims) if sims.ndim == 0 else sims
    # END SOLUTION


def top_k(query: np.ndarray, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``matrix`` most similar to ``query`` by cosine similarity.

    Input: ``query [d]``, ``matrix [n, d]``, ``k >= 0``.
    Output: ``(indices, scores)``: int array of row indices and float array of their cosine
    similarities, best first, ``min(k, n)`` of each. Scores within ``TIE_TOLERANCE`` (1e-9) of
    each other are equal, and equal scores keep the lower index first.
    Example: ``top_k([1., 0.], [[0., 1.], [2., 0.], [1., 1.]], 2)`` gives ``([1, 2], [1.0, 0.7071])``.
    Wrong shapes or ``k < 0`` raise ``ValueError``.

    The traps: ``np.argsort(scores)[::-1]`` reverses the order of ties too, putting the higher
    index first. And a stable sort of ``-scores`` still lets rounding decide: two equal vectors
    can get similarities that differ in the last bit, one way on this machine and the other on
    the next; treat scores within the tolerance as tied.

    Lesson: course/m2_embeddings.md#how-close-are-two-vectors
    """
    # BEGIN SOLUTION: The rows of a matrix most similar to a query, best first; lesson section “How close are two vectors” (course/m2_embeddings.md#how-close-are-two-vectors).
    query = np.asarray(query, dtype=np.float64)
    matrix = np.asarray(matrix, dtype=np.float64)
    if query.ndim != 1 or matrix.ndim != 2:
        raise ValueError(f"expected query [d] and matrix [n, d], got {query.shape} and {matrix.shape}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative int, got {k!r}")
    scores = cosine_similarity(matrix, query)
    order = _best_first(scores, k)
    return order, scores[order]
    # END SOLUTION


def analogy(E: np.ndarray, vocab: Sequence[str], a: str, b: str, c: str, k: int = 1) -> list[str]:
    """Solve "a is to b as c is to ?" with 3CosAdd, as gensim's ``most_similar`` does.

    Input: ``E [V, d]`` word vectors, ``vocab`` the V words in row order, three words, ``k >= 0``.
    Output: the ``k`` best words (fewer if the vocabulary runs out), best first.
    Method: unit-normalize every row, form ``target = b̂ - â + ĉ`` and rank all words by cosine
    similarity to ``target``, skipping a, b and c; scores within ``TIE_TOLERANCE`` are equal,
    and equal scores keep the lower index first.
    Example: ``analogy(E, vocab, "man", "king", "woman") == ["queen"]`` for good vectors.
    A word missing from ``vocab`` raises ``KeyError``; ``len(vocab) != V`` raises ``ValueError``.

    The trap: the nearest vector to ``b̂ - â + ĉ`` is very often ``b`` or ``c`` itself; without
    excluding the three input words the "answer" to man : king :: woman : ? is "king".

    Lesson: course/m2_embeddings.md#how-close-are-two-vectors
    """
    # BEGIN SOLUTION: Word analogies solved with vector arithmetic; lesson section “How close are two vectors” (course/m2_embeddings.md#how-close-are-two-vectors).
    E = np.asarray(E, dtype=np.float64)
    if E.ndim != 2 or len(vocab) != E.shape[0]:
        raise ValueError(f"need E [V, d] and V words, got E {E.shape} and {len(vocab)} words")
    index = {}
    for i, word in enumerate(vocab):
        index.setdefault(word, i)
    rows = [index[word] for word in (a, b, c)]  # KeyError for an unknown word
    unit = _unit_rows(E)
    target = unit[rows[1]] - unit[rows[0]] + unit[rows[2]]
    scores = cosine_similarity(unit, target)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative int, got {k!r}")
    candidates = np.array([i for i, word in enumerate(vocab) if word not in (a, b, c)],
                          dtype=np.int64)
    return [vocab[i] for i in candidates[_best_first(scores[candidates], k)]]
    # END SOLUTION
