"""Public tests of chat.py: templates, BOS counting, hidden passengers."""

import pytest

from autograder.checks import expect_bool, expect_dict, expect_int, expect_list, expect_str

CHAT = "m3_tokenizer_zoo.chat"
ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"


@pytest.mark.points(1)
@pytest.mark.hint("ChatML wraps every message, each ending with a newline, and keeps the "
                  "content exactly as it is")
def test_chatml_one_message(student):
    render = student.function(CHAT, "render_chat")
    got = expect_str(render([{"role": "user", "content": "Hi!"}], "chatml"), "render_chat(user 'Hi!', 'chatml')")
    assert got == "<|im_start|>user\nHi!<|im_end|>\n"
    got = expect_str(render([{"role": "user", "content": " Hi! "}], "chatml"),
                     "render_chat(user ' Hi! ', 'chatml')")
    assert got == "<|im_start|>user\n Hi! <|im_end|>\n"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 3 begins the conversation with its BOS once, and trims every message")
def test_llama3_one_message_is_stripped(student):
    render = student.function(CHAT, "render_chat")
    got = expect_str(render([{"role": "user", "content": " Hi! "}], "llama3"), "render_chat(user ' Hi! ', 'llama3')")
    assert got == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
    two = [{"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hello."}]
    got = expect_str(render(two, "llama3"), "render_chat(user/assistant, 'llama3')")
    assert got.count("<|begin_of_text|>") == 1, "<|begin_of_text|> must appear once per conversation"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2 has no system turn: the system prompt is folded into the first user turn")
def test_llama2_system_is_folded_into_the_first_turn(student):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}]
    got = expect_str(student.function(CHAT, "render_chat")(messages, "llama2"),
                     "render_chat(system/user, 'llama2')")
    assert got == "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi! [/INST]"


@pytest.mark.points(1)
@pytest.mark.hint("count every BOS, wherever it is; the bug is two BOS at the very start")
def test_double_bos(student):
    count = student.function(CHAT, "count_bos")
    double = student.function(CHAT, "has_double_bos")
    assert expect_int(count([128000, 128000, 9906], 128000), "count_bos([BOS, BOS, 9906])") == 2
    assert expect_int(count([9, 128000, 9, 128000], 128000), "count_bos([9, BOS, 9, BOS])") == 2
    assert expect_bool(double([128000, 128000, 9906], 128000), "has_double_bos([BOS, BOS, 9906])") is True
    assert expect_bool(double([128000, 9906, 128000, 9906], 128000),
                       "has_double_bos([BOS, 9906, BOS, 9906])") is False


def _passengers(student, handle, text):
    what = f"hidden_passengers(bert, {text!r})"
    got = expect_dict(student.function(CHAT, "hidden_passengers")(handle, text), what, keys=str, values=list)
    return {key: expect_list(value, f"{what}[{key!r}]", of=int) for key, value in got.items()}


@pytest.mark.points(1)
@pytest.mark.hint("the passengers are the ids before and after the text's own ids, even when "
                  "the text spells a special token itself")
def test_hidden_passengers_of_bert(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    assert _passengers(student, bert, "Hello!") == {"prefix": [101], "suffix": [102]}
    assert _passengers(student, bert, "[CLS] hi") == {"prefix": [101], "suffix": [102]}


@pytest.mark.points(1)
@pytest.mark.hint("a rendered Llama 3 prompt already holds its BOS: the ids must hold it once")
def test_encode_chat_has_one_bos(student):
    llama3 = student.worker_helper(f"{ZOO}:tokenizer", "llama3")
    got = expect_list(student.function(CHAT, "encode_chat")(
        llama3, [{"role": "user", "content": "Hi!"}], "llama3"), "encode_chat(llama3, user 'Hi!', 'llama3')",
        of=int, min_length=2)
    assert got[0] == 128000 and got[1] != 128000, f"the ids start {got[:3]}"
