"""Numbers the lessons and the READMEs quote are the ones the course's code produces.

Each test computes a quoted number with the reference solutions and checks the sentence that
quotes it, in every file that quotes it (lesson and README say the same thing). Numbers that
take seconds of training (Module 4) are measured once by scripts/course_numbers.py into
course/numbers.json: the lesson must say what the file says, and a fresh run must agree with
the file.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import use_reference_packages

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def reference_packages():
    """The tests import the reference's modules by name."""
    use_reference_packages()


def text(path: str) -> str:
    return " ".join((ROOT / path).read_text(encoding="utf-8").replace("> ", " ").split())


def quoted(sentence: str, *paths: str) -> None:
    sentence = " ".join(sentence.split())
    for path in paths:
        assert sentence in text(path), f"{path} does not say: {sentence}"


def num(n: int) -> str:
    """A whole number as the lessons write it: 173 303."""
    return f"{n:,}".replace(",", " ")


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


def test_three_ways_to_cut_the_held_out_text():
    from m1_tokenization.analysis import build_word_vocab, granularity, load_text, oov_rate
    from m1_tokenization.bpe import train_bpe
    from m1_tokenization.tokenizer import BPETokenizer

    corpus, heldout = load_text("corpus.txt"), load_text("heldout.txt")
    specials = ["<|endoftext|>"]
    sizes = granularity(BPETokenizer(*train_bpe(corpus, 1024, specials), specials), heldout)
    oov = oov_rate(build_word_vocab(corpus), heldout)
    capped = oov_rate(build_word_vocab(corpus, 1000), heldout)
    lesson = "course/m1_tokenization.md"
    quoted(f"| bytes | {num(sizes['bytes'])} | none: 256 byte values spell anything | 256 |", lesson)
    quoted(f"| words | {num(sizes['words'])} | {oov:.0%} of the words were never seen in training |"
           .replace("%", " %"), lesson)
    quoted(f"| BPE subwords (1 024 tokens) | {num(sizes['subwords'])} | none | 1 024 |", lesson)
    quoted(f"still misses {oov:.0%} of the held-out words ({capped:.0%} when capped at 1 000 words)"
           .replace("%", " %"), "solutions/m1_tokenization/README.md", "exercises/m1_tokenization/README.md")


def test_embedding_parameters_quoted():
    from m1_tokenization.analysis import embedding_parameters
    from m2_embeddings.vectors import REAL_VOCABULARIES, embedding_table_size

    small = embedding_parameters(4096, 768)
    quoted(f"{small / 1e6:.1f} million parameters at 4 096 × 768", "course/m1_tokenization.md")
    quoted(f"{small / 1e6:.1f} M parameters at 4 096 × 768", "solutions/m1_tokenization/README.md")
    gpt2 = embedding_parameters(50_257, 768)
    quoted(f"GPT-2's 50 257 tokens take {gpt2 / 1e6:.1f} million of its 124 million parameters",
           "course/m1_tokenization.md")
    vocab, dim = REAL_VOCABULARIES["Meta-Llama-3-8B"]
    params, _ = embedding_table_size(vocab, dim)
    assert 0.5e9 <= params < 0.55e9
    quoted(f"Llama 3's is {num(vocab)} × {num(dim)}, half a billion parameters", "course/m2_embeddings.md")


def test_rare_tokens_take_over_past_about_1500():
    """The rare-token curve of vocab_size.png falls while byte values leave it, then rises."""
    from m1_tokenization.analysis import load_text, rare_token_fraction
    from m1_tokenization.bpe import train_bpe
    from m1_tokenization.tokenizer import BPETokenizer

    train = load_text("corpus.txt")
    vocab, merges = train_bpe(train, 3072)
    rare = {}
    for size in (1024, 1536, 2048, 3072):
        tok = BPETokenizer({i: vocab[i] for i in range(size)}, merges[: size - 256])
        rare[size] = rare_token_fraction(tok.encode(train), size, min_count=5)
    assert rare[1536] <= rare[1024] and rare[1536] < rare[2048] < rare[3072], rare
    quoted("Past about 1 500 tokens, rare merges take over.", "course/m1_tokenization.md")


def test_the_docstring_picture_of_bpe_is_what_train_bpe_learns():
    """bpe.py's module docstring draws the first merges on "low lower lowest"."""
    from m1_tokenization import bpe

    doc = bpe.__doc__
    text = re.search(r'text\s+"([^"]+)"', doc).group(1)
    pretokens = re.search(r"pre-tokens\s+(\[[^\]]*\])", doc).group(1)
    assert bpe.pretokenize(text) == json.loads(pretokens)
    drawn = [(a, b) for a, b in re.findall(r"merge \d+\s+\((\w+), (\w+)\)", doc)]
    assert len(drawn) >= 2, "the docstring draws no merges"
    _, merges = bpe.train_bpe(text, 256 + len(drawn))
    assert [(a.decode(), b.decode()) for a, b in merges] == drawn


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


