"""Hidden tests of contrastive.py: InfoNCE, CLIP, triplet, recall@1 and training an encoder
(learning goal 3). Values and gradients are compared with the losses as their authors write
them (see m4_helpers), computed by autograd in float64."""

import numpy as np
import pytest
import torch

from m4_helpers import (CONTRASTIVE, HELPERS, clip_reference, course_corpus, grads_of, mnrl_loss,
                        recall_oracle, triplet_reference)


def _tensors(seed, *shapes):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=torch.float64) for s in shapes]


def _compare(student, name, reference, tensors, wrt, **kwargs):
    value, grads = student.value_and_grad(CONTRASTIVE, name, *tensors, wrt=wrt, **kwargs)
    want, want_grads = grads_of(reference, *[tensors[i] for i in wrt], **kwargs)
    assert float(value) == pytest.approx(want, rel=1e-6, abs=1e-9), "loss value differs"
    for got, expected in zip(grads, want_grads):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-9,
                                   err_msg="gradient differs")


@pytest.mark.points(2)
@pytest.mark.hint("cross-entropy of scale * cosine similarities [B, P] with target i for row i")
@pytest.mark.parametrize("B,P", [(6, 6), (4, 9)], ids=["square", "hard-negatives"])
def test_info_nce_matches_multiple_negatives_ranking_loss(student, B, P):
    a, p = _tensors(B + P, (B, 5), (P, 5))
    _compare(student, "info_nce_loss", mnrl_loss, [a, p], (0, 1), scale=20.0)


@pytest.mark.points(1)
@pytest.mark.hint("cosine, not the dot product: longer vectors must not change the loss")
def test_info_nce_ignores_vector_length(student):
    a, p = _tensors(3, (5, 4), (5, 4))
    f = student.function(CONTRASTIVE, "info_nce_loss")
    lengths = torch.arange(1, 6, dtype=torch.float64)[:, None] * 7
    assert float(f(a * lengths, p, 20.0)) == pytest.approx(float(f(a, p, 20.0)), rel=1e-6), \
        "the loss depends on the vectors' lengths"


@pytest.mark.points(1)
@pytest.mark.hint("use the scale you are given (logits = scale * cosine)")
def test_info_nce_uses_the_scale(student):
    a, p = _tensors(4, (5, 4), (5, 4))
    got = float(student.function(CONTRASTIVE, "info_nce_loss")(a, p, 3.0))
    assert got == pytest.approx(float(mnrl_loss(a, p, 3.0)), rel=1e-6)


@pytest.mark.points(1)
@pytest.mark.hint("fewer positives than anchors, different dimensions or an empty batch: ValueError")
def test_info_nce_rejects_bad_shapes(student):
    f = student.function(CONTRASTIVE, "info_nce_loss")
    for anchors, positives in [((4, 3), (3, 3)), ((2, 3), (2, 4)), ((0, 3), (0, 3))]:
        with pytest.raises(ValueError):
            f(torch.zeros(anchors), torch.ones(positives))


@pytest.mark.points(1)
@pytest.mark.hint("average the image->text and the text->image cross-entropies")
@pytest.mark.parametrize("seed", [0, 1])
def test_clip_loss_matches_clip(student, seed):
    img, txt = _tensors(seed + 10, (6, 5), (6, 5))
    _compare(student, "clip_loss", clip_reference, [img, txt], (0, 1), logit_scale=14.0)


@pytest.mark.points(1)
@pytest.mark.hint("L2-normalize both sides before the product; batch sizes must match (ValueError)")
def test_clip_loss_normalizes_and_checks(student):
    img, txt = _tensors(20, (4, 3), (4, 3))
    f = student.function(CONTRASTIVE, "clip_loss")
    assert float(f(img * 9.0, txt, 10.0)) == pytest.approx(float(clip_reference(img, txt, 10.0)), rel=1e-6)
    with pytest.raises(ValueError):
        f(img, txt[:3], 10.0)


@pytest.mark.points(2)
@pytest.mark.hint("mean of max(||a - p|| - ||a - n|| + margin, 0) with exact Euclidean norms")
def test_triplet_loss_matches_formula(student):
    a, p, n = _tensors(30, (8, 4), (8, 4), (8, 4))
    n[:3] = a[:3] + 5.0  # satisfied triplets: no loss, no gradient
    _compare(student, "triplet_loss", triplet_reference, [a, p, n], (0, 1, 2), margin=1.0)


