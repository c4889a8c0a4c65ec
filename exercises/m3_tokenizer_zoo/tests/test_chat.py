"""Public tests of chat.py: templates, BOS counting, hidden passengers."""

import pytest

CHAT = "m3_tokenizer_zoo.chat"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("ChatML: <|im_start|>{role}\\n{content}<|im_end|>\\n for every message")
def test_chatml_one_message(student):
    got = student.function(CHAT, "render_chat")([{"role": "user", "content": "Hi!"}], "chatml")
    assert got == "<|im_start|>user\nHi!<|im_end|>\n"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 3: <|begin_of_text|> once, then the header, the stripped content and <|eot_id|>")
def test_llama3_one_message_is_stripped(student):
    got = student.function(CHAT, "render_chat")([{"role": "user", "content": " Hi! "}], "llama3")
    assert got == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"


@pytest.mark.points(2)
@pytest.mark.hint("Llama 2 puts <<SYS>>\\n...\\n<</SYS>>\\n\\n in front of the first user message")
def test_llama2_system_is_folded_into_the_first_turn(student):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}]
    got = student.function(CHAT, "render_chat")(messages, "llama2")
    assert got == "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi! [/INST]"


@pytest.mark.points(1)
@pytest.mark.hint("count every BOS; the bug is two BOS at the very start")
def test_double_bos(student):
    assert student.function(CHAT, "count_bos")([128000, 128000, 9906], 128000) == 2
    assert student.function(CHAT, "has_double_bos")([128000, 128000, 9906], 128000) is True
    assert student.function(CHAT, "has_double_bos")([128000, 9906, 128000, 9906], 128000) is False


@pytest.mark.points(2)
@pytest.mark.hint("encode with and without special tokens and find the plain ids inside the full ones")
def test_hidden_passengers_of_bert(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    got = student.function(CHAT, "hidden_passengers")(bert, "Hello!")
    assert got == {"prefix": [101], "suffix": [102]}
