"""Measure the numbers the lessons quote that take seconds to compute, into course/numbers.json.

    .venv/bin/python scripts/course_numbers.py            # measure and write course/numbers.json
    .venv/bin/python scripts/course_numbers.py --print    # measure and print, write nothing

Most quoted numbers are cheap, and tests/course/test_numbers.py recomputes them with the
reference solutions every time. Module 4's results need a few seconds of training each; they
are measured here once, written to a small JSON file, and the test checks two things: each
lesson sentence says what the JSON says, and a fresh training run agrees with the JSON (exactly
on the corpus, within a small tolerance on what training learns, since floating-point sums may
differ in their last bits from one CPU to another).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "course" / "numbers.json"
sys.path.insert(0, str(ROOT / "solutions"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# The settings the Module 4 lesson describes: the default course corpus, five epochs.
SKIPGRAM = {"num_sentences": 20_000, "seed": 0, "dim": 50, "window": 5, "negatives": 5,
            "epochs": 5, "lr": 0.025}
NEIGHBOURS_OF = ["paris", "red"]


def skipgram_results() -> dict:
    from m4_embedding_training import corpus
    from m4_embedding_training.skipgram import train_skipgram

    s = SKIPGRAM
    data = corpus.load_corpus(s["num_sentences"], seed=s["seed"])
    E = train_skipgram(data.ids, len(data.words), s["dim"], s["window"], s["negatives"],
                       s["epochs"], s["lr"], s["seed"])
    questions = corpus.analogy_questions()
    return {
        "settings": s,
        "corpus_words": len(data.ids),
        "distinct_words": len(data.words),
        "neighbours": {w: corpus.nearest_neighbours(E, data.words, w, 5) for w in NEIGHBOURS_OF},
        "analogy_questions": len(questions),
        "analogies_right": round(corpus.analogy_accuracy(E, data.words) * len(questions)),
        "neighbour_quality": round(corpus.neighbour_quality(E, data.words), 3),
    }


def contrastive_results() -> dict:
    from m4_embedding_training import corpus
    from m4_embedding_training.contrastive import recall_at_1, train_paraphrase_encoder

    train, test = corpus.paraphrase_pairs()
    queries, keys = [a for a, _ in test], [b for _, b in test]

    def recall(model) -> float:
        return round(recall_at_1(model.encode(queries).detach(), model.encode(keys).detach()), 3)

    return {"train_pairs": len(train), "test_pairs": len(test),
            "recall_at_1_untrained": recall(train_paraphrase_encoder(train, epochs=0, seed=0)),
            "recall_at_1_trained": recall(train_paraphrase_encoder(train, seed=0))}


def measure() -> dict:
    return {"m4_embedding_training": {"skipgram": skipgram_results(),
                                      "contrastive": contrastive_results()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the numbers, write nothing")
    args = parser.parse_args(argv)
    text = json.dumps(measure(), indent=2, ensure_ascii=False) + "\n"
    if args.print:
        print(text, end="")
    else:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
