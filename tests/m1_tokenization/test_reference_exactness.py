"""The Module 1 reference is exact: its trainer against a naive CS336-style oracle, its GPT-2
tokenizer against Hugging Face ``tokenizers`` and tiktoken built from the same files.

The hidden tests grade students against the reference, so the reference itself is checked here
against independent implementations: a trainer that recounts every pair after every merge (slow
but obviously right) and two production tokenizers.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SOLUTION_DIR = Path(__file__).resolve().parents[2] / "solutions" / "m1_tokenization"
PACKAGE = "_reference_m1_tokenization"


def _load_reference():
    """Import solutions/m1_tokenization under a private name, so that a stub or a submission
    imported as ``m1_tokenization`` elsewhere in the same pytest run cannot shadow it."""
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE, SOLUTION_DIR / "__init__.py", submodule_search_locations=[str(SOLUTION_DIR)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return (
        importlib.import_module(f"{PACKAGE}.bpe"),
        importlib.import_module(f"{PACKAGE}.tokenizer"),
    )


bpe, tokenizer_module = _load_reference()
BPETokenizer = tokenizer_module.BPETokenizer

EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the oracle trainer
def oracle_train_bpe(text: str, vocab_size: int, special_tokens=()):
    """CS336 semantics, written for clarity: split out special tokens (longest first), count the
    GPT-2 pre-tokens as tuples of bytes, then recount every pair after every merge and merge the
    most frequent one, ties to the greatest (bytes, bytes)."""
    specials = list(dict.fromkeys(special_tokens))
    vocab = {i: bytes([i]) for i in range(256)}
    for s in specials:
        vocab[len(vocab)] = s.encode("utf-8")
    pieces = [text]
    if specials:
        pieces = regex.split("|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True)), text)
    words: Counter = Counter()
    for piece in pieces:
        for match in regex.finditer(GPT2_PATTERN, piece):
            words[tuple(bytes([b]) for b in match.group().encode("utf-8"))] += 1
    merges = []
    while len(vocab) < vocab_size:
        pairs: Counter = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=lambda pair: (pairs[pair], pair))
        merges.append(best)
        vocab[len(vocab)] = best[0] + best[1]
        merged_words: Counter = Counter()
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged_words[tuple(out)] += count
        words = merged_words
    return vocab, merges


CODE = '''def merge(ids, pair, idx):
    """Merge pairs."""
    out = []
    for i in range(len(ids)):   # loop
        if ids[i:i + 2] == list(pair):
            out.append(idx)
    return out  # done


class Tokenizer:
    pass
'''

TRAINING_CASES = {
    "tiny": ((SOLUTION_DIR / "data" / "tiny.txt").read_text(encoding="utf-8"), 300, ()),
    "ties": ("ab ab cd cd ef ef gh gh ba ba dc dc", 280, ()),
    "special tokens": (f"the cat{EOT}the hat{EOT}{EOT} at the{EOT}at" * 3, 300, (EOT,)),
    "overlapping specials": (f"xy{EOT}{EOT}yx{EOT}x{EOT}{EOT}{EOT}yy aa<|a|>a<|a|><|b|>b", 290, (EOT, EOT + EOT, "<|a|>", "<|a|><|b|>", EOT)),
    "multilingual": ("Grüße aus München! Über die Straße. 日本語のテキスト 日本 中文文本 👋🏽👋🏽 emoji 🇩🇪🇩🇪 " * 4, 400, ()),
    "code": (CODE * 3, 400, ()),
    "whitespace": ("a  b   c    d\n\n\n  e\t\tf  \r\n  " * 5, 300, ()),
    "corpus slice": ((SOLUTION_DIR / "data" / "corpus.txt").read_text(encoding="utf-8")[:25_000], 256 + 1 + 400, (EOT,)),
}


@pytest.mark.parametrize("name", list(TRAINING_CASES))
def test_train_bpe_equals_oracle(name):
    text, vocab_size, specials = TRAINING_CASES[name]
    assert bpe.train_bpe(text, vocab_size, specials) == oracle_train_bpe(text, vocab_size, specials)


def test_hand_checked_merges():
    # Sennrich's example: (e, s) and (s, t) are both 9; (s, t) is the greater pair.
    _, merges = bpe.train_bpe(TRAINING_CASES["tiny"][0], 258)
    assert merges == [(b"s", b"t"), (b"e", b"st")]
    # (a, b), (c, d), (space, c) ... all twice: the greatest is (c, d).
    _, merges = bpe.train_bpe("ab ab cd cd", 257)
    assert merges == [(b"c", b"d")]
    # Bytes decide ties, not ids: b"\xc3" (from "é") beats every ASCII byte.
    _, merges = bpe.train_bpe("é zz", 257)
    assert merges == [(b"\xc3", b"\xa9")]


def test_merges_never_cross_pretokens_or_specials():
    _, merges = bpe.train_bpe(f"a.{EOT}" * 20 + " a.a.a", 300, (EOT,))
    for left, right in merges:
        token = left + right
        assert b"<" not in token and b">" not in token  # nothing of a special token is merged
        assert not (b"a" in token and b"." in token)  # letters and punctuation are apart
    vocab, merges = bpe.train_bpe("ab" * 50, 300)
    assert len(vocab) == 256 + len(merges) < 300  # stops when no pair is left


@SETTINGS
@given(
    pieces=st.lists(st.sampled_from(["a", "b", "ab", " ", "  ", "\n", "é", "x1", "'s", EOT, "<|a|>", "!"]), max_size=60),
    extra=st.integers(0, 40),
    specials=st.sampled_from([(), (EOT,), (EOT, "<|a|>"), ("<|a|>", EOT, "<|a|>")]),
)
def test_train_bpe_equals_oracle_on_random_text(pieces, extra, specials):
    text = "".join(pieces)
    vocab_size = 256 + len(set(specials)) + extra
    assert bpe.train_bpe(text, vocab_size, specials) == oracle_train_bpe(text, vocab_size, specials)


def test_train_bpe_rejects_bad_input():
    with pytest.raises(ValueError):
        bpe.train_bpe("abc", 256, (EOT,))
    with pytest.raises(ValueError):
        bpe.train_bpe("abc", 300, ("",))
    vocab, _ = bpe.train_bpe("abc", 257, (EOT, EOT))  # duplicates count once
    assert vocab[256] == EOT.encode() and len(vocab) == 257


# --------------------------------------------------------------------------- GPT-2, three ways
@pytest.fixture(scope="module")
def gpt2():
    """Our tokenizer, Hugging Face's and tiktoken's, all from the same encoder.json + vocab.bpe,
    with <|endoftext|> and an overlapping longer special token registered."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    import tiktoken

    vocab_path, merges_path = tokenizer_module.gpt2_files()
    specials = [EOT, EOT + EOT]
    ours = BPETokenizer.from_files(vocab_path, merges_path, specials)

    hf = Tokenizer(models.BPE.from_file(str(vocab_path), str(merges_path)))
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.decoder = decoders.ByteLevel()
    hf.add_special_tokens(specials)

    byte_of = {ch: b for b, ch in tokenizer_module.gpt2_bytes_to_unicode().items()}
    encoder = json.loads(Path(vocab_path).read_text(encoding="utf-8"))
    ranks = {bytes(byte_of[ch] for ch in token): i for token, i in encoder.items() if token != EOT}
    # Longest special first: a leftmost-first regex of special tokens then prefers the longer.
    tk = tiktoken.Encoding(
        "gpt2_from_files", pat_str=GPT2_PATTERN, mergeable_ranks=ranks,
        special_tokens={EOT + EOT: 50257, EOT: 50256},
    )
    return ours, hf, tk


