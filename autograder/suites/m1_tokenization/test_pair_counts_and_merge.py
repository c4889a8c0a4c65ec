"""Hidden tests: get_pair_counts and merge_pair, the two building blocks of BPE."""

import random
from collections import Counter

import pytest

BPE = "m1_tokenization.bpe"


@pytest.mark.points(1)
@pytest.mark.hint("Count every adjacent pair, overlapping ones too: a run of n equal ids holds n - 1 pairs.")
def test_pair_counts_count_overlapping_pairs(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    assert dict(get_pair_counts([7, 7, 7, 7, 7])) == {(7, 7): 4}, "wrong counts for a run of five equal ids"
    assert dict(get_pair_counts([3, 3, 4, 3, 3, 3])) == {(3, 3): 3, (3, 4): 1, (4, 3): 1}, "wrong counts for runs around another id"


@pytest.mark.points(1)
@pytest.mark.hint("A sequence of 0 or 1 ids has no pair at all (an empty dict); walk zip(ids, ids[1:]).")
def test_pair_counts_of_short_sequences(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    assert dict(get_pair_counts([])) == {}, "an empty sequence has no pairs"
    assert dict(get_pair_counts([5])) == {}, "a single id has no pairs"
    assert dict(get_pair_counts((4, 2))) == {(4, 2): 1}, "a tuple of two ids has one pair"


@pytest.mark.points(1)
@pytest.mark.hint("Every adjacent pair counts, including the last one; keys are tuples (a, b) in reading order.")
def test_pair_counts_on_random_sequences(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    rng = random.Random(1234)
    for _ in range(20):
        ids = [rng.randrange(6) for _ in range(rng.randrange(2, 60))]
        assert dict(get_pair_counts(ids)) == Counter(zip(ids, ids[1:])), "wrong counts on a random sequence"


@pytest.mark.points(1)
@pytest.mark.hint("Scan left to right; after a match jump two places, so matches never overlap: [1, 1, 1, 1, 1] has room for two merges.")
def test_merge_pair_never_overlaps(student):
    merge_pair = student.function(BPE, "merge_pair")
    assert merge_pair([1, 1, 1, 1, 1], (1, 1), 9) == [9, 9, 1], "overlapping matches in a run of five"
    assert merge_pair([1, 1, 1, 1], (1, 1), 9) == [9, 9], "overlapping matches in a run of four"


@pytest.mark.points(1)
@pytest.mark.hint("One left-to-right pass only: the new id is not looked at again, even when it forms the pair once more.")
def test_merge_pair_is_a_single_pass(student):
    merge_pair = student.function(BPE, "merge_pair")
    assert merge_pair([1, 1, 1, 1], (1, 1), 1) == [1, 1], "merged again after the pass"
    assert merge_pair([5, 6, 5, 6, 5], (6, 5), 9) == [5, 9, 9], "matches at the end of the list"
    assert merge_pair([2, 3], (3, 2), 9) == [2, 3], "no match must leave the ids unchanged"
    assert merge_pair([], (3, 2), 9) == [], "empty input"


@pytest.mark.points(1)
@pytest.mark.hint("Compare ids[i] with pair[0] and ids[i + 1] with pair[1]; keep every other id in order.")
def test_merge_pair_on_random_sequences(student, solution):
    merge_pair = student.function(BPE, "merge_pair")
    expected_merge = solution.function(BPE, "merge_pair")
    rng = random.Random(99)
    for _ in range(20):
        ids = [rng.randrange(4) for _ in range(rng.randrange(0, 50))]
        pair = (rng.randrange(4), rng.randrange(4))
        assert merge_pair(ids, pair, 100) == expected_merge(ids, pair, 100), "wrong merge on a random sequence"
