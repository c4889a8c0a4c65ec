"""Hidden tests of chat.py: byte-identical chat templates, BOS bugs, hidden passengers."""

import pytest
from m3_helpers import CHAT, ZOO, must_raise, first_difference, expect_ids, jinja_render, tokenizer

from autograder.checks import expect_bool, expect_dict, expect_int, expect_str

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


def _render(student, messages, style, add_generation_prompt=False, name=""):
    what = f"render_chat({name or f'{len(messages)} messages'}, {style!r}" + \
        (", add_generation_prompt=True)" if add_generation_prompt else ")")
    got = expect_str(student.function(CHAT, "render_chat")(
        messages, style, add_generation_prompt=add_generation_prompt), what)
    return what, got


def _differs(what, got, want) -> str:
    for index, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f"{what} differs from the model's template at character {index}: yours " \
                   f"continues {got[index:index + 24]!r}"
    if len(got) > len(want):
        return f"{what} has extra text at the end: {got[len(want):][:24]!r}"
    return f"{what} stops early, after {got[-24:]!r}"


def _same_as_template(student, messages, style, generation=False, name=""):
    what, got = _render(student, messages, style, generation, name)
    want = jinja_render(messages, style, generation)
    assert got == want, _differs(what, got, want)
    return got


@pytest.mark.points(0.5)
@pytest.mark.hint("ChatML wraps every message in <|im_start|>role … <|im_end|>, each on its "
                  "own line; the generation prompt opens an assistant turn")
@pytest.mark.parametrize("name,generation", [("multi-turn", False), ("system-user", True)],
                         ids=["multi-turn", "generation-prompt"])
def test_chatml_matches_the_template(student, name, generation):
    _same_as_template(student, CONVERSATIONS[name], "chatml", generation, name)


@pytest.mark.points(1)
@pytest.mark.hint("ChatML copies the content as it is, whitespace included")
def test_chatml_keeps_whitespace(student):
    _same_as_template(student, PADDED, "chatml", name="messages padded with whitespace")


@pytest.mark.points(0.5)
@pytest.mark.hint("Llama 3: the begin-of-text token once, then a header and an end-of-turn "
                  "token around every message")
@pytest.mark.deeper_hint("Compare your string with the template in the lesson character by "
                         "character: the blank line after each header, and what trims the content.")
@pytest.mark.parametrize("name,generation", [("multi-turn", False), ("system-user", True)],
                         ids=["multi-turn", "generation-prompt"])
def test_llama3_matches_the_template(student, name, generation):
    _same_as_template(student, CONVERSATIONS[name], "llama3", generation, name)


@pytest.mark.points(1)
@pytest.mark.hint("Llama 3's template trims whitespace around every message's content")
def test_llama3_strips_every_message(student):
    _same_as_template(student, PADDED, "llama3", name="messages padded with whitespace")


@pytest.mark.points(1)
@pytest.mark.hint("<|begin_of_text|> starts the whole conversation, not every message")
def test_llama3_writes_bos_once(student):
    what, got = _render(student, CONVERSATIONS["multi-turn"], "llama3", name="multi-turn")
    count = got.count("<|begin_of_text|>")
    assert count == 1, f"{what} holds <|begin_of_text|> {count} times"


@pytest.mark.points(0.5)
@pytest.mark.hint("Llama 2 wraps each user turn in [INST] … [/INST] and ends each answer with "
                  "</s>; the system prompt has no turn of its own")
@pytest.mark.deeper_hint("The system prompt is folded into the first user turn between <<SYS>> "
                         "markers; every user turn starts a new <s>.")
@pytest.mark.parametrize("name", ["system-user", "multi-turn", "ends-with-assistant"])
def test_llama2_matches_the_template(student, name):
    _same_as_template(student, CONVERSATIONS[name], "llama2", name=name)


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2's template has no generation prompt: the flag adds nothing")
def test_llama2_generation_prompt_adds_nothing(student):
    _same_as_template(student, CONVERSATIONS["multi-turn"], "llama2", True, "multi-turn")


@pytest.mark.points(1)
@pytest.mark.hint("Llama 2 strips the folded first turn (system block and user message) as a "
                  "whole, not the user message on its own")
def test_llama2_strips_the_folded_turn_as_a_whole(student):
    _same_as_template(student, PADDED, "llama2", name="messages padded with whitespace")


@pytest.mark.points(0.5)
@pytest.mark.hint("Llama 2 needs user/assistant turns in alternation after an optional first "
                  "system message, and at least one user turn: otherwise ValueError")
@pytest.mark.parametrize("messages", [
    [USER, USER2],
    [ASSISTANT, USER],
    [SYSTEM],
    [USER, SYSTEM, USER2],
], ids=["two-users", "assistant-first", "system-only", "system-in-the-middle"])
def test_llama2_rejects_bad_conversations(student, messages):
    roles = "/".join(m["role"] for m in messages)
    with must_raise(ValueError, f"render_chat({roles}, 'llama2')"):
        student.function(CHAT, "render_chat")(messages, "llama2")


@pytest.mark.points(0.5)
@pytest.mark.hint("bad input is rejected: an unknown style, an unknown role or no messages raise ValueError")
@pytest.mark.parametrize("args", [
    ([USER], "vicuna"),
    ([{"role": "tool", "content": "42"}], "chatml"),
    ([], "llama3"),
], ids=["unknown-style", "unknown-role", "no-messages"])
def test_render_chat_rejects_bad_input(student, args):
    roles = "/".join(m["role"] for m in args[0]) or "no messages"
    with must_raise(ValueError, f"render_chat({roles}, {args[1]!r})"):
        student.function(CHAT, "render_chat")(*args)


