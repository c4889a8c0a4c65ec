"""Byte-Pair Encoding (BPE): learn a vocabulary by repeatedly merging the most frequent pair.

A language model reads integers, not text. Byte-level BPE starts from the 256 possible bytes
(so every string can be written down: nothing is ever out of vocabulary) and learns, from
training text, which neighbouring tokens occur together so often that they deserve an id of
their own:

    text         "low lower lowest"
    pre-tokens   ["low", " lower", " lowest"]          (GPT-2's regex: words stay apart)
    bytes        [l o w] [␠ l o w e r] [␠ l o w e s t]
    merge 1      (o, w)  -> "ow"    [l ow] [␠ l ow e r] [␠ l ow e s t]
    merge 2      (l, ow) -> "low"   [low] [␠ low e r] [␠ low e s t]
    ...

Each merge adds one token, so the vocabulary size is 256 + #special tokens + #merges. Common
words end up as one token, rare words as a few pieces, and unseen strings fall back to bytes:
the middle ground between characters (long sequences) and words (unknown words).

Two rules keep the result well defined:
- Merges never cross a pre-token boundary, so " dog." never becomes one token spanning the
  space, the word and the full stop in arbitrary ways, and never cross a special token.
- When several pairs are equally frequent, the lexicographically greatest pair of bytes wins
  (Stanford CS336's convention), so every correct trainer learns the same merges.
"""

from __future__ import annotations

from typing import Sequence

import regex

# GPT-2's pre-tokenization pattern: contractions, letters, numbers, other symbols, and
# whitespace. `\s+(?!\S)` leaves the last space of a run to the next word (" word").
GPT2_SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
GPT2_SPLIT_RE = regex.compile(GPT2_SPLIT_PATTERN)


def get_pair_counts(ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """Count every pair of neighbouring ids.

    Input: a sequence of ints (not modified). Output: ``{(a, b): count}`` for each adjacent
    pair. Example: ``get_pair_counts([1, 2, 3, 1, 2]) == {(1, 2): 2, (2, 3): 1, (3, 1): 1}``.
    A sequence shorter than 2 has no pairs: ``{}``.

    The trap: occurrences overlap here. ``[1, 1, 1]`` holds the pair ``(1, 1)`` twice (positions
    0–1 and 1–2): ``{(1, 1): 2}``, even though only one of them can be merged.

    Lesson: course/m1_tokenization.md#how-bpe-builds-a-vocabulary
    """
    raise NotImplementedError('The count of every pair of neighbouring ids; lesson section “How BPE builds a vocabulary” (course/m1_tokenization.md#how-bpe-builds-a-vocabulary).')


def merge_pair(ids: Sequence[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every occurrence of ``pair`` in ``ids`` by ``new_id``.

    Input: the ids (not modified), the pair ``(a, b)`` and the id of the merged token. Output: a
    new list. Example: ``merge_pair([5, 6, 7, 5, 6], (5, 6), 9) == [9, 7, 9]``.

    The trap: scan left to right and never let two matches overlap; after a match jump two
    places. ``merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]``, not ``[9, 9]`` (there is only one
    middle 1 to give away).

    Lesson: course/m1_tokenization.md#how-bpe-builds-a-vocabulary
    """
    raise NotImplementedError('The ids with every occurrence of the pair replaced by the new id; lesson section “How BPE builds a vocabulary” (course/m1_tokenization.md#how-bpe-builds-a-vocabulary).')


def pretokenize(text: str, special_tokens: Sequence[str] = ()) -> list[str]:
    """Split ``text`` into pre-tokens: the pieces that BPE merges may never cross.

    Special tokens (e.g. ``"<|endoftext|>"``) are cut out first and each occurrence is one item
    of its own; the text between them is split with ``GPT2_SPLIT_RE`` (use ``findall``).
    Nothing is lost: ``"".join(pretokenize(text, specials)) == text`` always.

    Example: ``pretokenize("Hi there!<|endoftext|>Bye", ["<|endoftext|>"])
    == ["Hi", " there", "!", "<|endoftext|>", "Bye"]``.

    The traps:
    - Overlapping special tokens: scanning left to right, at each position the *longest*
      special token starting there wins, so with both ``"<|endoftext|>"`` and
      ``"<|endoftext|><|endoftext|>"`` registered, ``"<|endoftext|><|endoftext|>"`` is one item.
    - Special tokens are literal strings: ``"a|b"`` or ``"[x]"`` must not act as a regex.
    - An empty special token raises ``ValueError``; duplicates are ignored.
    - The regex runs on each piece between special tokens separately, so
      ``"a <|endoftext|>"`` gives ``["a", " ", "<|endoftext|>"]``.

    Lesson: course/m1_tokenization.md#how-bpe-builds-a-vocabulary
    """
    raise NotImplementedError('The pre-tokens of the text, special tokens included as items of their own; lesson section “How BPE builds a vocabulary” (course/m1_tokenization.md#how-bpe-builds-a-vocabulary).')


def train_bpe(
    text: str, vocab_size: int, special_tokens: Sequence[str] = ()
) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """Learn a byte-level BPE vocabulary of ``vocab_size`` tokens from ``text``.

    Output ``(vocab, merges)``:
    - ``vocab``: ids 0–255 are the single bytes (``vocab[i] == bytes([i])``), then the special
      tokens in the order given (their UTF-8 bytes), then one token per merge in merge order.
      ``vocab_size`` counts all three.
    - ``merges``: the merged pairs ``(left_bytes, right_bytes)`` in the order learned; merge
      ``k`` creates token ``256 + len(special_tokens) + k`` whose bytes are ``left + right``.

    Algorithm: count the pre-tokens of ``pretokenize(text, special_tokens)`` (special tokens
    themselves never take part in a pair), write each as its bytes, then repeat: merge the most
    frequent adjacent pair in every pre-token. Ties go to the lexicographically greatest pair
    ``(bytes, bytes)``, e.g. ``(b"s", b"t")`` beats ``(b"e", b"s")``. Stop at ``vocab_size`` or
    when no pair is left.

    Example: ``train_bpe("aaab", 257)`` merges ``(b"a", b"a")`` (count 2 beats ``(b"a", b"b")``'s 1).

    The traps:
    - Ties compare the pairs' bytes, never their ids: ``(b"ab", b"c")`` beats
      ``(b"a", b"bcd")`` because ``b"ab" > b"a"``, whatever ids the tokens have.
    - Speed: recounting every pair after every merge is far too slow. Keep the counts and, for
      each pair, the pre-tokens that contain it; after a merge update only those pre-tokens.
    - Duplicate special tokens count once; ``vocab_size < 256 + len(special_tokens)`` raises
      ``ValueError``.

    Lesson: course/m1_tokenization.md#how-bpe-builds-a-vocabulary
    """
    raise NotImplementedError('The training loop that learns the merges and builds the vocabulary; lesson section “How BPE builds a vocabulary” (course/m1_tokenization.md#how-bpe-builds-a-vocabulary).')


