# %% [markdown]
# # Module 4 · Training embeddings, hands on
#
# Nina's semantic search works, and she wonders how a model learned that "king" and "queen"
# are related without a single label. This notebook trains word2vec's skip-gram on the course
# corpus and watches it learn exactly that, from the company words keep.
#
# This notebook follows [the lesson](../m4_embedding_training.md) with live code. It imports
# your code from `exercises/` (set `COURSE_CODE=solutions` to run it on the reference instead).

# %%
import os
import sys
from pathlib import Path

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "exercises").is_dir())
CODE = os.environ.get("COURSE_CODE", "exercises")  # "exercises": yours; "solutions": the reference
sys.path.insert(0, str(ROOT / CODE))
print("using the code in", ROOT / CODE)

# %% [markdown]
# ## The skip-gram objective
#
# Pairs from a window, then a few seconds of training on the course corpus, with the
# settings of the lesson: 50 dimensions, window 5, 5 negatives, five epochs.

# %%
import numpy as np

from m4_embedding_training.corpus import analogy_accuracy, analogy_questions, load_corpus, nearest_neighbours
from m4_embedding_training.skipgram import skipgram_pairs, train_skipgram

print(skipgram_pairs([10, 11, 12, 13], window=1))
corpus = load_corpus()
print(f"the course corpus: {len(corpus.ids)} words, {len(corpus.words)} distinct")
losses = []
E = train_skipgram(corpus.ids, len(corpus.words), dim=50, window=5, negatives=5, epochs=5,
                   lr=0.025, seed=0, loss_history=losses)
for word in ["king", "queen", "paris", "red"]:
    print(f"{word}:", ", ".join(nearest_neighbours(E, corpus.words, word, 5)))
questions = analogy_questions()
right = round(analogy_accuracy(E, corpus.words) * len(questions))
print(f"analogies right: {right} of {len(questions)}")

# %% [markdown]
# ## Negative sampling
#
# The noise distribution flattens word frequencies; the loss stays finite for huge scores.

# %%
from m4_embedding_training.skipgram import noise_distribution, sample_negatives, sgns_loss_and_grads

counts = np.bincount(corpus.ids, minlength=len(corpus.words))
top = np.argsort(-counts)[:3]
for power in (1.0, 0.75):
    p = noise_distribution(counts, power)
    print(f"power {power}:", {corpus.words[i]: round(float(p[i]), 4) for i in top})
print(sample_negatives(noise_distribution(counts), 5, np.random.default_rng(0)))
v, u = np.full(4, 10.0), np.full(4, 25.0)
loss, *_ = sgns_loss_and_grads(v, -u, np.stack([u, u]))
print("loss for dot products of ±1000:", loss)

# %% [markdown]
# ## Contrastive learning
#
# InfoNCE on a batch where the pairs match, at three temperatures.

# %%
import torch

from m4_embedding_training.contrastive import info_nce_loss, triplet_loss

generator = torch.Generator().manual_seed(0)
anchors = torch.randn(8, 16, generator=generator)
positives = anchors + 0.3 * torch.randn(8, 16, generator=generator)
for scale in (1.0, 20.0, 100.0):
    print(f"scale {scale:>5}: matched {info_nce_loss(anchors, positives, scale).item():.3f}, "
          f"shuffled {info_nce_loss(anchors, positives.roll(1, 0), scale).item():.3f}")
print("triplet:", triplet_loss(anchors, positives, positives.roll(1, 0)).item())

# %% [markdown]
# ## Encoders and decoders
#
# The same attention layer, two masks: which outputs change when one token changes?

# %%
from m4_embedding_training.architectures import architecture_for, causal_mask, changed_positions, self_attention

print(causal_mask(4).astype(int))
rng = np.random.default_rng(0)
x, new = rng.normal(size=(5, 8)), rng.normal(size=8)
weights = [rng.normal(size=(8, 8)) for _ in range(3)]
for causal in (False, True):
    layer = lambda tokens: self_attention(tokens, *weights, causal=causal)
    print("decoder" if causal else "encoder", changed_positions(layer, x, 2, new))
print({task: architecture_for(task) for task in ("retrieval", "ner", "chat")})

# %% [markdown]
# Try it: train with `window=1` and `window=8` and compare the neighbours of "queen"; then raise
# the InfoNCE scale until the loss of the matched batch stops falling.
