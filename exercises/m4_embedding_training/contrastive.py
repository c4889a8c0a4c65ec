"""Contrastive learning: pull matching pairs together, push everything else apart.

Skip-gram learns from (word, neighbour) pairs. Sentence encoders (SBERT), image-text models
(CLIP) and retrieval models learn the same way from bigger pairs: (question, answer),
(sentence, paraphrase), (image, caption). Put B pairs in a batch and score every anchor
against every positive:

                 p_0    p_1    p_2    p_3
        a_0  [  0.9    0.1    0.2    0.0 ]     the diagonal holds the real pairs;
        a_1  [  0.2    0.8    0.1    0.3 ]     every other entry of a row is a free
        a_2  [  0.0    0.2    0.7    0.1 ]     "negative": the positive of another pair
        a_3  [  0.1    0.3    0.0    0.9 ]

The InfoNCE loss is a softmax cross-entropy per row with the diagonal as the right class:
"which of these B candidates is my partner?". It needs no labelled negatives at all, only
pairs: B - 1 negatives per anchor for free, which is why bigger batches help. Similarities are
cosines times a *scale* (1 / temperature): a large scale makes the softmax sharp, so training
concentrates on the hardest negatives; a small one treats all negatives alike.

CLIP uses the same matrix in both directions (image -> text and text -> image). The older
triplet loss looks at one negative at a time and only asks for a margin:
``‖a - p‖ + margin <= ‖a - n‖``.
"""

from __future__ import annotations

import numpy as np
import torch

from m4_embedding_training.corpus import tokenize


def _check_pairs(a: torch.Tensor, b: torch.Tensor, names: str, same_rows: bool) -> None:
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"{names} must be 2-D [batch, dim]; got shapes {tuple(a.shape)}, "
                         f"{tuple(b.shape)}")
    if a.shape[0] == 0:
        raise ValueError("an empty batch has no loss")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{names} must have the same dimension; got {a.shape[1]}, {b.shape[1]}")
    if same_rows and a.shape[0] != b.shape[0]:
        raise ValueError(f"{names} must have the same number of rows")
    if not same_rows and b.shape[0] < a.shape[0]:
        raise ValueError("positives need at least as many rows as anchors")


def info_nce_loss(anchors: torch.Tensor, positives: torch.Tensor,
                  scale: float = 20.0) -> torch.Tensor:
    """InfoNCE with in-batch negatives (sentence-transformers' MultipleNegativesRankingLoss).

    Input: ``anchors`` ``[B, d]``, ``positives`` ``[P, d]`` with ``P >= B``: row ``i`` of
    ``positives`` is the partner of anchor ``i``; every other row is a negative for it (rows
    ``B..P-1`` are extra "hard negatives" that belong to no anchor). Output: a scalar tensor,

        logits = scale * cos_sim(anchors, positives)          # [B, P]
        loss   = cross_entropy(logits, [0, 1, ..., B-1])      # mean over the B anchors

    Example: two anchors identical to their positives and orthogonal to each other, scale 20:
    ``loss = log(1 + e^-20) ≈ 2e-9``.

    The traps: cosine, not the raw dot product (normalize the rows first: a long vector must
    not win just by being long); the target of row ``i`` is column ``i``; the mean, not the
    sum, over anchors. Differentiable: use torch operations only. Shapes that do not fit, or
    an empty batch, raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#contrastive-learning
    """
    raise NotImplementedError('InfoNCE with in-batch negatives on cosine similarities; lesson section “Contrastive learning”.')


def clip_loss(image_emb: torch.Tensor, text_emb: torch.Tensor,
              logit_scale: float) -> torch.Tensor:
    """CLIP's symmetric contrastive loss.

    Input: ``image_emb`` and ``text_emb``, both ``[B, d]`` (row ``i`` of each describes the
    same thing), and ``logit_scale`` (CLIP learns it; ~100 after training). Output: a scalar
    tensor: L2-normalize both, ``logits = logit_scale * img @ txt.T`` (``[B, B]``), and average
    the two cross-entropies with the diagonal as targets: images choosing their caption
    (rows) and captions choosing their image (columns).

    Example: with ``B = 1`` there is nothing to choose from and the loss is exactly 0.

    The trap: both directions. Only the image -> text half gives a different value and
    different gradients whenever the logits matrix is not symmetric. Different batch sizes,
    different dimensions or an empty batch raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#contrastive-learning
    """
    raise NotImplementedError("CLIP's symmetric loss over images and texts; lesson section “Contrastive learning”.")


