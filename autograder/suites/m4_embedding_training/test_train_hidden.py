"""Hidden tests of train_skipgram: related words end up as nearest neighbours (learning goal 1).

The corpus is the course's generated world (a different sample than the public test's): about
35,000 tokens, small enough for a plain loop over sgns_step to finish in seconds.
"""

import functools

import numpy as np
import pytest

from m4_helpers import HELPERS, SKIPGRAM, course_corpus

SETTINGS = dict(dim=32, window=3, negatives=5, epochs=5, lr=0.05)


@functools.cache
def _corpus():
    return course_corpus().load_corpus(4000, seed=7)


@functools.cache
def _trained(student, seed):
    data = _corpus()
    return np.asarray(student.function(SKIPGRAM, "train_skipgram")(
        data.ids, len(data.words), SETTINGS["dim"], SETTINGS["window"], SETTINGS["negatives"],
        SETTINGS["epochs"], SETTINGS["lr"], seed))


@pytest.mark.points(5)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("capitals should be nearest to capitals, colours to colours: check gradient signs, "
                  "random W_in, zero W_out and the learning rate schedule")
def test_train_skipgram_nearest_neighbours(student):
    E = _trained(student, 0)
    assert E.shape == (len(_corpus().words), SETTINGS["dim"]), "wrong shape"
    assert np.all(np.isfinite(E)), "the embeddings hold inf or NaN"
    quality = course_corpus().neighbour_quality(E, _corpus().words)
    assert quality > 0.6, f"neighbour quality {quality:.2f} is too low"


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("analogies need clean offsets: train on the pairs of every position with negatives from noise_distribution")
def test_train_skipgram_analogies(student):
    E = _trained(student, 0)
    accuracy = course_corpus().analogy_accuracy(E, _corpus().words)
    assert accuracy >= 0.25, f"only {accuracy:.0%} of the analogies come out right"


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("all randomness must come from seed: the same seed gives the same vectors, another seed others")
def test_train_skipgram_is_reproducible(student):
    data = course_corpus().load_corpus(300, seed=9)
    f = student.function(SKIPGRAM, "train_skipgram")
    args = (data.ids, len(data.words), 8, 2, 3, 1, 0.025, 4)
    first, again = (np.asarray(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "train_skipgram", SKIPGRAM, *args))
        for scramble in (1, 2))
    other = np.asarray(f(data.ids, len(data.words), 8, 2, 3, 1, 0.025, 5))
    assert np.array_equal(first, again), "the same seed gave different vectors"
    assert not np.allclose(first, other), "different seeds gave the same vectors"


@pytest.mark.points(1)
@pytest.mark.hint("ids outside [0, vocab_size) raise IndexError")
def test_train_skipgram_rejects_out_of_range_ids(student):
    with pytest.raises(IndexError):
        student.function(SKIPGRAM, "train_skipgram")([0, 1, 7, 2], 5, 4, 1, 1, 1, 0.025, 0)
