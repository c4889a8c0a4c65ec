"""Benchmark: the reference BPETokenizer (GPT-2's files) against tiktoken and Hugging Face.

    .venv/bin/python benchmarks/bench_encode.py      # about half a minute

The three tokenizers load the same encoder.json + vocab.bpe (tiktoken's ranks are built from
them offline, so nothing is downloaded) and encode the same texts on one thread; every run
checks that the ids are identical, and the table gives each time as a ratio to tiktoken measured
in the same run. Target: the reference within 10x of tiktoken.

Texts: Module 1's training corpus (English stories, ~400 KB), a Python source sample from the
standard library (~1 MB; its exact content depends on the Python version), and a multilingual
sample (German, Chinese, Japanese, Korean, emoji) repeated to ~200 KB.
The reference caches the ids of each distinct pre-token, so it is timed twice: with a fresh
tokenizer ("cold", cache filled while encoding) and again on the same text ("warm").
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # Hugging Face on one thread, like the others

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m1_tokenization.bpe import GPT2_SPLIT_PATTERN  # noqa: E402
from m1_tokenization.tokenizer import BPETokenizer, gpt2_bytes_to_unicode, gpt2_files  # noqa: E402

EOT = "<|endoftext|>"
MULTILINGUAL = (
    "Grüße aus München: die Straße ist naß, der Bär läuft über die Brücke. "
    "今天天气很好，我们去公园散步吧。日本語の文章を少し書きます。한국어 문장도 조금 씁니다. "
    "Emoji: 👋🏽 👨‍👩‍👧 🇩🇪 ❤️ 🐍 — «quotes», naïve café, São Paulo, Zürich.\n"
)


def load_texts() -> dict[str, str]:
    corpus = (ROOT / "solutions" / "m1_tokenization" / "data" / "corpus.txt").read_text(encoding="utf-8")
    stdlib = Path(json.__file__).resolve().parent.parent
    code_parts, size = [], 0
    for path in sorted(stdlib.glob("*.py")):
        source = path.read_text(encoding="utf-8", errors="replace")
        code_parts.append(source)
        size += len(source)
        if size > 1_000_000:
            break
    multilingual = MULTILINGUAL * (200_000 // len(MULTILINGUAL.encode()))
    return {"English": corpus, "Python code": "".join(code_parts), "multilingual": multilingual}


def load_tokenizers():
    vocab_path, merges_path = gpt2_files()

    import tiktoken
    from tokenizers import Tokenizer, models, pre_tokenizers

    byte_of = {ch: b for b, ch in gpt2_bytes_to_unicode().items()}
    encoder = json.loads(vocab_path.read_text(encoding="utf-8"))
    ranks = {bytes(byte_of[c] for c in token): i for token, i in encoder.items() if token != EOT}
    tk = tiktoken.Encoding("gpt2_from_files", pat_str=GPT2_SPLIT_PATTERN, mergeable_ranks=ranks, special_tokens={EOT: 50256})

    hf = Tokenizer(models.BPE.from_file(str(vocab_path), str(merges_path)))
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.add_special_tokens([EOT])
    return tk, hf


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    console = Console(width=110)
    tk, hf = load_tokenizers()
    vocab_path, merges_path = gpt2_files()
    table = Table(title="Encoding with GPT-2's files and <|endoftext|> (one thread; ids checked identical)")
    for column in ("text", "KB", "tiktoken s", "HF s", "ours cold s", "ours warm s", "stream s", "cold / tiktoken", "warm / tiktoken"):
        table.add_column(column, justify="left" if column == "text" else "right")
    worst = 0.0
    for name, text in load_texts().items():
        kb = len(text.encode()) / 1e3
        tk_s, tk_ids = best_of(lambda: tk.encode(text, allowed_special="all"))
        hf_s, hf_enc = best_of(lambda: hf.encode(text))
        cold_times = []
        for _ in range(3):
            fresh = BPETokenizer.from_files(vocab_path, merges_path, [EOT])
            start = time.perf_counter()
            ours_ids = fresh.encode(text)
            cold_times.append(time.perf_counter() - start)
        cold_s = min(cold_times)
        warm_s, _ = best_of(lambda: fresh.encode(text))
        chunks = [text[i : i + 4096] for i in range(0, len(text), 4096)]
        stream_s, stream_ids = best_of(lambda: list(fresh.encode_iterable(chunks)))
        assert ours_ids == tk_ids == hf_enc.ids == stream_ids, f"ids differ on {name}"
        worst = max(worst, cold_s / tk_s)
        table.add_row(
            name, f"{kb:.0f}", f"{tk_s:.3f}", f"{hf_s:.3f}", f"{cold_s:.3f}", f"{warm_s:.3f}", f"{stream_s:.3f}",
            f"{cold_s / tk_s:.1f}x", f"{warm_s / tk_s:.1f}x",
        )
    console.print(table)
    verdict = "meets" if worst <= 10 else "MISSES"
    console.print(f"worst cold ratio to tiktoken: {worst:.1f}x ({verdict} the <= 10x target)")


if __name__ == "__main__":
    main()
