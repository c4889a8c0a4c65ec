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
    raise NotImplementedError('The prompt string of the chosen chat template, and rejecting conversations it cannot render; lesson section “Special tokens and chat templates”.')




def count_bos(ids: Sequence[int], bos_id: int) -> int:
    """How many times `bos_id` occurs anywhere in `ids`.

        count_bos([128000, 128000, 9906], 128000) -> 2

    Trap: count every occurrence, not only a leading run.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    raise NotImplementedError('The number of BOS ids in a sequence; lesson section “Special tokens and chat templates”.')


def has_double_bos(ids: Sequence[int], bos_id: int) -> bool:
    """True when `ids` start with two BOS in a row: the doubled-BOS bug.

        has_double_bos([128000, 128000, 9906], 128000)        -> True
        has_double_bos([128000, 9906, 128000, 9906], 128000)  -> False  # two documents

    Trap: two BOS somewhere (two documents packed into one sequence) are fine; the bug is
    a template's BOS followed by the one the tokenizer added, at the very start.

    Lesson: course/m3_tokenizer_zoo.md#special-tokens-and-chat-templates
    """
    raise NotImplementedError('Whether a sequence shows the doubled-BOS bug; lesson section “Special tokens and chat templates”.')


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
    raise NotImplementedError('The ids a tokenizer adds before and after a text; lesson section “Special tokens and chat templates”.')


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
    raise NotImplementedError('The ids of a rendered chat prompt, each special token present once; lesson section “Special tokens and chat templates”.')
