"""Public tests of compare.py: the adapters, the token tax, the showdown."""

import pytest

from autograder.checks import expect_dict, expect_list, expect_str

COMPARE = "m3_tokenizer_zoo.compare"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("the adapter gives the library's ids with or without special tokens, keeps "
                  "the special tokens when decoding, and lists only the tokens marked special")
def test_bert_adapter_adds_cls_and_sep(student):
    bert = student.function(COMPARE, "load_tokenizer")("bert")
    assert expect_list(bert.encode("Hello!"), "bert.encode('Hello!')", of=int) == [101, 7592, 999, 102]
    assert expect_list(bert.encode("Hello!", add_special_tokens=False),
                       "bert.encode('Hello!', add_special_tokens=False)", of=int) == [7592, 999]
    assert expect_str(bert.decode([101, 7592, 999, 102]), "bert.decode([101, 7592, 999, 102])") \
        == "[CLS] hello! [SEP]"
    assert expect_dict(bert.special_tokens(), "bert.special_tokens()", keys=str, values=int) == {
        "[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}


@pytest.mark.points(1)
@pytest.mark.hint("tiktoken refuses text that spells a special token unless allowed; half a "
                  "character decodes to '�'; token strings decode one id at a time")
def test_gpt4_adapter_parses_special_token_text(student):
    gpt4 = student.function(COMPARE, "load_tokenizer")("gpt4")
    assert expect_list(gpt4.encode("hi<|endoftext|>"), "gpt4.encode('hi<|endoftext|>')", of=int) == [6151, 100257]
    assert expect_str(gpt4.decode([64, 62904]), "gpt4.decode(the ids of 'a 👍' without the last)") == "a �"
    assert expect_list(gpt4.token_strings([6151, 100257]), "gpt4.token_strings([6151, 100257])",
                       of=str) == ["hi", "<|endoftext|>"]


@pytest.mark.points(1)
@pytest.mark.hint("the token tax is each language's token count relative to the baseline's, "
                  "whichever baseline you are given")
def test_token_tax_of_two_languages(student):
    count_chars = student.worker_helper(f"{ZOO}:token_counter", "chars")
    token_tax = student.function(COMPARE, "token_tax")
    texts = {"en": "four", "de": "vier!!!!"}
    got = expect_dict(token_tax(count_chars, texts), "token_tax(characters, en/de)", keys=str,
                      values=float, length=2)
    assert got == pytest.approx({"en": 1.0, "de": 2.0})
    got = expect_dict(token_tax(count_chars, texts, baseline="de"),
                      "token_tax(characters, en/de, baseline='de')", keys=str, values=float, length=2)
    assert got == pytest.approx({"en": 0.5, "de": 1.0})


@pytest.mark.points(1)
@pytest.mark.hint("count tokens without special tokens; characters, not bytes, per token")
def test_showdown_row_of_bert(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    got = expect_dict(student.function(COMPARE, "showdown_row")(bert, "Hello 👋"),
                      "showdown_row(bert, 'Hello 👋')", keys=str, length=6)
    for key in ("tokens", "specials_added"):
        expect_list(got.get(key), f"showdown_row(bert, 'Hello 👋')[{key!r}]", of=str)
    assert got == {"name": "bert", "n_tokens": 2, "tokens": ["hello", "[UNK]"],
                   "chars_per_token": 3.5, "unknown": 1, "specials_added": ["[CLS]", "[SEP]"]}
