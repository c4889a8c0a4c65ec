"""Hidden tests of train_skipgram: related words end up as nearest neighbours (learning goal 1).

The corpus is the course's generated world (a different sample than the public test's): about
35,000 tokens, small enough for a plain loop over sgns_step to finish in seconds.
"""

import functools

import numpy as np
import pytest

from m4_helpers import HELPERS, SKIPGRAM, expect_numbers, course_corpus, must_raise

SETTINGS = dict(dim=32, window=3, negatives=5, epochs=5, lr=0.05)


@functools.cache
def _corpus():
    return course_corpus().load_corpus(4000, seed=7)


def _embeddings(value, vocab_size, dim, what):
    return expect_numbers(value, what, shape=(vocab_size, dim), dtype_kind="f")


@functools.cache
def _trained(student, seed):
    data = _corpus()
    what = f"train_skipgram(the course corpus, dim={SETTINGS['dim']}, seed={seed})"
    return _embeddings(student.function(SKIPGRAM, "train_skipgram")(
        data.ids, len(data.words), SETTINGS["dim"], SETTINGS["window"], SETTINGS["negatives"],
        SETTINGS["epochs"], SETTINGS["lr"], seed), len(data.words), SETTINGS["dim"], what)


@pytest.mark.points(5)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("trained vectors group words by the company they keep: each step pulls a "
                  "word towards its context and pushes it away from the negatives")
@pytest.mark.deeper_hint("If the neighbours look random, check the sign of every gradient step, "
                         "that W_in starts random and W_out at zero, and the learning rate schedule.")
def test_train_skipgram_nearest_neighbours(student):
    E = _trained(student, 0)
    spread = float(np.abs(E - E.mean(axis=0)).max())
    assert spread > 1e-6, (f"train_skipgram returned {'all-zero' if not E.any() else 'identical'} "
                           "vectors for every word: vectors that start equal get equal updates")
    quality = course_corpus().neighbour_quality(E, _corpus().words)
    assert quality > 0.6, f"only {quality:.0%} of the words' nearest neighbours are related words"


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("analogies need consistent offsets between related words")
@pytest.mark.deeper_hint("Train on the pairs of every kept position, with negatives drawn from "
                         "the noise distribution rather than uniformly.")
def test_train_skipgram_analogies(student):
    E = _trained(student, 0)
    accuracy = course_corpus().analogy_accuracy(E, _corpus().words)
    assert accuracy >= 0.25, f"only {accuracy:.0%} of the analogies come out right"


@pytest.mark.points(2)
@pytest.mark.call_timeout(120)
@pytest.mark.hint("training is reproducible: all randomness comes from seed")
def test_train_skipgram_is_reproducible(student):
    data = course_corpus().load_corpus(300, seed=9)
    V = len(data.words)
    f = student.function(SKIPGRAM, "train_skipgram")
    args = (data.ids, V, 8, 2, 3, 1, 0.025, 4)
    what = "train_skipgram(a small corpus, dim=8, seed=4)"
    first, again = (_embeddings(student.worker_helper(
        f"{HELPERS}:call_after_scrambling", scramble, "train_skipgram", SKIPGRAM, *args), V, 8, what)
        for scramble in (1, 2))
    other = _embeddings(f(data.ids, V, 8, 2, 3, 1, 0.025, 5), V, 8, what.replace("4)", "5)"))
    assert np.array_equal(first, again), \
        f"{what} gave different vectors when the global random generators were in another state"
    assert not np.allclose(first, other), "seeds 4 and 5 gave the same vectors"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: ids outside [0, vocab_size) raise IndexError")
def test_train_skipgram_rejects_out_of_range_ids(student):
    with must_raise(IndexError, "train_skipgram([0, 1, 7, 2], vocab_size=5, ...)"):
        student.function(SKIPGRAM, "train_skipgram")([0, 1, 7, 2], 5, 4, 1, 1, 1, 0.025, 0)