def test_keyword_and_semantic_search_on_nina_s_documentation(tmp_path, monkeypatch):
    from m2_embeddings.search import compare, load_documents, load_queries

    monkeypatch.setenv("TOKENS_EMBEDDINGS_CACHE", str(tmp_path))  # the shipped vectors only
    results = compare(k=5)
    bm25, semantic = results["bm25"]["recall@5"], results["semantic"]["recall@5"]
    lesson = "course/m2_embeddings.md"
    quoted(f"Nina's documentation has {len(load_documents())} pages.", lesson)
    quoted(f"On this module's {len(load_queries())} queries, BM25 finds {bm25:.0%} of the relevant "
           f"pages in its top 5, semantic search {semantic:.0%}.".replace("%", " %"), lesson)
    quoted(f"{len(load_documents())} pages", "solutions/m2_embeddings/README.md")


def test_static_and_contextual_pitch_under_the_tie_rule():
    from fractions import Fraction

    from m2_embeddings.contextual import compare_pitch

    results = compare_pitch()
    static = Fraction(results["static"]["accuracy"]).limit_denominator(18)
    assert results["static"]["separation"] == pytest.approx(0.0, abs=1e-9)
    assert results["contextual"]["accuracy"] == 1.0
    quoted(f"Static vectors: separation 0, accuracy {static.numerator}/{static.denominator}. "
           "Contextual vectors: every occurrence's nearest neighbour has its sense.",
           "course/m2_embeddings.md")
    quoted("The contextual vectors score 1.0.", "course/m2_embeddings.md")


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


def test_the_token_tax_table_is_the_code_s():
    table = showdown_script().tax_table()
    for path in ("solutions/m3_tokenizer_zoo/README.md", "exercises/m3_tokenizer_zoo/README.md"):
        assert table in (ROOT / path).read_text(encoding="utf-8"), \
            f"{path}: the token-tax table differs; run scripts/m3_showdown.py --tables"


def test_the_token_tax_sentences():
    from m3_tokenizer_zoo.byte_level import sequence_lengths
    from m3_tokenizer_zoo.compare import load_parallel_text, load_showdown_text, load_tokenizer, tax_breakdown

    texts = load_parallel_text()
    gpt4 = load_tokenizer("gpt4")
    parts = tax_breakdown(gpt4.count, texts)
    tax = {lang: p["tax"] for lang, p in parts.items()}
    fmt = lambda x: f"{x:.1f}".removesuffix(".0")  # noqa: E731
    lesson = "course/m3_tokenizer_zoo.md"
    quoted(f"With GPT-4's tokenizer Spanish costs {fmt(tax['es'])} times English, Hindi "
           f"{fmt(tax['hi'])}, Tamil {fmt(tax['ta'])} and Burmese {fmt(tax['my'])}.", lesson)
    quoted(f"Hindi has {parts['hi']['byte_ratio']:.1f} times the bytes of English for the same content",
           lesson)
    quoted(f"{parts['hi']['compression_penalty']:.1f} times fewer bytes per token", lesson)
    quoted(f"for GPT-4, {parts['am']['byte_ratio']:.1f}× more bytes but "
           f"{fmt(round(parts['am']['compression_penalty']))}× fewer bytes per token than English",
           "solutions/m3_tokenizer_zoo/README.md")
    assert 5 <= tax["hi"] < 6
    quoted("a Hindi sentence costs five times its English translation", lesson)
    bert = load_tokenizer("bert")
    assert bert.count(texts["th"]) / bert.count(texts["en"]) == pytest.approx(0.1, abs=0.015)
    quoted("BERT \"encodes\" Thai at a tenth of English's cost", lesson)
    english = sequence_lengths(gpt4.count, {"en": texts["en"]})["en"]
    quoted(f"English Article 1 is {english['byt5']} ByT5 ids against {english['subword']} GPT-4 tokens",
           lesson)
    assert round(english["byt5"] / english["subword"]) == 5
    quoted("On clean English they spend five times the sequence", lesson)
    quoted(f"{english['byt5']} ByT5 ids for the English sentence against {english['subword']} GPT-4 tokens",
           "solutions/m3_tokenizer_zoo/README.md")
    showdown = load_showdown_text()
    size = f"{len(showdown)} characters, {len(showdown.encode('utf-8'))} UTF-8 bytes"
    quoted(size, lesson, "solutions/m3_tokenizer_zoo/README.md")
    quoted(f"ByT5 needs one id per byte, {len(showdown.encode('utf-8'))} for the whole text", lesson)


