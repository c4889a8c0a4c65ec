"""Hidden tests: BPETokenizer.encode and decode on small, hand-made vocabularies."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from m1_helpers import ENDOFTEXT, sample_corpus

BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"


def byte_vocab(*extra: bytes) -> dict[int, bytes]:
    """The 256 byte tokens followed by ``extra`` with ids 256, 257, ..."""
    vocab = {i: bytes([i]) for i in range(256)}
    for token in extra:
        vocab[len(vocab)] = token
    return vocab


@pytest.mark.points(1)
@pytest.mark.hint("Apply merges by rank: repeatedly merge the adjacent pair that was learned earliest, not the leftmost or the most frequent pair.")
def test_merges_are_applied_by_rank(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    # Ranks: (b, c) first, then (a, b).
    tok = BPETokenizer(byte_vocab(b"bc", b"ab"), [(b"b", b"c"), (b"a", b"b")])
    # 'abc': (b, c) has the better rank -> [a, bc], not [ab, c].
    assert tok.encode("abc") == [97, 256], "merged the leftmost pair instead of the best-ranked one"
    # 'ababc': (a, b) occurs twice but ranks second -> [a, b, a, bc] -> [ab, a, bc].
    assert tok.encode("ababc") == [257, 97, 256], "merged the most frequent pair instead of the best-ranked one"


@pytest.mark.points(1)
@pytest.mark.hint("Pre-tokenize first and run BPE inside each pre-token: a merge of (b'a', b' ') can never apply to 'a a'.")
def test_encode_never_merges_across_pretokens(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    tok = BPETokenizer(byte_vocab(b"a ", b" a"), [(b"a", b" "), (b" ", b"a")])
    assert tok.encode("a a") == [97, 257], "a merge crossed a pre-token boundary"


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens map straight to their ids: cut them out before the regex, never split them with BPE, never merge them with their neighbours.")
def test_special_tokens_encode_to_their_ids(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    vocab = byte_vocab(b"|>", b"<|", ENDOFTEXT.encode())
    tok = BPETokenizer(vocab, [(b"|", b">"), (b"<", b"|")], [ENDOFTEXT])
    assert tok.encode(f"a{ENDOFTEXT}<|b|>") == [97, 258, 257, 98, 256], "special token not mapped to its id"


@pytest.mark.points(1)
@pytest.mark.hint("A special token missing from the vocabulary gets id max(vocab) + 1 (the next one the next id); decode must know it too.")
def test_missing_special_tokens_are_appended(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    vocab = byte_vocab(b"ab")
    vocab[300] = b"xyz"  # ids need not be contiguous
    tok = BPETokenizer(vocab, [(b"a", b"b")], ["<s>", "</s>"])
    ids = tok.encode("<s>ab</s>")
    assert ids == [301, 256, 302], "missing special tokens must get ids max(vocab) + 1, + 2, ..."
    assert tok.decode(ids) == "<s>ab</s>", "decode does not know the appended special tokens"


@pytest.mark.points(1)
@pytest.mark.hint("Build the bytes -> id table so that the lowest id wins when several ids hold the same bytes.")
def test_lowest_id_for_duplicate_bytes(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    vocab = byte_vocab(b"ab", b"ab", b"<s>")
    vocab[999] = b"b"
    tok = BPETokenizer(vocab, [(b"a", b"b")], ["<s>"])
    assert tok.encode("ab<s>b") == [256, 258, 98], "not the lowest id for bytes held by several ids"


@pytest.mark.points(1)
@pytest.mark.hint("Join all the tokens' bytes first and decode once with errors='replace': one character may span several tokens, and invalid UTF-8 becomes U+FFFD.")
def test_decode_joins_bytes_and_replaces_errors(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    tok = BPETokenizer(byte_vocab(), [])
    assert tok.decode([0xC3, 0xA9, 0xE2, 0x82, 0xAC]) == "é€", "a character split over tokens must decode whole"
    for ids in ([0xFF, 97], [0xE2, 0x82], [97, 0xC3]):
        want = bytes(ids).decode("utf-8", errors="replace")
        assert tok.decode(ids) == want, "invalid UTF-8 must become U+FFFD"
    assert tok.decode([]) == "" and tok.encode("") == [], "empty input"


@pytest.mark.points(1)
@pytest.mark.hint("decode must raise KeyError or ValueError for an id that is not in the vocabulary, negative ids included (no wrap-around).")
def test_decode_rejects_unknown_ids(student):
    BPETokenizer = student.function(TOKENIZER, "BPETokenizer")
    tok = BPETokenizer(byte_vocab(b"ab"), [(b"a", b"b")])
    for bad in ([97, 257], [-1], [97, -257]):
        with pytest.raises((KeyError, ValueError)):
            tok.decode(bad)


def trained(solution, vocab_size=256 + 2 + 300):
    specials = [ENDOFTEXT, "<pad>"]
    vocab, merges = solution.function(BPE, "train_bpe")(sample_corpus(), vocab_size, specials)
    return vocab, merges, specials


@pytest.mark.points(1)
@pytest.mark.hint("Within each pre-token keep merging the best-ranked pair present until none is in the merge table; special tokens map to their own ids.")
def test_encode_matches_the_reference_on_a_trained_vocabulary(student, solution):
    vocab, merges, specials = trained(solution)
    text = sample_corpus() + " lighthouse keepers' logbooks <pad><|endoftext|> größten Wellen"
    want = solution.function(TOKENIZER, "BPETokenizer")(vocab, merges, specials).encode(text)
    tok = student.function(TOKENIZER, "BPETokenizer")(vocab, merges, specials)
    assert tok.encode(text) == want, "encode differs from the reference on a trained vocabulary"


@pytest.mark.points(1)
@pytest.mark.hint("decode(encode(text)) == text for every string: byte-level BPE can write anything down, and nothing may be lost around special tokens.")
def test_round_trip_on_arbitrary_unicode(student, solution):
    vocab, merges, specials = trained(solution, vocab_size=256 + 2 + 150)
    tok = student.function(TOKENIZER, "BPETokenizer")(vocab, merges, specials)
    pieces = st.sampled_from([ENDOFTEXT, "<pad>", "<|", " ", "  ", "\n", "the", "ö", "'s", "😀", "東京"])

    @settings(max_examples=50, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces | st.text(max_size=4), max_size=20).map("".join))
    def check(text):
        assert tok.decode(tok.encode(text)) == text, "decode(encode(text)) is not the text"

    check()
