"""Hidden tests of skipgram.py, part 1: skip-gram pairs, sub-sampling, the noise distribution
and drawing negatives (learning goals 1 and 2)."""

import numpy as np
import pytest

from m4_helpers import HELPERS, SKIPGRAM, keep_oracle, pairs_oracle


@pytest.mark.points(1)
@pytest.mark.hint("every j with 0 < |i - j| <= window inside the sequence, never j == i, ordered by i then j")
@pytest.mark.parametrize("length,window", [(12, 1), (15, 3), (4, 6)], ids=["w1", "w3", "window-longer-than-text"])
def test_skipgram_pairs_random(student, length, window):
    ids = np.random.default_rng(length).integers(0, 5, size=length).tolist()
    got = [tuple(p) for p in student.function(SKIPGRAM, "skipgram_pairs")(ids, window)]
    want = pairs_oracle(ids, window)
    assert len(got) == len(want), "wrong number of pairs"
    assert got == want, "pairs differ (check the window bounds and the order)"


@pytest.mark.points(1)
@pytest.mark.hint("positions differ even when the words are the same; 0 or 1 tokens have no pairs")
def test_skipgram_pairs_short_and_repeated(student):
    f = student.function(SKIPGRAM, "skipgram_pairs")
    assert [tuple(p) for p in f([5, 5], 1)] == [(5, 5), (5, 5)], "repeated word"
    assert list(f([], 2)) == [] and list(f([3], 2)) == [], "too short for a pair"
    assert list(f([1, 2, 3], 0)) == [], "window 0 has no context"


@pytest.mark.points(1)
@pytest.mark.hint("a negative window is an error: raise ValueError")
def test_skipgram_pairs_rejects_negative_window(student):
    with pytest.raises(ValueError):
        student.function(SKIPGRAM, "skipgram_pairs")([1, 2, 3], -1)


@pytest.mark.points(1)
@pytest.mark.hint("word2vec's code: p = (sqrt(f / t) + 1) * t / f with f = count / total, then cap at 1")
def test_keep_probabilities_random(student):
    counts = np.random.default_rng(3).integers(1, 5000, size=40)
    counts[:3] = [200_000, 90_000, 30_000]
    got = student.function(SKIPGRAM, "keep_probabilities")(counts, 1e-3)
    np.testing.assert_allclose(got, keep_oracle(counts, 1e-3), rtol=1e-9,
                               err_msg="keep probabilities differ from the formula")


@pytest.mark.points(1)
@pytest.mark.hint("rare words have a raw value above 1: cap it; a zero count gives 1.0, not a division by zero")
def test_keep_probabilities_cap_and_zero(student):
    got = np.asarray(student.function(SKIPGRAM, "keep_probabilities")(
        np.array([1_000_000, 3, 0, 1]), 1e-5))
    assert np.all(np.isfinite(got)), "not finite"
    assert got.max() <= 1.0, "a probability above 1: the cap is missing"
    assert got[1:].tolist() == [1.0, 1.0, 1.0], "rare and unseen words must be kept"
    assert got[0] == pytest.approx(keep_oracle([1_000_000, 3, 0, 1], 1e-5)[0]), "frequent word"


@pytest.mark.points(1)
@pytest.mark.hint("negative counts (or t <= 0) raise ValueError")
def test_keep_probabilities_rejects_negative_counts(student):
    with pytest.raises(ValueError):
        student.function(SKIPGRAM, "keep_probabilities")(np.array([5, -1, 3]))


@pytest.mark.points(1)
@pytest.mark.hint("counts ** 0.75, then divide by the sum of those powers")
def test_noise_distribution_random(student):
    counts = np.random.default_rng(4).integers(1, 10_000, size=50)
    got = student.function(SKIPGRAM, "noise_distribution")(counts)
    want = counts**0.75 / (counts**0.75).sum()
    np.testing.assert_allclose(got, want, rtol=1e-9, err_msg="not unigram ** 0.75, normalized")


@pytest.mark.points(1)
@pytest.mark.hint("use the power you are given, and normalize after raising to it")
def test_noise_distribution_other_power(student):
    counts = np.array([1.0, 4.0, 9.0])
    got = student.function(SKIPGRAM, "noise_distribution")(counts, power=0.5)
    np.testing.assert_allclose(got, [1 / 6, 2 / 6, 3 / 6], rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("a count of 0 gets probability 0; no positive count at all raises ValueError")
def test_noise_distribution_zero_counts(student):
    f = student.function(SKIPGRAM, "noise_distribution")
    got = np.asarray(f(np.array([0, 16, 0, 1])))
    assert got[0] == 0.0 and got[2] == 0.0, "unseen words must never be drawn"
    with pytest.raises(ValueError):
        f(np.zeros(3))


@pytest.mark.points(2)
@pytest.mark.hint("draw i.i.d. from probs (rng.choice with p=, or searchsorted on the cumulative sum)")
def test_sample_negatives_follows_the_distribution(student):
    probs = np.array([0.5, 0.25, 0.125, 0.0625, 0.0625])
    rng = student.worker_helper(f"{HELPERS}:generator", 11)
    draws = np.asarray(student.function(SKIPGRAM, "sample_negatives")(probs, 40_000, rng))
    assert draws.shape == (40_000,), "wrong number of draws"
    observed = np.bincount(draws, minlength=5)
    chi2 = ((observed - 40_000 * probs) ** 2 / (40_000 * probs)).sum()
    assert chi2 < 25.0, "the frequencies of the draws do not follow probs"


@pytest.mark.points(1)
@pytest.mark.hint("use only the generator you are given: never np.random.* or random")
def test_sample_negatives_reproducible(student):
    probs = np.full(50, 1 / 50)
    f = student.function(SKIPGRAM, "sample_negatives")
    runs = [np.asarray(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "sample_negatives", SKIPGRAM, probs, 30,
        student.worker_helper(f"{HELPERS}:generator", 5))) for scramble in (1, 2)]
    other = np.asarray(f(probs, 30, student.worker_helper(f"{HELPERS}:generator", 6)))
    assert np.array_equal(runs[0], runs[1]), "the same generator state gave different draws"
    assert not np.array_equal(runs[0], other), "different generators gave the same draws"


@pytest.mark.points(1)
@pytest.mark.hint("a word with probability 0 (even the last one) must never be drawn")
def test_sample_negatives_never_draws_impossible_words(student):
    probs = np.array([0.0, 0.3, 0.0, 0.7, 0.0])
    rng = student.worker_helper(f"{HELPERS}:generator", 2)
    draws = np.asarray(student.function(SKIPGRAM, "sample_negatives")(probs, 5000, rng))
    assert set(draws.tolist()) <= {1, 3}, "drew a word of probability 0"


@pytest.mark.points(1)
@pytest.mark.hint("probabilities below 0 or not summing to 1 (within 1e-6) raise ValueError")
@pytest.mark.parametrize("probs", [[0.5, 0.6, -0.1], [0.2, 0.2, 0.2]], ids=["negative", "sum-0.6"])
def test_sample_negatives_rejects_bad_probabilities(student, probs):
    rng = student.worker_helper(f"{HELPERS}:generator", 0)
    with pytest.raises(ValueError):
        student.function(SKIPGRAM, "sample_negatives")(np.array(probs), 3, rng)
