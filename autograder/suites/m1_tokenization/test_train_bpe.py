"""Hidden tests: train_bpe — the vocabulary layout, the tie rule, and where merges may happen."""

import pytest
import regex

from autograder.checks import expect_dict, expect_pairs, expect_tuple
from m1_helpers import ENDOFTEXT, difference, merged_tokens_stay_inside, pseudo_words_corpus, sample_corpus, shown

BPE = "m1_tokenization.bpe"
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def trained(train_bpe, *args):
    """train_bpe(*args) as (vocab, merges), their kinds checked before anything else."""
    what = shown("train_bpe", *args)
    vocab, merges = expect_tuple(train_bpe(*args), what, length=2)
    vocab = expect_dict(vocab, what + "'s vocab", keys=int, values=bytes)
    merges = expect_pairs(merges, what + "'s merges", of=bytes)
    return vocab, merges


def check_merges(got, want, args, property_failed):
    assert got == want, f"{property_failed}: {shown('train_bpe', *args)} learned {difference(got, want, 'merges')}"


@pytest.mark.points(1)
@pytest.mark.hint("The vocabulary has a fixed layout: the 256 single bytes, then the special tokens in the order given, then one token per merge, made of that merge's two halves.")
def test_vocabulary_layout(student):
    train_bpe = student.function(BPE, "train_bpe")
    specials = ["<|endoftext|>", "<pad>"]
    vocab, merges = trained(train_bpe, sample_corpus(), 256 + 2 + 120, specials)
    merges = merges
    assert sorted(vocab) == list(range(256 + 2 + 120)), f"the vocabulary holds {len(vocab)} ids from {min(vocab, default=None)} to {max(vocab, default=None)}; expected exactly 0 .. vocab_size - 1"
    assert all(vocab[i] == bytes([i]) for i in range(256)), "ids 0-255 must be the single bytes"
    assert [vocab[256], vocab[257]] == [s.encode() for s in specials], "special tokens come right after the bytes, in order"
    assert len(merges) == 120, f"{len(merges)} merges for 120 tokens after the special tokens"
    assert all(vocab[258 + k] == left + right for k, (left, right) in enumerate(merges)), "merge k must create token 256 + #specials + k"


@pytest.mark.points(1)
@pytest.mark.hint("Each merge takes the pair that occurs most often in the text at that moment.")
def test_most_frequent_pair_first(student):
    train_bpe = student.function(BPE, "train_bpe")
    # One pre-token; pairs: aa 4, ab 2, bd 1, da 1, ba 1, ac 1  ->  (a, a) first.
    _, merges = trained(train_bpe, "aaabdaaabac", 257)
    check_merges(merges, [(b"a", b"a")], ("aaabdaaabac", 257), "not the most frequent pair")


