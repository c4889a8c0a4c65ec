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
# BEGIN SOLUTION REMOVE
from scipy import sparse
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm
# END SOLUTION


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
    # BEGIN SOLUTION: The (center, context) pairs of every position; lesson section “The skip-gram objective”.
    if int(window) != window or window < 0:
        raise ValueError(f"window must be an integer >= 0, got {window!r}")
    ids = [int(t) for t in ids]
    n = len(ids)
    pairs = []
    for i in range(n):
        for j in range(max(0, i - window), min(n, i + window + 1)):
            if j != i:
                pairs.append((ids[i], ids[j]))
    return pairs
    # END SOLUTION


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
    # BEGIN SOLUTION: word2vec's sub-sampling: the probability of keeping each word; lesson section “The skip-gram objective”.
    counts = np.asarray(counts, dtype=np.float64)
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and non-negative")
    if not t > 0:
        raise ValueError(f"t must be > 0, got {t!r}")
    total = counts.sum()
    p = np.ones_like(counts)
    seen = counts > 0
    f = counts[seen] / total
    p[seen] = np.minimum((np.sqrt(f / t) + 1.0) * t / f, 1.0)
    return p
    # END SOLUTION


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
    # BEGIN SOLUTION: The distribution negatives are drawn from; lesson section “Negative sampling”.
    counts = np.asarray(counts, dtype=np.float64)
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and non-negative")
    if not np.any(counts > 0):
        raise ValueError("at least one count must be positive")
    weights = np.where(counts > 0, counts, 0.0) ** power
    weights[counts == 0] = 0.0
    return weights / weights.sum()
    # END SOLUTION


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
    # BEGIN SOLUTION: Drawing negatives from a distribution with the generator you are given; lesson section “Negative sampling”.
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or probs.size == 0:
        raise ValueError("probs must be a non-empty 1-D array")
    if np.any(probs < 0) or not np.all(np.isfinite(probs)):
        raise ValueError("probabilities must be finite and non-negative")
    if abs(probs.sum() - 1.0) > 1e-6:
        raise ValueError(f"probabilities must sum to 1, they sum to {probs.sum():.8f}")
    if int(num) != num or num < 0:
        raise ValueError(f"num must be an integer >= 0, got {num!r}")
    cdf = np.cumsum(probs)
    draws = np.searchsorted(cdf, rng.random(int(num)) * cdf[-1], side="right")
    # Rounding can leave cdf[-1] a hair below the last draw, or point at a zero-probability
    # tail: step back to the last word that can actually be drawn.
    last = int(np.flatnonzero(probs > 0)[-1])
    return np.minimum(draws, last).astype(np.int64)
    # END SOLUTION


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
    # BEGIN SOLUTION: The SGNS loss and its three gradients, finite even for very large scores; lesson section “Negative sampling”.
    v = np.asarray(v_center, dtype=np.float64)
    u_o = np.asarray(u_context, dtype=np.float64)
    U = np.asarray(u_negatives, dtype=np.float64)
    if v.ndim != 1 or u_o.shape != v.shape or U.ndim != 2 or U.shape[1] != v.shape[0]:
        raise ValueError(f"shapes must be [d], [d], [k, d]; got {v.shape}, {u_o.shape}, {U.shape}")
    s_o = u_o @ v
    s_k = U @ v
    loss = float(np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_k).sum())
    g_o = _sigmoid(s_o) - 1.0  # d loss / d s_o
    g_k = _sigmoid(s_k)  # d loss / d s_k
    grad_v = g_o * u_o + g_k @ U
    return loss, grad_v, g_o * v, g_k[:, None] * v[None, :]
    # END SOLUTION


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
    # BEGIN SOLUTION: One SGD step on both matrices, in place; lesson section “Negative sampling”.
    V = W_in.shape[0]
    negatives = np.asarray(negatives, dtype=np.int64).reshape(-1)
    for name, ids in (("center", [center]), ("context", [context]), ("negative", negatives)):
        bad = [int(i) for i in ids if not 0 <= int(i) < V or not 0 <= int(i) < W_out.shape[0]]
        if bad:
            raise IndexError(f"{name} id {bad[0]} is outside the vocabulary of {V} words")
    loss, g_v, g_o, g_negs = sgns_loss_and_grads(W_in[center], W_out[context], W_out[negatives])
    W_in[center] -= lr * g_v
    W_out[context] -= lr * g_o
    np.subtract.at(W_out, negatives, lr * g_negs)
    return loss
    # END SOLUTION


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
    # BEGIN SOLUTION: The training loop that turns a corpus into word vectors; lesson sections “The skip-gram objective” and “Negative sampling”.
    ids = np.asarray(corpus_ids, dtype=np.int64).reshape(-1)
    for name, value in (("vocab_size", vocab_size), ("dim", dim), ("window", window)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if int(negatives) != negatives or negatives < 0 or int(epochs) != epochs or epochs < 0:
        raise ValueError("negatives and epochs must be integers >= 0")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise IndexError(f"corpus ids must lie in [0, {vocab_size})")
    rng = np.random.default_rng(seed)
    # W_in and W_out live in one array, so one scatter per batch updates both.
    weights = np.zeros((2 * vocab_size, dim), dtype=np.float32)
    W_in = weights[:vocab_size]  # W_out = weights[vocab_size:] starts at zero
    W_in[:] = (rng.random((vocab_size, dim), dtype=np.float32) - 0.5) / dim
    if ids.size < 2 or epochs == 0:
        return W_in.copy()
    counts = np.bincount(ids, minlength=vocab_size)
    keep = keep_probabilities(counts, sample)
    trainer = _BatchTrainer(weights, vocab_size, np.cumsum(noise_distribution(counts)),
                            negatives, rng)
    # Text positions per mini-batch. A batch sums the updates of all its pairs at once, so a
    # frequent word's row moves by about lr * (its updates in the batch) * gradient; too many
    # at a given lr and frequent rows overshoot and diverge. Keeping lr * updates per batch
    # constant keeps every run as safe as word2vec's lr 0.025 with ~1000 pairs per batch.
    pairs_per_batch = int(np.clip(_STABLE_LR_UPDATES / (lr * (negatives + 1)), 64, 4096))
    chunk = max(8, pairs_per_batch // (window + 1))  # a random window gives ~window+1 pairs
    bar = tqdm(total=epochs * ids.size, unit="word", unit_scale=True, disable=not progress,
               desc="skip-gram")
    # The matrix products here are small: BLAS threads cost more than they bring.
    with threadpool_limits(limits=1, user_api="blas"):
        for epoch in range(epochs):
            kept = ids[rng.random(ids.size) < keep[ids]]
            reach = rng.integers(1, window + 1, size=kept.size)  # word2vec's random window
            starts = range(0, kept.size, chunk)
            for step, start in enumerate(starts):
                rate = lr * max(1e-4, 1.0 - (epoch + step / len(starts)) / epochs)
                centers, contexts = _window_pairs(kept, reach, start, start + chunk, window)
                want_loss = loss_history is not None and step % 20 == 0
                loss = trainer.step(centers, contexts, rate, want_loss)
                if want_loss:
                    loss_history.append(loss)
                bar.update(min(chunk, kept.size - start) * ids.size / max(kept.size, 1))
    bar.close()
    return W_in.copy()
    # END SOLUTION
# BEGIN SOLUTION REMOVE


_STABLE_LR_UPDATES = 0.025 * 1024 * 6
_SHARED_PER_NEGATIVE = 8


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """σ(x) without overflow: exp(-x) for x = -1000 would be inf, tanh never is."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def _window_pairs(kept: np.ndarray, reach: np.ndarray, start: int, stop: int,
                  window: int) -> tuple[np.ndarray, np.ndarray]:
    """(center, context) id arrays for the centers at positions [start, stop) of ``kept``,
    each with its own window radius ``reach[i]`` (contexts may lie outside [start, stop))."""
    n = kept.size
    stop = min(stop, n)
    positions = np.arange(start, stop)
    centers, contexts = [], []
    for offset in range(1, window + 1):
        for sign in (1, -1):
            j = positions + sign * offset
            ok = (reach[start:stop] >= offset) & (j >= 0) & (j < n)
            centers.append(kept[positions[ok]])
            contexts.append(kept[j[ok]])
    return np.concatenate(centers), np.concatenate(contexts)


class _BatchTrainer:
    """Negative sampling on a whole mini-batch of pairs with matrix products.

    Per-pair negatives would need k row gathers per pair. Instead each mini-batch draws one
    shared set of S = 8k negatives and every pair is scored against all of them, each
    negative term weighted k / S: the expected gradient is exactly that of k negatives per
    pair (with less noise), and the scores become one [B, d] x [d, S] matrix product.
    Updates of rows that occur several times in a batch are summed (a sparse matrix product),
    as if the pairs had been processed one after another from the same starting point; small
    batches (a few hundred text positions) keep those sums small enough to stay stable.
    """

    def __init__(self, weights: np.ndarray, vocab_size: int, noise_cdf: np.ndarray,
                 negatives: int, rng: np.random.Generator):
        self.weights, self.V = weights, vocab_size  # rows [0, V): W_in, rows [V, 2V): W_out
        self.W_in, self.W_out = weights[:vocab_size], weights[vocab_size:]
        self.noise_cdf = noise_cdf
        self.k = negatives
        self.shared = _SHARED_PER_NEGATIVE * negatives
        self.rng = rng

    def step(self, centers: np.ndarray, contexts: np.ndarray, lr: float,
             want_loss: bool = False) -> float:
        W_in, W_out = self.W_in, self.W_out
        if centers.size == 0:
            return float("nan")
        v = W_in[centers]  # [B, d]
        u = W_out[contexts]  # [B, d]
        s_pos = np.einsum("bd,bd->b", v, u)
        g_pos = _sigmoid(s_pos) - 1.0  # d loss / d s_pos, [B]
        grad_v = g_pos[:, None] * u
        rows_out, grads_out = [contexts], [g_pos[:, None] * v]
        loss = np.logaddexp(0.0, -s_pos).mean() if want_loss else float("nan")
        if self.k:
            draws = self.rng.random(self.shared) * self.noise_cdf[-1]
            negs = np.minimum(np.searchsorted(self.noise_cdf, draws, side="right"),
                              self.noise_cdf.size - 1)
            U = W_out[negs]  # [S, d]
            s_neg = v @ U.T  # [B, S]
            weight = np.float32(self.k / self.shared)
            g_neg = _sigmoid(s_neg)
            g_neg *= weight
            grad_v += g_neg @ U
            rows_out.append(negs)
            grads_out.append(g_neg.T @ v)
            if want_loss:
                loss += weight * np.logaddexp(0.0, s_neg).sum(axis=1).mean()
        rows = np.concatenate([centers] + [r + self.V for r in rows_out])
        _scatter_add(self.weights, rows, np.concatenate([grad_v] + grads_out), -lr)
        return float(loss)


def _scatter_add(W: np.ndarray, rows: np.ndarray, values: np.ndarray, scale: float) -> None:
    """W[rows[i]] += scale * values[i] for every i, repeated rows summed (like np.add.at,
    but as one sparse matrix product, many times faster)."""
    unique, inverse = np.unique(rows, return_inverse=True)
    adder = sparse.csc_matrix(
        (np.full(rows.size, scale, dtype=W.dtype), inverse, np.arange(rows.size + 1)),
        shape=(unique.size, rows.size))
    W[unique] += adder @ values
# END SOLUTION
