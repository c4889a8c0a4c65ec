"""Hidden tests of wordpiece.py: BERT's basic tokenizer and WordPiece, token for token against
all-MiniLM-L6-v2's own tokenizer.json run by Hugging Face `tokenizers`."""

import pytest
from internals_helpers import (INTERNALS, WORDPIECE, bert_tokens, bert_words, random_texts)
from m3_helpers import first_difference

from autograder.checks import expect_list

LESSON = "the lesson section “WordPiece: greedy longest match”"
TOY = {"un": 0, "##aff": 1, "##able": 2, "##a": 3, "[UNK]": 4, "aff": 5, "##ff": 6, "##f": 7,
       "a": 8, "##b": 9, "##bc": 10, "##bcd": 11, "x": 12, "[MISSING]": 13}

PRETOKENIZE_CASES = {
    "accents-and-case": "Héllo WÖRLD, naïve café Ångström résumé İstanbul ß ﬁne Ǆemal",
    "cjk-and-symbols": "東京タワーは333m!  北京大学 한국어 $5+3=8 a~b^c|d `q` <tag> 100%",
    "controls-and-whitespace": ("a\x00b\x07c\u200bd\ufffde\tf\ng\rh\u00a0i\u3000j\x0bk\x0cl\x85m"
                                "\u2028n\ue000o\u0378p"),  # private use (dropped), unassigned (kept)
    "unicode-punctuation": "“Quoted” — dash… «guillemets» ¿Qué? ¡Olé! 「括弧」、。 a·b §1 ¶2",
    "greek-final-sigma": "ΟΔΟΣ ΣΑΣ Σίσυφος ΑΘΉΝΑ",
}


@pytest.mark.points(0.5)
@pytest.mark.hint(f"BERT's basic tokenizer in order: drop control characters, space out CJK "
                  f"ideographs, strip accents and lower-case, split on whitespace, isolate "
                  f"punctuation; see {LESSON}")
@pytest.mark.deeper_hint("Which characters count as control, whitespace and punctuation is "
                         "decided by Unicode categories (and for punctuation by a few ASCII "
                         "ranges too); accents go away after a canonical decomposition, and "
                         "lower-casing works one character at a time, with no look at context.")
@pytest.mark.parametrize("name", list(PRETOKENIZE_CASES))
def test_bert_pretokenize_matches_bert(student, name):
    text = PRETOKENIZE_CASES[name]
    got = expect_list(student.function(WORDPIECE, "bert_pretokenize")(text),
                      f"bert_pretokenize(<the {name} text>)", of=str)
    want = bert_words(text)
    assert got == want, f"the words differ from BERT's: {first_difference(got, want)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("with lowercase=False the text keeps its case and its accents; everything "
                  "else (cleaning, CJK, punctuation) stays the same")
def test_bert_pretokenize_cased(student):
    pretokenize = student.function(WORDPIECE, "bert_pretokenize")
    for text in PRETOKENIZE_CASES.values():
        got = expect_list(pretokenize(text, lowercase=False),
                          "bert_pretokenize(..., lowercase=False)", of=str)
        want = bert_words(text, lowercase=False)
        assert got == want, f"cased words differ from BERT's: {first_difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("on random text from every script, the words must be BERT's; check each "
                  "character class (control, whitespace, CJK, punctuation) by its Unicode "
                  "category")
def test_bert_pretokenize_random_texts(student):
    pretokenize = student.function(WORDPIECE, "bert_pretokenize")
    for text in random_texts(seed=7, count=150):
        got = expect_list(pretokenize(text), "bert_pretokenize(<a random text>)", of=str)
        want = bert_words(text)
        assert got == want, f"on a random text the words differ: {first_difference(got, want)}"


@pytest.mark.points(1.5)
@pytest.mark.hint(f"at each position take the LONGEST vocabulary entry that matches there, and "
                  f"look up every piece after the first with the ## prefix; see {LESSON}")
@pytest.mark.deeper_hint("Try the candidates from the longest to the shortest and stop at the "
                         "first one found; the first piece of a word is looked up as it is, "
                         "only the later ones carry the continuation prefix.")
def test_wordpiece_encode_word_greedy_longest_match(student):
    encode_word = student.function(WORDPIECE, "wordpiece_encode_word")
    cases = [("unaffable", ["un", "##aff", "##able"]), ("abcd", ["a", "##bcd"]),
             ("abcbc", ["a", "##bc", "##bc"]), ("aff", ["aff"]), ("affa", ["aff", "##a"])]
    for word, want in cases:
        got = expect_list(encode_word(word, TOY), f"wordpiece_encode_word({word!r}, vocab)", of=str)
        assert got == want, f"{word!r} gave {got}: not the greedy longest match with ## pieces"


@pytest.mark.points(1.5)
@pytest.mark.hint("a word that cannot be covered completely becomes one unknown token for the "
                  "whole word, not the pieces found so far")
