"""Hidden tests of chat.py: byte-identical chat templates, BOS bugs, hidden passengers."""

import pytest
from m3_helpers import CHAT, ZOO, jinja_render, tokenizer

SYSTEM = {"role": "system", "content": "You are a terse assistant."}
USER = {"role": "user", "content": "What is a token?"}
ASSISTANT = {"role": "assistant", "content": "A piece of text with an id."}
USER2 = {"role": "user", "content": "And a special token?"}
CONVERSATIONS = {
    "user": [USER],
    "system-user": [SYSTEM, USER],
    "multi-turn": [SYSTEM, USER, ASSISTANT, USER2],
    "ends-with-assistant": [USER, ASSISTANT],
}
PADDED = [{"role": "system", "content": "  Be brief. \n"},
          {"role": "user", "content": "\n  Hi there!  \t"},
          {"role": "assistant", "content": " Hello. "}]


def render(student):
    return student.function(CHAT, "render_chat")


@pytest.mark.points(1)
@pytest.mark.hint("ChatML: <|im_start|>{role}\\n{content}<|im_end|>\\n per message, every "
                  "message ends with a newline; the generation prompt is <|im_start|>assistant\\n")
@pytest.mark.parametrize("name,generation", [("multi-turn", False), ("system-user", True)],
                         ids=["multi-turn", "generation-prompt"])
def test_chatml_matches_the_template(student, name, generation):
    messages = CONVERSATIONS[name]
    got = render(student)(messages, "chatml", add_generation_prompt=generation)
    assert got == jinja_render(messages, "chatml", generation), "differs from the ChatML template"


@pytest.mark.points(1)
@pytest.mark.hint("ChatML copies the content as it is: no stripping")
def test_chatml_keeps_whitespace(student):
    assert render(student)(PADDED, "chatml") == jinja_render(PADDED, "chatml"), \
        "ChatML must keep the content's whitespace"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 3: <|begin_of_text|> once, then <|start_header_id|>{role}"
                  "<|end_header_id|>\\n\\n{content.strip()}<|eot_id|> per message")
@pytest.mark.parametrize("name,generation", [("multi-turn", False), ("system-user", True)],
                         ids=["multi-turn", "generation-prompt"])
def test_llama3_matches_the_template(student, name, generation):
    messages = CONVERSATIONS[name]
    got = render(student)(messages, "llama3", add_generation_prompt=generation)
    assert got == jinja_render(messages, "llama3", generation), "differs from Llama 3's template"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 3's template trims every message's content")
def test_llama3_strips_every_message(student):
    assert render(student)(PADDED, "llama3") == jinja_render(PADDED, "llama3"), \
        "Llama 3 content must be stripped"


@pytest.mark.points(1)
@pytest.mark.hint("<|begin_of_text|> is written once, before the first message only")
def test_llama3_writes_bos_once(student):
    got = render(student)(CONVERSATIONS["multi-turn"], "llama3")
    assert got.count("<|begin_of_text|>") == 1, "BOS must appear exactly once"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2: <s>[INST] {user} [/INST] per user turn, ' {answer} </s>' per "
                  "assistant turn, the system prompt folded into the first user turn")
@pytest.mark.parametrize("name", ["system-user", "multi-turn", "ends-with-assistant"])
def test_llama2_matches_the_template(student, name):
    messages = CONVERSATIONS[name]
    assert render(student)(messages, "llama2") == jinja_render(messages, "llama2"), \
        "differs from Llama 2's template"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2's template has no generation prompt: add_generation_prompt adds nothing")
def test_llama2_generation_prompt_adds_nothing(student):
    messages = CONVERSATIONS["multi-turn"]
    got = render(student)(messages, "llama2", add_generation_prompt=True)
    assert got == jinja_render(messages, "llama2", True), "Llama 2 has no generation prompt"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2 strips the folded text (<<SYS>> block + user message) as a whole, "
                  "not the user message on its own")
def test_llama2_strips_the_folded_turn_as_a_whole(student):
    assert render(student)(PADDED, "llama2") == jinja_render(PADDED, "llama2"), \
        "whitespace handling differs from Llama 2's template"


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2 needs user/assistant/user/... after an optional first system "
                  "message, and at least one user turn: otherwise ValueError")
@pytest.mark.parametrize("messages", [
    [USER, USER2],
    [ASSISTANT, USER],
    [SYSTEM],
    [USER, SYSTEM, USER2],
], ids=["two-users", "assistant-first", "system-only", "system-in-the-middle"])
def test_llama2_rejects_bad_conversations(student, messages):
    with pytest.raises(ValueError):
        render(student)(messages, "llama2")


