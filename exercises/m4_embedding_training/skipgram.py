"""Skip-gram with negative sampling (SGNS): word2vec, one piece at a time.

"You shall know a word by the company it keeps." Skip-gram turns that sentence into a
training task: from a word in the middle of a window, predict the words around it.

    text     ... the  queen  sat  on  her  throne ...
                 [------ window 2 ------]
    center "sat":  contexts "the", "queen" (left), "on", "her" (right)
    pairs          (sat, the) (sat, queen) (sat, on) (sat, her)

Every word owns two vectors: ``W_in[w]`` when it is the center ("input" vector, the embedding
we keep) and ``W_out[w]`` when it is a context. The full skip-gram model scores a context
against *every* word with a softmax over the vocabulary; with 100,000 words that is 100,000
dot products per pair, far too slow. Negative sampling replaces the softmax with a handful of
yes/no questions:

    is (sat, queen) a real pair?          σ(u_queen · v_sat)      -> push towards 1
    is (sat, banana) a real pair?         σ(u_banana · v_sat)     -> push towards 0
    ... k "negatives" drawn from the noise distribution (unigram counts ** 0.75)

    loss = -log σ(u_o · v_c) - Σ_k log σ(-u_k · v_c)

so one training pair costs k + 1 dot products instead of |V|. Two more tricks from the word2vec
code make it work on real text: frequent words ("the", "of") are randomly dropped
(sub-sampling), and the window size is drawn at random per position (near words count more).

Words that appear in the same company get the same pushes, so their ``W_in`` rows drift
together: capitals near capitals, colours near colours.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def skipgram_pairs(ids: Sequence[int], window: int) -> list[tuple[int, int]]:
    """All ``(center, context)`` pairs of a token sequence.

    Input: token ids (not modified) and the window radius (an int ``>= 0``). Output: the pair
    ``(ids[i], ids[j])`` for every position ``i`` and every ``j`` with ``0 < |i - j| <= window``
    inside the sequence, ordered by ``i``, then by ``j``.

    Example: ``skipgram_pairs([7, 8, 9], 1) == [(7, 8), (8, 7), (8, 9), (9, 8)]``.

    The traps: the center is never its own context (``j != i``), the window is cut at both
    ends of the sequence (no wrap-around), and the same word twice in a row still gives pairs
    (``[5, 5]`` with window 1 gives ``[(5, 5), (5, 5)]``: different positions). A negative
    window raises ``ValueError``.

    Lesson: course/m4_embedding_training.md#the-skip-gram-objective
    """
    raise NotImplementedError('The (center, context) pairs of every position; lesson section “The skip-gram objective”.')


def keep_probabilities(counts: np.ndarray, t: float = 1e-5) -> np.ndarray:
    """Sub-sampling: the probability of keeping each occurrence of each word (word2vec's code).

    Input: ``counts[w]`` = occurrences of word ``w`` (non-negative), the threshold ``t > 0``.
    Output: float64 array of the same shape with, for ``f = count / total``,

        p = (sqrt(f / t) + 1) * t / f,   capped at 1.0;   a word with count 0 gets 1.0.

    Example: with ``t = 0.01`` a word making up 16 % of the text is kept with probability
    ``(sqrt(16) + 1) * 0.01 / 0.16 = 0.3125``; a word at 1 % is kept with ``p = 1`` (capped).

    Why: "the" appears in nearly every window and teaches little; dropping most of its
    occurrences speeds training up and lets rarer, informative words meet each other more often.

    The traps: this is the formula of the released word2vec code, not the paper's
    ``1 - sqrt(t / f)`` (a *discard* probability); the cap matters for rare words, whose raw
    value is above 1; a zero count must give 1.0, not a division by zero. Negative counts or
    ``t <= 0`` raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#the-skip-gram-objective
    """
    raise NotImplementedError("word2vec's sub-sampling: the probability of keeping each word; lesson section “The skip-gram objective”.")


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """The distribution negatives are drawn from: unigram counts raised to ``power``, normalized.

    Input: non-negative counts (at least one positive). Output: float64 probabilities of the
    same shape, summing to 1. A word with count 0 gets probability 0.

    Example: counts ``[16, 1]``, power 0.75: weights ``[8, 1]``, probabilities ``[8/9, 1/9]``.

    Why 0.75: plain unigram frequencies would make nearly every negative "the"; a uniform draw
    would waste negatives on words that never matter. The 3/4 power (found by trial in the
    word2vec paper) flattens the distribution: rare words are drawn more often than their
    frequency, frequent ones less.

    The trap: normalize *after* the power (``(c / c.sum()) ** 0.75`` no longer sums to 1).
    Negative counts, or no positive count at all, raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#negative-sampling
    """
    raise NotImplementedError('The distribution negatives are drawn from; lesson section “Negative sampling”.')


def sample_negatives(probs: np.ndarray, num: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``num`` independent word ids from the distribution ``probs``.

    Input: a 1-D probability vector, the number of draws, a ``numpy.random.Generator``.
    Output: int64 array of shape ``[num]``. Any correct method is fine (``rng.choice`` with
    ``p=``, or inverse-CDF sampling: ``np.searchsorted(np.cumsum(probs), rng.random(num))``);
    the same generator state must give the same ids.

    Example: ``sample_negatives(np.array([0.0, 1.0]), 3, rng)`` is ``[1, 1, 1]``.

    The traps: use only ``rng`` (never ``np.random.*`` or ``random``: results would not be
    reproducible); a word with probability 0 must never be drawn; ``probs`` with a negative
    entry or not summing to 1 (within 1e-6) raises ``ValueError``.

    Lesson: course/m4_embedding_training.md#negative-sampling
    """
    raise NotImplementedError('Drawing negatives from a distribution with the generator you are given; lesson section “Negative sampling”.')


def sgns_loss_and_grads(v_center: np.ndarray, u_context: np.ndarray, u_negatives: np.ndarray
                        ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """The negative-sampling loss of one (center, context) pair and its gradients.

    Input: ``v_center`` ``[d]`` (the center's input vector), ``u_context`` ``[d]`` (the
    context's output vector), ``u_negatives`` ``[k, d]`` (output vectors of k negatives;
    ``k = 0`` is allowed). Output: ``(loss, grad_v_center, grad_u_context, grad_u_negatives)``
    with the gradients shaped like the inputs (float64), where

        loss = -log σ(u_o · v_c) - Σ_k log σ(-u_k · v_c)
        ∂loss/∂v_c = (σ(u_o·v_c) - 1) u_o + Σ_k σ(u_k·v_c) u_k
        ∂loss/∂u_o = (σ(u_o·v_c) - 1) v_c
        ∂loss/∂u_k = σ(u_k·v_c) v_c

    Example: all-zero vectors give ``loss = (k + 1) * log 2`` and zero gradients.

    The traps: the negatives enter with a minus sign (``σ(-u_k·v_c)``: we want them *unlike*
    the center); and ``log(sigmoid(x))`` computed naively is ``log(0) = -inf`` for ``x = -1000``.
    Use ``-log σ(x) = np.logaddexp(0, -x)`` and a sigmoid that never overflows. Mismatched
    shapes raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#negative-sampling
    """
    raise NotImplementedError('The SGNS loss and its three gradients, finite even for very large scores; lesson section “Negative sampling”.')


def sgns_step(W_in: np.ndarray, W_out: np.ndarray, center: int, context: int,
              negatives: np.ndarray, lr: float) -> float:
    """One SGD step on one (center, context) pair, **in place** on ``W_in`` and ``W_out``.

    Input: the matrices ``[V, d]`` (updated in place), the center and context ids, the
    negative ids ``[k]``, the learning rate. Output: the loss *before* the step (a float).
    Only row ``center`` of ``W_in`` and rows ``context`` and ``negatives`` of ``W_out`` change.

    Example: with ``W_in[center] = W_out[context] = 0`` the loss is ``(k + 1) * log 2`` and,
    with ``W_out[negatives]`` zero too, nothing moves (every gradient is zero).

    The traps:
    - Compute *all* gradients from the values before the step. Updating ``W_in[center]``
      first and then computing the ``W_out`` gradients from the new ``v_c`` is a different
      (wrong) algorithm.
    - A negative drawn twice contributes its gradient twice: ``W_out[negs] -= lr * grad``
      writes a repeated row once (the last write wins); ``np.subtract.at`` adds every copy.
    - A negative equal to the context gets both updates.
    - Ids out of range (negative ids included: no wrap-around) raise ``IndexError``.

    Lesson: course/m4_embedding_training.md#negative-sampling
    """
    raise NotImplementedError('One SGD step on both matrices, in place; lesson section “Negative sampling”.')


def train_skipgram(corpus_ids: Sequence[int] | np.ndarray, vocab_size: int, dim: int,
                   window: int, negatives: int, epochs: int, lr: float, seed: int,
                   *, sample: float = 1e-3, progress: bool = False,
                   loss_history: list[float] | None = None) -> np.ndarray:
    """Train word vectors on one flat id sequence; return the input embeddings ``[V, dim]``.

    Input: the corpus as ids in ``[0, vocab_size)``, the vector size, the maximum window
    radius, negatives per pair, passes over the corpus, the initial learning rate and a seed
    (the only source of randomness). ``sample`` is the sub-sampling threshold ``t`` of
    ``keep_probabilities`` (word2vec's default for small corpora is 1e-3). With ``progress``
    a progress bar is shown; ``loss_history``, when given, receives the mean training loss
    at regular intervals (for the loss curve). Output: float array ``[vocab_size, dim]``.

    A simple correct version: each epoch, sub-sample the corpus, make the pairs with a random
    window per position, and call ``sgns_step`` for every pair with negatives drawn by
    ``sample_negatives`` from ``noise_distribution(counts)``; let ``lr`` fall linearly towards
    0 over training. Initialize ``W_in`` with small random values
    (``(rng.random((V, d)) - 0.5) / d``) and ``W_out`` with zeros, as word2vec does.

    Example: on the course corpus (``corpus.load_corpus()``), after a few epochs the nearest
    neighbours of "paris" are other capitals and ``king - man + woman`` is closest to "queen".

    The traps: all-zero ``W_in`` never moves (every gradient is zero); a learning rate that
    never decays leaves the vectors noisy; randomness from anywhere but ``seed`` makes the
    result irreproducible. Ids outside ``[0, vocab_size)`` raise ``IndexError``.

    Lesson: course/m4_embedding_training.md#negative-sampling
    """
    raise NotImplementedError('The training loop that turns a corpus into word vectors; lesson sections “The skip-gram objective” and “Negative sampling”.')