@pytest.mark.points(1)
@pytest.mark.hint("count_bos counts every occurrence, wherever it is")
def test_count_bos_counts_everywhere(student):
    count = student.function(CHAT, "count_bos")
    got = expect_int(count([1, 5, 1, 7, 1], 1), "count_bos([1, 5, 1, 7, 1], 1)")
    assert got == 3, f"count_bos([1, 5, 1, 7, 1], 1) returned {got}"
    got = expect_int(count([], 1), "count_bos([], 1)")
    assert got == 0, f"count_bos([], 1) returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("the doubled-BOS bug is about the start of a sequence: two BOS elsewhere are "
                  "packed documents, not the bug")
def test_has_double_bos_only_at_the_start(student):
    check = student.function(CHAT, "has_double_bos")
    for ids, want in (([2, 2, 9], True), ([2, 9, 2, 9], False), ([2], False), ([9, 2, 2], False)):
        what = f"has_double_bos({ids}, 2)"
        got = expect_bool(check(ids, 2), what)
        assert got is want, f"{what} returned {got}"


def _passengers(student, handle, text, name):
    what = f"hidden_passengers({name}, {text!r})"
    got = expect_dict(student.function(CHAT, "hidden_passengers")(handle, text), what,
                      keys=str, values=list)
    assert set(got) == {"prefix", "suffix"}, f"{what} has the keys {sorted(got)}"
    return what, {key: expect_ids(got[key], f"{what}[{key!r}]") for key in ("prefix", "suffix")}


@pytest.mark.points(0.5)
@pytest.mark.hint("the passengers are what the ids with special tokens hold before and after "
                  "the ids without them")
@pytest.mark.parametrize("name", ["bert", "llama3", "gpt4", "gpt2"])
def test_hidden_passengers_of_real_tokenizers(student, name):
    text = "Tokenizers add passengers. Watch: 12.5% more!"
    tok = tokenizer(name)
    full, plain = tok.encode(text, True), tok.encode(text, False)
    want = {"prefix": full[:full.index(plain[0])],
            "suffix": full[full.index(plain[0]) + len(plain):]}
    handle = student.worker_helper(f"{ZOO}:tokenizer", name)
    what, got = _passengers(student, handle, text, name)
    assert got == want, f"{what} returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("the text itself may spell a special token: a passenger is found by position, "
                  "not by being special")
@pytest.mark.deeper_hint("Locate the ids without special tokens as one contiguous run inside "
                         "the ids with them; whatever is outside the run is a passenger.")
def test_hidden_passengers_when_the_text_holds_a_special_token(student):
    bert = student.worker_helper(f"{ZOO}:tokenizer", "bert")
    what, got = _passengers(student, bert, "hello [SEP] world", "bert")
    assert got == {"prefix": [101], "suffix": [102]}, \
        f"{what} returned {got}: the [SEP] in the text is not a passenger"


@pytest.mark.points(1)
@pytest.mark.hint("when the plain ids are not a contiguous run of the full ids, or the text "
                  "is empty, nothing can be explained: ValueError")
def test_hidden_passengers_rejects_what_it_cannot_explain(student):
    passengers = student.function(CHAT, "hidden_passengers")
    with must_raise(ValueError, "hidden_passengers(a tokenizer that reorders the ids, 'abc')"):
        passengers(student.worker_helper(f"{ZOO}:tokenizer", "scrambled"), "abc")
    with must_raise(ValueError, "hidden_passengers(bert, '')"):
        passengers(student.worker_helper(f"{ZOO}:tokenizer", "bert"), "")


@pytest.mark.points(2)
@pytest.mark.hint("a rendered Llama 3 prompt already holds its BOS: the ids must not get a second one")
@pytest.mark.deeper_hint("Encoding adds the tokenizer's own special tokens unless you say "
                         "otherwise; the template has already put them in.")
def test_encode_chat_has_a_single_bos(student):
    messages = [USER, ASSISTANT, USER2]
    llama3 = student.worker_helper(f"{ZOO}:tokenizer", "llama3")
    what = "encode_chat(llama3, 3 messages, 'llama3', add_generation_prompt=True)"
    got = expect_ids(student.function(CHAT, "encode_chat")(llama3, messages, "llama3", True), what)
    want = tokenizer("llama3").encode(jinja_render(messages, "llama3", True), False)
    assert got[:2] != [128000, 128000], f"{what} starts with two BOS ids"
    assert got != tokenizer("llama3").encode(jinja_render(messages, "llama3", False), False), \
        f"{what} ends without the generation prompt (the assistant header)"
    assert got == want, f"{what}: {first_difference(got, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("encode_chat encodes what render_chat renders for the same arguments, and adds nothing")
def test_encode_chat_chatml_with_gpt4(student):
    messages = [SYSTEM, USER]
    gpt4 = student.worker_helper(f"{ZOO}:tokenizer", "gpt4")
    what = "encode_chat(gpt4, system/user, 'chatml', add_generation_prompt=True)"
    got = expect_ids(student.function(CHAT, "encode_chat")(gpt4, messages, "chatml",
                                                       add_generation_prompt=True), what)
    want = tokenizer("gpt4").encode(jinja_render(messages, "chatml", True), False)
    assert got == want, f"{what}: {first_difference(got, want)}"
