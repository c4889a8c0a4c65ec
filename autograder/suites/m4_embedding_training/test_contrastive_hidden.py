"""Hidden tests of contrastive.py: InfoNCE, CLIP, triplet, recall@1 and training an encoder
(learning goal 3). Values and gradients are compared with the losses as their authors write
them (see m4_helpers), computed by autograd in float64."""

import numpy as np
import pytest
import torch

from m4_helpers import (CONTRASTIVE, HELPERS, expect_numbers, assert_close, expect_value_and_grad, clip_reference,
                        must_raise,
                        course_corpus, grads_of, expect_loss, mnrl_loss, recall_oracle,
                        triplet_reference)

from autograder.checks import expect_float


def _tensors(seed, *shapes):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=torch.float64) for s in shapes]


def _shapes(tensors) -> str:
    return ", ".join("[" + ", ".join(map(str, t.shape)) + "]" for t in tensors)


def _compare(student, name, reference, tensors, wrt, **kwargs):
    what = f"{name}({_shapes(tensors)})"
    value, grads = expect_value_and_grad(student, CONTRASTIVE, name, tensors, wrt, what, **kwargs)
    want, want_grads = grads_of(reference, *[tensors[i] for i in wrt], **kwargs)
    _check_mean(value, want, len(tensors[0]), what)
    assert value == pytest.approx(want, rel=1e-6, abs=1e-9), \
        f"{what} returned {value:.6g}, not the value of the loss as its authors define it"
    for i, got, expected in zip(wrt, grads, want_grads, strict=True):
        assert_close(got, expected, f"the value of {what} is right but its gradient for "
                     f"argument {i + 1} is not autograd's on the loss's formula", rtol=1e-5, atol=1e-9)


def _check_mean(value: float, want: float, batch: int, what: str) -> None:
    """Cheap diagnoses before the exact comparison: a negative loss, a sum over the batch."""
    assert value >= 0, f"{what} returned {value:.6g}: a loss below 0 (a satisfied pair or " \
        "triplet must cost 0, not earn a reward)"
    assert not (batch > 1 and want > 0 and value == pytest.approx(batch * want, rel=1e-6)), \
        f"{what} returned {batch} times the expected loss: the loss is summed over the batch, " \
        "not averaged"


def _loss(student, name, *args, **kwargs) -> float:
    what = f"{name}({_shapes([a for a in args if isinstance(a, torch.Tensor)])}, ...)"
    return expect_loss(student.function(CONTRASTIVE, name)(*args, **kwargs), what)


@pytest.mark.points(1)
@pytest.mark.hint("InfoNCE scores pairs by their angle: scaling a vector must not change the loss")
@pytest.mark.deeper_hint("A dot product grows with the vectors' lengths; the cosine similarity "
                         "does not. Make every row unit length before comparing.")
def test_info_nce_ignores_vector_length(student):
    a, p = _tensors(3, (5, 4), (5, 4))
    lengths = torch.arange(1, 6, dtype=torch.float64)[:, None] * 7
    longer, plain = _loss(student, "info_nce_loss", a * lengths, p, 20.0), \
        _loss(student, "info_nce_loss", a, p, 20.0)
    assert longer == pytest.approx(plain, rel=1e-6), (
        f"info_nce_loss gave {longer:.6g} for anchors 7 to 35 times longer and {plain:.6g} for "
        "the same directions: the loss depends on the vectors' lengths")


@pytest.mark.points(2)
@pytest.mark.hint("InfoNCE with in-batch negatives: each anchor is classified among all the "
                  "positives (extra rows included), its own being the right class")
@pytest.mark.deeper_hint("The logits are scaled cosine similarities of every anchor with every "
                         "positive (a [B, P] matrix); the target of row i is column i; the "
                         "extra rows of positives are only ever wrong answers.")
@pytest.mark.parametrize("B,P", [(6, 6), (4, 9)], ids=["square", "hard-negatives"])
def test_info_nce_matches_multiple_negatives_ranking_loss(student, B, P):
    a, p = _tensors(B + P, (B, 5), (P, 5))
    _compare(student, "info_nce_loss", mnrl_loss, [a, p], (0, 1), scale=20.0)


