"""Public tests of skipgram.py: pairs, sub-sampling, noise, the SGNS loss, one step, training."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from m4_data import course_corpus  # noqa: E402

SKIPGRAM = "m4_embedding_training.skipgram"
HELPERS = "autograder.worker_helpers.m4_embedding_training"


@pytest.mark.points(1)
@pytest.mark.hint("pair ids[i] with every ids[j], 0 < |i - j| <= window, in order of i then j")
def test_skipgram_pairs_example(student):
    pairs = student.function(SKIPGRAM, "skipgram_pairs")([7, 8, 9], 1)
    assert [tuple(p) for p in pairs] == [(7, 8), (8, 7), (8, 9), (9, 8)]


@pytest.mark.points(1)
@pytest.mark.hint("p = (sqrt(f / t) + 1) * t / f with f = count / total, capped at 1")
def test_keep_probabilities_example(student):
    got = student.function(SKIPGRAM, "keep_probabilities")(np.array([16, 84]), t=0.01)
    np.testing.assert_allclose(got, [0.3125, min(1.0, (np.sqrt(84) + 1) * 0.01 / 0.84)])


@pytest.mark.points(1)
@pytest.mark.hint("raise the counts to the power 0.75 first, then divide by the sum")
def test_noise_distribution_example(student):
    got = student.function(SKIPGRAM, "noise_distribution")(np.array([16, 1]))
    np.testing.assert_allclose(got, [8 / 9, 1 / 9])


@pytest.mark.points(1)
@pytest.mark.hint("draw from probs with the generator you are given; a certain event always happens")
def test_sample_negatives_certain_word(student):
    rng = student.worker_helper(f"{HELPERS}:generator", 0)
    got = student.function(SKIPGRAM, "sample_negatives")(np.array([0.0, 1.0, 0.0]), 5, rng)
    assert np.asarray(got).tolist() == [1] * 5


@pytest.mark.points(1)
@pytest.mark.hint("at zero vectors every score is 0: loss (k + 1) log 2, gradients 0")
def test_sgns_loss_at_zero(student):
    loss, gv, go, gn = student.function(SKIPGRAM, "sgns_loss_and_grads")(
        np.zeros(4), np.zeros(4), np.zeros((3, 4)))
    assert loss == pytest.approx(4 * np.log(2))
    assert np.allclose(gv, 0) and np.allclose(go, 0) and np.allclose(gn, 0)


@pytest.mark.points(1)
@pytest.mark.hint("compare your gradients with (loss(x + h) - loss(x - h)) / 2h, one coordinate at a time")
def test_sgns_gradients_match_finite_differences(student):
    f = student.function(SKIPGRAM, "sgns_loss_and_grads")
    rng = np.random.default_rng(1)
    v, u, U = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(2, 3))
    _, gv, go, gn = f(v, u, U)
    h = 1e-6
    for i in range(3):
        e = np.eye(3)[i] * h
        assert (f(v + e, u, U)[0] - f(v - e, u, U)[0]) / (2 * h) == pytest.approx(gv[i], abs=1e-5)
        assert (f(v, u + e, U)[0] - f(v, u - e, U)[0]) / (2 * h) == pytest.approx(go[i], abs=1e-5)
        E = np.zeros_like(U)
        E[0, i] = h
        assert (f(v, u, U + E)[0] - f(v, u, U - E)[0]) / (2 * h) == pytest.approx(gn[0, i], abs=1e-5)


@pytest.mark.points(1)
@pytest.mark.hint("update W_in[center], W_out[context] and W_out[negatives] in place; return the loss before the step")
def test_sgns_step_updates_in_place(student):
    rng = np.random.default_rng(2)
    W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W_in, W_out)
    loss = pair.step(0, 1, [2, 3], 0.1)
    new_in, new_out = pair.matrices()
    assert not np.allclose(new_in[0], W_in[0]), "W_in[center] did not change"
    assert not np.allclose(new_out[[1, 2, 3]], W_out[[1, 2, 3]]), "W_out rows did not change"
    np.testing.assert_array_equal(new_in[1:], W_in[1:])
    s = W_out[[1, 2, 3]] @ W_in[0]
    assert loss == pytest.approx(np.logaddexp(0, -s[0]) + np.logaddexp(0, s[1:]).sum())


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("capitals should end up next to capitals: check the sign of each gradient and that W_in starts random")
def test_train_skipgram_groups_related_words(student):
    corpus = course_corpus()
    data = corpus.load_corpus(4000, seed=1)
    E = student.function(SKIPGRAM, "train_skipgram")(
        data.ids, len(data.words), 32, 3, 5, 5, 0.05, 0)
    assert np.asarray(E).shape == (len(data.words), 32)
    assert corpus.neighbour_quality(E, data.words) > 0.6
