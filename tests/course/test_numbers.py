"""Numbers the lessons and the module READMEs quote are the ones the course's code produces.

Each test computes a quoted number with the reference solutions and checks the sentence that
quotes it, in every file that quotes it (lesson and README say the same thing).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "solutions"))


def text(path: str) -> str:
    return " ".join((ROOT / path).read_text(encoding="utf-8").replace("> ", " ").split())


def quoted(sentence: str, *paths: str) -> None:
    sentence = " ".join(sentence.split())
    for path in paths:
        assert sentence in text(path), f"{path} does not say: {sentence}"


@functools.cache
def showdown_script():
    spec = importlib.util.spec_from_file_location("m3_showdown", ROOT / "scripts" / "m3_showdown.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ Module 1

def test_bytes_per_token_at_each_vocabulary_size():
    from m1_tokenization.analysis import load_text, vocab_size_sweep

    rows = vocab_size_sweep(load_text("corpus.txt"), load_text("heldout.txt"), [256, 512, 1024, 4096])
    got = [f"{r['bytes_per_token']:.1f}" for r in rows]
    quoted(f"{got[0]} byte per token with no merges, {got[1]} at 512 tokens, {got[2]} at 1 024, "
           f"{got[3]} at 4 096", "course/m1_tokenization.md", "solutions/m1_tokenization/README.md",
           "exercises/m1_tokenization/README.md")


def test_id_300_of_two_tokenizers():
    from m1_tokenization.analysis import load_text
    from m1_tokenization.bpe import train_bpe

    a = train_bpe(load_text("corpus.txt"), 301, ["<|endoftext|>"])[0][300].decode()
    b = train_bpe(load_text("heldout.txt"), 301, ["<|endoftext|>"])[0][300].decode()
    quoted(f'id 300 is "{a}" for a tokenizer trained (with `<|endoftext|>`) on this module\'s '
           f'corpus and "{b}" for one trained on the held-out stories', "course/m1_tokenization.md")
    quoted(f'id 300 is "{a}" for one trained on corpus.txt and "{b}" for one trained on heldout.txt',
           "solutions/m1_tokenization/analysis.py")


def test_the_strawberry_try_it():
    from m1_tokenization.analysis import letter_visibility
    from m1_tokenization.tokenizer import BPETokenizer
    from m3_tokenizer_zoo.compare import gpt2_files

    gpt2 = BPETokenizer.from_files(*gpt2_files(), special_tokens=["<|endoftext|>"])
    plain = letter_visibility(gpt2, "strawberry", "r")
    assert (plain["pieces"], plain["count"], plain["hidden"]) == (["st", "raw", "berry"], 3, 3)
    assert letter_visibility(gpt2, "STRAWBERRY", "r")["count"] == 0
    spaced = letter_visibility(gpt2, "s t r a w b e r r y", "r")
    assert spaced["standalone"] == 0 and spaced["pieces"].count(" r") == 3
    dashed = letter_visibility(gpt2, "s-t-r-a-w-b-e-r-r-y", "r")
    assert dashed["standalone"] == 3 and len(dashed["pieces"]) == 19
    quoted('"s-t-r-a-w-b-e-r-r-y" (three standalone r\'s, for 19 tokens instead of 3)',
           "course/m1_tokenization.md")


def test_gpt2_puts_its_special_token_last():
    from m3_tokenizer_zoo.compare import load_tokenizer

    assert load_tokenizer("gpt2").special_tokens() == {"<|endoftext|>": 50256}
    quoted("GPT-2 puts `<|endoftext|>` last, at 50 256, after all its merges",
           "course/m1_tokenization.md")


# ------------------------------------------------------------------ Module 2

def test_identical_vectors_pick_the_lowest_index():
    from m2_embeddings.contextual import load_pitch, sense_accuracy

    sentences, _ = load_pitch()
    senses = [s.sense for s in sentences]
    assert len(senses) == 18 and senses[:6] == ["sports"] * 6
    assert sorted(senses.count(s) for s in set(senses)) == [6, 6, 6]
    # 18 copies of one vector: every sentence's neighbour is sentence 0 (sentence 0's is 1)
    assert sense_accuracy(np.ones((18, 4)), senses) == pytest.approx(6 / 18)
    quoted("sentences (6 per sense, sports first)", "course/m2_embeddings.md")


# ------------------------------------------------------------------ Module 3

def test_the_showdown_tables_are_the_code_s():
    script = showdown_script()
    for table in (script.summary_table(), script.kinds_table()):
        for path in ("course/m3_tokenizer_zoo.md",):
            assert table in (ROOT / path).read_text(encoding="utf-8"), \
                f"{path}: the showdown table differs; run scripts/m3_showdown.py --tables"
    assert script.summary_table() in (ROOT / "solutions/m3_tokenizer_zoo/README.md").read_text(
        encoding="utf-8"), "the README's showdown table differs"


def test_the_showdown_card_and_the_token_tax_sentences():
    from m3_tokenizer_zoo.compare import load_parallel_text, load_showdown_parts, load_tokenizer, token_tax

    parts = load_showdown_parts()
    counts = {n: {k: load_tokenizer(n).count(t) for k, t in parts.items()}
              for n in ("gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5")}
    assert counts["gpt2"]["non-English"] == max(c["non-English"] for n, c in counts.items() if n != "byt5")
    for kind in ("emoji", "non-English"):
        assert min(counts, key=lambda n: counts[n][kind]) == "gpt4o"
    quoted(f"and {counts['gpt2']['non-English']} tokens on the non-English line",
           "course/m3_tokenizer_zoo.md")
    texts = load_parallel_text()
    tax = {n: token_tax(load_tokenizer(n).count, texts) for n in ("gpt2", "gpt4", "llama3", "gpt4o")}
    for lang in ("ta", "am", "my"):
        assert tax["llama3"][lang] == tax["gpt4"][lang]
    fmt = lambda x: f"{x:.1f}".removesuffix(".0")  # noqa: E731
    quoted(f"Llama 3's 128 k vocabulary brings Hindi from {tax['gpt2']['hi']:.1f} (GPT-2) down to "
           f"{tax['llama3']['hi']:.1f}, but leaves Tamil, Amharic and Burmese exactly where GPT-4 has "
           f"them ({fmt(tax['gpt4']['ta'])}, {tax['gpt4']['am']:.1f} and {tax['gpt4']['my']:.1f}); "
           f"GPT-4o's 200 k vocabulary brings those three down to {tax['gpt4o']['ta']:.1f}, "
           f"{tax['gpt4o']['am']:.1f} and {tax['gpt4o']['my']:.1f}.", "course/m3_tokenizer_zoo.md")


# ------------------------------------------------------------------ the offline zoo itself

def test_o200k_from_quicktok_is_openai_s_file_and_pattern():
    """The ranks read from quicktok-v1 rebuild OpenAI's o200k_base.tiktoken byte for byte (its
    published SHA-256), and the pattern is tiktoken's own."""
    import base64
    from unittest import mock

    from tiktoken_ext import openai_public

    from m3_tokenizer_zoo import compare

    ranks = compare.read_quicktok_vocab(compare.package_file("quicktok", "data", "o200k.vocab"))
    with mock.patch.object(openai_public, "load_tiktoken_bpe", lambda *a, **k: ranks) as loader:
        spec = openai_public.o200k_base()
    assert spec["pat_str"] == compare.O200K_PATTERN
    assert spec["special_tokens"] == compare.O200K_SPECIAL
    lines = b"".join(base64.b64encode(t) + b" " + str(r).encode() + b"\n"
                     for t, r in sorted(ranks.items(), key=lambda kv: kv[1]))
    source = (ROOT / ".venv").exists() and __import__("inspect").getsource(openai_public.o200k_base)
    expected = source.split('expected_hash="')[1].split('"')[0]
    assert hashlib.sha256(lines).hexdigest() == expected
    del loader


