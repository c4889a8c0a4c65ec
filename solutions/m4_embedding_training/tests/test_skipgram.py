"""Public tests of skipgram.py: pairs, sub-sampling, noise, the SGNS loss, one step, training."""

import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import expect_array, expect_float, expect_list, expect_pairs

sys.path.insert(0, str(Path(__file__).parent))
from m4_data import course_corpus  # noqa: E402

SKIPGRAM = "m4_embedding_training.skipgram"
HELPERS = "autograder.worker_helpers.m4_embedding_training"


@pytest.mark.points(1)
@pytest.mark.hint("every position pairs with its neighbours within the window, never with "
                  "itself; the window stops at the ends of the sequence")
def test_skipgram_pairs_example(student):
    pairs = student.function(SKIPGRAM, "skipgram_pairs")
    got = expect_pairs(pairs([7, 8, 9], 1), "skipgram_pairs([7, 8, 9], 1)", of=int)
    assert got == [(7, 8), (8, 7), (8, 9), (9, 8)]
    got = expect_pairs(pairs([1, 2], 5), "skipgram_pairs([1, 2], 5)", of=int)
    assert got == [(1, 2), (2, 1)]


@pytest.mark.points(1)
@pytest.mark.hint("word2vec's own sub-sampling formula, capped at 1; an unseen word is kept")
def test_keep_probabilities_example(student):
    keep = student.function(SKIPGRAM, "keep_probabilities")
    got = expect_array(keep(np.array([16, 84]), t=0.01), "keep_probabilities([16, 84], t=0.01)",
                       shape=(2,), dtype_kind="f", finite=True)
    np.testing.assert_allclose(got, [0.3125, min(1.0, (np.sqrt(84) + 1) * 0.01 / 0.84)])
    got = expect_array(keep(np.array([5, 0]), t=0.01), "keep_probabilities([5, 0], t=0.01)",
                       shape=(2,), dtype_kind="f", finite=True)
    assert got[1] == 1.0, "a word with count 0 must get 1.0"


@pytest.mark.points(1)
@pytest.mark.hint("the noise distribution is the unigram distribution raised to a power, and "
                  "it is a distribution: it sums to 1")
def test_noise_distribution_example(student):
    got = expect_array(student.function(SKIPGRAM, "noise_distribution")(np.array([16, 1])),
                       "noise_distribution([16, 1])", shape=(2,), dtype_kind="f", finite=True)
    np.testing.assert_allclose(got, [8 / 9, 1 / 9])


@pytest.mark.points(1)
@pytest.mark.hint("draw from probs with the generator you are given; probabilities that are "
                  "negative or do not sum to 1 raise ValueError")
def test_sample_negatives_certain_word(student):
    sample = student.function(SKIPGRAM, "sample_negatives")
    rng = student.worker_helper(f"{HELPERS}:generator", 0)
    got = expect_array(sample(np.array([0.0, 1.0, 0.0]), 5, rng),
                       "sample_negatives([0, 1, 0], 5, rng)", shape=(5,), dtype_kind="iu")
    assert got.tolist() == [1] * 5
    with pytest.raises(ValueError):
        sample(np.array([0.2, 0.2, 0.2]), 5, rng)


def _sgns(student, v, u, U):
    what = f"sgns_loss_and_grads(v_center {list(v.shape)}, u_context, u_negatives {list(U.shape)})"
    loss, gv, go, gn = expect_list(student.function(SKIPGRAM, "sgns_loss_and_grads")(v, u, U),
                                   what, length=4)
    return (expect_float(loss, f"the loss of {what}"),
            expect_array(gv, f"the gradient for v_center of {what}", shape=v.shape, dtype_kind="f"),
            expect_array(go, f"the gradient for u_context of {what}", shape=u.shape, dtype_kind="f"),
            expect_array(gn, f"the gradient for u_negatives of {what}", shape=U.shape, dtype_kind="f"))


@pytest.mark.points(1)
@pytest.mark.hint("at zero vectors every score is 0; the negatives are pushed away from the "
                  "center (their term has the opposite sign of the context's)")
