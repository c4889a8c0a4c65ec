"""Encoders and decoders: the same attention, a different mask.

A Transformer layer mixes the vectors of a sequence with attention: position i takes a
weighted average of the value vectors of the positions it is *allowed* to see. What it may
see is the whole difference between the two families of models:

    encoder (BERT, MiniLM): every position sees every position    decoder (GPT, Llama): only the past
              j: 0 1 2 3                                                    j: 0 1 2 3
        i = 0    x x x x                                              i = 0    x . . .
        i = 1    x x x x                                              i = 1    x x . .
        i = 2    x x x x                                              i = 2    x x x .
        i = 3    x x x x                                              i = 3    x x x x

An encoder's vector for "bank" depends on the words after it too ("bank of the river"), which
is what a representation for search, classification or tagging wants. A decoder's output at
position i depends only on tokens 0..i, so it can be trained to predict token i + 1 at every
position at once and then generate text one token after another, reusing what it computed:
changing a later token never changes an earlier output. Padding masks are the third kind:
in a batch of sentences of different lengths, nobody may attend to the padding.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

# Which family each task belongs to (see architecture_for).
TASKS = ("retrieval", "semantic_search", "classification", "sentiment_analysis", "ner",
         "clustering", "generation", "chat", "code_completion", "story_writing")


def causal_mask(n: int) -> np.ndarray:
    """The decoder's mask: bool ``[n, n]``, True where position ``i`` may attend to ``j``.

    Example: ``causal_mask(3)`` is
    ``[[True, False, False], [True, True, False], [True, True, True]]`` (``j <= i``).

    The trap: rows are the positions that *look* (queries), columns the positions looked at
    (keys): the transposed matrix lets every token see the future and nothing of the past.
    A negative ``n`` raises ``ValueError``.

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('The causal mask: which positions each position may attend to; lesson section “Encoders and decoders”.')


def padding_mask(lengths: Sequence[int], n: int) -> np.ndarray:
    """Which positions of a padded batch hold real tokens: bool ``[len(lengths), n]``.

    Example: ``padding_mask([2, 3], 4)`` is
    ``[[True, True, False, False], [True, True, True, False]]``.

    To mask keys in attention, broadcast it as ``mask[:, None, :]`` against the
    ``[B, n_q, n_k]`` scores. The trap: a length above ``n`` or below 0 raises ``ValueError``
    (never truncate silently).

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('The mask of real (not padded) tokens of each sequence, and rejecting impossible lengths; lesson section “Encoders and decoders”.')


def masked_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Scaled dot-product attention with a mask; returns the output only.

    Input: ``q`` ``[..., n_q, d]``, ``k`` ``[..., n_k, d]``, ``v`` ``[..., n_k, d_v]`` and a
    boolean ``mask`` that broadcasts against the scores ``[..., n_q, n_k]`` (True = may
    attend). Output: ``[..., n_q, d_v]``:

        scores  = q @ k^T / sqrt(d)
        weights = softmax over the allowed keys of each row (masked keys get weight 0)
        output  = weights @ v

    Example: with ``mask = causal_mask(n)`` the first output row is exactly ``v[0]``.

    The traps:
    - Masked keys must get *exactly* zero weight. Filling them with -1e4 (or adding -1e4)
      is a common shortcut that fails when the real scores are themselves around -1e4 and
      below: use ``-inf`` (or drop them from the softmax).
    - A row with nothing to attend to (a fully padded query) must give zeros, never NaN
      (``softmax`` of all ``-inf`` is ``0 / 0``).
    - Subtract each row's maximum before ``exp`` (scores of 1000 overflow otherwise).

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('Attention in which masked keys get no weight at all; lesson section “Encoders and decoders”.')


def self_attention(x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray,
                   causal: bool) -> np.ndarray:
    """One attention layer over one sequence: a decoder layer if ``causal``, else an encoder's.

    Input: token vectors ``x`` ``[n, d]``, projections ``w_q``, ``w_k`` ``[d, d_k]`` and
    ``w_v`` ``[d, d_v]``. Output ``[n, d_v]``: ``masked_attention(x @ w_q, x @ w_k, x @ w_v,
    mask)`` with ``mask = causal_mask(n)`` when ``causal`` and all True otherwise.

    Example: with ``causal=True`` the first output row depends only on ``x[0]``.

    The trap: an encoder uses *no* mask at all (every position sees every position), not the
    causal mask of the other direction.

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('One attention layer over x, as a decoder or as an encoder; lesson section “Encoders and decoders”.')


def changed_positions(layer: Callable[[np.ndarray], np.ndarray], x: np.ndarray, position: int,
                      replacement: np.ndarray, atol: float = 1e-9) -> list[int]:
    """Which outputs of ``layer`` change when the token at ``position`` is replaced?

    Input: a function from ``[n, d]`` token vectors to ``[n, d_out]`` outputs, the vectors
    ``x`` (not modified), the position to change and the new vector ``replacement`` ``[d]``.
    Output: the sorted positions ``i`` whose output row changed by more than ``atol`` in some
    coordinate.

    Example: for a decoder layer (``self_attention(..., causal=True)``) replacing the token at
    position 2 of 5 changes outputs ``[2, 3, 4]`` at most; for an encoder layer it changes
    all of ``[0, 1, 2, 3, 4]``. That is why a decoder can cache the past while generating and
    an encoder must re-read everything when the text changes.

    The traps: copy ``x`` before replacing the row (the caller's array must not change);
    compare with a tolerance, not ``==``. A position outside ``[0, n)`` raises ``IndexError``.

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('Which output positions move when one input token is replaced; lesson section “Encoders and decoders”.')


def architecture_for(task: str) -> str:
    """``"encoder"`` or ``"decoder"``: which kind of model is built for ``task`` (one of TASKS).

    Encoders read the whole text at once and give vectors: retrieval, semantic search,
    classification, sentiment analysis, named-entity recognition (NER), clustering.
    Decoders produce text one token at a time: generation, chat, code completion,
    story writing.

    Example: ``architecture_for("ner") == "encoder"`` (each token's label depends on the words
    on both sides of it).

    The trap: an unknown task raises ``ValueError`` rather than guessing.

    Lesson: course/m4_embedding_training.md#encoders-and-decoders
    """
    raise NotImplementedError('The model family each task calls for; lesson section “Encoders and decoders”.')
