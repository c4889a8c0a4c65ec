"""Byte-level models: no vocabulary to learn, no word the tokenizer has never seen.

ByT5 reads UTF-8 bytes, CANINE reads Unicode code points. Neither has merges, so neither
has an "unknown" token, a typo costs one symbol instead of reshuffling several subwords,
and every script is treated the same way. The price is length:

    text        "naïve 👍"
    UTF-8       6e 61 c3 af 76 65 20 f0 9f 91 8d            11 bytes
    ByT5        113 100 198 178 121 104 35 243 162 148 144 1 11 ids + EOS
    CANINE      [CLS] n a ï v e ␠ 👍 [SEP]                  7 code points + 2
    GPT-4       "na" "ï" "ve" " �" "�"                     5 tokens (the emoji split in two)

Attention costs grow with the square of the length, so a 4x longer sequence is about 16x
the attention work: byte-level models pay off where subword vocabularies fail (many
scripts, noisy text, spelling-sensitive tasks), not on clean English.

ByT5 (Xue et al., 2022): id = byte + 3, because 0, 1, 2 are <pad>, </s>, <unk>.
CANINE (Clark et al., 2022): one id per code point, [CLS] = U+E000 and [SEP] = U+E001 from
the Private Use Area; a code point is embedded by hashing it into several small tables
(multi-hash embedding) instead of looking it up in a table of 1.1 million rows.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

BYT5_PAD, BYT5_EOS, BYT5_UNK = 0, 1, 2
BYT5_OFFSET = 3  # the three special ids come first, so byte b has id b + 3
BYT5_MAX_ID = 255 + BYT5_OFFSET  # 258; ids from 259 on are ByT5's 125 sentinel <extra_id_*>

CANINE_CLS = 0xE000
CANINE_SEP = 0xE001
CANINE_PRIMES = [31, 43, 59, 61, 73, 97, 103, 113, 137, 149, 157, 173, 181, 193, 211, 223]
MAX_CODEPOINT = 0x10FFFF


def byt5_encode(text: str, add_eos: bool = True) -> list[int]:
    """ByT5 ids of `text`: each UTF-8 byte `b` becomes `b + 3`, then EOS (1) when `add_eos`.

    Input: any str. Output: list of ints in 3..258, plus a final 1 when `add_eos`.

        byt5_encode("hi")           -> [107, 108, 1]
        byt5_encode("é", False)     -> [198, 172]       # é is two bytes: c3 a9

    Trap: iterate over the UTF-8 bytes, not over the characters (`ord("é") + 3` is one id,
    ByT5 sees two), and do not forget the offset of 3 for pad, eos and unk.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError("ByT5's ids for the text's UTF-8 bytes; lesson section “No tokenizer at all: bytes and characters”.")


def byt5_decode(ids: Iterable[int]) -> str:
    """The text behind ByT5 ids: drop pad/eos/unk (0, 1, 2), subtract 3, decode UTF-8.

    Input: ids in 0..258. Output: str. Bytes that do not form valid UTF-8 (a sequence cut in
    the middle of a character) are dropped, as `ByT5Tokenizer.decode` does with
    `errors="ignore"`.

        byt5_decode([107, 108, 1])        -> "hi"
        byt5_decode([198, 1, 172])        -> "é"      # specials are removed first
        byt5_decode([243, 162, 148])      -> ""       # 3 of the 4 bytes of an emoji

    Trap: `errors="strict"` crashes on a model's half-finished character; and an id from
    259 on (a sentinel such as <extra_id_0>) or below 0 is not a byte: raise ValueError
    instead of producing a wrong byte.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError('Text back from ByT5 ids, and rejecting ids that are not ByT5 byte ids; lesson section “No tokenizer at all: bytes and characters”.')


def canine_encode(text: str) -> list[int]:
    """CANINE ids of `text`: [CLS] (0xE000), one id per Unicode code point, [SEP] (0xE001).

    Input: any str. Output: list of ints of length `len(text) + 2`.

        canine_encode("hi") -> [57344, 104, 105, 57345]
        canine_encode("👍") -> [57344, 128077, 57345]    # one code point, four UTF-8 bytes

    Trap: a code point is not a byte (do not encode to UTF-8) and not a UTF-16 unit (an
    emoji is one id, not a surrogate pair).

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError("CANINE's ids for the text, one per character between its two special ids; lesson section “No tokenizer at all: bytes and characters”.")


