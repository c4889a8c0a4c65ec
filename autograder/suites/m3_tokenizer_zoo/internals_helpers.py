"""Oracles for the WordPiece and Unigram tests of Module 3 (trusted side only).

Expected values come from the real implementations, never from the reference solution:
- WordPiece: all-MiniLM-L6-v2's own `tokenizer.json` (BERT's uncased WordPiece) through Hugging
  Face `tokenizers`, and the same vocabulary behind `BertNormalizer(lowercase=False)` for the
  cased variant;
- Unigram: `tokenizers.models.Unigram` (with and without byte fallback), and SentencePiece
  itself, training small models on the course corpus inside the test run;
- Unigram's EM step: a brute-force enumeration of every segmentation of small words.
"""

from __future__ import annotations

import functools
import io
import math
import random
import unicodedata
from pathlib import Path

from autograder.worker_helpers import m3_internals

WORDPIECE = "m3_tokenizer_zoo.wordpiece"
UNIGRAM = "m3_tokenizer_zoo.unigram"
INTERNALS = "autograder.worker_helpers.m3_internals"
ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "solutions" / "m1_tokenization" / "data" / "corpus.txt"
M3_DATA = ROOT / "solutions" / "m3_tokenizer_zoo" / "data"


# ---- WordPiece -------------------------------------------------------------------------------

@functools.cache
def bert_tokenizer(lowercase: bool = True):
    """BERT's tokenizer without padding, truncation or special tokens."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    if lowercase:
        tok = Tokenizer.from_file(str(m3_internals.bert_vocab_path().with_name("tokenizer.json")))
    else:
        tok = Tokenizer(models.WordPiece(m3_internals.bert_vocab(), unk_token="[UNK]",
                                         max_input_chars_per_word=100))
        tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                    lowercase=False)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.no_padding()
    tok.no_truncation()
    return tok


def bert_tokens(text: str, lowercase: bool = True) -> list[str]:
    if not text:
        return []
    return bert_tokenizer(lowercase).encode(text, add_special_tokens=False).tokens


def bert_words(text: str, lowercase: bool = True) -> list[str]:
    """The words of BertNormalizer followed by BertPreTokenizer."""
    from tokenizers import normalizers, pre_tokenizers

    normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                            lowercase=lowercase)
    return [w for w, _ in pre_tokenizers.BertPreTokenizer().pre_tokenize_str(
        normalizer.normalize_str(text))]


@functools.cache
def stable_characters() -> tuple[str, ...]:
    """Characters Unicode 3.2 already had, in the same category today.

    `tokenizers` classifies characters with tables from an older Unicode than Python's
    `unicodedata`, so characters added or re-classified since may differ between the two;
    random texts draw from the characters on which every Unicode version agrees.
    """
    old = unicodedata.ucd_3_2_0
    return tuple(c for c in map(chr, range(0x30000))
                 if unicodedata.category(c) != "Cs" and old.category(c) != "Cn"
                 and old.category(c) == unicodedata.category(c))


def random_texts(seed: int, count: int, max_length: int = 40) -> list[str]:
    """Texts that mix ASCII words, spaces, punctuation and any stable Unicode character."""
    rng = random.Random(seed)
    pool = stable_characters()
    ascii_part = "abcdefghijklmnopqrstuvwxyz ABCDEFG .,!?$'-"
    return ["".join(rng.choice(pool) if rng.random() < 0.3 else rng.choice(ascii_part)
                    for _ in range(rng.randrange(1, max_length)))
            for _ in range(count)]


# ---- Unigram ---------------------------------------------------------------------------------

def unigram_pieces(text: str, pieces: dict[str, float], *, unk_piece: str = "<unk>",
                   byte_fallback: bool = False) -> list[str]:
    """The pieces `tokenizers.models.Unigram` gives for `text` (no normalizer, no pre-tokenizer).

    With byte fallback, the 256 byte pieces are added with score 0.0 (as in Llama 2's model),
    which leaves the unknown score `min(pieces) - 10` unchanged.
    """
    from tokenizers import Tokenizer, models

    vocab = [(unk_piece, 0.0), *pieces.items()]
    if byte_fallback:
        vocab += [(f"<0x{b:02X}>", 0.0) for b in range(256) if f"<0x{b:02X}>" not in pieces]
    tok = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=byte_fallback))
    if not text:
        return []
    return [tok.id_to_token(i) for i in tok.encode(text, add_special_tokens=False).ids]


def random_unigram_case(rng: random.Random, alphabet: str, max_pieces: int = 30,
                        max_text: int = 25) -> tuple[str, dict[str, float]]:
    """A random vocabulary over `alphabet` (scores distinct with probability 1) and a text."""
    pieces: dict[str, float] = {}
    for _ in range(rng.randrange(1, max_pieces)):
        width = rng.randrange(2, len(alphabet) + 1)
        piece = "".join(rng.choice(alphabet[:width]) for _ in range(rng.randrange(1, 5)))
        pieces[piece] = -rng.uniform(0.1, 12.0)
    text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, max_text)))
    return text, pieces


def corpus_lines() -> list[str]:
    text = CORPUS.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


@functools.cache
def sentencepiece_model(byte_fallback: bool):
    """A SentencePiece Unigram model trained here on 400 lines of the course corpus.

    Normalization is off ("identity"), so its pieces apply to "▁" + text with spaces as "▁".
    Returns (processor, pieces) where pieces holds the normal pieces with their scores.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus_lines()[:400]), model_writer=model,
        vocab_size=400 if byte_fallback else 300, model_type="unigram",
        normalization_rule_name="identity", byte_fallback=byte_fallback,
        character_coverage=0.98, num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pieces = {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size())
              if not (sp.is_unknown(i) or sp.is_control(i) or sp.is_byte(i))}
    return sp, pieces


