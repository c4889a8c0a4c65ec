"""Special tokens and chat templates: the hidden passengers of every prompt.

A chat model never sees "messages". It sees one string, built by the chat template the
model was fine-tuned with, full of special tokens that mark who speaks:

    [{"role": "user", "content": "Hi!"}]
        chatml  ->  <|im_start|>user\\nHi!<|im_end|>\\n
        llama3  ->  <|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\nHi!<|eot_id|>
        llama2  ->  <s>[INST] Hi! [/INST]

One character off (a missing newline, an unstripped space, a second BOS) and the model
reads a prompt unlike anything it was trained on: it still answers, only worse, and no
error tells you why. The classic: the template already starts with `<|begin_of_text|>`,
then `tokenizer(prompt)` adds another one because `add_special_tokens=True` is the default:

    ids = [128000, 128000, 128006, 882, ...]      <- the doubled-BOS bug

Tokenizers here follow the module's protocol (see compare.py): `encode(text,
add_special_tokens=True)`, `decode(ids)`, `token_strings(ids)`, `special_tokens()`; special
token strings written in the text are parsed as special tokens, as Hugging Face does.
"""

from __future__ import annotations

from typing import Sequence

STYLES = ("chatml", "llama3", "llama2")
ROLES = ("system", "user", "assistant")

LLAMA3_BOS = "<|begin_of_text|>"
LLAMA2_BOS, LLAMA2_EOS = "<s>", "</s>"


def render_chat(messages: list[dict], style: str, add_generation_prompt: bool = False) -> str:
    """The exact prompt string a chat model was trained on, for `messages`.

    Input: messages `[{"role": "system"|"user"|"assistant", "content": str}, ...]`, a style
    `"chatml"`, `"llama3"` or `"llama2"`, and whether to open an assistant turn at the end.
    Output: the string the model's own Jinja chat template renders, byte for byte:

    - chatml: `<|im_start|>{role}\\n{content}<|im_end|>\\n` per message, content as is;
      generation prompt `<|im_start|>assistant\\n`.
    - llama3 (Meta-Llama-3-8B-Instruct): `<|begin_of_text|>` once, then per message
      `<|start_header_id|>{role}<|end_header_id|>\\n\\n{content.strip()}<|eot_id|>`;
      generation prompt `<|start_header_id|>assistant<|end_header_id|>\\n\\n`.
    - llama2 (Llama-2-chat): an optional first system message is folded into the first
      user turn as `<<SYS>>\\n{system}\\n<</SYS>>\\n\\n{user}`; each user turn is
      `<s>[INST] {content.strip()} [/INST]`, each assistant turn ` {content.strip()} </s>`;
      the generation prompt adds nothing.

        render_chat([{"role": "user", "content": " Hi! "}], "llama3")
        -> "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\nHi!<|eot_id|>"

    Errors (ValueError): an unknown style or role, no messages, and for llama2 a
    conversation without a user turn or whose turns do not alternate user/assistant after
    the optional system message.

    Traps: ChatML ends every message with a newline and strips nothing; Llama 3 writes BOS
    once, not per message; Llama 2 strips the folded text (`<<SYS>>` block + user message)
    as a whole, so whitespace around the system text and before the user text stays.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    # BEGIN SOLUTION: The prompt string of the chosen chat template, and rejecting conversations it cannot render; lesson section “Special tokens and chat templates”.
    if style not in STYLES:
        raise ValueError(f"unknown chat style {style!r}; choose from {', '.join(STYLES)}")
    if not messages:
        raise ValueError("a chat needs at least one message")
    for message in messages:
        if message.get("role") not in ROLES:
            raise ValueError(f"unknown role {message.get('role')!r}")
        if not isinstance(message.get("content"), str):
            raise ValueError("every message needs a string 'content'")
    if style == "chatml":
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")
    if style == "llama3":
        text = LLAMA3_BOS + "".join(
            f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n{m['content'].strip()}<|eot_id|>"
            for m in messages)
        return text + ("<|start_header_id|>assistant<|end_header_id|>\n\n"
                       if add_generation_prompt else "")
    return _render_llama2(messages)
    # END SOLUTION


# BEGIN SOLUTION REMOVE
def _render_llama2(messages: list[dict]) -> str:
    """Llama-2-chat: the system prompt rides inside the first user turn."""
    system = messages[0]["content"] if messages[0]["role"] == "system" else None
    turns = messages[1:] if system is not None else messages
    if not turns:
        raise ValueError("a Llama 2 conversation needs a user turn")
    parts = []
    for i, message in enumerate(turns):
        expected = "user" if i % 2 == 0 else "assistant"
        if message["role"] != expected:
            raise ValueError("Llama 2 roles must alternate user/assistant/user/... "
                             "after the optional system message")
        content = message["content"]
        if i == 0 and system is not None:
            content = f"<<SYS>>\n{system}\n<</SYS>>\n\n{content}"
        if expected == "user":
            parts.append(f"{LLAMA2_BOS}[INST] {content.strip()} [/INST]")
        else:
            parts.append(f" {content.strip()} {LLAMA2_EOS}")
    return "".join(parts)
# END SOLUTION


def count_bos(ids: Sequence[int], bos_id: int) -> int:
    """How many times `bos_id` occurs anywhere in `ids`.

        count_bos([128000, 128000, 9906], 128000) -> 2

    Trap: count every occurrence, not only a leading run.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    # BEGIN SOLUTION: The number of BOS ids in a sequence; lesson section “Special tokens and chat templates”.
    return sum(1 for i in ids if int(i) == bos_id)
    # END SOLUTION


