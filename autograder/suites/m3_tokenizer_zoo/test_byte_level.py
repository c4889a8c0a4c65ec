"""Hidden tests of byte_level.py: ByT5 and CANINE exactly as their tokenizers, lengths, typos."""

import random

import numpy as np
import pytest
from m3_helpers import BYTE_LEVEL, ZOO, parallel_text, tokenizer

PRIMES = [31, 43, 59, 61, 73, 97, 103, 113, 137, 149, 157, 173, 181, 193, 211, 223]


def byt5_ids(text):
    return [b + 3 for b in text.encode("utf-8")]


def canine_buckets(codepoints, num_hashes, num_buckets):
    cps = np.asarray(codepoints, dtype=np.int64)
    return np.stack([((cps + 1) * PRIMES[h]) % num_buckets for h in range(num_hashes)], axis=-1)


@pytest.mark.points(1)
@pytest.mark.hint("ByT5 works on UTF-8 bytes: encode the text to bytes first, then add 3 to each")
@pytest.mark.parametrize("text", ["déjà vu, naïve café 日本語", "👩‍💻 ok\n\tüber"],
                         ids=["accents-and-cjk", "emoji-and-whitespace"])
def test_byt5_encode_is_bytes_plus_three(student, text):
    got = student.function(BYTE_LEVEL, "byt5_encode")(text)
    assert got == byt5_ids(text) + [1], "ids differ from ByT5's for a non-ASCII text"


@pytest.mark.points(1)
@pytest.mark.hint("add_eos=False leaves out the final 1; the empty text has only EOS")
def test_byt5_encode_eos_switch(student):
    encode = student.function(BYTE_LEVEL, "byt5_encode")
    assert encode("Hi", add_eos=False) == [75, 108], "add_eos=False must not append EOS"
    assert encode("") == [1], "the empty text encodes to EOS alone"
    assert encode("", add_eos=False) == [], "the empty text without EOS has no ids"


@pytest.mark.points(2)
@pytest.mark.hint("decode must invert encode for every script: drop 0/1/2, subtract 3, UTF-8")
def test_byt5_round_trip_of_the_parallel_text(student):
    encode = student.function(BYTE_LEVEL, "byt5_encode")
    decode = student.function(BYTE_LEVEL, "byt5_decode")
    for lang, text in parallel_text().items():
        assert decode(encode(text)) == text, f"round trip fails for {lang}"


@pytest.mark.points(1)
@pytest.mark.hint("pad (0), eos (1) and unk (2) are dropped wherever they are, before decoding")
def test_byt5_decode_drops_special_ids_anywhere(student):
    decode = student.function(BYTE_LEVEL, "byt5_decode")
    assert decode([0, 107, 1, 108, 2, 0]) == "hi", "special ids must be dropped"
    assert decode([198, 1, 172]) == "é", "bytes around a dropped special id still join up"


@pytest.mark.points(2)
@pytest.mark.hint("decode the bytes with errors='ignore', as ByT5Tokenizer does: broken "
                  "UTF-8 is dropped, not replaced and not an error")
def test_byt5_decode_ignores_broken_utf8(student):
    decode = student.function(BYTE_LEVEL, "byt5_decode")
    assert decode([243, 162, 148]) == "", "three of an emoji's four bytes decode to nothing"
    assert decode(byt5_ids("a") + [0x80 + 3] + byt5_ids("b")) == "ab", \
        "a stray continuation byte must vanish"


@pytest.mark.points(1)
@pytest.mark.hint("only 0..258 are ByT5 byte ids; sentinels (259 and up) and negative ids "
                  "raise ValueError")
@pytest.mark.parametrize("bad", [259, -1], ids=["sentinel", "negative"])
def test_byt5_decode_rejects_non_byte_ids(student, bad):
    with pytest.raises(ValueError):
        student.function(BYTE_LEVEL, "byt5_decode")([107, bad, 108])


@pytest.mark.points(1)
@pytest.mark.hint("CANINE: [CLS]=0xE000, then ord(c) for every character, then [SEP]=0xE001")
def test_canine_encode_of_the_parallel_text(student):
    encode = student.function(BYTE_LEVEL, "canine_encode")
    for lang, text in parallel_text().items():
        assert encode(text) == [0xE000, *map(ord, text), 0xE001], f"ids differ for {lang}"


@pytest.mark.points(1)
@pytest.mark.hint("a Python str is a sequence of code points: an emoji is one id, not a "
                  "UTF-16 surrogate pair and not four bytes")
def test_canine_encode_astral_code_points(student):
    got = student.function(BYTE_LEVEL, "canine_encode")("👍x𝔘")
    assert got == [0xE000, 0x1F44D, 0x78, 0x1D518, 0xE001], "astral characters are one id each"


