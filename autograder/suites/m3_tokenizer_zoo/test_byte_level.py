"""Hidden tests of byte_level.py: ByT5 and CANINE exactly as their tokenizers, lengths, typos."""

import random

import numpy as np
import pytest
from m3_helpers import (BYTE_LEVEL, ZOO, must_raise, first_difference, expect_ids, parallel_text,
                        tokenizer)

from autograder.checks import expect_array, expect_dict, expect_int, expect_str

PRIMES = [31, 43, 59, 61, 73, 97, 103, 113, 137, 149, 157, 173, 181, 193, 211, 223]


def byt5_ids(text):
    return [b + 3 for b in text.encode("utf-8")]


def canine_buckets(codepoints, num_hashes, num_buckets):
    cps = np.asarray(codepoints, dtype=np.int64)
    return np.stack([((cps + 1) * PRIMES[h]) % num_buckets for h in range(num_hashes)], axis=-1)


def _encode(student, text, **kwargs):
    what = f"byt5_encode({text!r}{''.join(f', {k}={v!r}' for k, v in kwargs.items())})"
    return what, expect_ids(student.function(BYTE_LEVEL, "byt5_encode")(text, **kwargs), what)


def _decode(student, ids):
    what = f"byt5_decode({ids if len(ids) < 8 else f'{len(ids)} ids'})"
    return what, expect_str(student.function(BYTE_LEVEL, "byt5_decode")(ids), what)


@pytest.mark.points(0.5)
@pytest.mark.hint("ByT5 has no vocabulary: one id per UTF-8 byte, shifted past its three special ids")
@pytest.mark.deeper_hint("A character outside ASCII is several bytes, so several ids; the "
                         "special ids 0, 1 and 2 come before the byte values.")
@pytest.mark.parametrize("text", ["déjà vu, naïve café 日本語", "👩‍💻 ok\n\tüber"],
                         ids=["accents-and-cjk", "emoji-and-whitespace"])
def test_byt5_encode_is_bytes_plus_three(student, text):
    what, got = _encode(student, text)
    want = byt5_ids(text) + [1]
    assert got == want, f"{what}: {first_difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("add_eos decides whether the sequence ends with EOS; the empty text is no exception")
def test_byt5_encode_eos_switch(student):
    what, got = _encode(student, "Hi", add_eos=False)
    assert got == [75, 108], f"{what} returned {got}"
    what, got = _encode(student, "")
    assert got == [1], f"{what} returned {got}"
    what, got = _encode(student, "", add_eos=False)
    assert got == [], f"{what} returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("decoding inverts encoding for every script")
def test_byt5_round_trip_of_the_parallel_text(student):
    for lang, text in parallel_text().items():
        _, ids = _encode(student, text)
        what, back = _decode(student, ids)
        assert back == text, f"decoding the ids of the {lang} text gives a different text: " \
            f"{first_difference(list(back), list(text))}"


@pytest.mark.points(1)
@pytest.mark.hint("pad, eos and unk are not text: they vanish wherever they are")
def test_byt5_decode_drops_special_ids_anywhere(student):
    what, got = _decode(student, [0, 107, 1, 108, 2, 0])
    assert got == "hi", f"{what} returned {got!r}"
    what, got = _decode(student, [198, 1, 172])
    assert got == "é", f"{what} returned {got!r}: the two bytes of é around an EOS must still join up"


@pytest.mark.points(1)
@pytest.mark.hint("ByT5's decoder ignores broken UTF-8: it is dropped, neither replaced nor an error")
@pytest.mark.deeper_hint("Python's bytes.decode has an errors= argument with several policies; "
                         "ByT5 uses the one that drops what cannot be decoded.")
def test_byt5_decode_ignores_broken_utf8(student):
    what, got = _decode(student, [243, 162, 148])
    assert got == "", f"{what} (three of an emoji's four bytes) returned {got!r}"
    what, got = _decode(student, byt5_ids("a") + [0x80 + 3] + byt5_ids("b"))
    assert got == "ab", f"{what} (a stray continuation byte between a and b) returned {got!r}"


@pytest.mark.points(0.5)
@pytest.mark.hint("only 0..258 are ByT5 byte ids: sentinels and negative ids raise ValueError")
@pytest.mark.parametrize("bad", [259, -1], ids=["sentinel", "negative"])
def test_byt5_decode_rejects_non_byte_ids(student, bad):
    with must_raise(ValueError, f"byt5_decode([107, {bad}, 108])"):
        student.function(BYTE_LEVEL, "byt5_decode")([107, bad, 108])


def _canine(student, text):
    what = f"canine_encode({text if len(text) < 12 else text[:10] + '…'!r})"
    return what, expect_ids(student.function(BYTE_LEVEL, "canine_encode")(text), what)


@pytest.mark.points(1)
@pytest.mark.hint("CANINE: one id per character, between its [CLS] and [SEP] ids")
def test_canine_encode_of_the_parallel_text(student):
    for lang, text in parallel_text().items():
        what, got = _canine(student, text)
        want = [0xE000, *map(ord, text), 0xE001]
        assert got == want, f"{what} ({lang}): {first_difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("a Python str is a sequence of code points: an emoji is one id, not a "
                  "UTF-16 surrogate pair and not four bytes")
def test_canine_encode_astral_code_points(student):
    what, got = _canine(student, "👍x𝔘")
    assert got == [0xE000, 0x1F44D, 0x78, 0x1D518, 0xE001], f"{what} returned {got}"


