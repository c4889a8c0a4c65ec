"""Benchmark: the reference skip-gram trainer against gensim's Word2Vec, side by side.

    .venv/bin/python benchmarks/bench_word2vec.py              # about 40 seconds
    .venv/bin/python benchmarks/bench_word2vec.py --sentences 50000 --repeats 3

Both train skip-gram with negative sampling on the same text: the course's generated corpus
(``load_corpus(200_000)``: about 1.7M tokens, 524 words), with the same dimension (100), window
(5, randomly shrunk per position in both), negatives (5, noise distribution unigram^0.75),
epochs (5), sub-sampling threshold (1e-3), initial learning rate (0.025, decaying linearly)
and min_count 1. gensim runs with 2 worker threads (its compiled inner loop); the reference is
numpy on one Python thread (BLAS limited to one thread: its matrix products are small).

Words per second = corpus tokens x epochs / wall seconds (the same definition for both, before
sub-sampling). Quality, on the learned input vectors:
- neighbour quality: for each word of a known group (capitals, countries, languages, colours,
  numbers, animals, foods, days, months, royalty, family), the fraction of its 5 nearest
  neighbours (cosine) in the same group; random vectors score about 0.03.
- analogies: 14 questions (paris : france :: berlin : ?, man : woman :: king : ?, ...), 3CosAdd.

Target: the reference at least half of gensim's words per second at equal quality.
gensim is needed for this benchmark only (``.venv/bin/pip install gensim``); the tests never
import it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m4_embedding_training.corpus import analogy_accuracy, load_corpus, neighbour_quality  # noqa: E402
from m4_embedding_training.skipgram import train_skipgram  # noqa: E402

SETTINGS = dict(dim=100, window=5, negatives=5, epochs=5, lr=0.025, sample=1e-3)


def train_reference(corpus, seed: int) -> np.ndarray:
    s = SETTINGS
    return train_skipgram(corpus.ids, len(corpus.words), s["dim"], s["window"], s["negatives"],
                          s["epochs"], s["lr"], seed, sample=s["sample"])


def train_gensim(corpus, seed: int, workers: int = 2) -> np.ndarray:
    from gensim.models import Word2Vec

    s = SETTINGS
    tokens = np.array(corpus.words)[corpus.ids].tolist()
    # gensim takes sentences of at most 10,000 tokens; windows do not cross their ends.
    sentences = [tokens[i : i + 1000] for i in range(0, len(tokens), 1000)]
    model = Word2Vec(sentences, vector_size=s["dim"], window=s["window"], negative=s["negatives"],
                     epochs=s["epochs"], alpha=s["lr"], min_alpha=s["lr"] * 1e-4,
                     sample=s["sample"], sg=1, hs=0, min_count=1, workers=workers, seed=seed + 1)
    return np.stack([model.wv[w] for w in corpus.words])


def measure(train, corpus, seeds: list[int]) -> dict:
    seconds, quality, analogies = [], [], []
    for seed in seeds:
        start = time.perf_counter()
        E = train(corpus, seed)
        seconds.append(time.perf_counter() - start)
        quality.append(neighbour_quality(E, corpus.words))
        analogies.append(analogy_accuracy(E, corpus.words))
    wall = statistics.median(seconds)
    return {"seconds": wall, "words_per_second": corpus.ids.size * SETTINGS["epochs"] / wall,
            "quality": float(np.mean(quality)), "analogies": float(np.mean(analogies))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200_000, help="corpus size in sentences")
    parser.add_argument("--repeats", type=int, default=1, help="runs per trainer (median time)")
    args = parser.parse_args(argv)
    try:
        import gensim
    except ImportError:
        print("this benchmark compares with gensim: .venv/bin/pip install gensim", file=sys.stderr)
        return 2
    corpus = load_corpus(args.sentences)
    seeds = list(range(args.repeats))
    console = Console(width=110)
    console.print(f"corpus: {corpus.ids.size:,} tokens, {len(corpus.words)} words; "
                  f"settings: {SETTINGS}; gensim {gensim.__version__}")
    # Alternate the trainers so that a busy machine slows both alike.
    results = {"reference (numpy, 1 thread)": [], "gensim Word2Vec (2 workers)": []}
    for seed in seeds:
        results["reference (numpy, 1 thread)"].append(measure(train_reference, corpus, [seed]))
        results["gensim Word2Vec (2 workers)"].append(measure(train_gensim, corpus, [seed]))
    rows = {}
    for name, runs in results.items():
        rows[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    peer = rows["gensim Word2Vec (2 workers)"]["words_per_second"]
    table = Table(title="Skip-gram with negative sampling on the course corpus")
    for column in ("trainer", "seconds", "words/s", "words/s vs gensim",
                   "neighbour quality@5", "analogies"):
        table.add_column(column, justify="left" if column == "trainer" else "right")
    for name, row in rows.items():
        table.add_row(name, f"{row['seconds']:.1f}", f"{row['words_per_second']:,.0f}",
                      f"{row['words_per_second'] / peer:.2f}x", f"{row['quality']:.3f}",
                      f"{row['analogies']:.0%}")
    console.print(table)
    ours = rows["reference (numpy, 1 thread)"]
    theirs = rows["gensim Word2Vec (2 workers)"]
    met = ours["words_per_second"] >= 0.5 * peer and ours["quality"] >= theirs["quality"] - 0.02
    console.print(f"target (>= 0.5x gensim's words/s at equal quality): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
