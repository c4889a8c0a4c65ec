"""Public tests of compare.py: the adapters, the token tax, the showdown."""

import pytest

COMPARE = "m3_tokenizer_zoo.compare"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("return Encoding.ids, pass add_special_tokens through, decode with skip_special_tokens=False")
def test_bert_adapter_adds_cls_and_sep(student):
    bert = student.function(COMPARE, "load_tokenizer")("bert")
    assert bert.encode("Hello!") == [101, 7592, 999, 102]
    assert bert.encode("Hello!", add_special_tokens=False) == [7592, 999]
    assert bert.decode([101, 7592, 999, 102]) == "[CLS] hello! [SEP]"


@pytest.mark.points(1)
@pytest.mark.hint('tiktoken needs allowed_special="all" to parse <|endoftext|> in a text')
def test_gpt4_adapter_parses_special_token_text(student):
    gpt4 = student.function(COMPARE, "load_tokenizer")("gpt4")
    assert gpt4.encode("hi<|endoftext|>") == [6151, 100257]


@pytest.mark.points(1)
@pytest.mark.hint("divide each language's token count by the baseline's")
def test_token_tax_of_two_languages(student):
    count_chars = student.worker_helper(f"{ZOO}:token_counter", "chars")
    got = student.function(COMPARE, "token_tax")(count_chars, {"en": "four", "de": "vier!!!!"})
    assert got == pytest.approx({"en": 1.0, "de": 2.0})


@pytest.mark.points(2)
@pytest.mark.hint("count tokens without special tokens; characters, not bytes, per token")
def test_showdown_row_of_bert(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    got = student.function(COMPARE, "showdown_row")(bert, "Hello 👋")
    assert got == {"name": "bert", "n_tokens": 2, "tokens": ["hello", "[UNK]"],
                   "chars_per_token": 3.5, "unknown": 1, "specials_added": ["[CLS]", "[SEP]"]}
