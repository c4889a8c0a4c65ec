# %% [markdown]
# # Module 2 · Embeddings, hands on
#
# Nina documents the Larkspur payments API, and its search box fails her users: they type
# "authentication error" and the page that answers is called "401 Unauthorized". This notebook
# solves her problem with her own documentation and her users' questions: first the vectors,
# then keyword search against search by meaning.
#
# This notebook follows [the lesson](../m2_embeddings.md) with live code. It imports your code
# from `exercises/` (set `COURSE_CODE=solutions` to run it on the reference instead). The
# sentence embeddings come with the course (`data/embeddings.npz`), so nothing is downloaded.

# %%
import os
import sys
from pathlib import Path

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "exercises").is_dir())
CODE = os.environ.get("COURSE_CODE", "exercises")  # "exercises": yours; "solutions": the reference
sys.path.insert(0, str(ROOT / CODE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
print("using the code in", ROOT / CODE)

# %% [markdown]
# ## From IDs to vectors
#
# A lookup is a one-hot row times the matrix, without ever building the one-hot row.

# %%
import numpy as np

from m2_embeddings.vectors import embedding_lookup, embedding_table_size, one_hot

rng = np.random.default_rng(0)
E = rng.normal(size=(6, 4))
ids = np.array([1, 2, 1])
print(np.allclose(one_hot(ids, 6) @ E, embedding_lookup(E, ids)))
try:
    embedding_lookup(E, np.array([-1]))
except IndexError as error:
    print("refused:", error)
print("Llama 3's table (parameters, bytes in float32):", embedding_table_size(128_256, 4_096))

# %% [markdown]
# ## How close are two vectors
#
# Cosine similarity compares directions: scaling a vector changes nothing.

# %%
from m2_embeddings.vectors import cosine_similarity, top_k

a, b = np.array([1.0, 2.0, 0.0]), np.array([2.0, 4.0, 0.1])
print(cosine_similarity(a, b), cosine_similarity(a, 10 * b), cosine_similarity(a, np.zeros(3)))
print(top_k(a, np.stack([b, -b, np.eye(3)[2]]), k=2))

# %% [markdown]
# ## Searching by meaning
#
# Nina's documentation (157 pages) and her users' questions, each with the pages that answer
# it. BM25 matches words; semantic search compares meanings.

# %%
from m2_embeddings.model import embed
from m2_embeddings.search import bm25_search, evaluate, load_documents, load_queries, semantic_search

docs, queries = load_documents(), load_queries()
for query in ["authentication error", "card was rejected at checkout"]:
    print(repr(query))
    for name, hits in [("bm25", bm25_search(query, docs, 3)),
                       ("semantic", semantic_search(query, docs, embed, 3))]:
        print(f"  {name:>8}:", [docs[i].split("\n")[0] for i, _ in hits])
for name, search in [("bm25", lambda q, k: bm25_search(q, docs, k)),
                     ("semantic", lambda q, k: semantic_search(q, docs, embed, k))]:
    scores = evaluate(search, queries, 5)
    print(f"{name}: recall@5 {scores['recall@5']:.0%}, MRR {scores['mrr']:.3f} over {len(queries)} questions")

# %% [markdown]
# ## One vector per word or one per occurrence
#
# "pitch" in 18 sentences: the static row of the embedding matrix against the model's
# contextual output.

# %%
from m2_embeddings.contextual import load_pitch, sense_accuracy, sense_separation, word_positions, word_vector

sentences, table = load_pitch()
senses = [s.sense for s in sentences]
for kind in ("static", "contextual"):
    vectors = np.stack([
        word_vector(embedding_lookup(table, s.rows) if kind == "static" else s.contextual,
                    word_positions(s.offsets, *s.span))
        for s in sentences])
    right = round(sense_accuracy(vectors, senses) * len(senses))
    print(f"{kind:>10}: separation {sense_separation(vectors, senses):+.3f}, "
          f"nearest neighbour of the same sense for {right} of {len(senses)} sentences")

# %% [markdown]
# Try it: pick two of Nina's queries where BM25 wins and explain why (an exact error code such
# as "429" is a good start); then add a synonym to a query and watch which ranking moves.
