"""Unigram: SentencePiece's tokenizer (T5, ALBERT, XLNet, mBART; Llama 2 and Gemma with byte fallback).

A Unigram model is a vocabulary where every piece has a log-probability, and the probability
of a segmentation is the product of its pieces' probabilities. Encoding picks the most
probable segmentation among ALL of them, not the one a sequence of merges leads to. The
segmentations of a text form a lattice: one node per position, one edge per piece that
matches there, and Viterbi finds the best path in one sweep from left to right:

    text "▁hugs"     pieces: ▁ -3.0  ▁h -5.0  ▁hug -4.0  hug -4.5  h -4.0  u -4.2  g -4.1
                             s -3.5  gs -6.0  ugs -8.0

    position   0     1     2     3     4
               ▁ ─── h ─── u ─── g ─── s
               ├─▁h──────┤
               ├─▁hug──────────────┤
                     ├─hug─────────┤
                           ├─ugs───────┤      ...

    best[i] = max over pieces p ending at i of best[i - len(p)] + score(p)
    best path: "▁hug" (-4.0) + "s" (-3.5) = -7.5

Training (the other direction) starts from a large vocabulary and alternates
expectation-maximization with pruning: the E-step counts how often each piece is used,
averaged over all segmentations of each word weighted by their probabilities (forward–
backward on the same lattice); the M-step turns those expected counts into new
log-probabilities; then the pieces whose removal costs the corpus least likelihood go.

A character that no piece covers is unknown. Most SentencePiece models emit `<unk>` for it;
Llama 2's and Gemma's models instead spell it out as its UTF-8 bytes, `<0xF0> <0x9F> ...`,
from 256 byte pieces in the vocabulary ("byte fallback"), so nothing is ever unknown.

Kudo (2018) "Subword Regularization"; Kudo & Richardson (2018) "SentencePiece".
"""

from __future__ import annotations

import math
from typing import Mapping

UNK_PENALTY = 10.0  # an unknown character scores this far below the rarest piece




def unigram_segment(text: str, pieces: Mapping[str, float], unk_piece: str = "<unk>") -> list[str]:
    """The most probable segmentation of `text` (Viterbi), as a list of pieces.

    `pieces` maps each piece to its log-probability. The best segmentation maximizes the sum
    of its pieces' scores. A character that has no single-character piece may also be read as
    unknown, scoring `min(pieces.values()) - 10`; a run of consecutive unknown characters
    comes out as one `unk_piece`. No pre-tokenization: spaces are characters like any other
    (SentencePiece models write them as "▁" before segmenting).

    Input: any str, a non-empty piece -> log-probability mapping. Output: list of pieces
    (and `unk_piece`s) whose concatenation is `text` with each unknown run replaced.

        pieces = {"a": -1.0, "b": -2.0, "ab": -2.5}
        unigram_segment("abab", pieces)     -> ["ab", "ab"]         (-5.0 beats -6.0)
        unigram_segment("axyb", pieces)     -> ["a", "<unk>", "b"]  ("xy" has no piece)

    Trap: the best path is the highest total score, not the fewest or the longest pieces
    (a greedy longest match is not Viterbi), and the scores are log-probabilities: add them,
    do not multiply. Empty `pieces` is a ValueError.

    Lesson: course/m3_tokenizer_zoo.md#unigram-the-most-probable-segmentation
    """
    raise NotImplementedError('Viterbi over the lattice of pieces, unknown characters fused into one piece; lesson section “Unigram: the most probable segmentation”.')


def unigram_em_step(word_counts: Mapping[str, int],
                    pieces: Mapping[str, float]) -> dict[str, float]:
    """One expectation-maximization step of Unigram training: new log-probabilities.

    E-step: for each word, the expected number of times each piece is used, averaged over ALL
    segmentations of the word, each weighted by its probability (the product of its pieces'
    probabilities, normalized over the word's segmentations); multiply by the word's count and
    add up. M-step: divide each piece's expected count by the total and take the log; a piece
    with expected count 0 gets `-math.inf`.

    Input: word -> count (a word's characters are covered by pieces only, no unknowns),
    piece -> log-probability. Output: a dict with the same keys as `pieces`.

        pieces = {"a": log(0.5), "b": log(0.25), "ab": log(0.25)}
        "ab" has two segmentations: a+b (0.5 * 0.25 = 0.125) and ab (0.25), so
        P(a+b) = 1/3, P(ab) = 2/3; expected counts a: 1/3, b: 1/3, ab: 2/3 (total 4/3)
        unigram_em_step({"ab": 1}, pieces) -> {"a": log(0.25), "b": log(0.25), "ab": log(0.5)}

    Trap: counting only the best (Viterbi) segmentation is "hard EM" and gives other numbers;
    enumerating every segmentation is exponential in the word length, so sum over the
    lattice with forward and backward scores; work in log space (or the products underflow).
    A word that no segmentation covers, or empty `pieces`: ValueError.

    Lesson: course/m3_tokenizer_zoo.md#training-expectation-maximization-then-pruning
    """
    raise NotImplementedError("Forward–backward over each word's lattice for the expected counts, then renormalize; lesson section “Training: expectation-maximization, then pruning”.")


def byte_fallback_segment(text: str, pieces: Mapping[str, float]) -> list[str]:
    """`unigram_segment`, but an unknown character is spelled out as its UTF-8 bytes.

    Each byte becomes the piece `<0xNN>` with two upper-case hex digits, one piece per byte,
    as Llama 2's and Gemma's SentencePiece models do with their 256 byte pieces: nothing is
    ever unknown.

    Input: any str, a non-empty piece -> log-probability mapping. Output: list of pieces.

        pieces = {"a": -1.0, "b": -2.0}
        byte_fallback_segment("a€b", pieces) -> ["a", "<0xE2>", "<0x82>", "<0xAC>", "b"]

    Trap: the bytes of the character, not its code point (`€` is U+20AC but three bytes);
    upper-case hex with a leading zero (`<0x0A>`, not `<0xa>`); one piece per byte, never
    fused, even when several unknown characters follow each other.

    Lesson: course/m3_tokenizer_zoo.md#byte-fallback-nothing-is-unknown
    """
    raise NotImplementedError('The same Viterbi path, each unknown character spelled as byte pieces; lesson section “Byte fallback: nothing is unknown”.')