@pytest.mark.points(1)
@pytest.mark.hint("an unknown style, an unknown role or an empty message list is a ValueError")
@pytest.mark.parametrize("args", [
    ([USER], "vicuna"),
    ([{"role": "tool", "content": "42"}], "chatml"),
    ([], "llama3"),
], ids=["unknown-style", "unknown-role", "no-messages"])
def test_render_chat_rejects_bad_input(student, args):
    with pytest.raises(ValueError):
        render(student)(*args)


@pytest.mark.points(1)
@pytest.mark.hint("count_bos counts every occurrence, wherever it is")
def test_count_bos_counts_everywhere(student):
    count = student.function(CHAT, "count_bos")
    assert count([1, 5, 1, 7, 1], 1) == 3, "BOS later in the sequence counts too"
    assert count([], 1) == 0, "no ids, no BOS"


@pytest.mark.points(1)
@pytest.mark.hint("has_double_bos looks at the first two ids only: two BOS elsewhere are "
                  "packed documents, not the bug")
def test_has_double_bos_only_at_the_start(student):
    check = student.function(CHAT, "has_double_bos")
    assert check([2, 2, 9], 2) is True, "two leading BOS is the bug"
    assert check([2, 9, 2, 9], 2) is False, "a BOS later in the sequence is not the bug"
    assert check([2], 2) is False, "one BOS is fine"
    assert check([9, 2, 2], 2) is False, "the bug is at the very start"


@pytest.mark.points(1)
@pytest.mark.hint("the ids with special tokens = prefix + ids without them + suffix")
@pytest.mark.parametrize("name", ["bert", "llama3", "gpt4", "gpt2"])
def test_hidden_passengers_of_real_tokenizers(student, name):
    text = "Tokenizers add passengers. Watch: 12.5% more!"
    tok = tokenizer(name)
    full, plain = tok.encode(text, True), tok.encode(text, False)
    want = {"prefix": full[:full.index(plain[0])],
            "suffix": full[full.index(plain[0]) + len(plain):]}
    handle = student.worker_helper(f"{ZOO}:tokenizer", name)
    assert student.function(CHAT, "hidden_passengers")(handle, text) == want, \
        f"wrong passengers for {name}"


@pytest.mark.points(1)
@pytest.mark.hint("do not filter special ids: the text itself may hold one. Locate the plain "
                  "ids as a contiguous run inside the full ids")
def test_hidden_passengers_when_the_text_holds_a_special_token(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    got = student.function(CHAT, "hidden_passengers")(bert, "hello [SEP] world")
    assert got == {"prefix": [101], "suffix": [102]}, "the [SEP] in the text is not a passenger"


@pytest.mark.points(1)
@pytest.mark.hint("when the plain ids are not a contiguous run of the full ids, or the text "
                  "is empty, raise ValueError")
def test_hidden_passengers_rejects_what_it_cannot_explain(student):
    passengers = student.function(CHAT, "hidden_passengers")
    with pytest.raises(ValueError):
        passengers(student.worker_helper(f"{ZOO}:tokenizer", "scrambled"), "abc")
    with pytest.raises(ValueError):
        passengers(student.worker_helper(f"{ZOO}:tokenizer", "bert"), "")


@pytest.mark.points(2)
@pytest.mark.hint("the rendered Llama 3 prompt already starts with <|begin_of_text|>: encode "
                  "it with add_special_tokens=False")
def test_encode_chat_has_a_single_bos(student):
    messages = [USER, ASSISTANT, USER2]
    llama3 = student.worker_helper(f"{ZOO}:tokenizer", "llama3")
    got = student.function(CHAT, "encode_chat")(llama3, messages, "llama3", True)
    want = tokenizer("llama3").encode(jinja_render(messages, "llama3", True), False)
    assert got[:2] != [128000, 128000], "doubled BOS"
    assert got == want, "ids differ from the encoded template"


@pytest.mark.points(1)
@pytest.mark.hint("encode_chat renders with render_chat (passing add_generation_prompt on) "
                  "and encodes without adding special tokens")
def test_encode_chat_chatml_with_gpt4(student):
    messages = [SYSTEM, USER]
    gpt4 = student.worker_helper(f"{ZOO}:tokenizer", "gpt4")
    got = student.function(CHAT, "encode_chat")(gpt4, messages, "chatml", add_generation_prompt=True)
    assert got == tokenizer("gpt4").encode(jinja_render(messages, "chatml", True), False), \
        "ids differ from the encoded ChatML prompt"
