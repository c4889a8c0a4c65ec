"""Public tests for bpe.py. Run them with `pytest` in this folder; the grader also runs hidden
tests of the same functions (more cases, the same rules)."""

from pathlib import Path

import pytest

BPE = "m1_tokenization.bpe"
TINY = (Path(__file__).resolve().parents[1] / "data" / "tiny.txt").read_text(encoding="utf-8")


@pytest.mark.points(1)
@pytest.mark.hint("Count every adjacent pair, overlapping ones included: [1, 1, 1] holds (1, 1) twice.")
def test_get_pair_counts(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    assert get_pair_counts([1, 2, 3, 1, 2]) == {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    assert get_pair_counts([1, 1, 1]) == {(1, 1): 2}
    assert get_pair_counts([42]) == {}


@pytest.mark.points(2)
@pytest.mark.hint("Scan left to right; on a match emit new_id and jump two places, so matches never overlap.")
def test_merge_pair(student):
    merge_pair = student.function(BPE, "merge_pair")
    assert merge_pair([5, 6, 7, 5, 6], (5, 6), 9) == [9, 7, 9]
    assert merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]
    assert merge_pair([1, 2, 3], (3, 1), 9) == [1, 2, 3]


@pytest.mark.points(1)
@pytest.mark.hint("Cut out the special tokens first, then split each piece between them with GPT2_SPLIT_RE.findall.")
def test_pretokenize(student):
    pretokenize = student.function(BPE, "pretokenize")
    assert pretokenize("Hi there!<|endoftext|>Bye", ["<|endoftext|>"]) == [
        "Hi", " there", "!", "<|endoftext|>", "Bye"]
    assert pretokenize("a  b   ") == ["a", " ", " b", "   "]


@pytest.mark.points(1)
@pytest.mark.hint("At each position the longest special token starting there wins: sort the special tokens longest first.")
def test_pretokenize_longest_special_token_wins(student):
    pretokenize = student.function(BPE, "pretokenize")
    eot = "<|endoftext|>"
    assert pretokenize(eot * 3, [eot, eot * 2]) == [eot * 2, eot]


@pytest.mark.points(2)
@pytest.mark.hint(
    "Most frequent pair first; on a tie the greatest pair (bytes, bytes) wins, so (b's', b't') "
    "beats (b'e', b's'). Count pairs inside pre-tokens, weighted by how often each occurs."
)
def test_train_bpe_on_the_classic_example(student):
    train_bpe = student.function(BPE, "train_bpe")
    # "low" x5, " lower" x2, " widest" x3, " newest" x6 (as pre-tokens).
    vocab, merges = train_bpe(TINY, 256 + 5)
    assert list(merges) == [(b"s", b"t"), (b"e", b"st"), (b"o", b"w"), (b"l", b"ow"), (b"w", b"est")]
    assert vocab[256] == b"st" and vocab[260] == b"west"


@pytest.mark.points(1)
@pytest.mark.hint("ids 0-255 are the bytes, then the special tokens in order, then one token per merge.")
def test_train_bpe_vocabulary_layout(student):
    train_bpe = student.function(BPE, "train_bpe")
    vocab, merges = train_bpe(TINY, 256 + 1 + 3, ["<|endoftext|>"])
    assert len(vocab) == 260 and len(merges) == 3
    assert vocab[0] == b"\x00" and vocab[65] == b"A" and vocab[255] == b"\xff"
    assert vocab[256] == b"<|endoftext|>"
    assert vocab[257] == b"st"


@pytest.mark.points(1)
@pytest.mark.hint("On a tie, compare the pairs of bytes and take the greatest: (b'b', b'c') > (b' ', b'b').")
def test_train_bpe_tie_break(student):
    train_bpe = student.function(BPE, "train_bpe")
    _, merges = train_bpe(" bc", 257)
    assert list(merges) == [(b"b", b"c")]