def _buckets(student, cps, *args, **kwargs):
    num_hashes = kwargs.get("num_hashes", args[0] if args else 8)
    what = f"canine_hash_buckets({len(cps)} code points, num_hashes={num_hashes})"
    got = student.function(BYTE_LEVEL, "canine_hash_buckets")(cps, *args, **kwargs)
    return what, expect_array(got, what, shape=(len(cps), num_hashes), dtype_kind="iu")


def _bucket_mismatch(got, want) -> str:
    row, col = np.argwhere(got != want)[0]
    return f"{int((got != want).sum())} buckets differ, the first at row {row}, hash {col} (yours: {got[row, col]})"


@pytest.mark.points(1)
@pytest.mark.hint("CANINE's hash h of code point c multiplies (c + 1) by the h-th prime, modulo the bucket count")
@pytest.mark.deeper_hint("Check the + 1, that column h uses the h-th prime in order, and the default sizes.")
def test_canine_hash_buckets_match_canine(student):
    rng = random.Random(3)
    cps = [0, 1, 0xE000, 0xE001, 0x10FFFF] + [rng.randrange(0x110000) for _ in range(300)]
    what, got = _buckets(student, cps)
    want = canine_buckets(cps, 8, 16384)
    assert np.array_equal(got, want), f"{what}: {_bucket_mismatch(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("num_hashes and num_buckets are parameters: use the ones you are given")
def test_canine_hash_buckets_other_sizes(student):
    cps = [104, 105, 0x1F44D, 7]
    what, got = _buckets(student, cps, num_hashes=16, num_buckets=1000)
    want = canine_buckets(cps, 16, 1000)
    assert np.array_equal(got, want), f"{what} into 1000 buckets: {_bucket_mismatch(got, want)}"
    what, got = _buckets(student, np.array(cps), num_hashes=3, num_buckets=7)
    want = canine_buckets(cps, 3, 7)
    assert np.array_equal(got, want), f"{what} into 7 buckets: {_bucket_mismatch(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("an empty input still has num_hashes columns and an integer dtype")
def test_canine_hash_buckets_empty(student):
    _buckets(student, [], num_hashes=4)


@pytest.mark.points(0.5)
@pytest.mark.hint("bad input is rejected: more hashes than primes, a 2-D input or a code point "
                  "outside 0..0x10FFFF raise ValueError")
@pytest.mark.parametrize("args", [([65], 17), ([[65, 66]], 8), ([-5], 8)],
                         ids=["17-hashes", "2-d-input", "negative-code-point"])
def test_canine_hash_buckets_rejects_bad_input(student, args):
    with must_raise(ValueError, f"canine_hash_buckets({args[0]}, num_hashes={args[1]})"):
        student.function(BYTE_LEVEL, "canine_hash_buckets")(*args)


@pytest.mark.points(1)
@pytest.mark.hint("per language, the lengths of the three sequences without any special token")
def test_sequence_lengths_of_the_parallel_text(student):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", "gpt4")
    what = "sequence_lengths(count_tokens, the parallel text)"
    got = expect_dict(student.function(BYTE_LEVEL, "sequence_lengths")(count, texts), what,
                      keys=str, values=dict)
    gpt4 = tokenizer("gpt4")
    assert list(got) == list(texts), f"{what} has the keys {list(got)}; one per language, in the order of texts"
    for lang, text in texts.items():
        lengths = expect_dict(got[lang], f"{what}[{lang!r}]", keys=str, values=int)
        want = {"byt5": len(text.encode("utf-8")), "canine": len(text), "subword": gpt4.count(text)}
        assert set(lengths) == set(want), f"{what}[{lang!r}] has the keys {sorted(lengths)}"
        wrong = [key for key in want if lengths[key] != want[key]]
        assert not wrong, f"{what}[{lang!r}]: the {' and '.join(wrong)} length is wrong ({lengths})"


@pytest.mark.points(1)
@pytest.mark.hint("the edit distance counts insertions, deletions and substitutions, in the cheapest combination")
@pytest.mark.deeper_hint("Counting the positions that differ is not it: one inserted id shifts "
                         "everything after it. Build the distances of all prefixes.")
def test_token_edit_distance_random(student, solution):
    distance = student.function(BYTE_LEVEL, "token_edit_distance")
    want = solution.function(BYTE_LEVEL, "token_edit_distance")
    rng = random.Random(11)
    pairs = [([1, 2, 3], [2, 3]), ([], [4, 5]), ([9], [])]
    pairs += [([rng.randrange(5) for _ in range(rng.randrange(12))],
               [rng.randrange(5) for _ in range(rng.randrange(12))]) for _ in range(40)]
    for a, b in pairs:
        what = f"token_edit_distance({a}, {b})"
        got = expect_int(distance(a, b), what)
        assert got == want(a, b), f"{what} returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("a typo's damage is the edit distance between the two encodings")
def test_typo_damage_byte_level_versus_subword(student):
    damage = student.function(BYTE_LEVEL, "typo_damage")
    byt5 = student.worker_helper(f"{ZOO}:encoder", "byt5")
    gpt2 = student.worker_helper(f"{ZOO}:encoder", "gpt2")
    what = "typo_damage(ByT5, 'tokenization', 'tokenizaton')"
    got = expect_int(damage(byt5, "tokenization", "tokenizaton"), what)
    assert got == 1, f"{what} returned {got} for one deleted byte"
    what = "typo_damage(GPT-2, 'The tokenization works.', 'The tokenizaton works.')"
    got = expect_int(damage(gpt2, "The tokenization works.", "The tokenizaton works."), what)
    assert got == 2, f"{what} returned {got}"