@pytest.mark.points(2)
@pytest.mark.hint("bucket = ((c + 1) * PRIMES[h]) % num_buckets; mind the + 1; shape [n, num_hashes]")
def test_canine_hash_buckets_match_canine(student):
    rng = random.Random(3)
    cps = [0, 1, 0xE000, 0xE001, 0x10FFFF] + [rng.randrange(0x110000) for _ in range(300)]
    got = np.asarray(student.function(BYTE_LEVEL, "canine_hash_buckets")(cps))
    assert got.shape == (len(cps), 8), "the default is 8 hashes, one column each"
    assert np.array_equal(got, canine_buckets(cps, 8, 16384)), "bucket values differ from CANINE's"


@pytest.mark.points(1)
@pytest.mark.hint("use num_hashes and num_buckets as given; the primes go in order")
def test_canine_hash_buckets_other_sizes(student):
    hash_buckets = student.function(BYTE_LEVEL, "canine_hash_buckets")
    cps = [104, 105, 0x1F44D, 7]
    got = np.asarray(hash_buckets(cps, num_hashes=16, num_buckets=1000))
    assert np.array_equal(got, canine_buckets(cps, 16, 1000)), "16 hashes into 1000 buckets differ"
    got = np.asarray(hash_buckets(np.array(cps), num_hashes=3, num_buckets=7))
    assert np.array_equal(got, canine_buckets(cps, 3, 7)), "3 hashes into 7 buckets differ"


@pytest.mark.points(1)
@pytest.mark.hint("an empty input gives shape [0, num_hashes] with an integer dtype")
def test_canine_hash_buckets_empty(student):
    got = student.function(BYTE_LEVEL, "canine_hash_buckets")([], num_hashes=4)
    assert isinstance(got, np.ndarray), "return a numpy array"
    assert got.shape == (0, 4) and np.issubdtype(got.dtype, np.integer), "wrong shape or dtype"


@pytest.mark.points(1)
@pytest.mark.hint("there are only 16 primes; a 2-D input or a code point outside "
                  "0..0x10FFFF is bad input too: raise ValueError")
@pytest.mark.parametrize("args", [([65], 17), ([[65, 66]], 8), ([-5], 8)],
                         ids=["17-hashes", "2-d-input", "negative-code-point"])
def test_canine_hash_buckets_rejects_bad_input(student, args):
    with pytest.raises(ValueError):
        student.function(BYTE_LEVEL, "canine_hash_buckets")(*args)


@pytest.mark.points(2)
@pytest.mark.hint("per language: ByT5 ids without EOS, CANINE ids without [CLS]/[SEP], and "
                  "count_tokens(text)")
def test_sequence_lengths_of_the_parallel_text(student):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", "gpt4")
    got = student.function(BYTE_LEVEL, "sequence_lengths")(count, texts)
    gpt4 = tokenizer("gpt4")
    assert list(got) == list(texts), "one entry per language, in the order of texts"
    for lang, text in texts.items():
        want = {"byt5": len(text.encode("utf-8")), "canine": len(text), "subword": gpt4.count(text)}
        assert got[lang] == want, f"lengths differ for {lang}"


@pytest.mark.points(2)
@pytest.mark.hint("Levenshtein distance with a full dynamic-programming table, not the "
                  "number of positions that differ")
def test_token_edit_distance_random(student, solution):
    distance = student.function(BYTE_LEVEL, "token_edit_distance")
    want = solution.function(BYTE_LEVEL, "token_edit_distance")
    rng = random.Random(11)
    pairs = [([1, 2, 3], [2, 3]), ([], [4, 5]), ([9], [])]
    pairs += [([rng.randrange(5) for _ in range(rng.randrange(12))],
               [rng.randrange(5) for _ in range(rng.randrange(12))]) for _ in range(40)]
    for a, b in pairs:
        assert distance(a, b) == want(a, b), "an edit distance is wrong"


@pytest.mark.points(1)
@pytest.mark.hint("typo_damage is the edit distance between encode(clean) and encode(noisy)")
def test_typo_damage_byte_level_versus_subword(student):
    damage = student.function(BYTE_LEVEL, "typo_damage")
    byt5 = student.worker_helper(f"{ZOO}:encoder", "byt5")
    gpt2 = student.worker_helper(f"{ZOO}:encoder", "gpt2")
    assert damage(byt5, "tokenization", "tokenizaton") == 1, "one deleted byte is one edit"
    assert damage(gpt2, "The tokenization works.", "The tokenizaton works.") == 2, \
        "GPT-2's subwords change around the typo"
