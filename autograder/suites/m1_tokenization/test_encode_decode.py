"""Hidden tests: BPETokenizer.encode and decode on small, hand-made vocabularies."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autograder.checks import expect_list, expect_object, expect_str
from m1_helpers import ENDOFTEXT, difference, sample_corpus, shown

BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"


def byte_vocab(*extra: bytes) -> dict[int, bytes]:
    """The 256 byte tokens followed by ``extra`` with ids 256, 257, ..."""
    vocab = {i: bytes([i]) for i in range(256)}
    for token in extra:
        vocab[len(vocab)] = token
    return vocab


def tokenizer(student, *args):
    return expect_object(student.function(TOKENIZER, "BPETokenizer")(*args), "BPETokenizer(vocab, merges, ...)")


def encoded(tok, text) -> list[int]:
    return expect_list(tok.encode(text), shown("encode", text), of=int)


def decoded(tok, ids) -> str:
    return expect_str(tok.decode(ids), shown("decode", ids))


def check_encode(tok, text, want, property_failed):
    got = encoded(tok, text)
    assert got == want, f"{property_failed}: {shown('encode', text)} gave {difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("Encoding replays the merges in the order they were learned: the rank of a pair decides, not its position or how often it occurs.")
def test_merges_are_applied_by_rank(student):
    # Ranks: (b, c) first, then (a, b).
    tok = tokenizer(student, byte_vocab(b"bc", b"ab"), [(b"b", b"c"), (b"a", b"b")])
    # 'abc': (b, c) has the better rank -> [a, bc], not [ab, c].
    check_encode(tok, "abc", [97, 256], "not the best-ranked pair first")
    # 'ababc': (a, b) occurs twice but ranks second -> [a, b, a, bc] -> [ab, a, bc].
    check_encode(tok, "ababc", [257, 97, 256], "not the best-ranked pair first")


@pytest.mark.points(1)
@pytest.mark.hint("Merges apply inside a pre-token only, never across the boundary between two.")
def test_encode_never_merges_across_pretokens(student):
    tok = tokenizer(student, byte_vocab(b"a ", b" a"), [(b"a", b" "), (b" ", b"a")])
    check_encode(tok, "a a", [97, 257], "a merge crossed a pre-token boundary")


@pytest.mark.points(1)
@pytest.mark.hint("A special token in the text becomes its own single id (where several start at the same place, the longest); it is never split and never merged with its neighbours.")
def test_special_tokens_encode_to_their_ids(student):
    vocab = byte_vocab(b"|>", b"<|", ENDOFTEXT.encode())
    tok = tokenizer(student, vocab, [(b"|", b">"), (b"<", b"|")], [ENDOFTEXT])
    check_encode(tok, f"a{ENDOFTEXT}<|b|>", [97, 258, 257, 98, 256], "special token not mapped to its id")
    tok = tokenizer(student, byte_vocab(), [], ["<s>", "<s><s>"])  # appended as 256 and 257
    check_encode(tok, "<s><s><s>", [257, 256], "not the longest special token where two start at the same place")


@pytest.mark.points(1)
@pytest.mark.hint("A special token missing from the vocabulary gets a new id after the largest id in use (ids need not be contiguous), and decode knows it too.")
def test_missing_special_tokens_are_appended(student):
    vocab = byte_vocab(b"ab")
    vocab[300] = b"xyz"  # ids need not be contiguous
    tok = tokenizer(student, vocab, [(b"a", b"b")], ["<s>", "</s>"])
    check_encode(tok, "<s>ab</s>", [301, 256, 302], "wrong ids for special tokens missing from the vocabulary")
    got = decoded(tok, [301, 256, 302])
    assert got == "<s>ab</s>", f"decode([301, 256, 302]) gave {got!r}: decode does not know the added special tokens"


@pytest.mark.points(1)
@pytest.mark.hint("When several ids hold the same bytes, encode uses the lowest of them.")
def test_lowest_id_for_duplicate_bytes(student):
    vocab = byte_vocab(b"ab", b"ab", b"<s>")
    vocab[999] = b"b"
    tok = tokenizer(student, vocab, [(b"a", b"b")], ["<s>"])
    check_encode(tok, "ab<s>b", [256, 258, 98], "not the lowest id for bytes held by several ids")


@pytest.mark.points(1)
@pytest.mark.hint("One character may be spread over several tokens, and a list of ids need not be valid UTF-8: an invalid byte becomes U+FFFD, never an error.")
@pytest.mark.deeper_hint("A character spread over two tokens cannot be decoded from either token alone: the text comes from the bytes of all the ids together.")
def test_decode_joins_bytes_and_replaces_errors(student):
    tok = tokenizer(student, byte_vocab(), [])
    got = decoded(tok, [0xC3, 0xA9, 0xE2, 0x82, 0xAC])
    assert got == "é€", f"decode([0xC3, 0xA9, 0xE2, 0x82, 0xAC]) gave {got!r}: characters split over tokens were not decoded whole"
    for ids in ([0xFF, 97], [0xE2, 0x82], [97, 0xC3]):
        want = bytes(ids).decode("utf-8", errors="replace")
        got = decoded(tok, ids)
        assert got == want, f"{shown('decode', ids)} gave {got!r}; invalid UTF-8 bytes become U+FFFD"
    assert decoded(tok, []) == "", "decode([]) is not the empty text"
    check_encode(tok, "", [], "the empty text")


@pytest.mark.points(1)
@pytest.mark.hint("An id that is not in the vocabulary is an error (KeyError or ValueError), negative ids included.")
def test_decode_rejects_unknown_ids(student):
    tok = tokenizer(student, byte_vocab(b"ab"), [(b"a", b"b")])
    for bad in ([97, 257], [-1], [97, -257]):
        with pytest.raises((KeyError, ValueError)):
            tok.decode(bad)


def trained(solution, vocab_size=256 + 2 + 300):
    specials = [ENDOFTEXT, "<pad>"]
    vocab, merges = solution.function(BPE, "train_bpe")(sample_corpus(), vocab_size, specials)
    return vocab, merges, specials


@pytest.mark.points(1)
@pytest.mark.hint("All the encoding rules at once on a trained vocabulary: the first id that differs shows where.")
def test_encode_matches_the_reference_on_a_trained_vocabulary(student, solution):
    vocab, merges, specials = trained(solution)
    text = sample_corpus() + " lighthouse keepers' logbooks <pad><|endoftext|> größten Wellen"
    want = solution.function(TOKENIZER, "BPETokenizer")(vocab, merges, specials).encode(text)
    tok = tokenizer(student, vocab, merges, specials)
    check_encode(tok, text, want, "encode differs from the reference on a trained vocabulary")


@pytest.mark.points(1)
@pytest.mark.hint("Byte-level BPE can write down any text: decoding the ids of a text gives the text back, around special tokens too.")
def test_round_trip_on_arbitrary_unicode(student, solution):
    vocab, merges, specials = trained(solution, vocab_size=256 + 2 + 150)
    tok = tokenizer(student, vocab, merges, specials)
    pieces = st.sampled_from([ENDOFTEXT, "<pad>", "<|", " ", "  ", "\n", "the", "ö", "'s", "😀", "東京"])

    @settings(max_examples=50, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces | st.text(max_size=4), max_size=20).map("".join))
    def check(text):
        back = decoded(tok, encoded(tok, text))
        assert back == text, f"decode(encode({text!r})) gave {back!r}"

    check()