@pytest.mark.points(1)
@pytest.mark.hint("distances, not squared distances; the hinge keeps satisfied triplets at 0")
def test_triplet_loss_hand_example(student):
    a = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    p = torch.tensor([[3.0, 4.0], [1.0, 0.0]])
    n = torch.tensor([[6.0, 0.0], [0.0, 9.0]])
    # distances: (5, 6) -> max(5 - 6 + 2, 0) = 1; (1, 9) -> max(1 - 9 + 2, 0) = 0; mean 0.5
    got = float(student.function(CONTRASTIVE, "triplet_loss")(a, p, n, margin=2.0))
    assert got == pytest.approx(0.5)


@pytest.mark.points(1)
@pytest.mark.hint("the three inputs must have the same shape; an empty batch raises ValueError")
def test_triplet_loss_rejects_bad_shapes(student):
    f = student.function(CONTRASTIVE, "triplet_loss")
    with pytest.raises(ValueError):
        f(torch.zeros(3, 2), torch.zeros(3, 2), torch.zeros(2, 2))
    with pytest.raises(ValueError):
        f(torch.zeros(0, 2), torch.zeros(0, 2), torch.zeros(0, 2))


@pytest.mark.points(1)
@pytest.mark.hint("normalize, score every query against every key, count argmax == own index")
def test_recall_at_1_random(student):
    rng = np.random.default_rng(40)
    keys = rng.normal(size=(30, 6))
    queries = keys + rng.normal(scale=0.8, size=(30, 6))
    scores = (queries / np.linalg.norm(queries, axis=1, keepdims=True)) @ \
             (keys / np.linalg.norm(keys, axis=1, keepdims=True)).T
    want = float(np.mean(scores.argmax(axis=1) == np.arange(30)))
    f = student.function(CONTRASTIVE, "recall_at_1")
    assert f(queries, keys) == pytest.approx(want), "recall on random vectors"
    # Both queries are closest to key 0: only query 0 finds its partner (one row per query).
    assert f(np.array([[1.0, 0.0], [1.0, 0.1]]), np.eye(2)) == pytest.approx(0.5), \
        "a row of the score matrix is a query"


@pytest.mark.points(1)
@pytest.mark.hint("cosine similarity: a long key must not win because of its length")
def test_recall_at_1_uses_cosine(student):
    keys = np.array([[1.0, 0.0], [0.6, 0.8]]) * np.array([[1.0], [10.0]])
    queries = np.array([[1.0, 0.1], [0.6, 0.8]])
    assert student.function(CONTRASTIVE, "recall_at_1")(queries, keys) == pytest.approx(1.0)


@pytest.mark.points(2)
@pytest.mark.call_timeout(90)
@pytest.mark.hint("per batch: embed both sides, info_nce_loss, zero_grad, backward, optimizer.step")
def test_paraphrase_encoder_recall_rises(student):
    train, test = course_corpus().paraphrase_pairs(500, 150, seed=11)
    model = student.function(CONTRASTIVE, "train_paraphrase_encoder")(train, seed=2)
    queries = np.asarray(model.encode([a for a, _ in test]))
    keys = np.asarray(model.encode([b for _, b in test]))
    assert queries.shape == keys.shape == (150, 32), "encode gives one 32-d vector per text"
    recall = recall_oracle(queries, keys)
    # Random word vectors find about 1 partner in 100 here (no words are shared).
    assert recall > 0.8, f"recall@1 on held-out pairs is only {recall:.2f}"


@pytest.mark.points(1)
@pytest.mark.call_timeout(90)
@pytest.mark.hint("seed the model and the shuffling from seed only (torch.Generator)")
def test_paraphrase_encoder_is_reproducible(student):
    train, test = course_corpus().paraphrase_pairs(120, 20, seed=12)
    texts = [a for a, _ in test]
    first, again = (np.asarray(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "train_paraphrase_encoder", CONTRASTIVE,
        train, epochs=2, seed=5).encode(texts)) for scramble in (1, 2))
    np.testing.assert_allclose(first, again, rtol=1e-6, atol=1e-7,
                               err_msg="the same seed gave a different encoder")
