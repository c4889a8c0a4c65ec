"""Hidden tests: train_bpe — the vocabulary layout, the tie rule, and where merges may happen."""

import pytest
import regex

from m1_helpers import ENDOFTEXT, merged_tokens_stay_inside, pseudo_words_corpus, sample_corpus

BPE = "m1_tokenization.bpe"
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def as_merges(merges):
    return [tuple(m) for m in merges]


@pytest.mark.points(1)
@pytest.mark.hint("ids 0-255 are bytes([i]), then the special tokens in the order given, then one token per merge whose bytes are left + right.")
def test_vocabulary_layout(student):
    train_bpe = student.function(BPE, "train_bpe")
    specials = ["<|endoftext|>", "<pad>"]
    vocab, merges = train_bpe(sample_corpus(), 256 + 2 + 120, specials)
    merges = as_merges(merges)
    assert sorted(vocab) == list(range(256 + 2 + 120)), "the ids must be exactly 0 .. vocab_size - 1"
    assert all(vocab[i] == bytes([i]) for i in range(256)), "ids 0-255 must be the single bytes"
    assert [vocab[256], vocab[257]] == [s.encode() for s in specials], "special tokens come right after the bytes, in order"
    assert len(merges) == 120, "one merge per token after the special tokens"
    assert all(vocab[258 + k] == left + right for k, (left, right) in enumerate(merges)), "merge k must create token 256 + #specials + k"


@pytest.mark.points(1)
@pytest.mark.hint("Count pairs inside each pre-token, weighted by how often the pre-token occurs; the most frequent pair is merged first.")
def test_most_frequent_pair_first(student):
    train_bpe = student.function(BPE, "train_bpe")
    # One pre-token; pairs: aa 4, ab 2, bd 1, da 1, ba 1, ac 1  ->  (a, a) first.
    _, merges = train_bpe("aaabdaaabac", 257)
    assert as_merges(merges) == [(b"a", b"a")], "not the most frequent pair"


@pytest.mark.points(1)
@pytest.mark.hint("Counting uses overlapping pairs (like get_pair_counts): each 'aaa' holds (a, a) twice, even though only one can be merged.")
def test_counts_overlapping_pairs(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pre-tokens: 'aaa' x3 -> (a, a) counted 6 times; 'bc' x5 -> (b, c) 5 times.
    _, merges = train_bpe("aaa,aaa,aaa,bc,bc,bc,bc,bc", 257)
    assert as_merges(merges) == [(b"a", b"a")], "pair counts must include overlapping occurrences"


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
@pytest.mark.hint("On a tie pick max over (count, (left_bytes, right_bytes)): compare the pair of bytes objects, never ids or the joined string.")
@pytest.mark.parametrize("name", list(TIE_CASES))
def test_tie_break(student, name):
    train_bpe = student.function(BPE, "train_bpe")
    text, vocab_size, expected = TIE_CASES[name]
    _, merges = train_bpe(text, vocab_size)
    assert as_merges(merges) == expected, "wrong merge order on a tie"


@pytest.mark.points(1)
@pytest.mark.hint("Merges never cross a pre-token boundary: count pairs inside each pre-token of pretokenize(text), never across them.")
def test_merges_do_not_cross_pretokens(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pre-tokens 'x', ' y', ' x', ' y', ...: inside them ( , y) 4 > ( , x) 3; across them (x, ' ') would tie at 4.
    _, merges = train_bpe("x y x y x y x y", 258)
    assert as_merges(merges) == [(b" ", b"y"), (b" ", b"x")], "a merge crossed a pre-token boundary"
    text = sample_corpus()
    _, merges = train_bpe(text, 256 + 1 + 250, [ENDOFTEXT])
    pieces = [p.encode() for part in text.split(ENDOFTEXT) for p in regex.findall(GPT2_PATTERN, part)]
    assert merged_tokens_stay_inside(as_merges(merges), pieces), "a merged token spans two pre-tokens"


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens split the text: pairs are never counted across one, and their own bytes never take part in a merge.")
def test_merges_do_not_cross_or_enter_special_tokens(student):
    train_bpe = student.function(BPE, "train_bpe")
    # Pieces 'ab' and 'ba', 3 times each: (a, b) ties (b, a) -> (b, a), then (a, b).
    _, merges = train_bpe(f"ab{ENDOFTEXT}ba{ENDOFTEXT}" * 3, 256 + 1 + 2, [ENDOFTEXT])
    assert as_merges(merges) == [(b"b", b"a"), (b"a", b"b")], "merges crossed or used a special token"
    _, merges = train_bpe(sample_corpus(), 256 + 1 + 250, [ENDOFTEXT])
    assert not any(b"<|" in l + r or b"|>" in l + r for l, r in as_merges(merges)), "a special token's bytes were merged"


@pytest.mark.points(1)
@pytest.mark.hint("Stop when no pair is left: the vocabulary may end up smaller than vocab_size.")
def test_stops_when_no_pair_is_left(student):
    train_bpe = student.function(BPE, "train_bpe")
    # 'ab', ' ab' -> (a, b), then ( , ab), then nothing left to merge.
    vocab, merges = train_bpe("ab ab", 1000)
    assert as_merges(merges) == [(b"a", b"b"), (b" ", b"ab")], "wrong merges on a tiny text"
    assert len(vocab) == 258, "the vocabulary must stop growing when no pair is left"
    vocab, merges = train_bpe("", 300)
    assert len(vocab) == 256 and list(merges) == [], "an empty text learns nothing"


@pytest.mark.points(1)
@pytest.mark.hint("Remove duplicate special tokens first (keeping order); vocab_size below 256 + #distinct specials raises ValueError.")
def test_vocab_size_checks_and_duplicate_specials(student):
    train_bpe = student.function(BPE, "train_bpe")
    with pytest.raises(ValueError):
        train_bpe("abc", 257, ["<a>", "<b>"])
    with pytest.raises(ValueError):
        train_bpe("abc", 255)
    vocab, merges = train_bpe("abcabc", 258, ["<a>", "<a>"])
    assert vocab[256] == b"<a>" and len(vocab) == 258, "a duplicate special token must count once"
    # pairs ab 2, bc 2, ca 1: (b, c) wins the tie.
    assert as_merges(merges) == [(b"b", b"c")], "one merge fits after one special token"


CORPORA = {
    "mixed-languages": lambda: (sample_corpus(), 256 + 2 + 400, [ENDOFTEXT, "<pad>"]),
    "pseudo-words": lambda: (pseudo_words_corpus(2500, seed=7), 256 + 200, []),
    "repetitive": lambda: ("abababab aaaa bbbb " * 20 + "abba" * 30, 256 + 40, []),
}


@pytest.mark.points(1)
@pytest.mark.hint("All rules at once: counts per pre-token weighted by frequency, overlapping pairs counted, ties to the greatest (bytes, bytes), tokens identified by their bytes.")
@pytest.mark.parametrize("name", list(CORPORA))
def test_same_merges_as_the_reference(student, solution, name):
    train_bpe = student.function(BPE, "train_bpe")
    text, vocab_size, specials = CORPORA[name]()
    want_vocab, want_merges = solution.function(BPE, "train_bpe")(text, vocab_size, specials)
    vocab, merges = train_bpe(text, vocab_size, specials)
    assert as_merges(merges) == want_merges, "the merges differ from the reference trainer's"
    assert dict(vocab) == want_vocab, "the vocabulary differs from the reference trainer's"