@pytest.mark.parametrize("name", ["gpt4o", "mistral", "byt5"])
def test_new_zoo_members_agree_with_the_trusted_worker_side(name):
    from autograder.worker_helpers import m3_tokenizer_zoo as zoo
    from m3_tokenizer_zoo.compare import load_parallel_text, load_showdown_text, load_tokenizer

    ours, trusted = load_tokenizer(name), zoo.tokenizer(name)
    for sample in [load_showdown_text() + "<|endoftext|><s>", *load_parallel_text().values()]:
        for flag in (False, True):
            ids = ours.encode(sample, add_special_tokens=flag)
            assert ids == trusted.encode(sample, flag)
            assert ours.decode(ids) == trusted.decode(ids)
            assert ours.token_strings(ids) == trusted.token_strings(ids)
    assert ours.special_tokens() == trusted.special_tokens() and ours.unk_id == trusted.unk_id


def test_gpt4o_agrees_with_quicktok_and_mistral_round_trips():
    import quicktok

    from m3_tokenizer_zoo.compare import load_parallel_text, load_showdown_text, load_tokenizer

    gpt4o, mistral = load_tokenizer("gpt4o"), load_tokenizer("mistral")
    reference = quicktok.get_encoding("o200k_base")
    for sample in [load_showdown_text(), *load_parallel_text().values()]:
        assert gpt4o.encode(sample, add_special_tokens=False) == list(reference.encode(sample))
        assert mistral.decode(mistral.encode(sample, add_special_tokens=False)) == sample
