"""Draw Module 4's figures from the reference solutions (about 20 seconds, offline).

    .venv/bin/python scripts/m4_figures.py            # all five, into course/figures/m4/
    .venv/bin/python scripts/figures.py m4            # the same, and record them in the manifest

- training_loss.png       SGNS loss while training on the course corpus
- embeddings_2d.png       learned word vectors projected to 2-D (PCA): groups form clusters
- noise_distribution.png  unigram frequencies against unigram ** 0.75 (the negative sampler)
- temperature.png         InfoNCE: the softmax at several scales, and what training at each gives
- attention_masks.png     encoder (bidirectional), decoder (causal) and padding masks

Everything is seeded, so the same solutions draw the same pictures.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "course" / "figures" / "m4"
sys.path.insert(0, str(ROOT / "solutions"))
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from m4_embedding_training import architectures, corpus  # noqa: E402
from m4_embedding_training.skipgram import noise_distribution, train_skipgram  # noqa: E402

COLOURS = plt.get_cmap("tab10").colors


def style() -> None:
    matplotlib.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 110, "font.size": 10, "axes.spines.top": False,
        "axes.spines.right": False, "axes.titlesize": 11, "axes.titleweight": "bold",
        "svg.hashsalt": "m4", "path.simplify": True,
    })


def save(fig, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / name, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    print(f"drew m4/{name}")


def trained_vectors():
    """Vectors and loss curve from the course corpus (dimension 50, window 5, 5 negatives)."""
    data = corpus.load_corpus(50_000, seed=0)
    history: list[float] = []
    E = train_skipgram(data.ids, len(data.words), 50, 5, 5, 5, 0.025, 0, loss_history=history)
    return data, E, history


def training_loss(history: list[float], epochs: int = 5) -> None:
    fig, ax = plt.subplots(figsize=(7, 3.4))
    x = np.linspace(0, epochs, len(history))
    ax.plot(x, history, color=COLOURS[0], alpha=0.35, lw=1, label="mini-batch loss")
    width = max(1, len(history) // 40)
    smooth = np.convolve(history, np.ones(width) / width, mode="valid")
    ax.plot(x[width - 1 :], smooth, color=COLOURS[0], lw=2, label="moving average")
    ax.axhline(6 * np.log(2), color="grey", ls="--", lw=1)
    ax.text(epochs, 6 * np.log(2) - 0.05, "start: 6 log 2 (all scores 0)", ha="right", va="top",
            fontsize=8, color="grey")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss per pair (1 positive + 5 negatives)")
    ax.set_title("Skip-gram with negative sampling on the course corpus", loc="left")
    ax.legend(frameon=False, loc="upper right", bbox_to_anchor=(1, 0.9))
    save(fig, "training_loss.png")


def _pca_2d(X: np.ndarray) -> np.ndarray:
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    X = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return X @ Vt[:2].T


def embeddings_2d(data, E: np.ndarray) -> None:
    groups = corpus.word_groups()
    index = data.index
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2))

    shown = {name: groups[name][:8] for name in ("capital", "colour", "animal", "month", "number")}
    shown["royalty"] = groups["royalty"]
    words = [w for members in shown.values() for w in members]
    P = _pca_2d(np.asarray([E[index[w]] for w in words], dtype=np.float64))
    start = 0
    for colour, (name, members) in zip(COLOURS, shown.items()):
        block = P[start : start + len(members)]
        left.scatter(block[:, 0], block[:, 1], color=colour, s=20, label=name)
        for (x, y), word in zip(block, members):
            left.annotate(word, (x, y), fontsize=7, color=colour, xytext=(3, 2),
                          textcoords="offset points")
        start += len(members)
    left.set_title("Words that keep the same company cluster", loc="left")
    left.legend(frameon=False, fontsize=8, loc="best")

    countries = corpus.load_world()["countries"][:10]
    words = [c[0] for c in countries] + [c[1] for c in countries]
    P = _pca_2d(np.asarray([E[index[w]] for w in words], dtype=np.float64))
    n = len(countries)
    right.scatter(P[:n, 0], P[:n, 1], color=COLOURS[1], s=20, label="country")
    right.scatter(P[n:, 0], P[n:, 1], color=COLOURS[0], s=20, label="capital")
    for i in range(n):
        right.annotate("", xy=P[n + i], xytext=P[i],
                       arrowprops=dict(arrowstyle="->", color="grey", lw=0.8, alpha=0.7))
        right.annotate(words[i], P[i], fontsize=7, color=COLOURS[1], xytext=(3, 2),
                       textcoords="offset points")
        right.annotate(words[n + i], P[n + i], fontsize=7, color=COLOURS[0], xytext=(3, 2),
                       textcoords="offset points")
    right.set_title("country -> capital: a shared direction (analogies)", loc="left")
    right.legend(frameon=False, fontsize=8, loc="best")
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Word vectors learned by skip-gram on the course corpus, projected to 2-D (PCA)",
                 x=0.01, ha="left", fontweight="bold")
    save(fig, "embeddings_2d.png")


def noise(data) -> None:
    counts = data.counts.astype(np.float64)
    top = 25
    unigram = counts / counts.sum()
    powered = noise_distribution(counts, 0.75)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.arange(top)
    ax.bar(x - 0.2, unigram[:top], width=0.4, color=COLOURS[7], label="unigram frequency")
    ax.bar(x + 0.2, powered[:top], width=0.4, color=COLOURS[1], label="unigram ** 0.75 (normalized)")
    ax.set_xticks(x, data.words[:top], rotation=60, fontsize=8)
    ax.set_ylabel("probability of being drawn")
    rare = slice(len(counts) // 2, None)
    ax.set_title("Negative sampling: the 3/4 power takes from frequent words, gives to rare ones",
                 loc="left")
    ax.text(0.98, 0.62, f"the rarer half of the vocabulary:\n"
                        f"{unigram[rare].sum():.1%} of the text, {powered[rare].sum():.1%} of the negatives",
            transform=ax.transAxes, ha="right", va="top", fontsize=8)
    ax.legend(frameon=False, loc="upper right")
    save(fig, "noise_distribution.png")


def temperature() -> None:
    import torch

    from m4_embedding_training.contrastive import recall_at_1, train_paraphrase_encoder

    scales = [1.0, 5.0, 20.0, 50.0]
    cosines = np.array([0.62, 0.55, 0.48, 0.30, 0.12, 0.05, -0.10, -0.25])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    width = 0.8 / len(scales)
    for i, scale in enumerate(scales):
        p = torch.softmax(torch.tensor(scale * cosines), dim=0).numpy()
        left.bar(np.arange(len(cosines)) + (i - 1.5) * width, p, width=width, color=COLOURS[i],
                 label=f"scale {scale:g} (τ = {1 / scale:.2g})")
    left.set_xticks(range(len(cosines)), ["partner"] + [f"neg {i}" for i in range(1, len(cosines))],
                    fontsize=8)
    left.set_ylabel("softmax weight")
    left.set_title("One anchor's softmax over the batch", loc="left")
    left.legend(frameon=False, fontsize=8)

    train, test = corpus.paraphrase_pairs(600, 200, seed=0)
    queries, keys = [a for a, _ in test], [b for _, b in test]
    grid = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    rows = []
    for scale in grid:
        model = train_paraphrase_encoder(train, epochs=1, scale=scale, seed=0)
        q, k = model.encode(queries).numpy(), model.encode(keys).numpy()
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        k /= np.linalg.norm(k, axis=1, keepdims=True)
        sims = q @ k.T
        others = ~np.eye(len(sims), dtype=bool)
        rows.append((recall_at_1(q, k), np.diag(sims).mean(), sims[others].mean(),
                     np.where(others, sims, -np.inf).max(axis=1).mean()))
    recall, partner, average, hardest = np.array(rows).T
    right.plot(grid, recall, marker="o", color="black", lw=2, label="recall@1")
    right.plot(grid, partner, marker=".", color=COLOURS[2], label="cosine to the partner")
    right.plot(grid, hardest, marker=".", color=COLOURS[3], label="cosine to the closest other")
    right.plot(grid, average, marker=".", color=COLOURS[7], label="cosine to an average other")
    right.set_xscale("log")
    right.set_xticks(grid, [f"{g:g}" for g in grid])
    right.set_xlabel("scale (1 / temperature) used in training")
    right.set_ylim(-0.05, 1.05)
    right.set_title("After one epoch, on held-out paraphrases", loc="left")
    right.legend(frameon=False, fontsize=8, loc="center left")
    save(fig, "temperature.png")


def attention_masks() -> None:
    n = 6
    masks = {
        "encoder\nevery token sees every token": np.ones((n, n), dtype=bool),
        "decoder: causal_mask(6)\nonly itself and the past": architectures.causal_mask(n),
        "encoder with padding_mask([4], 6)\npositions 4, 5 are padding": np.broadcast_to(
            architectures.padding_mask([4], n)[0][None, :], (n, n)),
    }
    fig, axes = plt.subplots(1, 3, figsize=(11, 4), constrained_layout=True)
    for ax, (title, mask) in zip(axes, masks.items()):
        ax.imshow(mask, cmap="Blues", vmin=-0.3, vmax=1.2)
        ax.set_xticks(range(n))
        ax.set_yticks(range(n))
        ax.set_xlabel("key position j (looked at)")
        ax.set_ylabel("query position i (looking)")
        ax.set_title(title, fontsize=9, loc="left")
        for i in range(n):
            for j in range(n):
                ax.text(j, i, "✓" if mask[i, j] else "·", ha="center", va="center", fontsize=8,
                        color="white" if mask[i, j] else "grey")
    save(fig, "attention_masks.png")


def main() -> None:
    style()
    data, E, history = trained_vectors()
    training_loss(history)
    embeddings_2d(data, E)
    noise(data)
    temperature()
    attention_masks()


if __name__ == "__main__":
    main()
