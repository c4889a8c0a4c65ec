"""Hidden tests: BPETokenizer.from_files with GPT-2's own files must encode exactly as GPT-2.

Each test first checks what from_files loaded (the vocabulary and the merges, read from the
tokenizer's public attributes) against the files read on the trusted side, so a wrong loader is
told apart from a wrong encode or decode.
"""

import functools

import pytest

from autograder.checks import expect_dict, expect_list, expect_pairs, expect_str
from m1_helpers import ENDOFTEXT, GPT2_TEXTS, difference, gpt2_files, gpt2_ids, shown, student_gpt2

TOKENIZER = "m1_tokenization.tokenizer"


@functools.cache
def gpt2_tables(solution, special_tokens: tuple) -> tuple[dict, list]:
    tok = solution.function(TOKENIZER, "BPETokenizer.from_files")(*gpt2_files(), list(special_tokens))
    return tok.vocab, [tuple(m) for m in tok.merges]


def loaded_gpt2(student, solution, special_tokens=()):
    """The student's from_files on GPT-2's files, after checking the vocabulary and merges it loaded."""
    tok = student_gpt2(student, special_tokens)
    vocab = expect_dict(tok.fetch("vocab"), "from_files(...).vocab", keys=int, values=bytes)
    merges = expect_pairs(tok.fetch("merges"), "from_files(...).merges", of=bytes)
    want_vocab, want_merges = gpt2_tables(solution, tuple(special_tokens))
    assert len(merges) == len(want_merges), (
        f"from_files loaded {len(merges)} merges; vocab.bpe holds {len(want_merges)} (after its '#version' line)")
    if merges != want_merges:
        index = next(i for i, (a, b) in enumerate(zip(merges, want_merges)) if a != b)
        raise AssertionError(f"from_files loaded merge {index} as {merges[index]!r}; line {index + 2} of vocab.bpe "
                             f"means {want_merges[index]!r} once GPT-2's characters are mapped back to bytes")
    assert len(vocab) == len(want_vocab), f"from_files loaded {len(vocab)} tokens; expected {len(want_vocab)}"
    wrong = next((i for i in sorted(want_vocab) if vocab.get(i) != want_vocab[i]), None)
    assert wrong is None, (f"from_files loaded token {wrong} as {vocab.get(wrong)!r}; encoder.json means "
                           f"{want_vocab[wrong]!r} once GPT-2's characters are mapped back to bytes")
    return tok


def check_ids(tok, text, special_tokens, what):
    got = expect_list(tok.encode(text), shown("encode", text), of=int)
    want = gpt2_ids(text, special_tokens)
    assert got == want, (f"{what}: {shown('encode', text)} gave {difference(got, want)} (from_files loaded "
                         "the right vocabulary and merges, so encode is where it differs)")


@pytest.mark.points(1)
@pytest.mark.hint("The files write every byte as a printable character (GPT-2's bytes-to-unicode table); the tokenizer works on the bytes those characters stand for.")
@pytest.mark.deeper_hint("vocab.bpe starts with a version line that is not a merge, and the order of its lines is the order of the merges.")
@pytest.mark.parametrize("name", list(GPT2_TEXTS))
def test_gpt2_ids(student, solution, name):
    tok = loaded_gpt2(student, solution)
    check_ids(tok, GPT2_TEXTS[name], (), f"ids differ from GPT-2's on the {name} text")


@pytest.mark.points(1)
@pytest.mark.hint("<|endoftext|> is already in GPT-2's vocabulary: as a special token it keeps that id and is never split.")
def test_gpt2_endoftext(student, solution):
    tok = loaded_gpt2(student, solution, [ENDOFTEXT])
    text = f"Goodbye.{ENDOFTEXT}Hello <|endoftext|>\n\n{ENDOFTEXT}<|endoftext"
    check_ids(tok, text, (ENDOFTEXT,), "wrong ids around <|endoftext|>")


@pytest.mark.points(1)
@pytest.mark.hint("With overlapping special tokens the longest one starting at a position wins; a special token missing from the files gets a new id after the largest.")
def test_gpt2_overlapping_special_tokens(student, solution):
    specials = (ENDOFTEXT, ENDOFTEXT * 2)
    tok = loaded_gpt2(student, solution, specials)
    text = f"a{ENDOFTEXT * 3}b {ENDOFTEXT * 2} c{ENDOFTEXT}"
    check_ids(tok, text, specials, "wrong ids with overlapping special tokens")


@pytest.mark.points(1)
@pytest.mark.hint("Decoding GPT-2's own ids must give the text back, multi-byte characters and special tokens included.")
def test_gpt2_decode(student, solution):
    tok = loaded_gpt2(student, solution, [ENDOFTEXT])
    for name, text in GPT2_TEXTS.items():
        text = text + ENDOFTEXT
        ids = gpt2_ids(text, (ENDOFTEXT,))
        got = expect_str(tok.decode(ids), shown("decode", ids))
        assert got == text, f"decoding GPT-2's ids of the {name} text gave {got[:40]!r}…, not the text"
