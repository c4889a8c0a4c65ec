"""Public tests of byte_level.py: ByT5 bytes, CANINE code points and hashes, lengths, typos."""

import pytest

from autograder.checks import expect_array, expect_dict, expect_int, expect_list, expect_str

BYTE_LEVEL = "m3_tokenizer_zoo.byte_level"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("ByT5 has one id per UTF-8 byte (not per character), shifted past its "
                  "three special ids, then EOS when add_eos asks for it")
def test_byt5_encode_hi(student):
    encode = student.function(BYTE_LEVEL, "byt5_encode")
    assert expect_list(encode("hi"), "byt5_encode('hi')", of=int) == [107, 108, 1]
    assert expect_list(encode("é"), "byt5_encode('é')", of=int) == [198, 172, 1], \
        "é is two UTF-8 bytes, so two ids"
    assert expect_list(encode("hi", add_eos=False), "byt5_encode('hi', add_eos=False)",
                       of=int) == [107, 108], "add_eos=False leaves EOS out"


@pytest.mark.points(1)
@pytest.mark.hint("decoding inverts encoding; broken UTF-8 is dropped silently, and an id that "
                  "is not a byte id raises ValueError")
def test_byt5_decode_round_trip(student):
    decode = student.function(BYTE_LEVEL, "byt5_decode")
    ids = student.function(BYTE_LEVEL, "byt5_encode")("naïve 👍")
    assert expect_str(decode(ids), "byt5_decode(byt5_encode('naïve 👍'))") == "naïve 👍"
    assert expect_str(decode([243, 162, 148]), "byt5_decode(three bytes of an emoji)") == ""
    with pytest.raises(ValueError):
        decode([107, 259, 108])


@pytest.mark.points(1)
@pytest.mark.hint("CANINE has one id per code point (an emoji is one id), between its [CLS] "
                  "and [SEP] ids")
def test_canine_encode_hi(student):
    encode = student.function(BYTE_LEVEL, "canine_encode")
    assert expect_list(encode("hi"), "canine_encode('hi')", of=int) == [0xE000, 104, 105, 0xE001]
    assert expect_list(encode("👍"), "canine_encode('👍')", of=int) == [0xE000, 0x1F44D, 0xE001]


@pytest.mark.points(1)
@pytest.mark.hint("code point 0 must not land in bucket 0 of every hash; there are only 16 "
                  "primes, so more hashes raise ValueError")
def test_canine_hash_buckets_of_code_point_zero(student):
    buckets = student.function(BYTE_LEVEL, "canine_hash_buckets")
    got = expect_array(buckets([0], num_hashes=2), "canine_hash_buckets([0], num_hashes=2)",
                       shape=(1, 2), dtype_kind="iu")
    assert got.tolist() == [[31, 43]]
    with pytest.raises(ValueError):
        buckets([65], 17)


@pytest.mark.points(1)
@pytest.mark.hint("ByT5 counts UTF-8 bytes, CANINE code points, both without their special tokens")
def test_sequence_lengths_of_one_word(student):
    count_chars = student.worker_helper(f"{ZOO}:token_counter", "chars")
    got = expect_dict(student.function(BYTE_LEVEL, "sequence_lengths")(count_chars, {"hi": "नमस्ते"}),
                      "sequence_lengths(count, {'hi': 'नमस्ते'})", keys=str, values=dict)
    assert got == {"hi": {"byt5": 18, "canine": 6, "subword": 6}}


@pytest.mark.points(1)
@pytest.mark.hint("the edit distance counts insertions, deletions and substitutions: one "
                  "deleted id is one edit, even if every later position shifts")
def test_token_edit_distance_small(student):
    distance = student.function(BYTE_LEVEL, "token_edit_distance")
    assert expect_int(distance([1, 2, 3], [1, 3]), "token_edit_distance([1, 2, 3], [1, 3])") == 1
    assert expect_int(distance([1, 2, 3], [2, 3]), "token_edit_distance([1, 2, 3], [2, 3])") == 1


@pytest.mark.points(1)
@pytest.mark.hint("a typo's damage is measured on what the model sees: the two id sequences")
def test_typo_damage_of_one_deleted_byte(student):
    byt5 = student.worker_helper(f"{ZOO}:encoder", "byt5")
    got = student.function(BYTE_LEVEL, "typo_damage")(byt5, "tokenization", "tokenizaton")
    assert expect_int(got, "typo_damage(ByT5, 'tokenization', 'tokenizaton')") == 1
