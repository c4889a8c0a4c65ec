"""Hidden tests: get_pair_counts and merge_pair, the two building blocks of BPE."""

import random
from collections import Counter

import pytest

from autograder.checks import expect_dict, expect_list, expect_pairs
from m1_helpers import difference, shown

BPE = "m1_tokenization.bpe"


def pair_counts(get_pair_counts, ids) -> dict:
    """The student's counts, checked to be a dict from pairs of ints to ints."""
    what = shown("get_pair_counts", ids)
    counts = expect_dict(get_pair_counts(ids), what, keys=tuple, values=int)
    expect_pairs(list(counts), what + "'s keys", of=int)
    return counts


def counts_difference(got: dict, want: dict) -> str:
    """The first pair counted wrongly, observed first."""
    for pair, count in want.items():
        if got.get(pair, 0) != count:
            return f"the pair {pair} is counted {got.get(pair, 0)} times; the ids hold it {count} times"
    extra = next(pair for pair in got if pair not in want)
    return f"the pair {extra} is counted {got[extra]} times but never occurs in the ids"


def check_counts(get_pair_counts, ids):
    got, want = pair_counts(get_pair_counts, ids), dict(Counter(zip(ids, ids[1:])))
    assert got == want, f"{shown('get_pair_counts', ids)}: {counts_difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("A pair of equal ids may overlap the next one: how many adjacent pairs does a run of n equal ids hold?")
def test_pair_counts_count_overlapping_pairs(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    check_counts(get_pair_counts, [7, 7, 7, 7, 7])
    check_counts(get_pair_counts, [3, 3, 4, 3, 3, 3])


@pytest.mark.points(1)
@pytest.mark.hint("Sequences too short to hold a pair have no pair at all; the input may be any sequence of ids.")
def test_pair_counts_of_short_sequences(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    check_counts(get_pair_counts, [])
    check_counts(get_pair_counts, [5])
    check_counts(get_pair_counts, (4, 2))


@pytest.mark.points(1)
@pytest.mark.hint("Every adjacent pair counts once per position, the last pair of the sequence included; keys are pairs in reading order.")
def test_pair_counts_on_random_sequences(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    rng = random.Random(1234)
    for _ in range(20):
        ids = [rng.randrange(6) for _ in range(rng.randrange(2, 60))]
        ids.append(ids[-1] if rng.random() < 0.5 else 6)  # a pair that occurs only at the end
        check_counts(get_pair_counts, ids)


def check_merge(merge_pair, solution, ids, pair, new_id):
    """merge_pair's result against the expected one, with the cheap properties checked first."""
    what = shown("merge_pair", ids, pair, new_id)
    got = expect_list(merge_pair(list(ids), pair, new_id), what, of=int)
    want = solution.function(BPE, "merge_pair")(list(ids), pair, new_id)
    if want == list(ids):
        assert got == want, (f"{what} returned {len(got)} ids for {len(ids)} input ids with no match"
                             + (": the last id is missing" if got == list(ids)[:-1] else
                                f": {difference(got, want)}"))
    again = solution.function(BPE, "merge_pair")(list(want), pair, new_id)
    if again != want and got == again:
        raise AssertionError(f"{what} returned {got}: the new id {new_id} was merged again with its neighbour, "
                             f"after the pass that wrote it gave {want}")
    if len(got) != len(want) and got == want[:-1]:
        raise AssertionError(f"{what} returned {len(got)} ids where {len(want)} were expected: the last id is missing")
    assert got == want, f"{what}: {difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("Matches may not overlap: once two ids are merged, neither takes part in another match.")
def test_merge_pair_never_overlaps(student, solution):
    merge_pair = student.function(BPE, "merge_pair")
    check_merge(merge_pair, solution, [1, 1, 1, 1, 1], (1, 1), 9)
    check_merge(merge_pair, solution, [1, 1, 1, 1], (1, 1), 9)


@pytest.mark.points(1)
@pytest.mark.hint("merge_pair makes one left-to-right pass: a new id it writes is not looked at again.")
@pytest.mark.deeper_hint("Ask what your loop does after writing new_id when new_id together with the next id forms the pair again, and what it does with the very last id of the list.")
def test_merge_pair_is_a_single_pass(student, solution):
    merge_pair = student.function(BPE, "merge_pair")
    check_merge(merge_pair, solution, [2, 3], (3, 2), 9)
    check_merge(merge_pair, solution, [2, 3, 4, 5, 6], (3, 2), 9)
    check_merge(merge_pair, solution, [], (3, 2), 9)
    check_merge(merge_pair, solution, [5, 6, 5, 6, 5], (6, 5), 9)
    check_merge(merge_pair, solution, [1, 1, 1, 1], (1, 1), 1)


@pytest.mark.points(1)
@pytest.mark.hint("The pair is ordered (first id, then second id) and may sit anywhere, at the very start or the very end of the list.")
def test_merge_pair_on_random_sequences(student, solution):
    merge_pair = student.function(BPE, "merge_pair")
    rng = random.Random(99)
    for case in range(24):
        ids = [rng.randrange(4) for _ in range(rng.randrange(0, 30))]
        pair = (rng.randrange(4), rng.randrange(4))
        if case % 3 == 0:
            ids = ids + list(pair)  # the pair at the end
        elif case % 3 == 1:
            ids = list(pair) + ids  # the pair at the start
        check_merge(merge_pair, solution, ids, pair, 100)
    check_merge(merge_pair, solution, [2, 1, 2, 1], (1, 2), 7)  # the reversed pair is not a match

