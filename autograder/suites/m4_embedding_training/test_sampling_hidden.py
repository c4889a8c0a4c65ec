"""Hidden tests of skipgram.py, part 1: skip-gram pairs, sub-sampling, the noise distribution
and drawing negatives (learning goals 1 and 2)."""

import numpy as np
import pytest

from m4_helpers import (HELPERS, SKIPGRAM, expect_numbers, assert_close, must_raise, keep_oracle,
                        pairs_oracle)

from autograder.checks import expect_list


def _pairs(student, ids, window):
    what = f"skipgram_pairs({len(ids)} ids, window={window})"
    pairs = expect_list(student.function(SKIPGRAM, "skipgram_pairs")(ids, window), what)
    for pair in pairs:
        expect_list(pair, f"a pair of {what}", of=(int, np.integer), length=2)
    return what, [tuple(int(i) for i in pair) for pair in pairs]


@pytest.mark.points(1)
@pytest.mark.hint("skip-gram pairs every position with each neighbour within the window on "
                  "both sides, never with itself, in the order of the positions")
@pytest.mark.deeper_hint("Near the ends of the sequence the window is cut short; the pairs are "
                         "ordered by the center's position first, then the context's.")
@pytest.mark.parametrize("length,window", [(12, 1), (15, 3), (4, 6)], ids=["w1", "w3", "window-longer-than-text"])
def test_skipgram_pairs_random(student, length, window):
    ids = np.random.default_rng(length).integers(0, 5, size=length).tolist()
    what, got = _pairs(student, ids, window)
    want = pairs_oracle(ids, window)
    assert len(got) == len(want), f"{what} returned {len(got)} pairs; the window allows {len(want)}"
    first = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b) if got != want else None
    assert first is None, f"{what}: pair {first} is {got[first]}, which is not the pair at that place"


@pytest.mark.points(1)
@pytest.mark.hint("positions, not words, make a pair; a sequence too short or a window of 0 gives no pairs")
def test_skipgram_pairs_short_and_repeated(student):
    what, got = _pairs(student, [5, 5], 1)
    assert got == [(5, 5), (5, 5)], f"{what} on [5, 5] returned {got}"
    for ids, window in (([], 2), ([3], 2), ([1, 2, 3], 0)):
        what, got = _pairs(student, ids, window)
        assert got == [], f"skipgram_pairs({ids}, window={window}) returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: a negative window raises ValueError")
def test_skipgram_pairs_rejects_negative_window(student):
    with must_raise(ValueError, "skipgram_pairs([1, 2, 3], window=-1)"):
        student.function(SKIPGRAM, "skipgram_pairs")([1, 2, 3], -1)


def _keep(student, counts, t):
    what = f"keep_probabilities({len(counts)} counts, t={t:g})"
    got = student.function(SKIPGRAM, "keep_probabilities")(np.asarray(counts), t)
    return what, expect_numbers(got, what, shape=(len(counts),), dtype_kind="f", finite=False)


@pytest.mark.points(1)
@pytest.mark.hint("probabilities never exceed 1; a word never seen (count 0) is kept, without a division by zero")
def test_keep_probabilities_cap_and_zero(student):
    what, got = _keep(student, [1_000_000, 3, 0, 1], 1e-5)
    assert np.all(np.isfinite(got)), f"{what} holds inf or NaN: {got.tolist()}"
    assert got.max() <= 1.0, f"{what} holds a probability above 1: {got.tolist()}"
    assert got[1:].tolist() == [1.0, 1.0, 1.0], f"{what} does not keep rare and unseen words: {got.tolist()}"
    assert got[0] == pytest.approx(keep_oracle([1_000_000, 3, 0, 1], 1e-5)[0]), \
        f"{what}: the frequent word's probability {got[0]:.6g} is wrong"