@pytest.mark.points(1)
@pytest.mark.hint("Pair counts include overlapping occurrences, exactly as get_pair_counts counts them, even though not all of them can be merged.")
def test_counts_overlapping_pairs(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pre-tokens: 'aaa' x3 -> (a, a) counted 6 times; 'bc' x5 -> (b, c) 5 times.
    _, merges = trained(train_bpe, "aaa,aaa,aaa,bc,bc,bc,bc,bc", 257)
    check_merges(merges, [(b"a", b"a")], ("aaa,aaa,aaa,bc,bc,bc,bc,bc", 257), "overlapping pairs not counted")


# Small cases to check by hand. On a tie the lexicographically greatest pair (bytes, bytes) wins,
# comparing the left bytes first — not ids, not the concatenation, not the first pair seen.
TIE_CASES = {
    # pairs ( , b) and (b, c) tie at 1: (b"b", b"c") > (b" ", b"b").
    "greatest-not-first-seen": (" bc", 257, [(b"b", b"c")]),
    # (c, d) > (a, b) > ( , c); then (a, b) > ( , cd).
    "three-way-tie": ("ab cd", 259, [(b"c", b"d"), (b"a", b"b"), (b" ", b"cd")]),
    # after (b, b): [c, bb, b] -> (c, bb) ties (bb, b); b"c" > b"bb" as bytes although id 256 > 99.
    "bytes-not-ids": ("cbbb", 258, [(b"b", b"b"), (b"c", b"bb")]),
    # after (a, a): [aa, a, c] -> (aa, a) ties (a, c); compare b"aa" with b"a" first: (aa, a) wins,
    # although the concatenation "ac" > "aaa".
    "tuple-not-concatenation": ("aaac", 258, [(b"a", b"a"), (b"aa", b"a")]),
}


@pytest.mark.points(1)
@pytest.mark.hint("Ties between equally frequent pairs are broken on the bytes of the two tokens, compared as a pair (left first), not on their ids and not on the joined bytes.")
@pytest.mark.parametrize("name", list(TIE_CASES))
def test_tie_break(student, name):
    train_bpe = student.function(BPE, "train_bpe")
    text, vocab_size, expected = TIE_CASES[name]
    _, merges = trained(train_bpe, text, vocab_size)
    check_merges(merges, expected, (text, vocab_size), f"wrong choice on a tie ({name})")


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens split the training text: no pair is counted across one, and their own bytes never take part in a merge.")
def test_merges_do_not_cross_or_enter_special_tokens(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pieces 'ab' and 'ba', 3 times each: (a, b) ties (b, a) -> (b, a), then (a, b).
    _, merges = trained(train_bpe, f"ab{ENDOFTEXT}ba{ENDOFTEXT}" * 3, 256 + 1 + 2, [ENDOFTEXT])
    check_merges(merges, [(b"b", b"a"), (b"a", b"b")], (f"ab{ENDOFTEXT}ba{ENDOFTEXT}" * 3, 259, [ENDOFTEXT]),
                 "pairs counted across or inside a special token")
    _, merges = trained(train_bpe, sample_corpus(), 256 + 1 + 250, [ENDOFTEXT])
    assert not any(b"<|" in l + r or b"|>" in l + r for l, r in merges), "a special token's bytes were merged"


@pytest.mark.points(1)
@pytest.mark.hint("Pairs are counted inside pre-tokens only: a merge never joins the end of one pre-token to the start of the next.")
def test_merges_do_not_cross_pretokens(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pre-tokens 'x', ' y', ' x', ' y', ...: inside them ( , y) 4 > ( , x) 3; across them (x, ' ') would tie at 4.
    _, merges = trained(train_bpe, "x y x y x y x y", 258)
    check_merges(merges, [(b" ", b"y"), (b" ", b"x")], ("x y x y x y x y", 258), "pairs counted across pre-tokens")
    text = sample_corpus()
    _, merges = trained(train_bpe, text, 256 + 1 + 250, [ENDOFTEXT])
    pieces = [p.encode() for part in text.split(ENDOFTEXT) for p in regex.findall(GPT2_PATTERN, part)]
    assert merged_tokens_stay_inside(merges, pieces), "a merged token spans two pre-tokens"


@pytest.mark.points(1)
@pytest.mark.hint("Training stops early when no pair is left to merge: the vocabulary may end up smaller than vocab_size.")
def test_stops_when_no_pair_is_left(student):
    train_bpe = student.function(BPE, "train_bpe")
    # 'ab', ' ab' -> (a, b), then ( , ab), then nothing left to merge.
    vocab, merges = trained(train_bpe, "ab ab", 1000)
    check_merges(merges, [(b"a", b"b"), (b" ", b"ab")], ("ab ab", 1000), "wrong merges on a tiny text")
    assert len(vocab) == 258, f"the vocabulary has {len(vocab)} tokens after 2 merges with no pair left; expected 258"
    vocab, merges = trained(train_bpe, "", 300)
    assert len(vocab) == 256 and merges == [], f"an empty text gave {len(vocab)} tokens and {len(merges)} merges; expected 256 and none"


@pytest.mark.points(1)
@pytest.mark.hint("A special token given twice counts once; a vocab_size too small for the bytes and the special tokens is an error (ValueError).")
def test_vocab_size_checks_and_duplicate_specials(student):
    train_bpe = student.function(BPE, "train_bpe")
    with pytest.raises(ValueError):
        train_bpe("abc", 257, ["<a>", "<b>"])
    with pytest.raises(ValueError):
        train_bpe("abc", 255)
    vocab, merges = trained(train_bpe, "abcabc", 258, ["<a>", "<a>"])
    assert len(vocab) == 258 and vocab.get(256) == b"<a>", f"with a special token given twice: {len(vocab)} tokens, id 256 is {vocab.get(256)!r}; expected 258 tokens and id 256 = b'<a>'"
    # pairs ab 2, bc 2, ca 1: (b, c) wins the tie.
    check_merges(merges, [(b"b", b"c")], ("abcabc", 258, ["<a>", "<a>"]), "one merge fits after one special token")


CORPORA = {
    "mixed-languages": lambda: (sample_corpus(), 256 + 2 + 400, [ENDOFTEXT, "<pad>"]),
    "pseudo-words": lambda: (pseudo_words_corpus(2500, seed=7), 256 + 200, []),
    "repetitive": lambda: ("abababab aaaa bbbb " * 20 + "abba" * 30, 256 + 40, []),
}


@pytest.mark.points(1)
@pytest.mark.hint("All the rules at once on a real text: the first merge that differs points at the rule that was broken.")
@pytest.mark.parametrize("name", list(CORPORA))
def test_same_merges_as_the_reference(student, solution, name):
    train_bpe = student.function(BPE, "train_bpe")
    text, vocab_size, specials = CORPORA[name]()
    want_vocab, want_merges = solution.function(BPE, "train_bpe")(text, vocab_size, specials)
    want_merges = [tuple(m) for m in want_merges]
    vocab, merges = trained(train_bpe, text, vocab_size, specials)
    check_merges(merges, want_merges, (f"<the {name} corpus>", vocab_size, specials), "the merges differ from the reference trainer's")
    assert vocab == want_vocab, "the vocabulary differs from the reference trainer's although the merges agree"