def triplet_loss(anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor,
                 margin: float = 1.0) -> torch.Tensor:
    """The triplet loss: the positive must be closer than the negative by at least ``margin``.

    Input: three ``[B, d]`` tensors (row ``i`` of each forms one triplet) and the margin.
    Output: a scalar tensor, the mean over the batch of

        max(‖a - p‖ - ‖a - n‖ + margin, 0)          (exact Euclidean norms)

    Example: ``a = p = 0`` and ``‖a - n‖ = 3`` with margin 1: ``max(0 - 3 + 1, 0) = 0``, a
    satisfied triplet contributes nothing and gets no gradient.

    The traps: the hinge (without ``max(., 0)`` the loss keeps pushing satisfied triplets and
    can go negative without bound); distances, not squared distances; the mean over the batch.
    Shapes that differ or an empty batch raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#contrastive-learning
    """
    raise NotImplementedError('The triplet margin loss on Euclidean distances; lesson section “Contrastive learning”.')


def recall_at_1(queries: np.ndarray | torch.Tensor, keys: np.ndarray | torch.Tensor) -> float:
    """Retrieval recall@1: how often a query's most similar key (cosine) is its own partner.

    Input: ``queries`` and ``keys``, both ``[N, d]``; key ``i`` is the partner of query ``i``.
    Output: a float in [0, 1]: the fraction of queries ``i`` whose best key is ``i``.
    Similarities within 1e-9 of each other are tied and a tie goes to the lower index, so
    all-equal scores count as a hit only for query 0 (on every machine: equal vectors can get
    similarities that differ in the last bit, and ``argmax`` alone would let that decide).

    Example: ``recall_at_1(np.eye(3), np.eye(3)) == 1.0``; swapping two keys makes it ``1/3``.

    The traps: cosine similarity, not the dot product (normalize; a zero row has similarity 0
    with everything); a row of the similarity matrix is one query. Different shapes or no
    queries raise ``ValueError``.

    Lesson: course/m4_embedding_training.md#contrastive-learning
    """
    raise NotImplementedError("How often a query's most similar key is its own partner; lesson section “Contrastive learning”.")


class BagOfWordsEncoder(torch.nn.Module):
    """The smallest sentence encoder: average the word vectors, then a linear projection.

        "the cat sleeps"  ->  ids [4, 9, 17]  ->  mean(E[4], E[9], E[17])  ->  W x + b

    Word order is ignored, which is fine for telling paraphrases apart here; what it must
    learn is that "cat" and "kitten" mean the same thing. Unknown words map to id 0.
    """

    def __init__(self, vocab: list[str], dim: int = 32, seed: int = 0):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.vocab = ["<unk>"] + [w for w in vocab if w != "<unk>"]
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.embedding = torch.nn.Parameter(
            torch.randn(len(self.vocab), dim, generator=generator) / dim**0.5)
        bound = 1 / dim**0.5
        self.projection = torch.nn.Linear(dim, dim)
        with torch.no_grad():
            self.projection.weight.uniform_(-bound, bound, generator=generator)
            self.projection.bias.uniform_(-bound, bound, generator=generator)

    def batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids ``[n, T]`` (padded with 0) and a mask ``[n, T]`` (1.0 at real tokens)."""
        rows = [[self.index.get(w, 0) for w in tokenize(t)] or [0] for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        mask = torch.zeros(len(rows), width)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1.0
        return ids, mask

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        vectors = self.embedding[ids] * mask[..., None]
        pooled = vectors.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.projection(pooled)

    def encode(self, texts: list[str]) -> torch.Tensor:
        """Embeddings ``[n, dim]`` of a list of texts (no gradient)."""
        with torch.no_grad():
            return self(*self.batch(list(texts)))


def train_paraphrase_encoder(pairs: list[tuple[str, str]], dim: int = 32, epochs: int = 5,
                             batch_size: int = 32, lr: float = 0.01, scale: float = 20.0,
                             seed: int = 0, loss_history: list[float] | None = None
                             ) -> BagOfWordsEncoder:
    """Train a ``BagOfWordsEncoder`` on ``(sentence, paraphrase)`` pairs with in-batch negatives.

    Input: the training pairs, the vector size, passes over the data, pairs per batch, the
    Adam learning rate, the InfoNCE scale and a seed. ``loss_history``, when given, receives
    the loss of every batch. Output: the trained encoder (its ``encode(texts)`` gives vectors).

    The loop: build the vocabulary from every word of the pairs (sorted, for reproducibility)
    and the encoder with ``BagOfWordsEncoder(vocab, dim, seed)``; each epoch shuffle the pairs
    with a ``torch.Generator`` seeded from ``seed``, and for each batch embed the left sides
    and the right sides, take ``info_nce_loss`` of the two, and step an Adam optimizer.

    Example: on ``corpus.paraphrase_pairs()`` recall@1 on the held-out pairs rises from
    near zero with random word vectors (0.5 % in course/numbers.json) to 1.0 after training.

    The traps: the pairs of one batch must be *different* facts (shuffle, do not sort); forget
    ``optimizer.zero_grad()`` and gradients pile up across steps; randomness must come from
    ``seed`` only.

    Lesson: course/m4_embedding_training.md#contrastive-learning
    """
    raise NotImplementedError("The paraphrase encoder's training loop, reproducible from its seed; lesson section “Contrastive learning”.")