def test_sgns_loss_at_zero(student):
    loss, gv, go, gn = _sgns(student, np.zeros(4), np.zeros(4), np.zeros((3, 4)))
    assert loss == pytest.approx(4 * np.log(2))
    assert np.all(gv == 0) and np.all(go == 0) and np.all(gn == 0)
    # context like the center, negative opposite: both terms are small
    loss, *_ = _sgns(student, np.array([2.0, 0.0]), np.array([2.0, 0.0]), np.array([[-2.0, 0.0]]))
    assert loss == pytest.approx(2 * np.log1p(np.exp(-4.0)))


@pytest.mark.points(1)
@pytest.mark.hint("each gradient must match how the loss changes when its input moves a "
                  "little; large scores must not overflow")
def test_sgns_gradients_match_finite_differences(student):
    rng = np.random.default_rng(1)
    v, u, U = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(2, 3))
    _, gv, go, gn = _sgns(student, v, u, U)
    h = 1e-6
    for i in range(3):
        e = np.eye(3)[i] * h
        assert (_sgns(student, v + e, u, U)[0] - _sgns(student, v - e, u, U)[0]) / (2 * h) \
            == pytest.approx(gv[i], abs=1e-5)
        assert (_sgns(student, v, u + e, U)[0] - _sgns(student, v, u - e, U)[0]) / (2 * h) \
            == pytest.approx(go[i], abs=1e-5)
        E = np.zeros_like(U)
        E[0, i] = h
        assert (_sgns(student, v, u, U + E)[0] - _sgns(student, v, u, U - E)[0]) / (2 * h) \
            == pytest.approx(gn[0, i], abs=1e-5)
    _sgns(student, np.array([1000.0, 0.0]), np.array([-1.0, 0.0]), np.array([[1.0, 0.0]]))


def _step(student, W_in, W_out, negatives):
    pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W_in, W_out)
    what = f"sgns_step(W_in, W_out, 0, 1, {negatives}, 0.1)"
    loss = expect_float(pair.step(0, 1, negatives, 0.1), what)
    new_in, new_out = expect_list(pair.matrices(), f"the matrices after {what}", length=2)
    return (loss, expect_array(new_in, f"W_in after {what}", shape=W_in.shape, dtype_kind="f"),
            expect_array(new_out, f"W_out after {what}", shape=W_out.shape, dtype_kind="f"))


@pytest.mark.points(1)
@pytest.mark.hint("one SGD step in place on the rows of the center, the context and the "
                  "negatives; it returns the loss before the step; a negative drawn twice "
                  "counts twice")
def test_sgns_step_updates_in_place(student):
    rng = np.random.default_rng(2)
    W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    loss, new_in, new_out = _step(student, W_in, W_out, [2, 3])
    assert not np.allclose(new_in[0], W_in[0]), "W_in[center] did not change"
    assert not np.allclose(new_out[[1, 2, 3]], W_out[[1, 2, 3]]), "W_out rows did not change"
    np.testing.assert_array_equal(new_in[1:], W_in[1:])
    s = W_out[[1, 2, 3]] @ W_in[0]
    assert loss == pytest.approx(np.logaddexp(0, -s[0]) + np.logaddexp(0, s[1:]).sum())
    _, _, once = _step(student, W_in, W_out, [2])
    _, _, twice = _step(student, W_in, W_out, [2, 2])
    np.testing.assert_allclose(twice[2] - W_out[2], 2 * (once[2] - W_out[2]),
                               err_msg="a negative drawn twice must move twice as far")


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("trained vectors group words by the company they keep: capitals end up "
                  "next to capitals")
def test_train_skipgram_groups_related_words(student):
    corpus = course_corpus()
    data = corpus.load_corpus(4000, seed=1)
    E = expect_array(student.function(SKIPGRAM, "train_skipgram")(
        data.ids, len(data.words), 32, 3, 5, 5, 0.05, 0), "train_skipgram(the course corpus, ...)",
        shape=(len(data.words), 32), dtype_kind="f", finite=True)
    assert corpus.neighbour_quality(E, data.words) > 0.6
