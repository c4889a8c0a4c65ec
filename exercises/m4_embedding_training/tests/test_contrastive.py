"""Public tests of contrastive.py: InfoNCE, CLIP, triplet, recall@1, training an encoder."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.checks import expect_array, expect_float, expect_tensor

sys.path.insert(0, str(Path(__file__).parent))
from m4_data import course_corpus  # noqa: E402

CONTRASTIVE = "m4_embedding_training.contrastive"


def _loss(value, what):
    loss = expect_tensor(value, what, dtype_kind="f", finite=True)
    assert loss.numel() == 1, f"{what} returned a tensor of shape {tuple(loss.shape)}; a loss is one number"
    return float(loss.reshape(()))


@pytest.mark.points(1)
@pytest.mark.hint("InfoNCE classifies each anchor among all positives by cosine similarity: "
                  "vector lengths do not matter")
def test_info_nce_of_perfect_pairs(student):
    x = torch.eye(2) * 3.0
    info_nce = student.function(CONTRASTIVE, "info_nce_loss")
    loss = _loss(info_nce(x, x, 20.0), "info_nce_loss(3 * eye(2), 3 * eye(2), 20.0)")
    assert loss == pytest.approx(np.log1p(np.exp(-20.0)), abs=1e-6)
    longer = _loss(info_nce(x * torch.tensor([[1.0], [5.0]]), x, 20.0),
                   "info_nce_loss(anchors of different lengths, ...)")
    assert longer == pytest.approx(loss, abs=1e-6), "a longer anchor changed the loss"


@pytest.mark.points(1)
@pytest.mark.hint("CLIP's loss is symmetric: images choose among texts and texts among images")
def test_clip_loss_of_one_pair(student):
    clip = student.function(CONTRASTIVE, "clip_loss")
    loss = _loss(clip(torch.ones(1, 3), torch.ones(1, 3), 10.0), "clip_loss(one pair)")
    assert loss == pytest.approx(0.0, abs=1e-6)
    g = torch.Generator().manual_seed(0)
    img, txt = torch.randn(3, 4, generator=g), torch.randn(3, 4, generator=g)
    forward = _loss(clip(img, txt, 5.0), "clip_loss(img, txt, 5.0)")
    backward = _loss(clip(txt, img, 5.0), "clip_loss(txt, img, 5.0)")
    assert forward == pytest.approx(backward, rel=1e-6), \
        "swapping images and texts changed the loss: only one direction is counted"


@pytest.mark.points(1)
@pytest.mark.hint("a hinge on the difference of two Euclidean distances (not squared): a "
                  "satisfied triplet costs 0")
def test_triplet_loss_satisfied(student):
    triplet = student.function(CONTRASTIVE, "triplet_loss")
    a = torch.zeros(1, 2)
    loss = _loss(triplet(a, a, torch.tensor([[3.0, 0.0]]), 1.0), "triplet_loss(satisfied)")
    assert loss == pytest.approx(0.0)
    # distances 3 and 4 with margin 2: 3 - 4 + 2 = 1 (squared distances would give 0)
    loss = _loss(triplet(a, torch.tensor([[0.0, 3.0]]), torch.tensor([[4.0, 0.0]]), 2.0),
                 "triplet_loss(distances 3 and 4, margin 2)")
    assert loss == pytest.approx(1.0)


@pytest.mark.points(1)
@pytest.mark.hint("the fraction of queries whose most similar key (by cosine) is their own partner")
def test_recall_at_1_example(student):
    recall = student.function(CONTRASTIVE, "recall_at_1")
    assert expect_float(recall(np.eye(3), np.eye(3)), "recall_at_1(eye(3), eye(3))") == pytest.approx(1.0)
    shuffled = expect_float(recall(np.eye(3), np.eye(3)[[1, 0, 2]]), "recall_at_1(eye(3), shuffled)")
    assert shuffled == pytest.approx(1 / 3)
    long_key = np.array([[1.0, 0.0], [6.0, 8.0]])
    got = expect_float(recall(np.array([[1.0, 0.1], [0.6, 0.8]]), long_key),
                       "recall_at_1(queries, a long second key)")
    assert got == pytest.approx(1.0), "a long key won by its length"


@pytest.mark.points(1)
@pytest.mark.call_timeout(60)
@pytest.mark.hint("contrastive training pulls each pair together and pushes the rest of the batch away")
def test_paraphrase_encoder_learns(student):
    train, test = course_corpus().paraphrase_pairs(300, 100, seed=3)
    model = student.function(CONTRASTIVE, "train_paraphrase_encoder")(train, seed=0)
    queries = expect_tensor(model.encode([a for a, _ in test]), "model.encode(100 texts)",
                            shape=(100, None), dtype_kind="f", finite=True)
    keys = expect_tensor(model.encode([b for _, b in test]), "model.encode(100 texts)",
                         shape=(100, None), dtype_kind="f", finite=True)
    recall = expect_float(student.function(CONTRASTIVE, "recall_at_1")(queries, keys),
                          "recall_at_1(the encoder's queries, keys)")
    assert recall > 0.7
