"""Static versus contextual embeddings: the problem with "pitch".

A static embedding (word2vec, GloVe, or the input embedding matrix of any transformer) gives one
vector per word *type*: "pitch" is the same row of ``E`` whether a pitcher throws it, a singer
holds it or a founder gives it. A contextual model (BERT, DeBERTa, MiniLM) runs the whole
sentence through its layers and gives one vector per *occurrence*:

    "The pitcher threw a fast pitch."          static: E[pitch]      contextual: v1 (sports)
    "The soprano held the note at pitch."      static: E[pitch]      contextual: v2 (music)
    "She gave a two-minute sales pitch."       static: E[pitch]      contextual: v3 (sales)

``data/pitch.npz`` holds 18 sentences, six per sense, run through all-MiniLM-L6-v2 (see
``model.token_vectors``): their tokens, character offsets, the rows of the input embedding
matrix they use (``static_table``) and the last layer's output vector of every token. A word
may be split into several tokens, so first find which tokens cover the word, then average
them; finally measure whether occurrences of the same sense end up closer together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

PITCH_SENTENCES: dict[str, list[str]] = {
    "sports": [
        "The pitcher threw a fast pitch right over the plate.",
        "He swung and missed the third pitch of the inning.",
        "Rain soaked the pitch, so the football match was postponed.",
        "The bowler bounced the ball on a dry cricket pitch.",
        "A wild pitch let the runner on third base score.",
        "Fans ran onto the pitch after the final whistle.",
    ],
    "music": [
        "The soprano held the high note at perfect pitch.",
        "Tune the guitar until each string matches the pitch of the piano.",
        "Her voice drifted slightly off pitch during the second verse.",
        "A violin's pitch rises as the string is tightened.",
        "Pitch describes how high or low a musical tone sounds.",
        "The choir found the starting pitch from a tuning fork.",
    ],
    "sales": [
        "The founders rehearsed their pitch before meeting the investors.",
        "She gave a two-minute sales pitch to the new client.",
        "The startup's pitch deck explained the business model in ten slides.",
        "Our marketing team refined the pitch for the product launch.",
        "The salesman's pitch was persuasive, and the customer signed the contract.",
        "He made his pitch for a bigger budget at the board meeting.",
    ],
}


def word_positions(offsets: Sequence[tuple[int, int]], start: int, end: int) -> list[int]:
    """Positions of the tokens that cover characters ``[start, end)`` of the sentence.

    Input: ``offsets[i] = (s, e)``, the character span of token i (special tokens such as
    ``[CLS]`` and ``[SEP]`` have the empty span ``(0, 0)``); the word's span ``start < end``.
    Output: the positions, in order, of every non-empty token span overlapping the word
    (``s < end`` and ``e > start``). Example: for "unpitched" tokenized as
    ``[CLS] un ##pit ##ched [SEP]`` with offsets ``[(0, 0), (0, 2), (2, 5), (5, 9), (0, 0)]``,
    ``word_positions(offsets, 0, 9) == [1, 2, 3]``.
    ``start >= end`` or ``start < 0`` raises ``ValueError``.

    The trap: testing containment, ``start <= s and e <= end``, also accepts ``[CLS]`` and
    ``[SEP]`` — their ``(0, 0)`` lies inside any word that starts the sentence.

    Lesson: course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence
    """
    raise NotImplementedError('The positions of the tokens that make up one word; lesson section “One vector per word or one per occurrence” (course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence).')


def word_vector(token_vectors: np.ndarray, positions: Sequence[int]) -> np.ndarray:
    """One vector for a word: the mean of its tokens' vectors.

    Input: ``token_vectors [T, d]`` (a sentence's contextual outputs, or its static rows
    ``E[ids]``); ``positions``, the word's token positions (at least one).
    Output: float64 ``[d]``. Example: rows ``[[1., 1.], [3., 5.], [9., 9.]]`` with positions
    ``[0, 1]`` give ``[2., 3.]``.
    No positions, or ``token_vectors`` that is not 2-D: ``ValueError``; a position ``< 0`` or
    ``>= T``: ``IndexError``.

    The trap: keeping only the first piece of a split word ("un" of "un ##pit ##ched") throws
    away most of the word; and a negative position would quietly read from the end.

    Lesson: course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence
    """
    raise NotImplementedError('One vector for a word from the vectors of its tokens; lesson section “One vector per word or one per occurrence” (course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence).')


def sense_separation(vectors: np.ndarray, senses: Sequence[str]) -> float:
    """How much closer occurrences of the same sense are than occurrences of different senses.

    Input: ``vectors [n, d]``, one per occurrence of a word; ``senses[i]``, the label of
    occurrence i.
    Output: (mean cosine over pairs i < j with the same sense) minus (mean cosine over pairs
    i < j with different senses). Positive: the vectors separate the senses. Exactly identical
    vectors (a static embedding) give 0.0 up to rounding.
    Example: ``sense_separation([[1., 0.], [1., .1], [0., 1.]], ["a", "a", "b"]) ≈ 0.945``.
    Shapes that do not match, or no pair of either kind, raise ``ValueError``.

    The trap: pairing each vector with itself adds similarities of exactly 1.0 to the
    same-sense side and makes any set of vectors look separated.

    Lesson: course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence
    """
    raise NotImplementedError('How much closer occurrences of the same sense are than occurrences of different senses; lesson section “One vector per word or one per occurrence” (course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence).')


def sense_accuracy(vectors: np.ndarray, senses: Sequence[str]) -> float:
    """Leave-one-out nearest-neighbour sense accuracy.

    Input: ``vectors [n, d]`` (n >= 2) and their ``senses``.
    Output: the fraction of occurrences whose most similar *other* occurrence (by cosine;
    similarities within 1e-9 of each other are tied, and a tie goes to the lower index) has the
    same sense. Contextual vectors of "pitch" reach 1.0; identical static vectors tie
    everywhere, so each occurrence "picks" the first other one.
    Example: ``sense_accuracy([[1., 0.], [1., .1], [0., 1.], [.1, 1.]], ["a", "a", "b", "b"]) == 1.0``.
    Fewer than two vectors, or shapes that do not match, raise ``ValueError``.

    The traps: an occurrence is always most similar to itself (cosine 1.0). Let it pick itself
    and it finds its own sense every time: a perfect score that says nothing. And equal
    vectors get similarities that differ in the last bit from one CPU to the next: without the
    tolerance, rounding picks the neighbour.

    Lesson: course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence
    """
    raise NotImplementedError("How often an occurrence's nearest other occurrence has its sense; lesson section “One vector per word or one per occurrence” (course/m2_embeddings.md#one-vector-per-word-or-one-per-occurrence).")


@dataclass
class PitchSentence:
    """One sentence of ``data/pitch.npz`` as all-MiniLM-L6-v2 sees it."""

    text: str
    sense: str
    span: tuple[int, int]  # characters of the word "pitch"
    tokens: list[str]
    offsets: list[tuple[int, int]]
    rows: np.ndarray  # [T] token ids as rows of the static table
    contextual: np.ndarray  # [T, 384] output vectors of the last layer


def load_pitch(path: Path = DATA_DIR / "pitch.npz") -> tuple[list[PitchSentence], np.ndarray]:
    """The "pitch" sentences and the static table (the input embedding rows they use) [U, 384].

    ``embedding_lookup(static_table, sentence.rows)`` gives a sentence's static vectors.
    """
    with np.load(path, allow_pickle=False) as data:
        bounds = np.concatenate([[0], np.cumsum(data["lengths"])])
        sentences = [
            PitchSentence(
                text=str(data["texts"][i]),
                sense=str(data["senses"][i]),
                span=(int(data["spans"][i, 0]), int(data["spans"][i, 1])),
                tokens=[str(t) for t in data["tokens"][lo:hi]],
                offsets=[(int(s), int(e)) for s, e in data["offsets"][lo:hi]],
                rows=data["rows"][lo:hi].astype(np.int64),
                contextual=data["contextual"][lo:hi].astype(np.float32),
            )
            for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]))
        ]
        return sentences, data["static_table"].astype(np.float32)


def build_pitch_data(path: Path = DATA_DIR / "pitch.npz", model=None) -> None:
    """Recompute ``data/pitch.npz`` from all-MiniLM-L6-v2 (vectors stored as float16)."""
    import re

    from m2_embeddings.model import token_vectors

    texts, senses, spans, records = [], [], [], []
    for sense, sentences in PITCH_SENTENCES.items():
        for text in sentences:
            match = re.search(r"\bpitch\b", text, flags=re.IGNORECASE)
            texts.append(text)
            senses.append(sense)
            spans.append(match.span())
            records.append(token_vectors(text, model))
    all_ids = np.concatenate([r["ids"] for r in records])
    table_ids, first = np.unique(all_ids, return_index=True)
    static = np.concatenate([r["static"] for r in records])[first]
    np.savez_compressed(
        path,
        model_name=np.array("sentence-transformers/all-MiniLM-L6-v2"),
        texts=np.array(texts),
        senses=np.array(senses),
        spans=np.array(spans, dtype=np.int64),
        lengths=np.array([len(r["ids"]) for r in records], dtype=np.int64),
        tokens=np.array([t for r in records for t in r["tokens"]]),
        offsets=np.array([o for r in records for o in r["offsets"]], dtype=np.int64),
        rows=np.searchsorted(table_ids, all_ids).astype(np.int64),
        model_ids=all_ids,
        contextual=np.concatenate([r["contextual"] for r in records]).astype(np.float16),
        static_table=static.astype(np.float16),
        table_ids=table_ids,
    )


def compare_pitch() -> dict[str, dict[str, float]]:
    """Sense separation and accuracy of "pitch", static versus contextual vectors."""
    from m2_embeddings.vectors import embedding_lookup

    sentences, table = load_pitch()
    senses = [s.sense for s in sentences]
    results = {}
    for kind in ("static", "contextual"):
        vectors = []
        for s in sentences:
            token_vecs = embedding_lookup(table, s.rows) if kind == "static" else s.contextual
            vectors.append(word_vector(token_vecs, word_positions(s.offsets, *s.span)))
        vectors = np.stack(vectors)
        results[kind] = {
            "separation": sense_separation(vectors, senses),
            "accuracy": sense_accuracy(vectors, senses),
        }
    return results


if __name__ == "__main__":
    for kind, scores in compare_pitch().items():
        print(f"{kind:>10}  separation {scores['separation']:+.3f}  accuracy {scores['accuracy']:.3f}")
