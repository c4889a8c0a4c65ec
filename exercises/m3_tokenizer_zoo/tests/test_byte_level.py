"""Public tests of byte_level.py: ByT5 bytes, CANINE code points and hashes, lengths, typos."""

import numpy as np
import pytest

BYTE_LEVEL = "m3_tokenizer_zoo.byte_level"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("every UTF-8 byte b becomes b + 3, then EOS (1)")
def test_byt5_encode_hi(student):
    assert student.function(BYTE_LEVEL, "byt5_encode")("hi") == [107, 108, 1]


@pytest.mark.points(2)
@pytest.mark.hint("drop ids 0, 1, 2, subtract 3, decode the bytes as UTF-8")
def test_byt5_decode_round_trip(student):
    ids = student.function(BYTE_LEVEL, "byt5_encode")("naïve 👍")
    assert student.function(BYTE_LEVEL, "byt5_decode")(ids) == "naïve 👍"


@pytest.mark.points(1)
@pytest.mark.hint("[CLS] = 0xE000, one id per code point, [SEP] = 0xE001")
def test_canine_encode_hi(student):
    assert student.function(BYTE_LEVEL, "canine_encode")("hi") == [0xE000, 104, 105, 0xE001]


@pytest.mark.points(1)
@pytest.mark.hint("hash h of code point c is ((c + 1) * PRIMES[h]) % num_buckets")
def test_canine_hash_buckets_of_code_point_zero(student):
    got = student.function(BYTE_LEVEL, "canine_hash_buckets")([0], num_hashes=2)
    np.testing.assert_array_equal(got, [[31, 43]])


@pytest.mark.points(2)
@pytest.mark.hint("ByT5 counts UTF-8 bytes, CANINE code points, both without their special tokens")
def test_sequence_lengths_of_one_word(student):
    count_chars = student.worker_helper(f"{ZOO}:token_counter", "chars")
    got = student.function(BYTE_LEVEL, "sequence_lengths")(count_chars, {"hi": "नमस्ते"})
    assert got == {"hi": {"byt5": 18, "canine": 6, "subword": 6}}


@pytest.mark.points(1)
@pytest.mark.hint("Levenshtein distance: insertions, deletions and substitutions cost 1")
def test_token_edit_distance_small(student):
    assert student.function(BYTE_LEVEL, "token_edit_distance")([1, 2, 3], [1, 3]) == 1
