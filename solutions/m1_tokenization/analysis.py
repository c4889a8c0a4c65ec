"""What tokenization does to a model: vocabulary size, subwords, and the wrong tokenizer.

Three questions, each answered by measuring instead of believing:

1. Why subwords? (learning goal 2)  Bytes or characters give long sequences but never an unknown
   symbol; whole words give short sequences but every new name, number or typo is
   out-of-vocabulary (OOV). Byte-level BPE sits in between:

       bytes  >=  characters  >=  BPE tokens  >=  words          (sequence length)
       0 % OOV                     0 % OOV        several % OOV  (on held-out text)

   ``granularity``, ``build_word_vocab``, ``oov_rate``.

2. How big a vocabulary? (learning goal 3)  More merges pack more bytes into each token, so the
   same text becomes fewer tokens (more text fits into the context window, less compute per
   byte), but the embedding table grows by ``d_model`` parameters per token and each token is
   seen less often in training (rare tokens get poorly trained embeddings):

       vocab size   bytes/token   tokens   embedding parameters (d_model = 768)
            256         1.0        long        196,608
          4,096         ~4         short     3,145,728

   ``bytes_per_token``, ``embedding_parameters``, ``vocab_size_sweep``, ``rare_token_fraction``.

3. Why must the tokenizer match the model? (learning goal 4)  An id is only a row number in the
   model's embedding table; another tokenizer gives the same id to different text.
   ``id_agreement``, ``decode_with_wrong_tokenizer``, and the spelling paradox: a model sees
   "strawberry" as a few opaque pieces, never as letters (``token_pieces``,
   ``letter_visibility``).

A *tokenizer* below is any object with ``encode(text) -> list[int]``, ``decode(ids) -> str`` and
a ``vocab`` dict (id -> bytes), such as ``BPETokenizer``. Words are ``split_words(text)``.

Exact results (details and errors in each docstring):

    granularity(tok, text)          {"bytes", "characters", "subwords", "words"}: four lengths
    build_word_vocab(text, n)       distinct words, count descending, ties alphabetical, first n
    oov_rate(vocab, text)           share of word occurrences not in vocab
    bytes_per_token(tok, text)      UTF-8 bytes / number of ids
    embedding_parameters(V, d)      V * d, doubled when the output layer is not tied
    vocab_size_sweep(train, heldout, sizes, d, specials)
                                    per size: {"vocab_size", "num_merges", "tokens",
                                    "bytes_per_token", "embedding_parameters"} on heldout
    rare_token_fraction(ids, V, m)  share of ids 0..V-1 seen fewer than m times
    id_agreement(vocab_a, vocab_b)  share of shared ids with equal bytes
    decode_with_wrong_tokenizer(text, enc, dec)
                                    dec.decode(ids of enc.encode(text) that dec.vocab has)
    token_pieces(tok, text)         each id decoded on its own
    letter_visibility(tok, word, c) {"pieces", "count", "standalone", "hidden"}
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from .bpe import train_bpe
from .tokenizer import BPETokenizer

DATA_DIR = Path(__file__).resolve().parent / "data"

# A word is a run of letters, digits or underscores, or one other non-space character.
WORD_RE = re.compile(r"\w+|[^\w\s]")


def load_text(name: str) -> str:
    """The text of ``data/<name>``: ``"corpus.txt"`` (training), ``"heldout.txt"``, ``"tiny.txt"``."""
    return (DATA_DIR / name).read_text(encoding="utf-8")


def split_words(text: str) -> list[str]:
    """Word-level tokenization: ``WORD_RE.findall(text)``, case kept.

    ``split_words("It's 7 o'clock!") == ["It", "'", "s", "7", "o", "'", "clock", "!"]``
    """
    return WORD_RE.findall(text)


def bytes_per_token(tokenizer, text: str) -> float:
    """Average UTF-8 bytes per token: ``len(text.encode("utf-8")) / len(tokenizer.encode(text))``.

    The compression of a tokenizer: 1.0 for bytes, about 4 for GPT-2 on English. Higher means
    shorter sequences for the same text.

    Example: a tokenizer with no merges gives exactly 1.0 on any non-empty text.

    The trap: count bytes, not characters ("é" is 2 bytes, "👋" is 4). Text that encodes to no
    token at all (the empty string) raises ``ValueError``.

    Lesson: course/m1_tokenization.md#how-big-should-the-vocabulary-be
    """
    # BEGIN SOLUTION: How many bytes of text one token carries on average; lesson section “How big should the vocabulary be” (course/m1_tokenization.md#how-big-should-the-vocabulary-be).
    n_tokens = len(tokenizer.encode(text))
    if n_tokens == 0:
        raise ValueError("text encodes to no token")
    return len(text.encode("utf-8")) / n_tokens
    # END SOLUTION


def granularity(tokenizer, text: str) -> dict[str, int]:
    """Sequence length of ``text`` at four granularities.

    Output: ``{"bytes": UTF-8 bytes, "characters": len(text), "subwords": len(tokenizer.encode(text)),
    "words": len(split_words(text))}``.

    Example: for ``"naïve café"`` bytes 12, characters 10, words 2; a byte-level BPE tokenizer
    gives a number of subwords between the characters (no merges applied) and far fewer
    (common words merged whole).

    The trap: characters are not bytes: ``len(text)`` counts code points.

    Lesson: course/m1_tokenization.md#three-ways-to-cut-text
    """
    # BEGIN SOLUTION: The length of the text at four granularities; lesson section “Three ways to cut text” (course/m1_tokenization.md#three-ways-to-cut-text).
    return {
        "bytes": len(text.encode("utf-8")),
        "characters": len(text),
        "subwords": len(tokenizer.encode(text)),
        "words": len(split_words(text)),
    }
    # END SOLUTION


def build_word_vocab(text: str, max_size: int | None = None) -> list[str]:
    """A word-level vocabulary: the distinct words of ``split_words(text)``, most frequent first.

    Ties are broken alphabetically (Python string order), so the result is deterministic.
    ``max_size`` keeps only the first ``max_size`` words (``None``: all of them).

    Example: ``build_word_vocab("b a b c a b", 2) == ["b", "a"]``.

    The trap: ``max_size`` below 0 raises ``ValueError``; 0 gives ``[]``.

    Lesson: course/m1_tokenization.md#three-ways-to-cut-text
    """
    # BEGIN SOLUTION: A word-level vocabulary of the most frequent words; lesson section “Three ways to cut text” (course/m1_tokenization.md#three-ways-to-cut-text).
    if max_size is not None and max_size < 0:
        raise ValueError("max_size must be >= 0")
    counts = Counter(split_words(text))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    return words if max_size is None else words[:max_size]
    # END SOLUTION


def oov_rate(vocab: Iterable[str], text: str) -> float:
    """Fraction of the words of ``split_words(text)`` (every occurrence) that are not in ``vocab``.

    With a word-level vocabulary built on training text, held-out text always has some unseen
    words (names, numbers, rare forms): each would become ``[UNK]`` and its meaning is lost.
    Byte-level BPE has no such rate: any string is written with the 256 byte tokens at worst.

    Example: ``oov_rate(["the", "cat"], "the dog the cat") == 0.25``.

    The traps: count occurrences, not distinct words; matching is case-sensitive. Text with no
    word raises ``ValueError``.

    Lesson: course/m1_tokenization.md#three-ways-to-cut-text
    """
    # BEGIN SOLUTION: The share of the text's words that a word-level vocabulary does not know; lesson section “Three ways to cut text” (course/m1_tokenization.md#three-ways-to-cut-text).
    known = set(vocab)
    words = split_words(text)
    if not words:
        raise ValueError("text has no words")
    return sum(word not in known for word in words) / len(words)
    # END SOLUTION


def embedding_parameters(vocab_size: int, d_model: int, tied: bool = True) -> int:
    """Parameters spent on the vocabulary: one ``d_model`` vector per token.

    The input embedding table has ``vocab_size * d_model`` parameters. With ``tied=False`` the
    output layer (hidden state -> one logit per token) has its own ``vocab_size * d_model``
    matrix, doubling the count; GPT-2 ties the two.

    Example: ``embedding_parameters(50257, 768) == 38_597_376`` (GPT-2 small: about 31 % of its
    124 M parameters).

    The trap: ``vocab_size`` or ``d_model`` below 1 raises ``ValueError``.

    Lesson: course/m1_tokenization.md#how-big-should-the-vocabulary-be
    """
    # BEGIN SOLUTION: The number of parameters the embedding tables take; lesson section “How big should the vocabulary be” (course/m1_tokenization.md#how-big-should-the-vocabulary-be).
    if vocab_size < 1 or d_model < 1:
        raise ValueError("vocab_size and d_model must be >= 1")
    return vocab_size * d_model * (1 if tied else 2)
    # END SOLUTION


def vocab_size_sweep(
    train_text: str,
    heldout_text: str,
    vocab_sizes: Sequence[int],
    d_model: int = 768,
    special_tokens: Sequence[str] = (),
) -> list[dict]:
    """Train BPE on ``train_text`` and measure ``heldout_text`` at each vocabulary size.

    For each ``V`` in ``vocab_sizes`` (in the order given) one dict:
    ``{"vocab_size": V, "num_merges": merges learned, "tokens": len(ids of heldout_text),
    "bytes_per_token": bytes_per_token(tok, heldout_text), "embedding_parameters":
    embedding_parameters(V, d_model)}``, where ``tok = BPETokenizer(vocab, merges,
    special_tokens)`` is trained with ``train_bpe(train_text, V, special_tokens)``.

    If training runs out of pairs before ``V``, the vocabulary is smaller: report what was
    learned (``num_merges`` smaller) but keep ``"vocab_size": V`` and its embedding parameters.

    The trap (and the trick): training is slow, so train once, at ``max(vocab_sizes)``. BPE is
    greedy, so the first ``k`` merges of a long run are exactly what a run that stops after
    ``k`` merges learns: slice the vocabulary and the merges for each smaller size.
    ``vocab_sizes`` below ``256 + len(special_tokens)`` raise ``ValueError`` (as ``train_bpe``).

    Lesson: course/m1_tokenization.md#how-big-should-the-vocabulary-be
    """
    # BEGIN SOLUTION: The vocabularies of several sizes learned from one text; lesson section “How big should the vocabulary be” (course/m1_tokenization.md#how-big-should-the-vocabulary-be).
    if not vocab_sizes:
        return []
    specials = list(dict.fromkeys(special_tokens))
    base = 256 + len(specials)
    if min(vocab_sizes) < base:
        raise ValueError(f"vocab sizes must be at least {base}")
    vocab, merges = train_bpe(train_text, max(vocab_sizes), specials)
    rows = []
    for size in vocab_sizes:
        kept = merges[: size - base]
        tokenizer = BPETokenizer({i: vocab[i] for i in range(base + len(kept))}, kept, specials)
        rows.append(
            {
                "vocab_size": size,
                "num_merges": len(kept),
                "tokens": len(tokenizer.encode(heldout_text)),
                "bytes_per_token": bytes_per_token(tokenizer, heldout_text),
                "embedding_parameters": embedding_parameters(size, d_model),
            }
        )
    return rows
    # END SOLUTION


def rare_token_fraction(ids: Sequence[int], vocab_size: int, min_count: int = 5) -> float:
    """Fraction of the ``vocab_size`` token ids that occur fewer than ``min_count`` times in ``ids``.

    An embedding is only trained when its token occurs. The bigger the vocabulary, the more
    tokens are rare in the training data, so their vectors stay close to their random start:
    a cost of large vocabularies that memory numbers do not show.

    Example: ``rare_token_fraction([0, 0, 1], 4, min_count=2) == 0.75`` (ids 1, 2, 3 are rare).

    The traps: ids that never occur count as rare (count 0). An id outside
    ``0 <= id < vocab_size``, ``vocab_size < 1`` or ``min_count < 1`` raises ``ValueError``.

    Lesson: course/m1_tokenization.md#how-big-should-the-vocabulary-be
    """
    # BEGIN SOLUTION: The share of the vocabulary that is rare in a stream of ids; lesson section “How big should the vocabulary be” (course/m1_tokenization.md#how-big-should-the-vocabulary-be).
    if vocab_size < 1 or min_count < 1:
        raise ValueError("vocab_size and min_count must be >= 1")
    counts = Counter(ids)
    if any(not 0 <= i < vocab_size for i in counts):
        raise ValueError("id out of range")
    return sum(counts[i] < min_count for i in range(vocab_size)) / vocab_size
    # END SOLUTION


def id_agreement(vocab_a: dict[int, bytes], vocab_b: dict[int, bytes]) -> float:
    """Fraction of the ids present in both vocabularies that stand for the same bytes.

    A model learns one embedding per id. Two tokenizers trained with ``train_bpe`` on different
    text agree on the 256 byte ids and then diverge: with ``<|endoftext|>``, id 300 is " T" for
    one trained on corpus.txt and "an" for one trained on heldout.txt. GPT-2 does not even number the bytes in byte order (its id 0 is "!"), so it agrees
    with a course tokenizer on almost no id. A model fed another tokenizer's ids reads
    different text than was written.

    Example: ``id_agreement({0: b"a", 1: b"b"}, {0: b"a", 1: b"c", 2: b"d"}) == 0.5``.

    The trap: only ids in both count (here 0 and 1); no id in common raises ``ValueError``.

    Lesson: course/m1_tokenization.md#a-tokenizer-belongs-to-its-model
    """
    # BEGIN SOLUTION: How many ids two tokenizers agree on; lesson section “A tokenizer belongs to its model” (course/m1_tokenization.md#a-tokenizer-belongs-to-its-model).
    shared = vocab_a.keys() & vocab_b.keys()
    if not shared:
        raise ValueError("the vocabularies share no id")
    return sum(vocab_a[i] == vocab_b[i] for i in shared) / len(shared)
    # END SOLUTION


def decode_with_wrong_tokenizer(text: str, encoder, decoder) -> str:
    """Encode ``text`` with ``encoder`` and decode the ids with ``decoder``: what a model paired
    with ``decoder`` would "read" when fed another tokenizer's ids.

    Ids the decoder does not have (not keys of ``decoder.vocab``) are dropped: a real model
    would crash on them, or read whatever row happens to be there.

    Example: with the same tokenizer on both sides the text comes back unchanged; with GPT-2
    encoding and a tokenizer trained on the course corpus decoding, "Hello world" turns into
    an unrelated string of pieces.

    The trap: do not decode id by id and join strings; decode the list (a character may span
    several tokens).

    Lesson: course/m1_tokenization.md#a-tokenizer-belongs-to-its-model
    """
    # BEGIN SOLUTION: What comes out when one tokenizer decodes another tokenizer's ids; lesson section “A tokenizer belongs to its model” (course/m1_tokenization.md#a-tokenizer-belongs-to-its-model).
    ids = encoder.encode(text)
    return decoder.decode([i for i in ids if i in decoder.vocab])
    # END SOLUTION


def token_pieces(tokenizer, text: str) -> list[str]:
    """The pieces the model sees: each id of ``tokenizer.encode(text)`` decoded on its own.

    Example (GPT-2): ``token_pieces(gpt2, "strawberry") == ["st", "raw", "berry"]``, while
    ``" strawberry"`` (with its leading space, as inside a sentence) is one token.
    ``"".join`` of the pieces is the text again, unless a character is split over several
    tokens: such a piece decodes to "\\ufffd" (decoding with ``errors="replace"``).

    Lesson: course/m1_tokenization.md#a-tokenizer-belongs-to-its-model
    """
    # BEGIN SOLUTION: The text of each token the tokenizer cuts the text into; lesson section “A tokenizer belongs to its model” (course/m1_tokenization.md#a-tokenizer-belongs-to-its-model).
    return [tokenizer.decode([i]) for i in tokenizer.encode(text)]
    # END SOLUTION


def letter_visibility(tokenizer, word: str, letter: str) -> dict:
    """The spelling paradox: how many times ``letter`` occurs in ``word``, and how much of it
    the model can see as a token of its own.

    Output: ``{"pieces": token_pieces(tokenizer, word), "count": word.count(letter),
    "standalone": pieces equal to letter, "hidden": occurrences inside longer pieces}``.

    Example (GPT-2): ``letter_visibility(gpt2, "strawberry", "r") == {"pieces": ["st", "raw",
    "berry"], "count": 3, "standalone": 0, "hidden": 3}``: all three r's are inside tokens
    whose spelling the model only knows from statistics, which is why "how many r's are in
    strawberry?" trips models up.

    The trap: ``letter`` must be exactly one character, else ``ValueError``.

    Lesson: course/m1_tokenization.md#a-tokenizer-belongs-to-its-model
    """
    # BEGIN SOLUTION: Where a letter of a word ends up among its tokens; lesson section “A tokenizer belongs to its model” (course/m1_tokenization.md#a-tokenizer-belongs-to-its-model).
    if len(letter) != 1:
        raise ValueError("letter must be one character")
    pieces = token_pieces(tokenizer, word)
    return {
        "pieces": pieces,
        "count": word.count(letter),
        "standalone": sum(piece == letter for piece in pieces),
        "hidden": sum(piece.count(letter) for piece in pieces if piece != letter),
    }
    # END SOLUTION
