"""Tests of Module 2's reference, data and model helpers (run in-process, not through the grader).

The shipped files (`data/embeddings.npz`, `data/pitch.npz`) are what grading uses instead of the
model; the slow tests here recompute them with the real all-MiniLM-L6-v2 and fail when they are
stale. The README's numbers must be what the reference measures.
"""

from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import pytest

from autograder.worker_helpers.m2_embeddings import LookupEmbedder
from tests.helpers import SOLUTIONS

MODULE_DIR = SOLUTIONS / "m2_embeddings"
if str(SOLUTIONS) not in sys.path:
    sys.path.insert(0, str(SOLUTIONS))

from m2_embeddings import contextual, model, search  # noqa: E402


@pytest.fixture(scope="module")
def real_model():
    os.environ["HF_HUB_OFFLINE"] = "1"
    return model.load_model(offline=True)


# ----------------------------------------------------------------------------- the collection


def test_collection_is_large_enough_and_consistent():
    pages = [json.loads(line) for line in (MODULE_DIR / "data" / "api_docs.jsonl").read_text().splitlines()]
    slugs = [p["slug"] for p in pages]
    assert len(pages) >= 150 and len(set(slugs)) == len(slugs)
    assert len(set(search.load_documents())) == len(pages), "two pages have the same text"
    queries = search.load_queries()
    assert len(queries) >= 30
    assert all(relevant and len(set(relevant)) == len(relevant) for _, relevant in queries)


def test_shipped_embeddings_cover_exactly_the_collection():
    with np.load(model.SHIPPED, allow_pickle=False) as data:
        assert str(data["model_name"]) == model.MODEL_NAME
        assert list(data["texts"]) == list(dict.fromkeys(search.collection_texts()))
        vectors = data["vectors"]
    assert vectors.dtype == np.float32 and vectors.shape[1] == model.DIM
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# ----------------------------------------------------------------------------- README numbers