@pytest.mark.points(1)
@pytest.mark.hint("the scale (the inverse temperature) multiplies the similarities")
def test_info_nce_uses_the_scale(student):
    a, p = _tensors(4, (5, 4), (5, 4))
    got = _loss(student, "info_nce_loss", a, p, 3.0)
    assert got == pytest.approx(float(mnrl_loss(a, p, 3.0)), rel=1e-6), \
        f"info_nce_loss([5, 4], [5, 4], scale=3.0) returned {got:.6g}: the scale is not used as given"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: fewer positives than anchors, different dimensions "
                  "or an empty batch raise ValueError")
def test_info_nce_rejects_bad_shapes(student):
    f = student.function(CONTRASTIVE, "info_nce_loss")
    for anchors, positives in [((4, 3), (3, 3)), ((2, 3), (2, 4)), ((0, 3), (0, 3))]:
        with must_raise(ValueError, f"info_nce_loss({list(anchors)}, {list(positives)})"):
            f(torch.zeros(anchors), torch.ones(positives))


@pytest.mark.points(1)
@pytest.mark.hint("CLIP compares directions (unit vectors), and needs one text per image")
def test_clip_loss_normalizes_and_checks(student):
    img, txt = _tensors(20, (4, 3), (4, 3))
    longer, plain = _loss(student, "clip_loss", img * 9.0, txt, 10.0), \
        _loss(student, "clip_loss", img, txt, 10.0)
    assert longer == pytest.approx(plain, rel=1e-6), (
        f"clip_loss gave {longer:.6g} for images 9 times longer and {plain:.6g} for the same "
        "directions: the loss depends on the vectors' lengths")
    with must_raise(ValueError, "clip_loss([4, 3], [3, 3], 10.0)"):
        student.function(CONTRASTIVE, "clip_loss")(img, txt[:3], 10.0)


@pytest.mark.points(1)
@pytest.mark.hint("CLIP's loss is symmetric: images choose among texts and texts among images")
@pytest.mark.deeper_hint("Compute the cross-entropy over the rows of the similarity matrix and "
                         "over its columns, then average the two.")
@pytest.mark.parametrize("seed", [0, 1])
def test_clip_loss_matches_clip(student, seed):
    img, txt = _tensors(seed + 10, (6, 5), (6, 5))
    _compare(student, "clip_loss", clip_reference, [img, txt], (0, 1), logit_scale=14.0)


@pytest.mark.points(1)
@pytest.mark.hint("distances, not squared distances; a satisfied triplet costs 0")
def test_triplet_loss_hand_example(student):
    a = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    p = torch.tensor([[3.0, 4.0], [1.0, 0.0]])
    n = torch.tensor([[6.0, 0.0], [0.0, 9.0]])
    # distances: (5, 6) -> max(5 - 6 + 2, 0) = 1; (1, 9) -> max(1 - 9 + 2, 0) = 0; mean 0.5
    got = expect_loss(student.function(CONTRASTIVE, "triplet_loss")(a, p, n, margin=2.0),
                     "triplet_loss(3-4-5 triangle, margin=2.0)")
    what = "triplet_loss(distances (5, 6) and (1, 9), margin=2.0)"
    _check_mean(got, 0.5, 2, what)
    assert got == pytest.approx(0.5), f"{what} returned {got:.6g}"


@pytest.mark.points(2)
@pytest.mark.hint("the triplet loss is a hinge on the difference of two Euclidean distances, "
                  "averaged over the batch")
@pytest.mark.deeper_hint("A triplet already satisfied by more than the margin contributes "
                         "nothing, neither loss nor gradient.")
def test_triplet_loss_matches_formula(student):
    a, p, n = _tensors(30, (8, 4), (8, 4), (8, 4))
    n[:3] = a[:3] + 5.0  # satisfied triplets: no loss, no gradient
    _compare(student, "triplet_loss", triplet_reference, [a, p, n], (0, 1, 2), margin=1.0)


@pytest.mark.points(1)
@pytest.mark.hint("the three inputs must have the same shape and a batch must not be empty: "
                  "otherwise ValueError")
def test_triplet_loss_rejects_bad_shapes(student):
    f = student.function(CONTRASTIVE, "triplet_loss")
    for shapes in (((3, 2), (3, 2), (2, 2)), ((0, 2), (0, 2), (0, 2))):
        with must_raise(ValueError, f"triplet_loss({', '.join(str(list(s)) for s in shapes)})"):
            f(*(torch.zeros(s) for s in shapes))


