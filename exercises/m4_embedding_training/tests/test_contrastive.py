"""Public tests of contrastive.py: InfoNCE, CLIP, triplet, recall@1, training an encoder."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
from m4_data import course_corpus  # noqa: E402

CONTRASTIVE = "m4_embedding_training.contrastive"


@pytest.mark.points(1)
@pytest.mark.hint("logits = scale * cosine similarities; cross-entropy with target i for row i")
def test_info_nce_of_perfect_pairs(student):
    x = torch.eye(2) * 3.0
    loss = student.function(CONTRASTIVE, "info_nce_loss")(x, x, 20.0)
    assert float(loss) == pytest.approx(np.log1p(np.exp(-20.0)), abs=1e-6)


@pytest.mark.points(1)
@pytest.mark.hint("with one pair there is only one candidate in each direction: the loss is 0")
def test_clip_loss_of_one_pair(student):
    loss = student.function(CONTRASTIVE, "clip_loss")(torch.ones(1, 3), torch.ones(1, 3), 10.0)
    assert float(loss) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.points(1)
@pytest.mark.hint("max(||a - p|| - ||a - n|| + margin, 0): a satisfied triplet gives 0")
def test_triplet_loss_satisfied(student):
    a = torch.zeros(1, 2)
    loss = student.function(CONTRASTIVE, "triplet_loss")(a, a, torch.tensor([[3.0, 0.0]]), 1.0)
    assert float(loss) == pytest.approx(0.0)


@pytest.mark.points(1)
@pytest.mark.hint("the fraction of queries whose most similar key is their own partner")
def test_recall_at_1_example(student):
    recall = student.function(CONTRASTIVE, "recall_at_1")
    assert recall(np.eye(3), np.eye(3)) == pytest.approx(1.0)
    assert recall(np.eye(3), np.eye(3)[[1, 0, 2]]) == pytest.approx(1 / 3)


@pytest.mark.points(1)
@pytest.mark.call_timeout(60)
@pytest.mark.hint("embed both sides of each batch, info_nce_loss, zero_grad, backward, step")
def test_paraphrase_encoder_learns(student):
    train, test = course_corpus().paraphrase_pairs(300, 100, seed=3)
    model = student.function(CONTRASTIVE, "train_paraphrase_encoder")(train, seed=0)
    queries = model.encode([a for a, _ in test])
    keys = model.encode([b for _, b in test])
    assert student.function(CONTRASTIVE, "recall_at_1")(queries, keys) > 0.7