def _readme_row(label: str) -> list[float]:
    readme = (MODULE_DIR / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^\| {re.escape(label)} \|(.*)\|\s*$", readme, flags=re.MULTILINE)
    assert match, f"README has no row for {label}"
    return [float(cell) for cell in match.group(1).split("|")]


def test_readme_search_numbers_are_measured(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENS_EMBEDDINGS_CACHE", str(tmp_path))  # shipped vectors only
    results = search.compare(k=5)
    for label, name in (("BM25", "bm25"), ("semantic (all-MiniLM-L6-v2)", "semantic")):
        assert _readme_row(label) == [round(results[name]["recall@5"], 3), round(results[name]["mrr"], 3)]
    assert results["semantic"]["recall@5"] > results["bm25"]["recall@5"] + 0.2


def test_readme_pitch_numbers_are_measured():
    results = contextual.compare_pitch()
    for label, name in (("static (input embedding row of \"pitch\")", "static"),
                        ("contextual (last layer, per occurrence)", "contextual")):
        assert _readme_row(label) == [round(results[name]["separation"], 3) + 0.0,
                                      round(results[name]["accuracy"], 3)]


def test_static_pitch_accuracy_comes_from_the_tie_rule():
    """All static vectors of "pitch" are equal, so every neighbour is a tie (whose last bits
    differ between CPUs): sentence 0 picks sentence 1 and every other sentence picks 0."""
    sentences, _ = contextual.load_pitch()
    senses = [s.sense for s in sentences]
    tie_rule = (senses[1] == senses[0]) + sum(sense == senses[0] for sense in senses[1:])
    assert contextual.compare_pitch()["static"]["accuracy"] == tie_rule / len(senses)


def test_readme_table_sizes_are_right():
    from m2_embeddings.vectors import REAL_VOCABULARIES, embedding_table_size

    assert embedding_table_size(*REAL_VOCABULARIES["bert-base-uncased"]) == (23_440_896, 93_763_584)
    assert embedding_table_size(*REAL_VOCABULARIES["Meta-Llama-3-8B"]) == (525_336_576, 2_101_346_304)


# ----------------------------------------------------------------------------- the embedding cache


class FakeModel:
    """Stands in for the sentence-transformer: counts texts, returns unit vectors."""

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts, **_):
        self.seen += texts
        rng = np.random.default_rng(len(self.seen))
        vectors = rng.normal(size=(len(texts), model.DIM)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_embed_caches_on_disk_and_rejects_bad_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENS_EMBEDDINGS_CACHE", str(tmp_path))
    monkeypatch.setattr(model, "_memory", {})
    monkeypatch.setattr(model, "_shipped_loaded", True)
    fake = FakeModel()
    first = model.embed(["alpha", "beta", "alpha"], model=fake)
    assert fake.seen == ["alpha", "beta"] and first.shape == (3, model.DIM)
    np.testing.assert_array_equal(first[0], first[2])

    monkeypatch.setattr(model, "_memory", {})
    again = model.embed(["beta", "alpha"], model=fake)
    assert fake.seen == ["alpha", "beta"], "cached texts must not reach the model"
    np.testing.assert_array_equal(again, first[[1, 0]])

    files = sorted(model.cache_dir().glob("*.npy"))
    assert len(files) == 2 and not list(model.cache_dir().glob("*.tmp"))
    np.save(files[0], np.full(model.DIM, 7.0, dtype=np.float32))  # not a unit vector
    monkeypatch.setattr(model, "_memory", {})
    model.embed(["alpha", "beta"], model=fake)
    assert len(fake.seen) == 3, "a corrupt cache entry must be recomputed"


def test_embed_uses_shipped_vectors_without_a_model(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENS_EMBEDDINGS_CACHE", str(tmp_path))
    monkeypatch.setattr(model, "_memory", {})
    monkeypatch.setattr(model, "_shipped_loaded", False)
    texts = search.collection_texts()[:3]
    vectors = model.embed(texts, model=FakeModel())
    with np.load(model.SHIPPED, allow_pickle=False) as data:
        np.testing.assert_array_equal(vectors, data["vectors"][:3])
    assert not list(tmp_path.rglob("*.npy")), "shipped vectors need no cache files"


def test_lookup_embedder_refuses_strings_and_unknown_texts():
    embed = LookupEmbedder(["a", "b"], np.eye(2))
    np.testing.assert_array_equal(embed(["b", "a", "b"]), [[0, 1], [1, 0], [0, 1]])
    assert embed([]).shape == (0, 2) and embed.calls == [3, 0]
    with pytest.raises(TypeError):
        embed("a")
    with pytest.raises(KeyError):
        embed(["c"])


# ----------------------------------------------------------------------------- the real model (slow)


@pytest.mark.slow
def test_shipped_embeddings_match_the_model(real_model):
    with np.load(model.SHIPPED, allow_pickle=False) as data:
        texts, shipped = [str(t) for t in data["texts"]], data["vectors"]
    fresh = real_model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
    np.testing.assert_allclose(shipped, fresh, atol=1e-4,
                               err_msg="data/embeddings.npz is stale: run search.build_embedding_data()")


@pytest.mark.slow
def test_pitch_data_matches_the_model(real_model, tmp_path):
    fresh_path = tmp_path / "pitch.npz"
    contextual.build_pitch_data(fresh_path, real_model)
    with np.load(contextual.DATA_DIR / "pitch.npz", allow_pickle=False) as shipped, \
            np.load(fresh_path, allow_pickle=False) as fresh:
        assert sorted(shipped.files) == sorted(fresh.files)
        for name in shipped.files:
            if shipped[name].dtype.kind == "f":
                np.testing.assert_allclose(shipped[name].astype(np.float32), fresh[name].astype(np.float32),
                                           atol=2e-2, err_msg=f"data/pitch.npz: {name} is stale")
            else:
                np.testing.assert_array_equal(shipped[name], fresh[name], err_msg=f"data/pitch.npz: {name} is stale")


@pytest.mark.slow
def test_token_vectors_agree_with_sentence_embeddings(real_model):
    sentence = contextual.PITCH_SENTENCES["music"][0]
    tokens = model.token_vectors(sentence, real_model)
    assert tokens["tokens"][0] == "[CLS]" and tokens["tokens"][-1] == "[SEP]"
    assert tokens["static"].shape == tokens["contextual"].shape == (len(tokens["ids"]), model.DIM)
    pooled = tokens["contextual"].mean(axis=0)
    sentence_vector = real_model.encode([sentence], convert_to_numpy=True, normalize_embeddings=True)[0]
    np.testing.assert_allclose(pooled / np.linalg.norm(pooled), sentence_vector, atol=1e-5)