def _recall(student, queries, keys) -> float:
    got = student.function(CONTRASTIVE, "recall_at_1")(queries, keys)
    return expect_float(got, f"recall_at_1({len(queries)} queries, {len(keys)} keys)")


@pytest.mark.points(1)
@pytest.mark.hint("recall@1 ranks keys by cosine similarity: a long key must not win by its length")
def test_recall_at_1_uses_cosine(student):
    keys = np.array([[1.0, 0.0], [0.6, 0.8]]) * np.array([[1.0], [10.0]])
    queries = np.array([[1.0, 0.1], [0.6, 0.8]])
    got = _recall(student, queries, keys)
    assert got == pytest.approx(1.0), f"recall_at_1 gave {got:.4g}: a key 10 times longer won"


@pytest.mark.points(1)
@pytest.mark.hint("recall@1: the fraction of queries whose most similar key is their own partner")
@pytest.mark.deeper_hint("One row of the score matrix per query; each query's best key is an "
                         "argmax over that row.")
def test_recall_at_1_random(student):
    rng = np.random.default_rng(40)
    keys = rng.normal(size=(30, 6))
    queries = keys + rng.normal(scale=0.8, size=(30, 6))
    scores = (queries / np.linalg.norm(queries, axis=1, keepdims=True)) @ \
             (keys / np.linalg.norm(keys, axis=1, keepdims=True)).T
    want = float(np.mean(scores.argmax(axis=1) == np.arange(30)))
    got = _recall(student, queries, keys)
    assert got == pytest.approx(want), f"recall_at_1 gave {got:.4g} on 30 noisy pairs"
    # Both queries are closest to key 0: only query 0 finds its partner (one row per query).
    got = _recall(student, np.array([[1.0, 0.0], [1.0, 0.1]]), np.eye(2))
    assert got == pytest.approx(0.5), \
        f"recall_at_1 gave {got:.4g} when both queries are nearest to key 0 (one of two finds its partner)"


def _encode(model, texts, what) -> np.ndarray:
    return expect_numbers(model.encode(texts), f"{what}.encode({len(texts)} texts)",
                    shape=(len(texts), 32), dtype_kind="f")


@pytest.mark.points(2)
@pytest.mark.call_timeout(90)
@pytest.mark.hint("contrastive training pulls each pair together and pushes the rest of the "
                  "batch away; held-out paraphrases should then find each other")
@pytest.mark.deeper_hint("Check the order of one training step (forward, loss, clearing old "
                         "gradients, backward, optimizer step) and that both sides of a pair "
                         "go through the same encoder.")
def test_paraphrase_encoder_recall_rises(student):
    train, test = course_corpus().paraphrase_pairs(500, 150, seed=11)
    model = student.function(CONTRASTIVE, "train_paraphrase_encoder")(train, seed=2)
    what = "train_paraphrase_encoder(500 pairs, seed=2)"
    queries = _encode(model, [a for a, _ in test], what)
    keys = _encode(model, [b for _, b in test], what)
    recall = recall_oracle(queries, keys)
    # Random word vectors find about 1 partner in 100 here (no words are shared).
    assert recall > 0.8, f"recall@1 of the trained encoder on 150 held-out pairs is only {recall:.2f}"


@pytest.mark.points(1)
@pytest.mark.call_timeout(90)
@pytest.mark.hint("training must be reproducible: every random choice comes from the seed")
@pytest.mark.deeper_hint("The model's initial weights and the shuffling of the pairs both "
                         "draw random numbers; give both a generator seeded from seed instead "
                         "of the global one.")
def test_paraphrase_encoder_is_reproducible(student):
    train, test = course_corpus().paraphrase_pairs(120, 20, seed=12)
    texts = [a for a, _ in test]
    what = "train_paraphrase_encoder(120 pairs, epochs=2, seed=5)"
    first, again = (_encode(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "train_paraphrase_encoder", CONTRASTIVE,
        train, epochs=2, seed=5), texts, what) for scramble in (1, 2))
    assert_close(first, again, "the same seed gave a different encoder when the global random "
                 "generators were in another state", rtol=1e-6, atol=1e-7)