def sentencepiece_view(text: str) -> str:
    """The text as a SentencePiece model segments it: a leading "▁", spaces as "▁"."""
    return "▁" + text.replace(" ", "▁")


def sentencepiece_pieces(sp, text: str) -> list[str]:
    return ["<unk>" if sp.is_unknown(i) else sp.id_to_piece(i) for i in sp.encode(text)]


def segmentations(word: str, pieces: dict[str, float]):
    """Every segmentation of `word` into pieces (exponential: small words only)."""
    if not word:
        yield []
        return
    for end in range(1, len(word) + 1):
        if word[:end] in pieces:
            for rest in segmentations(word[end:], pieces):
                yield [word[:end], *rest]


def brute_force_em_step(word_counts: dict[str, int], pieces: dict[str, float]) -> dict[str, float]:
    """One EM step by enumerating every segmentation of every word."""
    expected = dict.fromkeys(pieces, 0.0)
    for word, count in word_counts.items():
        segs = list(segmentations(word, pieces))
        weights = [math.exp(sum(pieces[p] for p in seg)) for seg in segs]
        total = sum(weights)
        for seg, weight in zip(segs, weights):
            for p in seg:
                expected[p] += count * weight / total
    grand = sum(expected.values())
    return {p: math.log(c / grand) if c > 0 else -math.inf for p, c in expected.items()}


def random_em_case(rng: random.Random) -> tuple[dict[str, int], dict[str, float]]:
    """Small words over "abc", all single characters among the pieces so every word is covered."""
    pieces = {c: math.log(rng.uniform(0.05, 1.0)) for c in "abc"}
    for _ in range(rng.randrange(1, 8)):
        piece = "".join(rng.choice("abc") for _ in range(rng.randrange(2, 4)))
        pieces[piece] = math.log(rng.uniform(0.05, 1.0))
    pieces["cccc"] = math.log(0.3)  # a piece no word uses: its count is 0
    words = {"".join(rng.choice("ab") for _ in range(rng.randrange(1, 7))): rng.randrange(1, 6)
             for _ in range(rng.randrange(1, 5))}
    return words, pieces


def parallel_texts() -> dict[str, str]:
    import json

    data = json.loads((M3_DATA / "udhr_article1.json").read_text(encoding="utf-8"))
    return {code: entry["text"] for code, entry in data["languages"].items()}
