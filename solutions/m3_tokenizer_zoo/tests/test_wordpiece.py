"""Public tests of wordpiece.py: BERT's basic tokenizer, greedy longest match, whole-word [UNK]."""

import pytest

from autograder.checks import expect_list

WORDPIECE = "m3_tokenizer_zoo.wordpiece"
TOY = {"un": 0, "##aff": 1, "##able": 2, "##a": 3, "[UNK]": 4, "aff": 5, "##ff": 6}


@pytest.mark.points(0.5)
@pytest.mark.hint("clean, lower-case and strip accents, then split on whitespace and around "
                  "every punctuation character")
def test_bert_pretokenize_accents_and_punctuation(student):
    got = student.function(WORDPIECE, "bert_pretokenize")("Héllo, WORLD!")
    assert expect_list(got, 'bert_pretokenize("Héllo, WORLD!")', of=str) == ["hello", ",", "world", "!"]


@pytest.mark.points(0.5)
@pytest.mark.hint("each CJK ideograph is a word of its own; ASCII symbols such as $ are split too")
def test_bert_pretokenize_cjk_and_symbols(student):
    got = student.function(WORDPIECE, "bert_pretokenize")("東京tower $5")
    assert expect_list(got, 'bert_pretokenize("東京tower $5")', of=str) == ["東", "京", "tower", "$", "5"]


@pytest.mark.points(0.5)
@pytest.mark.hint("longest match first; every piece after the first carries ##")
def test_wordpiece_encode_word_longest_match(student):
    got = student.function(WORDPIECE, "wordpiece_encode_word")("unaffable", TOY)
    assert expect_list(got, 'wordpiece_encode_word("unaffable", ...)', of=str) == ["un", "##aff", "##able"]


@pytest.mark.points(0.5)
@pytest.mark.hint("a word that cannot be covered completely becomes one [UNK]")
def test_wordpiece_encode_word_uncoverable(student):
    got = student.function(WORDPIECE, "wordpiece_encode_word")("unaffableX", TOY)
    assert expect_list(got, 'wordpiece_encode_word("unaffableX", ...)', of=str) == ["[UNK]"]