def has_double_bos(ids: Sequence[int], bos_id: int) -> bool:
    """True when `ids` start with two BOS in a row: the doubled-BOS bug.

        has_double_bos([128000, 128000, 9906], 128000)        -> True
        has_double_bos([128000, 9906, 128000, 9906], 128000)  -> False  # two documents

    Trap: two BOS somewhere (two documents packed into one sequence) are fine; the bug is
    a template's BOS followed by the one the tokenizer added, at the very start.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    # BEGIN SOLUTION: Whether a sequence shows the doubled-BOS bug; lesson section “Special tokens and chat templates”.
    ids = list(ids)
    return len(ids) >= 2 and int(ids[0]) == bos_id and int(ids[1]) == bos_id
    # END SOLUTION


def hidden_passengers(tokenizer, text: str) -> dict[str, list[int]]:
    """The ids a tokenizer adds around `text` when special tokens are on.

    Input: a tokenizer following the module's protocol, and a text. Output:
    `{"prefix": [...], "suffix": [...]}` such that
    `encode(text, add_special_tokens=True) == prefix + encode(text, add_special_tokens=False) + suffix`.

        BERT:     {"prefix": [101], "suffix": [102]}          # [CLS] ... [SEP]
        Llama 3:  {"prefix": [128000], "suffix": []}          # <|begin_of_text|>
        GPT-4:    {"prefix": [], "suffix": []}                # adds nothing

    Trap: do not just filter the special ids out of the full encoding: a text may spell a
    special token itself ("hello [SEP]" holds a real [SEP]), and filtering also loses
    whether a passenger came before or after the text. Find the plain ids as a contiguous
    run inside the full ids (the first such run); if there is none, or the text is empty,
    raise ValueError.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    # BEGIN SOLUTION: The ids a tokenizer adds before and after a text; lesson section “Special tokens and chat templates”.
    if not text:
        raise ValueError("an empty text has nothing to compare the added ids with")
    full = list(tokenizer.encode(text, add_special_tokens=True))
    plain = list(tokenizer.encode(text, add_special_tokens=False))
    n = len(plain)
    for start in range(len(full) - n + 1):
        if full[start:start + n] == plain:
            return {"prefix": full[:start], "suffix": full[start + n:]}
    raise ValueError("the ids without special tokens are not a contiguous part of the ids with them")
    # END SOLUTION


def encode_chat(tokenizer, messages: list[dict], style: str,
                add_generation_prompt: bool = False) -> list[int]:
    """Render `messages` with `render_chat` and encode the prompt without doubling BOS.

    Input: a tokenizer following the module's protocol, messages, a style. Output: the ids
    a model should receive: the template's own special tokens, exactly once.

        encode_chat(llama3, [{"role": "user", "content": "Hi!"}], "llama3")
        -> [128000, 128006, 882, 128007, 271, 13347, 0, 128009]     # one BOS

    Trap: the rendered template already holds BOS, so encode it with
    `add_special_tokens=False`; the default (True) prepends a second BOS.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    # BEGIN SOLUTION: The ids of a rendered chat prompt, each special token present once; lesson section “Special tokens and chat templates”.
    prompt = render_chat(messages, style, add_generation_prompt=add_generation_prompt)
    return list(tokenizer.encode(prompt, add_special_tokens=False))
    # END SOLUTION
