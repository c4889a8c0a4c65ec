"""Hidden tests: analysis.py, learning goal 4 — a tokenizer must match its model.

Functions that take a tokenizer get the student's own ``BPETokenizer`` (GPT-2's files, or a
byte-level vocabulary), living in the worker. The expected value is the reference analysis
function applied in the trusted process to a ``TrustedView`` of that same tokenizer, so these
tests judge the analysis and never the tokenizer a second time.
"""

import pytest

from m1_helpers import GPT2_TEXTS, TrustedView, gpt2_ids, sample_corpus, student_byte_tokenizer, student_gpt2

ANALYSIS = "m1_tokenization.analysis"
BPE = "m1_tokenization.bpe"
TOKENIZER = "m1_tokenization.tokenizer"
MIXED = "naïve café, Größe 東京 😀👍🏽 — it's 3.14!"


def expected(solution, name, *args):
    return solution.function(ANALYSIS, name)(*args)


@pytest.mark.points(1)
@pytest.mark.hint("Only the ids present in both vocabularies count (intersect the keys); no id in common raises ValueError.")
def test_id_agreement(student, solution):
    id_agreement = student.function(ANALYSIS, "id_agreement")
    a = {0: b"a", 1: b"b", 2: b"c", 7: b"x"}
    b = {0: b"a", 1: b"c", 2: b"c", 3: b"d", 9: b"x"}
    assert id_agreement(a, b) == pytest.approx(2 / 3), "compare only the ids both vocabularies have"
    assert id_agreement(b, a) == pytest.approx(2 / 3), "the result must not depend on the order"
    with pytest.raises(ValueError):
        id_agreement({0: b"a"}, {1: b"a"})
    vocab, _ = solution.function(BPE, "train_bpe")(sample_corpus(), 256 + 200)
    gpt2 = solution.function(TOKENIZER, "BPETokenizer.from_files")(*solution.function(TOKENIZER, "gpt2_files")())
    want = expected(solution, "id_agreement", vocab, gpt2.vocab)
    assert id_agreement(vocab, gpt2.vocab) == pytest.approx(want), "wrong agreement between a course tokenizer and GPT-2"


@pytest.mark.points(1)
@pytest.mark.hint("Decode the whole list of kept ids at once (a character may span several ids); the same tokenizer on both sides gives the text back.")
def test_decode_with_the_same_tokenizer_round_trips(student):
    decode_wrong = student.function(ANALYSIS, "decode_with_wrong_tokenizer")
    tok = student_byte_tokenizer(student)
    assert decode_wrong(MIXED, tok, tok) == MIXED, "decoding with the matching tokenizer must give the text back"


@pytest.mark.points(1)
@pytest.mark.hint("Keep exactly the ids that are keys of decoder.vocab (not those below len(vocab)), then decode them as one list.")
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
        assert decode_wrong(text, encoder, decoder) == want, "wrong text read through the mismatched tokenizer"


@pytest.mark.points(1)
@pytest.mark.hint("Decode each id on its own, in order: [tokenizer.decode([i]) for i in tokenizer.encode(text)].")
def test_token_pieces(student):
    token_pieces = student.function(ANALYSIS, "token_pieces")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for text in ("strawberry", " strawberry", "I 👍🏽 tokens", GPT2_TEXTS["code"]):
        want = [view.decode([i]) for i in view.encode(text)]
        assert token_pieces(tok, text) == want, "wrong pieces"


@pytest.mark.points(1)
@pytest.mark.hint("count: occurrences in the word; standalone: pieces equal to the letter; hidden: occurrences inside the other pieces (count them all, 'ss' holds two); a letter that is not one character raises ValueError.")
def test_letter_visibility(student, solution):
    letter_visibility = student.function(ANALYSIS, "letter_visibility")
    tok = student_gpt2(student)
    view = TrustedView(tok)
    for word, letter in (("strawberry", "r"), ("Mississippi", "s"), ("aardvark", "a"), ("aardvark", "q")):
        want = expected(solution, "letter_visibility", view, word, letter)
        assert dict(letter_visibility(tok, word, letter)) == want, f"wrong visibility of {letter!r}"
    for bad in ("rr", ""):
        with pytest.raises(ValueError):
            letter_visibility(tok, "strawberry", bad)
