"""Benchmark: the reference BPE trainer against a naive recount trainer and Hugging Face's.

    .venv/bin/python benchmarks/bench_bpe_train.py      # about half a minute (the naive trainer)

All three train on the same text (Module 1's corpus, ~400 KB) to the same vocabulary size
(256 bytes + <|endoftext|> + 5 000 merges), one thread each, and the table gives each time as a
ratio to the reference measured in the same run. Target: the reference at least 50x faster than
the naive recount trainer.

- naive recount: CS336 semantics written plainly (count pre-tokens once, then after every merge
  recount every pair of every distinct pre-token): the trainer students write first.
- Hugging Face `tokenizers` BpeTrainer (Rust) with GPT-2's byte-level pre-tokenizer; it breaks
  ties differently, so its merges are not expected to equal ours (the agreeing prefix is shown).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # Hugging Face on one thread, like the others

import regex  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m1_tokenization.bpe import GPT2_SPLIT_PATTERN, train_bpe  # noqa: E402
from m1_tokenization.tokenizer import gpt2_bytes_to_unicode  # noqa: E402

EOT = "<|endoftext|>"
MERGES = 5_000
VOCAB_SIZE = 256 + 1 + MERGES


def naive_train_bpe(text: str, vocab_size: int, special_tokens=()):
    """Recount every pair after every merge (CS336 semantics, no incremental bookkeeping)."""
    specials = list(dict.fromkeys(special_tokens))
    vocab = {i: bytes([i]) for i in range(256)}
    for s in specials:
        vocab[len(vocab)] = s.encode("utf-8")
    pieces = regex.split("|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True)), text) if specials else [text]
    words: Counter = Counter()
    for piece in pieces:
        for pretoken in regex.findall(GPT2_SPLIT_PATTERN, piece):
            words[tuple(bytes([b]) for b in pretoken.encode("utf-8"))] += 1
    merges = []
    while len(vocab) < vocab_size:
        pairs: Counter = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=lambda pair: (pairs[pair], pair))
        merges.append(best)
        vocab[len(vocab)] = best[0] + best[1]
        new_words: Counter = Counter()
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == best[0] and word[i + 1] == best[1]:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new_words[tuple(out)] += count
        words = new_words
    return vocab, merges


def hf_train_bpe(text: str, vocab_size: int):
    """Hugging Face BpeTrainer with GPT-2's byte-level pre-tokenizer; returns (seconds, merges)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    documents = text.split(EOT)  # special tokens never take part in a merge
    start = time.perf_counter()
    tokenizer.train_from_iterator(documents, trainer=trainer)
    seconds = time.perf_counter() - start
    merges = json.loads(tokenizer.to_str())["model"]["merges"]
    return seconds, merges


def timed(fn, *args, repeat: int = 1, **kwargs):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    text = (ROOT / "solutions" / "m1_tokenization" / "data" / "corpus.txt").read_text(encoding="utf-8")
    console = Console(width=110)
    console.print(f"corpus: {len(text.encode()) / 1e3:.0f} KB, target vocabulary {VOCAB_SIZE} ({MERGES} merges)")

    ref_seconds, (_, ref_merges) = timed(train_bpe, text, VOCAB_SIZE, [EOT], repeat=3)
    rows = [("reference (incremental counts + heap)", ref_seconds, len(ref_merges), "")]

    seconds, (_, naive_merges) = timed(naive_train_bpe, text, VOCAB_SIZE, [EOT])
    same = "same merges" if naive_merges == ref_merges else "MERGES DIFFER"
    rows.append(("naive recount", seconds, len(naive_merges), same))

    hf_seconds, hf_merges = hf_train_bpe(text, VOCAB_SIZE)
    # Hugging Face stores merges as GPT-2 style text ("Ġ t" or ["Ġ", "t"]); compare as bytes.
    byte_of = {ch: b for b, ch in gpt2_bytes_to_unicode().items()}
    hf_pairs = [
        tuple(bytes(byte_of[c] for c in part) for part in (m.split(" ") if isinstance(m, str) else m))
        for m in hf_merges
    ]
    agree = next((i for i, (a, b) in enumerate(zip(hf_pairs, ref_merges)) if a != b), min(len(hf_pairs), len(ref_merges)))
    rows.append(("HF tokenizers BpeTrainer (Rust, 1 thread)", hf_seconds, len(hf_merges), f"first {agree} merges equal"))

    table = Table(title="BPE training: same corpus, same vocabulary size")
    for column in ("trainer", "seconds", "merges", "time / reference", "note"):
        table.add_column(column, justify="right" if column in ("seconds", "merges", "time / reference") else "left")
    for name, seconds, merges, note in rows:
        table.add_row(name, f"{seconds:.2f}", str(merges), f"{seconds / ref_seconds:.1f}x", note)
    console.print(table)
    speedup = rows[1][1] / ref_seconds
    verdict = "meets" if speedup >= 50 else "MISSES"
    console.print(f"reference is {speedup:.0f}x faster than naive recount ({verdict} the >= 50x target)")


if __name__ == "__main__":
    main()