def test_wordpiece_encode_word_whole_word_unknown(student):
    encode_word = student.function(WORDPIECE, "wordpiece_encode_word")
    for word in ("unaffableq", "qun", "unq", "ab#"):
        got = expect_list(encode_word(word, TOY), f"wordpiece_encode_word({word!r}, vocab)", of=str)
        assert got == ["[UNK]"], f"{word!r} gave {got}: an uncoverable word must be one [UNK]"
    got = expect_list(encode_word("unq", TOY, unk_token="[MISSING]"),
                      "wordpiece_encode_word('unq', vocab, unk_token='[MISSING]')", of=str)
    assert got == ["[MISSING]"], f"gave {got}: the unknown token is the unk_token argument"


@pytest.mark.points(1)
@pytest.mark.hint("a word longer than max_input_chars_per_word characters is one unknown token "
                  "at once; a word of exactly that length is still encoded")
def test_wordpiece_encode_word_length_limit(student):
    encode_word = student.function(WORDPIECE, "wordpiece_encode_word")
    vocab = {"x": 0, "##x": 1, "[UNK]": 2}
    got = expect_list(encode_word("x" * 100, vocab), "wordpiece_encode_word('x' * 100, vocab)", of=str)
    assert got == ["x"] + ["##x"] * 99, f"a 100-character word gave {len(got)} pieces, not 100"
    got = expect_list(encode_word("x" * 101, vocab), "wordpiece_encode_word('x' * 101, vocab)", of=str)
    assert got == ["[UNK]"], f"a 101-character word gave {len(got)} pieces: the limit is 100"
    got = expect_list(encode_word("xxxx", vocab, max_input_chars_per_word=3),
                      "wordpiece_encode_word('xxxx', vocab, max_input_chars_per_word=3)", of=str)
    assert got == ["[UNK]"], "max_input_chars_per_word must be the given one"


REAL_TEXTS = [
    "Tokenizers, naïvely! The unbelievably long-winded antidisestablishmentarianism debate.",
    "Zoë's café serves crème brûlée & piña coladas (€4.50) — délicieux!",
    "東京タワーは333メートル。北京大学の学生が「こんにちは」と言った。",
    "Привет, мир! Καλημέρα κόσμε. مرحبا بالعالم. नमस्ते दुनिया।",
    "def f(x):\n\treturn x**2 + 1  # squares\r\n",
    "Emoji 👍🏽 and 🤖 and flags 🇫🇷 are unknown to BERT 🙂",
    "a\x00b\x07c\u200bd\ufffde\u00a0f\u3000g",
    "pneumonoultramicroscopicsilicovolcanoconiosis " + "hippopotomonstrosesquippedaliophobia" * 3,
    "x" * 100 + " " + "y" * 101 + " " + "z" * 99,
    "ℌ𝔢𝔩𝔩𝔬 ｆｕｌｌｗｉｄｔｈ Ⅻ ① ½ ™",
    "ΟΔΟΣ ΣΑΣ İstanbul DŽEMAL ǅemal ß ﬁne",
    "$100,000.00 + 15% = ~$115k; user@example.com #hashtag @mention",
    "",
    "   \t\n  ",
]


@pytest.mark.points(2)
@pytest.mark.hint(f"wordpiece_tokenize must give BERT's token strings: basic tokenizer first, "
                  f"then WordPiece on each word on its own; see {LESSON}")
@pytest.mark.deeper_hint("Compare your words with BERT's words before comparing pieces: most "
                         "differences come from cleaning, accents or punctuation, not from the "
                         "longest match.")
def test_wordpiece_tokenize_matches_minilm(student):
    vocab = student.worker_helper(f"{INTERNALS}:bert_vocab")
    tokenize = student.function(WORDPIECE, "wordpiece_tokenize")
    for index, text in enumerate(REAL_TEXTS):
        got = expect_list(tokenize(text, vocab), f"wordpiece_tokenize(<text {index}>, bert_vocab)", of=str)
        want = bert_tokens(text)
        assert got == want, f"text {index}: tokens differ from BERT's: {first_difference(got, want)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("on random text from every script the tokens must be BERT's")
def test_wordpiece_tokenize_random_texts(student):
    vocab = student.worker_helper(f"{INTERNALS}:bert_vocab")
    tokenize = student.function(WORDPIECE, "wordpiece_tokenize")
    for text in random_texts(seed=11, count=80):
        got = expect_list(tokenize(text, vocab), "wordpiece_tokenize(<a random text>, bert_vocab)", of=str)
        want = bert_tokens(text)
        assert got == want, f"on a random text the tokens differ: {first_difference(got, want)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("lowercase=False must reach the basic tokenizer: no lower-casing and no "
                  "accent stripping")
def test_wordpiece_tokenize_cased(student):
    vocab = student.worker_helper(f"{INTERNALS}:bert_vocab")
    tokenize = student.function(WORDPIECE, "wordpiece_tokenize")
    for index, text in enumerate(["hello World", "café naïve", "über ÜBER uber", REAL_TEXTS[1]]):
        got = expect_list(tokenize(text, vocab, lowercase=False),
                          f"wordpiece_tokenize(<text {index}>, bert_vocab, lowercase=False)", of=str)
        want = bert_tokens(text, lowercase=False)
        assert got == want, f"cased text {index}: tokens differ: {first_difference(got, want)}"
