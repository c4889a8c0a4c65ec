# %% [markdown]
# # Module 1 · Tokenization, hands on
#
# Nina asks GPT-4 how many r's there are in "strawberry" and it answers two. This notebook
# builds the tokenizer that stands between her question and the model, one merge at a time,
# and ends by showing where the r's went.
#
# This notebook follows [the lesson](../m1_tokenization.md) with live code. It imports your
# code from `exercises/` (set `COURSE_CODE=solutions` to run it on the reference instead).
# Every cell is small: run them in order, change the inputs, run again.

# %%
import os
import sys
from pathlib import Path

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "exercises").is_dir())
CODE = os.environ.get("COURSE_CODE", "exercises")  # "exercises": yours; "solutions": the reference
sys.path.insert(0, str(ROOT / CODE))
print("using the code in", ROOT / CODE)

# %% [markdown]
# ## How BPE builds a vocabulary
#
# One merge step by hand, as the trainer does it: pre-tokenize (merges never cross a
# pre-token boundary), count the neighbouring pairs inside each pre-token, weighted by how
# often it occurs, and break ties toward the lexicographically greatest pair of bytes.

# %%
from collections import Counter

from m1_tokenization.analysis import load_text
from m1_tokenization.bpe import get_pair_counts, merge_pair, pretokenize, train_bpe

words = Counter(pretokenize(load_text("tiny.txt")))
counts = Counter()
for word, n in words.items():
    for pair, c in get_pair_counts(list(word.encode("utf-8"))).items():
        counts[pair] += c * n
best = max(counts, key=lambda pair: (counts[pair], bytes([pair[0]]), bytes([pair[1]])))
print("most frequent pair:", bytes([best[0]]), "+", bytes([best[1]]), "seen", counts[best], "times")
print("train_bpe's first merge:", train_bpe(load_text("tiny.txt"), 257)[1][0])
print("' lowest' after merging it into id 256:", merge_pair(list(b" lowest"), best, 256))
print("pre-tokens:", pretokenize("low lower lowest<|endoftext|>", ["<|endoftext|>"]))

# %% [markdown]
# Now the real trainer on the toy corpus. Each merge adds one token, in the order learned.

# %%
vocab, merges = train_bpe(load_text("tiny.txt"), 256 + 8)
for rank, (a, b) in enumerate(merges, start=1):
    print(f"merge {rank}: {a!r} + {b!r} -> {a + b!r}")

# %% [markdown]
# ## Three ways to cut text
#
# Bytes, characters, subwords and words on the held-out stories, and what a word vocabulary
# misses.

# %%
from m1_tokenization.analysis import build_word_vocab, granularity, oov_rate
from m1_tokenization.tokenizer import BPETokenizer

corpus, heldout = load_text("corpus.txt"), load_text("heldout.txt")
course = BPETokenizer(*train_bpe(corpus, 1024, ["<|endoftext|>"]), ["<|endoftext|>"])
print(granularity(course, heldout))
print(f"word-level OOV rate on held-out text: {oov_rate(build_word_vocab(corpus), heldout):.1%}")

# %% [markdown]
# ## How big should the vocabulary be
#
# Train once at the largest size and slice: BPE's first merges are the same at every size.

# %%
import matplotlib.pyplot as plt

from m1_tokenization.analysis import vocab_size_sweep

rows = vocab_size_sweep(corpus, heldout, [256, 384, 512, 1024, 2048], d_model=768)
for row in rows:
    print(row)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot([r["vocab_size"] for r in rows], [r["bytes_per_token"] for r in rows], "o-")
ax.set_xlabel("vocabulary size")
ax.set_ylabel("bytes per token")
plt.show()

# %% [markdown]
# ## A tokenizer belongs to its model
#
# GPT-2's real files, the spelling paradox, and what another tokenizer reads from GPT-2's ids.

# %%
from m1_tokenization.analysis import decode_with_wrong_tokenizer, letter_visibility
from m1_tokenization.tokenizer import gpt2_files

gpt2 = BPETokenizer.from_files(*gpt2_files(), special_tokens=["<|endoftext|>"])
print(gpt2.encode("Hello world"))
for word in ["strawberry", " strawberry", "s t r a w b e r r y"]:
    print(repr(word), letter_visibility(gpt2, word, "r"))
print(repr(decode_with_wrong_tokenizer("The princess walked to the village.", gpt2, course)))

# %% [markdown]
# Try it: train a tokenizer on `heldout.txt` instead and compare `id_agreement` between the two
# vocabularies. Which ids agree, and why exactly those?
