"""Hidden tests: analysis.py, learning goal 4 — a tokenizer must match its model.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import pytest

from autograder.checks import expect_dict, expect_float, expect_int, expect_list, expect_str
from m1_helpers import GPT2_TEXTS, TrustedView, difference, gpt2_ids, sample_corpus, student_byte_tokenizer, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


@pytest.mark.points(1)
@pytest.mark.hint("Agreement is measured over the ids both vocabularies have, and it is symmetric; with no id in common there is nothing to measure (ValueError).")
def test_id_agreement(student, solution):
    id_agreement = student.function(ANALYSIS, "id_agreement")
    a = {0: b"a", 1: b"b", 2: b"c", 7: b"x"}
    b = {0: b"a", 1: b"c", 2: b"c", 3: b"d", 9: b"x"}
    got = expect_float(id_agreement(a, b), "id_agreement(a, b)")
    assert got == pytest.approx(2 / 3), f"id_agreement(a, b) = {got:.4f} where a and b share 3 ids and agree on 2"
    got = expect_float(id_agreement(b, a), "id_agreement(b, a)")
    assert got == pytest.approx(2 / 3), f"id_agreement(b, a) = {got:.4f}, but id_agreement(a, b) is 2/3: the order changed the result"
    with pytest.raises(ValueError):
        id_agreement({0: b"a"}, {1: b"a"})
    vocab, _ = solution.function(BPE, "train_bpe")(sample_corpus(), 256 + 200)
    gpt2 = solution.function(TOKENIZER, "BPETokenizer.from_files")(*solution.function(TOKENIZER, "gpt2_files")())
    want = expected(solution, "id_agreement", vocab, gpt2.vocab)
    got = expect_float(id_agreement(vocab, gpt2.vocab), "id_agreement(a trained vocab, GPT-2's vocab)")
    assert got == pytest.approx(want), f"id_agreement of a trained vocabulary and GPT-2's is {got:.4f}, expected {want:.4f}"


@pytest.mark.points(1)
@pytest.mark.hint("With the same tokenizer on both sides nothing is lost, even where one character spans several ids.")
def test_decode_with_the_same_tokenizer_round_trips(student):
    decode_wrong = student.function(ANALYSIS, "decode_with_wrong_tokenizer")
    tok = student_byte_tokenizer(student)
    got = expect_str(decode_wrong(MIXED, tok, tok), "decode_with_wrong_tokenizer(text, tok, tok)")
    assert got == MIXED, f"decoding with the matching tokenizer gave {got!r}, not the text"


@pytest.mark.points(1)
@pytest.mark.hint("Which ids can the decoder read? Its vocabulary's ids need not be contiguous, so its size does not tell.")
def test_decode_with_a_mismatched_tokenizer(student, solution):
    decode_wrong = student.function(ANALYSIS, "decode_with_wrong_tokenizer")
    encoder = student_gpt2(student)
    encoder_view = TrustedView(encoder)
    for text in (GPT2_TEXTS["english"], MIXED):
        # Give the decoder two of the ids GPT-2 uses for this text, far above its 256 bytes.
        used = sorted({i for i in gpt2_ids(text) if i >= 300})
        decoder = student_byte_tokenizer(student, {used[0]: b" BANANA", used[-1]: b" KIWI"})
        decoder_view = TrustedView(decoder)
        want = expected(solution, "decode_with_wrong_tokenizer", text, encoder_view, decoder_view)
        got = expect_str(decode_wrong(text, encoder, decoder), "decode_with_wrong_tokenizer(text, GPT-2, a byte tokenizer)")
        assert got == want, f"read through the mismatched tokenizer: {got[:60]!r} where {want[:60]!r} was expected"


@pytest.mark.points(1)
@pytest.mark.hint("One piece per id of the text, in order, each piece being what that single id decodes to.")
def test_token_pieces(student):
    token_pieces = student.function(ANALYSIS, "token_pieces")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in ("strawberry", " strawberry", "I 👍🏽 tokens", GPT2_TEXTS["code"]):
        want = [view.decode([i]) for i in view.encode(text)]
        got = expect_list(token_pieces(tok, text), f"token_pieces(tok, {text[:20]!r})", of=str)
        assert got == want, f"token_pieces(tok, {text[:20]!r}): {difference(got, want, 'pieces')}"


@pytest.mark.points(1)
@pytest.mark.hint("Three different counts of the same letter: in the word, as a whole piece, and inside longer pieces (every occurrence counts); a 'letter' must be one character.")
def test_letter_visibility(student, solution):
    letter_visibility = student.function(ANALYSIS, "letter_visibility")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for word, letter in (("strawberry", "r"), ("Mississippi", "s"), ("aardvark", "a"), ("aardvark", "q")):
        want = expected(solution, "letter_visibility", view, word, letter)
        what = f"letter_visibility(tok, {word!r}, {letter!r})"
        got = expect_dict(letter_visibility(tok, word, letter), what, keys=str)
        assert set(got) == set(want), f"{what} has the keys {sorted(got)}; expected {sorted(want)}"
        got["pieces"] = expect_list(got["pieces"], what + "'s pieces", of=str)
        for key in set(want) - {"pieces"}:
            got[key] = expect_int(got[key], f"{what}'s {key!r}")
        wrong = [key for key in sorted(want) if got[key] != want[key]]
        assert not wrong, f"{what}: {', '.join(f'{k} is {got[k]!r} where {want[k]!r} was expected' for k in wrong)}"
    for bad in ("rr", ""):
        with pytest.raises(ValueError):
            letter_visibility(tok, "strawberry", bad)