def canine_hash_buckets(codepoints: Sequence[int] | np.ndarray, num_hashes: int = 8,
                        num_buckets: int = 16384) -> np.ndarray:
    """CANINE's multi-hash: the bucket of each code point in each of `num_hashes` tables.

    Hash `h` of code point `c` is `((c + 1) * CANINE_PRIMES[h]) % num_buckets`; CANINE
    embeds a character as the concatenation of the rows it lands on in each table, so two
    characters that collide in one table almost never collide in all of them.

    Input: a 1-D sequence of code points (e.g. `canine_encode(text)`), 1 <= num_hashes <= 16,
    num_buckets >= 1. Output: int64 array of shape `[n, num_hashes]`.

        canine_hash_buckets([0], num_hashes=2) -> array([[31, 43]])
        canine_hash_buckets([104], 1, 100)     -> array([[55]])       # 105 * 31 % 100

    Trap: the `+ 1` (so code point 0 does not land in bucket 0 of every table); and there
    are only 16 primes, so more hashes than that (or a code point outside 0..0x10FFFF, or a
    2-D input) is a ValueError, not a silent wrap-around.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError("CANINE's hash buckets of each code point, one column per hash, and rejecting bad input; lesson section “No tokenizer at all: bytes and characters”.")


def sequence_lengths(count_tokens: Callable[[str], int],
                     texts: dict[str, str]) -> dict[str, dict[str, int]]:
    """How long each text is for ByT5, for CANINE and for a subword tokenizer.

    Input: `count_tokens(text)` gives a subword tokenizer's token count (no special
    tokens); `texts` maps a language code to its text. Output: for each language, in the
    order of `texts`, `{"byt5": ..., "canine": ..., "subword": ...}`: ByT5 ids and CANINE
    ids of the text alone, without EOS, [CLS] or [SEP].

        sequence_lengths(gpt4_count, {"en": "hello", "hi": "नमस्ते"})
        -> {"en": {"byt5": 5, "canine": 5, "subword": 1},
            "hi": {"byt5": 18, "canine": 6, "subword": ...}}

    Trap: ByT5 counts bytes, so a Devanagari character costs it 3 ids while CANINE pays 1;
    leave the special tokens out or short texts look longer than they are.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError('The three sequence lengths of every language; lesson section “No tokenizer at all: bytes and characters”.')


def token_edit_distance(a: Sequence[int], b: Sequence[int]) -> int:
    """Levenshtein distance between two id sequences (insert, delete, substitute cost 1).

    Input: two sequences of ids. Output: the least number of single-id edits turning `a`
    into `b`.

        token_edit_distance([1, 2, 3], [1, 3])      -> 1
        token_edit_distance([], [4, 5])             -> 2

    Trap: it is not the number of positions that differ (`[1, 2, 3]` and `[2, 3]` differ at
    every position but are one deletion apart); keep a full dynamic-programming row.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError('The Levenshtein distance between two id sequences; lesson section “No tokenizer at all: bytes and characters”.')


def typo_damage(encode: Callable[[str], list[int]], clean: str, noisy: str) -> int:
    """How many ids a typo changes: the edit distance between `encode(clean)` and `encode(noisy)`.

    Input: an encoder (text -> ids, no special tokens) and two versions of a text.
    Output: an int.

        typo_damage(byt5_ids, "tokenization", "tokenizaton")   -> 1   (one byte deleted)
        typo_damage(gpt2_ids, "tokenization", "tokenizaton")   -> 2   ("token" "ization"
                                                                     became "token" "iz" "aton")

    Trap: compare the id sequences, not the texts: the point is what the model sees.

    Lesson: course/m3_tokenizer_zoo.md#no-tokenizer-at-all-bytes-and-characters
    """
    raise NotImplementedError('How many edits a typo costs once both texts are encoded; lesson section “No tokenizer at all: bytes and characters”.')