GPT2_TEXTS = {
    "english": "Hello world! The quick brown fox doesn't jump; it's 3.14 times lazier than we'd think.",
    "german": "Grüße aus München: Die Straße ist naß, und der Bär läuft über die Brücke.",
    "cjk": "日本語のテキストと中文文本，还有한국어 텍스트。",
    "emoji": "emoji 👋🏽 👨‍👩‍👧 🇩🇪 ❤️ and a 🐍",
    "code": CODE,
    "whitespace": "a   b    \n\n  \t c   \r\n\r\n    ",
    "only spaces": "     ",
    "specials": f"Hello{EOT}world {EOT} again{EOT}",
    "overlapping specials": f"x{EOT}{EOT}{EOT}y{EOT}{EOT}",
    "partial special": "<|endoftext| <|endof",
    "contractions": "I'll we've they're 'll 'LL ' s",
    "numbers": "1234567890 12,345.6789 2024-01-01",
    "empty": "",
}


@pytest.mark.parametrize("name", list(GPT2_TEXTS))
def test_gpt2_files_match_tokenizers_and_tiktoken(gpt2, name):
    ours, hf, tk = gpt2
    text = GPT2_TEXTS[name]
    ids = ours.encode(text)
    assert ids == hf.encode(text).ids
    assert ids == tk.encode(text, allowed_special="all")
    assert ours.decode(ids) == text


