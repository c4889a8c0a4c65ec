"""Public tests for bpe.py. Run them with `pytest` in this folder; the grader also runs hidden
tests of the same functions (more cases, the same rules)."""

from pathlib import Path

import pytest

from autograder.checks import expect_dict, expect_list, expect_pairs, expect_tuple

BPE = "m1_tokenization.bpe"
def trained(train_bpe, *args):
    """train_bpe(*args) as (vocab, merges), their kinds checked first."""
    vocab, merges = expect_tuple(train_bpe(*args), f"train_bpe{args[1:]}", length=2)
    return (expect_dict(vocab, "train_bpe(...)'s vocab", keys=int, values=bytes),
            expect_pairs(merges, "train_bpe(...)'s merges", of=bytes))


TINY = (Path(__file__).resolve().parents[1] / "data" / "tiny.txt").read_text(encoding="utf-8")


@pytest.mark.points(1)
@pytest.mark.hint("Every adjacent pair counts, overlapping ones included.")
def test_get_pair_counts(student):
    get_pair_counts = student.function(BPE, "get_pair_counts")
    for ids, want in (([5, 6, 7], {(5, 6): 1, (6, 7): 1}), ([1, 2, 3, 1, 2], {(1, 2): 2, (2, 3): 1, (3, 1): 1}),
                      ([1, 1, 1], {(1, 1): 2}), ([42], {})):
        got = expect_dict(get_pair_counts(ids), f"get_pair_counts({ids})", keys=tuple, values=int)
        assert len(ids) < 2 or (ids[-2], ids[-1]) in got, f"get_pair_counts({ids}) = {got}: the last pair is missing"
        assert got == want


@pytest.mark.points(2)
@pytest.mark.hint("One left-to-right pass; matches never overlap, and every id without a match is kept, the last one included.")
def test_merge_pair(student):
    merge_pair = student.function(BPE, "merge_pair")
    for ids, pair, want in (([5, 6, 7, 5, 6], (5, 6), [9, 7, 9]), ([1, 1, 1], (1, 1), [9, 1]), ([1, 2, 3], (3, 1), [1, 2, 3]),
                            ([1, 1, 1, 1], (1, 1), [9, 9]), ([4, 5, 6], (6, 5), [4, 5, 6])):
        assert expect_list(merge_pair(ids, pair, 9), f"merge_pair({ids}, {pair}, 9)", of=int) == want


@pytest.mark.points(1)
@pytest.mark.hint("A special token is a pre-token of its own; the text between special tokens is split with GPT-2's pattern.")
def test_pretokenize(student):
    pretokenize = student.function(BPE, "pretokenize")
    text = "Hi there!<|endoftext|>Bye"
    got = expect_list(pretokenize(text, ["<|endoftext|>"]), "pretokenize(text, specials)", of=str)
    assert "".join(got) == text, f"pretokenize({text!r}, ['<|endoftext|>']) = {got}, which joins to {''.join(got)!r}, not the text"
    assert "<|endoftext|>" in got, f"pretokenize({text!r}, ['<|endoftext|>']) = {got}: the special token is not one item of its own"
    assert got == ["Hi", " there", "!", "<|endoftext|>", "Bye"]
    assert expect_list(pretokenize("a  b   "), "pretokenize('a  b   ')", of=str) == ["a", " ", " b", "   "]
    got = expect_list(pretokenize("x.y [x]", [".", "[x]"]), "pretokenize('x.y [x]', ['.', '[x]'])", of=str)
    assert got == ["x", ".", "y", " ", "[x]"]  # special tokens are literal text


@pytest.mark.points(1)
@pytest.mark.hint("When several special tokens start at the same position, the longest wins, whatever order they were given in.")
def test_pretokenize_longest_special_token_wins(student):
    pretokenize = student.function(BPE, "pretokenize")
    eot = "<|endoftext|>"
    got = expect_list(pretokenize(eot * 3, [eot, eot * 2]), "pretokenize(three <|endoftext|>, specials)", of=str)
    assert got == [eot * 2, eot]


@pytest.mark.points(2)
@pytest.mark.hint(
    "The most frequent pair first, counted inside pre-tokens and weighted by how often each "
    "pre-token occurs; ties are broken on the pair of bytes."
)
def test_train_bpe_on_the_classic_example(student):
    train_bpe = student.function(BPE, "train_bpe")
    # "low" x5, " lower" x2, " widest" x3, " newest" x6 (as pre-tokens).
    vocab, merges = trained(train_bpe, TINY, 256 + 5)
    crossing = [m for m in merges if b" " in (m[0] + m[1])[1:]]
    assert not crossing, f"the merge {crossing[0] if crossing else ''} joins the end of one pre-token to the start of the next"
    assert merges[:1] != [(b"e", b"s")], "the first merge is (b'e', b's'), tied with (b's', b't') at 9 each; a tie goes to the greater pair"
    assert merges[:1] == [(b"s", b"t")], (f"the first merge is {merges[:1]}; (b's', b't') is the most frequent pair when each pre-token "
                                          "counts as often as it occurs in the text")
    assert merges == [(b"s", b"t"), (b"e", b"st"), (b"o", b"w"), (b"l", b"ow"), (b"w", b"est")]
    assert vocab[256] == b"st" and vocab[260] == b"west"


@pytest.mark.points(1)
@pytest.mark.hint("The vocabulary's layout: the 256 single bytes, then the special tokens in order, then one token per merge.")
def test_train_bpe_vocabulary_layout(student):
    train_bpe = student.function(BPE, "train_bpe")
    vocab, merges = trained(train_bpe, TINY, 256 + 1 + 3, ["<|endoftext|>"])
    assert len(vocab) == 260 and len(merges) == 3
    assert vocab[0] == b"\x00" and vocab[65] == b"A" and vocab[255] == b"\xff"
    assert vocab[256] == b"<|endoftext|>"
    assert vocab[257] == b"st"


@pytest.mark.points(1)
@pytest.mark.hint("Ties between equally frequent pairs are broken on the bytes of the two tokens, compared as a pair, never on their ids.")
def test_train_bpe_tie_break(student):
    train_bpe = student.function(BPE, "train_bpe")
    _, merges = trained(train_bpe, " bc", 257)
    assert merges == [(b"b", b"c")]  # the greatest pair of bytes, not the first seen
    # After (b, b): (c, bb) ties (bb, b); b"c" > b"bb" as bytes although id 99 < id 256.
    _, merges = trained(train_bpe, "cbbb", 258)
    assert merges[:1] == [(b"b", b"b")], f"train_bpe('cbbb', 258) merged {merges[:1]} first; (b'b', b'b') occurs twice in 'cbbb', (b'c', b'b') once"
    assert merges == [(b"b", b"b"), (b"c", b"bb")]