# ------------------------------------------------------------------ Module 4

NUMBERS = json.loads((ROOT / "course" / "numbers.json").read_text(encoding="utf-8"))


def test_the_module_4_lesson_quotes_course_numbers_json():
    skipgram = NUMBERS["m4_embedding_training"]["skipgram"]
    contrastive = NUMBERS["m4_embedding_training"]["contrastive"]
    lesson = "course/m4_embedding_training.md"
    paris, red = skipgram["neighbours"]["paris"], skipgram["neighbours"]["red"]
    assert skipgram["settings"]["epochs"] == 5
    quoted(f"On the course corpus ({num(skipgram['corpus_words'])} words, {skipgram['distinct_words']} "
           f"distinct), five epochs take a few seconds: the five nearest neighbours of \"paris\" are "
           f"{', '.join(paris[:-1])} and {paris[-1]}, all capitals; of \"red\", {', '.join(red[:-1])} and "
           f"{red[-1]}, all "
           f"colours; and {skipgram['analogies_right']} of the {skipgram['analogy_questions']} analogy "
           "questions", lesson)
    untrained, trained = contrastive["recall_at_1_untrained"], contrastive["recall_at_1_trained"]
    quoted(f"trained on {contrastive['train_pairs']} paraphrase pairs of the course world goes from chance "
           f"({untrained:.1%} recall@1, one of {contrastive['test_pairs']} held-out pairs) to "
           f"{trained:.0%} recall@1 on the held-out pairs".replace("%", " %"), lesson)
    assert untrained == pytest.approx(1 / contrastive["test_pairs"])


def test_a_fresh_skipgram_run_agrees_with_course_numbers_json():
    """Training sums floats in an order that may differ between CPUs in the last bits: the
    corpus must be the same, what training learns the same within a small tolerance."""
    from m4_embedding_training import corpus
    from m4_embedding_training.skipgram import train_skipgram

    recorded = NUMBERS["m4_embedding_training"]["skipgram"]
    s = recorded["settings"]
    data = corpus.load_corpus(s["num_sentences"], seed=s["seed"])
    assert (len(data.ids), len(data.words)) == (recorded["corpus_words"], recorded["distinct_words"])
    E = train_skipgram(data.ids, len(data.words), s["dim"], s["window"], s["negatives"], s["epochs"],
                       s["lr"], s["seed"])
    groups = corpus.word_groups()
    for word, group in (("paris", "capital"), ("red", "colour")):
        fresh = corpus.nearest_neighbours(E, data.words, word, 5)
        assert set(fresh) <= set(groups[group]), (word, fresh)
        assert set(recorded["neighbours"][word]) <= set(groups[group])
        assert len(set(fresh) & set(recorded["neighbours"][word])) >= 3, (word, fresh)
    questions = corpus.analogy_questions()
    assert len(questions) == recorded["analogy_questions"]
    right = corpus.analogy_accuracy(E, data.words) * len(questions)
    assert abs(right - recorded["analogies_right"]) <= 1


def test_a_fresh_paraphrase_encoder_agrees_with_course_numbers_json():
    from m4_embedding_training import corpus
    from m4_embedding_training.contrastive import recall_at_1, train_paraphrase_encoder

    recorded = NUMBERS["m4_embedding_training"]["contrastive"]
    train, test = corpus.paraphrase_pairs()
    assert (len(train), len(test)) == (recorded["train_pairs"], recorded["test_pairs"])
    queries, keys = [a for a, _ in test], [b for _, b in test]
    for options, key in (({"epochs": 0}, "recall_at_1_untrained"), ({}, "recall_at_1_trained")):
        model = train_paraphrase_encoder(train, seed=0, **options)
        recall = recall_at_1(model.encode(queries).detach(), model.encode(keys).detach())
        assert recall == pytest.approx(recorded[key], abs=0.02), (key, recall)


# ------------------------------------------------------------------ the repository README

def test_the_repository_readme_counts():
    from autograder.student_conftest import TEST_TIMEOUT
    from tests.hostile.cases import CASES

    quoted(f"{len(CASES)} hostile submissions", "README.md")
    quoted(f"`pytest exercises/` stops a test after {TEST_TIMEOUT:.0f} s", "README.md")


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