def test_gpt2_known_ids(gpt2):
    ours, _, _ = gpt2
    assert ours.encode("Hello world") == [15496, 995]
    assert ours.encode(EOT + EOT) == [50257]


@SETTINGS
@given(text=st.text(max_size=200))
def test_gpt2_matches_tiktoken_on_any_text(gpt2, text):
    ours, _, tk = gpt2
    ids = ours.encode(text)
    assert ids == tk.encode_ordinary(text)
    assert ours.decode(ids) == text


# --------------------------------------------------------------------------- tokenizer behaviour
@pytest.fixture(scope="module")
def small_tokenizer():
    text = (SOLUTION_DIR / "data" / "corpus.txt").read_text(encoding="utf-8")[:40_000]
    vocab, merges = bpe.train_bpe(text, 256 + 1 + 300, (EOT,))
    return BPETokenizer(vocab, merges, [EOT, EOT + EOT, "<|a|>"])


@pytest.fixture(scope="module")
def gpt2_without_specials():
    return BPETokenizer.from_files(*tokenizer_module.gpt2_files())


@SETTINGS
@given(text=st.text(max_size=300))
def test_round_trip_any_text(small_tokenizer, text):
    assert small_tokenizer.decode(small_tokenizer.encode(text)) == text


CHUNKY_TEXT = st.lists(
    st.one_of(
        st.sampled_from([EOT, "<|endof", "text|>", "<|a|>", "<|", " ", "   ", "\n\n", "'", "ll", "l", "s", "é", "👋🏽", "12"]),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@SETTINGS
@given(text=CHUNKY_TEXT, cuts=st.lists(st.integers(0, 400), max_size=12))
def test_encode_iterable_equals_encode_for_any_chunking(gpt2, gpt2_without_specials, small_tokenizer, text, cuts):
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    chunks = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    # Without special tokens nothing is held back for them, so pre-token boundaries show.
    for tok in (gpt2[0], small_tokenizer, gpt2_without_specials):
        assert list(tok.encode_iterable(chunks)) == tok.encode(text)
        assert list(tok.encode_iterable(iter(text))) == tok.encode(text)  # one character at a time


def test_encode_iterable_is_lazy(gpt2):
    ours = gpt2[0]
    period = ["Hello wor", "ld, hello ", "world. ", EOT[:5], EOT[5:]]
    endless = itertools.cycle(period)  # never ends: only a lazy encoder returns
    first = list(itertools.islice(ours.encode_iterable(endless), 50))
    assert first == (ours.encode("".join(period)) * 50)[:50]


def test_special_tokens_appended_lowest_id_and_unknown_ids():
    vocab = {i: bytes([i]) for i in range(256)}
    vocab[7] = vocab[256] = vocab[300] = b"ab"  # three ids hold b"ab": the lowest, 7, is emitted
    tok = BPETokenizer(vocab, [(b"a", b"b")], ["<|x|>", "<|y|>"])
    assert tok.encode("ab") == [7]
    assert tok.encode("<|x|><|y|>") == [301, 302]  # appended at max(vocab) + 1, in order
    assert tok.decode([7, 301]) == "ab<|x|>"
    with pytest.raises((KeyError, ValueError)):
        tok.decode([10_000])
    assert tok.decode([0xC3]) == "\ufffd"  # half a character
