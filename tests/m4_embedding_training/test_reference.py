"""Tests of Module 4's reference: gradients against finite differences and torch autograd, the
batched trainer against a plain loop, the corpus, and fairness of the training thresholds."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from autograder.runner import grade
from tests.helpers import SOLUTIONS, alternatives, submission_with

MODULE = "m4_embedding_training"
sys.path.insert(0, str(SOLUTIONS))

from m4_embedding_training import architectures, corpus, skipgram  # noqa: E402

PLAIN_LOOP = {a.name: a for a in alternatives(MODULE)}["plain_loop_skipgram"]


# torch is imported by the tests that use it, not while every test process collects this file.
@pytest.fixture(scope="module")
def torch():
    import torch

    return torch


@pytest.fixture(scope="module")
def contrastive(torch):
    from m4_embedding_training import contrastive

    return contrastive


def test_sgns_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    v, u, U = rng.normal(size=5), rng.normal(size=5), rng.normal(size=(3, 5))
    loss, gv, go, gn = skipgram.sgns_loss_and_grads(v, u, U)
    h = 1e-6
    for x, g in ((v, gv), (u, go), (U, gn)):
        for index in np.ndindex(x.shape):
            saved = x[index]
            x[index] = saved + h
            up = skipgram.sgns_loss_and_grads(v, u, U)[0]
            x[index] = saved - h
            down = skipgram.sgns_loss_and_grads(v, u, U)[0]
            x[index] = saved
            assert (up - down) / (2 * h) == pytest.approx(g[index], abs=1e-6)


@pytest.mark.parametrize("scale", [1.0, 30.0, 400.0])
def test_sgns_matches_torch_autograd(scale, torch):
    rng = np.random.default_rng(int(scale))
    v, u, U = (rng.normal(size=s) * scale for s in (4, 4, (6, 4)))
    tv, tu, tU = (torch.tensor(a, requires_grad=True) for a in (v, u, U))
    want = -torch.nn.functional.logsigmoid(tu @ tv) - torch.nn.functional.logsigmoid(-(tU @ tv)).sum()
    want.backward()
    loss, gv, go, gn = skipgram.sgns_loss_and_grads(v, u, U)
    assert loss == pytest.approx(float(want.detach()), rel=1e-9)
    for got, leaf in ((gv, tv), (go, tu), (gn, tU)):
        np.testing.assert_allclose(got, leaf.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_sgns_step_equals_one_pair_of_the_batched_update():
    """The batched trainer sums per-pair gradients; for one pair that is exactly sgns_step
    (with k shared negatives, each weighted k / S = 1 when S = k)."""
    rng = np.random.default_rng(1)
    W_in, W_out = rng.normal(size=(6, 3)).astype(np.float32), rng.normal(size=(6, 3)).astype(np.float32)
    a_in, a_out = W_in.astype(np.float64), W_out.astype(np.float64)
    negs = np.array([2, 4, 4])
    skipgram.sgns_step(a_in, a_out, 0, 1, negs, 0.1)
    b_in, b_out = W_in.copy(), W_out.copy()
    v = b_in[[0]]
    s_pos = (v * b_out[[1]]).sum(1)
    g_pos = skipgram._sigmoid(s_pos) - 1
    g_neg = skipgram._sigmoid(v @ b_out[negs].T)
    grad_v = g_pos[:, None] * b_out[[1]] + g_neg @ b_out[negs]
    skipgram._scatter_add(b_in, np.array([0]), grad_v, -0.1)
    skipgram._scatter_add(b_out, np.concatenate([[1], negs]),
                          np.concatenate([g_pos[:, None] * v, g_neg.T @ v]), -0.1)
    np.testing.assert_allclose(b_in, a_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b_out, a_out, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("lr,negatives", [(0.025, 5), (0.05, 5), (0.1, 10)])
def test_batched_trainer_is_stable_and_learns(lr, negatives):
    data = corpus.load_corpus(4000, seed=1)
    E = skipgram.train_skipgram(data.ids, len(data.words), 32, 3, negatives, 5, lr, 0)
    assert np.all(np.isfinite(E))
    assert corpus.neighbour_quality(E, data.words) > 0.7


def test_train_skipgram_records_a_falling_loss():
    data = corpus.load_corpus(2000, seed=2)
    history: list[float] = []
    skipgram.train_skipgram(data.ids, len(data.words), 16, 2, 5, 3, 0.05, 0, loss_history=history)
    assert len(history) >= 5 and history[0] == pytest.approx(6 * np.log(2), rel=0.01)
    assert np.mean(history[-3:]) < 0.8 * history[0]


def test_corpus_is_reproducible_and_groups_are_in_the_vocabulary():
    a, b = corpus.load_corpus(500, seed=3), corpus.load_corpus(500, seed=3)
    assert np.array_equal(a.ids, b.ids) and a.words == b.words
    big = corpus.load_corpus(20_000)
    missing = [w for ws in corpus.word_groups().values() for w in ws if w not in big.index]
    assert not missing
    assert all(w in big.index for q in corpus.analogy_questions() for w in q)


def test_paraphrase_pairs_share_no_content_word():
    train, test = corpus.paraphrase_pairs(300, 100, seed=4)
    slots = corpus.load_world()["paraphrases"]["slots"]
    content = {w for pairs in slots.values() for pair in pairs for w in pair}
    for left, right in train + test:
        a, b = set(left.split()) & content, set(right.split()) & content
        assert len(a) == len(b) == 3 and not a & b
    assert len({tuple(sorted(set(l.split()) & content)) for l, _ in test} &
               {tuple(sorted(set(l.split()) & content)) for l, _ in train}) < len(test)


def test_info_nce_equals_clip_one_direction(torch, contrastive):
    g = torch.Generator().manual_seed(5)
    a, p = torch.randn(6, 4, generator=g), torch.randn(6, 4, generator=g)
    both = contrastive.clip_loss(a, p, 20.0)
    halves = (contrastive.info_nce_loss(a, p, 20.0) + contrastive.info_nce_loss(p, a, 20.0)) / 2
    assert float(both) == pytest.approx(float(halves), rel=1e-6)


def test_triplet_gradient_is_zero_for_satisfied_and_identical_rows(torch, contrastive):
    a = torch.zeros(2, 3, requires_grad=True)
    p = torch.zeros(2, 3, requires_grad=True)  # ‖a - p‖ = 0: the norm's gradient must not be NaN
    n = torch.full((2, 3), 5.0, requires_grad=True)
    loss = contrastive.triplet_loss(a, p, n)
    loss.backward()
    assert float(loss.detach()) == 0.0
    assert all(torch.all(t.grad == 0) for t in (a, p, n))


def test_masked_attention_matches_torch_sdpa(torch):
    g = torch.Generator().manual_seed(6)
    q, k, v = (torch.randn(2, 5, 4, generator=g, dtype=torch.float64) for _ in range(3))
    mask = torch.rand(2, 5, 5, generator=g) < 0.7
    mask[..., 0] = True
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    got = architectures.masked_attention(q.numpy(), k.numpy(), v.numpy(), mask.numpy())
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.slow
def test_a_plain_sgns_step_loop_passes_the_training_tests(tmp_path):
    """The hidden thresholds are fair: the loop students write first (no batching) passes."""
    alternative = PLAIN_LOOP  # wrong_implementations.toml
    result = grade(submission_with(tmp_path, MODULE, alternative), modules=[MODULE],
                   select=["test_train_hidden.py"])
    failed = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert result.score == result.max_score, failed