@pytest.mark.points(1)
@pytest.mark.hint("word2vec's sub-sampling formula, with f the word's share of all tokens, capped at 1")
@pytest.mark.deeper_hint("Check the formula in the docstring term by term; the threshold t appears twice.")
def test_keep_probabilities_random(student):
    counts = np.random.default_rng(3).integers(1, 5000, size=40)
    counts[:3] = [200_000, 90_000, 30_000]
    what, got = _keep(student, counts, 1e-3)
    assert_close(got, keep_oracle(counts, 1e-3), f"{what} differs from word2vec's formula", rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: negative counts raise ValueError")
def test_keep_probabilities_rejects_negative_counts(student):
    with must_raise(ValueError, "keep_probabilities([5, -1, 3])"):
        student.function(SKIPGRAM, "keep_probabilities")(np.array([5, -1, 3]))


def _noise(student, counts, **kwargs):
    what = f"noise_distribution({np.asarray(counts).tolist() if len(counts) < 6 else f'{len(counts)} counts'})"
    got = student.function(SKIPGRAM, "noise_distribution")(np.asarray(counts), **kwargs)
    return what, expect_numbers(got, what, shape=(len(counts),), dtype_kind="f")


@pytest.mark.points(1)
@pytest.mark.hint("the noise distribution is the unigram distribution raised to a power, then normalized")
@pytest.mark.deeper_hint("Normalizing first and raising to the power afterwards gives numbers "
                         "that no longer sum to 1.")
def test_noise_distribution_random(student):
    counts = np.random.default_rng(4).integers(1, 10_000, size=50)
    what, got = _noise(student, counts)
    assert got.sum() == pytest.approx(1.0), f"{what} sums to {got.sum():.6g}, not 1"
    assert_close(got, counts**0.75 / (counts**0.75).sum(), f"{what} is not unigram ** 0.75, normalized",
                 rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("the power is a parameter: use the one you are given")
def test_noise_distribution_other_power(student):
    what, got = _noise(student, [1.0, 4.0, 9.0], power=0.5)
    assert_close(got, [1 / 6, 2 / 6, 3 / 6], f"{what} with power=0.5", rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("a word never seen gets probability 0; no positive count at all raises ValueError")
def test_noise_distribution_zero_counts(student):
    what, got = _noise(student, [0, 16, 0, 1])
    assert got[0] == 0.0 and got[2] == 0.0, f"{what} gives unseen words a probability: {got.tolist()}"
    with must_raise(ValueError, "noise_distribution([0, 0, 0])"):
        student.function(SKIPGRAM, "noise_distribution")(np.zeros(3))


def _draws(student, probs, num, seed):
    rng = student.worker_helper(f"{HELPERS}:generator", seed)
    what = f"sample_negatives({len(probs)} probabilities, num={num}, rng)"
    got = expect_numbers(student.function(SKIPGRAM, "sample_negatives")(np.asarray(probs), num, rng),
                   what, shape=(num,), dtype_kind="iu")
    assert got.min(initial=0) >= 0 and got.max(initial=0) < len(probs), \
        f"{what} drew ids outside [0, {len(probs)}): {sorted(set(got.tolist()) - set(range(len(probs))))[:5]}"
    return what, got


@pytest.mark.points(2)
@pytest.mark.hint("negatives are i.i.d. draws whose frequencies follow probs")
@pytest.mark.deeper_hint("With 40,000 draws each id's share should be within a percent or so "
                         "of its probability; compare your counts with probs.")
def test_sample_negatives_follows_the_distribution(student):
    probs = np.array([0.5, 0.25, 0.125, 0.0625, 0.0625])
    what, draws = _draws(student, probs, 40_000, 11)
    observed = np.bincount(draws, minlength=5)
    chi2 = ((observed - 40_000 * probs) ** 2 / (40_000 * probs)).sum()
    assert chi2 < 25.0, f"{what}: the shares of the ids are {np.round(observed / 40_000, 3).tolist()}"


@pytest.mark.points(1)
@pytest.mark.hint("all randomness comes from the generator you are given, never from global state")
def test_sample_negatives_reproducible(student):
    probs = np.full(50, 1 / 50)
    what = "sample_negatives(50 probabilities, num=30, rng)"
    runs = [expect_numbers(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "sample_negatives", SKIPGRAM, probs, 30,
        student.worker_helper(f"{HELPERS}:generator", 5)), what, shape=(30,), dtype_kind="iu")
        for scramble in (1, 2)]
    _, other = _draws(student, probs, 30, 6)
    assert np.array_equal(runs[0], runs[1]), \
        f"{what} drew differently from the same generator when the global random state changed"
    assert not np.array_equal(runs[0], other), f"{what} drew the same ids from two different generators"


@pytest.mark.points(1)
@pytest.mark.hint("a word with probability 0 is never drawn, wherever it is in probs")
def test_sample_negatives_never_draws_impossible_words(student):
    what, draws = _draws(student, [0.0, 0.3, 0.0, 0.7, 0.0], 5000, 2)
    drawn = sorted(set(draws.tolist()) - {1, 3})
    assert not drawn, f"{what} drew ids of probability 0: {drawn}"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: probabilities below 0 or not summing to 1 (within 1e-6) raise ValueError")
@pytest.mark.parametrize("probs", [[0.5, 0.6, -0.1], [0.2, 0.2, 0.2]], ids=["negative", "sum-0.6"])
def test_sample_negatives_rejects_bad_probabilities(student, probs):
    rng = student.worker_helper(f"{HELPERS}:generator", 0)
    with must_raise(ValueError, f"sample_negatives({probs}, 3, rng)"):
        student.function(SKIPGRAM, "sample_negatives")(np.array(probs), 3, rng)
