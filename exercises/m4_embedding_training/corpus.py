"""The course corpus: a small generated world in which related words share contexts.

Real word2vec is trained on billions of words. To see the same effect offline in seconds we
generate text from a handful of facts (``data/world.json``): countries with their capitals,
languages and continents; people who differ by gender (king/queen, man/woman) and by role
(royal, common, family, young); numbers, colours, animals, foods, days and months; plus a short
piece of ordinary prose (``data/prose.txt``) so that the text is not only templates.

    "paris is the capital of france"      "people in france speak french"
    "the queen sat on her throne in the palace"      "we ate cheese for dinner"

Words that fill the same slot of the same templates (all capitals, all colours) end up with
similar vectors; words that differ by one consistent feature (male/female, city/country) end
up differing by a similar offset, which is what makes analogies work.

Nothing in this file is an exercise: it makes data and measures the result.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"

# How often each kind of sentence is generated (relative weights).
SENTENCE_MIX = {"country": 0.36, "people": 0.34, "category": 0.22, "prose": 0.08}


@functools.cache
def load_world() -> dict:
    """The facts the corpus is generated from (``data/world.json``)."""
    return json.loads((DATA / "world.json").read_text(encoding="utf-8"))


@functools.cache
def prose_sentences() -> tuple[str, ...]:
    """The sentences of ``data/prose.txt``, one a line."""
    lines = (DATA / "prose.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def tokenize(text: str) -> list[str]:
    """Lower-case words: ``"Paris, France!" -> ["paris", "france"]``."""
    return re.findall(r"[a-z]+", text.lower())


def generate_sentences(num_sentences: int, seed: int = 0) -> list[str]:
    """``num_sentences`` sentences of the generated world, the same for the same ``seed``."""
    world = load_world()
    rng = np.random.default_rng(seed)
    kinds = list(SENTENCE_MIX)
    weights = np.array([SENTENCE_MIX[k] for k in kinds])
    choices = rng.choice(len(kinds), size=num_sentences, p=weights / weights.sum())
    templates = world["templates"]
    categories = world["categories"]
    category_names = sorted(categories)
    prose = prose_sentences()
    sentences = []
    for choice in choices:
        kind = kinds[choice]
        if kind == "country":
            country, capital, language, continent = world["countries"][
                rng.integers(len(world["countries"]))]
            template = templates["country"][rng.integers(len(templates["country"]))]
            sentences.append(template.format(country=country, capital=capital,
                                             language=language, continent=continent))
        elif kind == "people":
            sentences.append(_people_sentence(world, rng))
        elif kind == "category":
            name = category_names[rng.integers(len(category_names))]
            word = categories[name][rng.integers(len(categories[name]))]
            template = templates[name][rng.integers(len(templates[name]))]
            sentences.append(template.format(w=word))
        else:
            sentences.append(prose[rng.integers(len(prose))])
    return sentences


def _people_sentence(world: dict, rng: np.random.Generator) -> str:
    """A sentence about one person word, using the templates of its roles and its pronouns."""
    templates = world["templates"]
    male, female, roles = world["people"][rng.integers(len(world["people"]))]
    if rng.random() < 0.1:
        template = templates["pair"][rng.integers(len(templates["pair"]))]
        return template.format(m=male, f=female)
    gender = "male" if rng.random() < 0.5 else "female"
    word = male if gender == "male" else female
    kinds = roles + ["person"]
    kind = kinds[rng.integers(len(kinds))]
    template = templates[kind][rng.integers(len(templates[kind]))]
    return template.format(w=word, **world["pronouns"][gender])


@dataclass
class Corpus:
    """A corpus as one flat id sequence plus its vocabulary (most frequent word first)."""

    ids: np.ndarray  # int64 [num_tokens]
    words: list[str]  # id -> word
    counts: np.ndarray  # int64 [vocab_size]

    @property
    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}


def build_corpus(sentences: list[str]) -> Corpus:
    """Tokenize, number the words by falling frequency (ties alphabetical), encode."""
    tokens = [t for s in sentences for t in tokenize(s)]
    words, counts = np.unique(np.array(tokens), return_counts=True)
    order = np.lexsort((words, -counts))
    words, counts = [str(w) for w in words[order]], counts[order].astype(np.int64)
    index = {w: i for i, w in enumerate(words)}
    return Corpus(np.array([index[t] for t in tokens], dtype=np.int64), words, counts)


@functools.cache
def _cached_corpus(num_sentences: int, seed: int) -> Corpus:
    return build_corpus(generate_sentences(num_sentences, seed))


def load_corpus(num_sentences: int = 20_000, seed: int = 0) -> Corpus:
    """The course corpus (about 9 tokens per sentence); 20,000 sentences take well under a second.

    The default is small enough for tests; the benchmark uses 200,000 sentences (about 2M
    tokens, a few MB of text)."""
    corpus = _cached_corpus(num_sentences, seed)
    return Corpus(corpus.ids.copy(), list(corpus.words), corpus.counts.copy())


def word_groups() -> dict[str, list[str]]:
    """Groups of words that should be each other's nearest neighbours."""
    world = load_world()
    groups = {
        "country": [c[0] for c in world["countries"]],
        "capital": [c[1] for c in world["countries"]],
        "language": [c[2] for c in world["countries"]],
        "royalty": [w for m, f, roles in world["people"] if "royal" in roles for w in (m, f)],
        "family": [w for m, f, roles in world["people"] if "family" in roles for w in (m, f)],
    }
    groups.update(world["categories"])
    return groups


def analogy_questions() -> list[tuple[str, str, str, str]]:
    """``(a, b, c, d)``: ``a`` is to ``b`` as ``c`` is to ``d``."""
    return [tuple(q) for q in load_world()["analogies"]]


def _unit_rows(E: np.ndarray) -> np.ndarray:
    E = np.asarray(E, dtype=np.float64)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return E / np.where(norms == 0, 1.0, norms)


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first. Scores within 1e-9 of each other are
    tied and a tie goes to the lower index: each pick is the lowest index among the scores
    left within 1e-9 of the best one left. The last bits of a cosine depend on the CPU and the
    BLAS build; a plain sort would let them decide between equal scores."""
    scores = np.asarray(scores, dtype=np.float64)
    left = np.ones(scores.shape[0], dtype=bool)
    order = []
    for _ in range(min(k, scores.shape[0])):
        pick = int(np.flatnonzero(left & (scores >= scores[left].max() - 1e-9))[0])
        order.append(pick)
        left[pick] = False
    return np.array(order, dtype=np.int64)


def nearest_neighbours(E: np.ndarray, words: list[str], word: str, k: int = 5) -> list[str]:
    """The ``k`` words whose vectors have the highest cosine with ``word``'s (itself excluded;
    ties to the lower index, as best_first breaks them)."""
    index = {w: i for i, w in enumerate(words)}
    unit = _unit_rows(E)
    scores = unit @ unit[index[word]]
    scores[index[word]] = -np.inf
    return [words[i] for i in best_first(scores, k)]


def neighbour_quality(E: np.ndarray, words: list[str], k: int = 5,
                      groups: dict[str, list[str]] | None = None) -> float:
    """Mean fraction of each grouped word's ``k`` nearest neighbours that share its group.

    1.0 means every capital's neighbours are capitals, every colour's are colours, ...;
    random vectors score about ``k_same / vocab_size``, a few percent."""
    groups = word_groups() if groups is None else groups
    index = {w: i for i, w in enumerate(words)}
    unit = _unit_rows(E)
    scores = unit @ unit.T
    np.fill_diagonal(scores, -np.inf)
    fractions = []
    for members in groups.values():
        present = [index[w] for w in members if w in index]
        for i in present:
            top = best_first(scores[i], k)
            fractions.append(np.isin(top, present).mean())
    return float(np.mean(fractions))


def analogy_accuracy(E: np.ndarray, words: list[str],
                     questions: list[tuple[str, str, str, str]] | None = None) -> float:
    """Fraction of ``a : b :: c : ?`` answered with ``d`` by 3CosAdd (a, b, c excluded)."""
    questions = analogy_questions() if questions is None else questions
    index = {w: i for i, w in enumerate(words)}
    unit = _unit_rows(E)
    right = 0
    for a, b, c, d in questions:
        target = unit[index[b]] - unit[index[a]] + unit[index[c]]
        scores = unit @ target
        scores[[index[a], index[b], index[c]]] = -np.inf
        right += int(best_first(scores, 1)[0]) == index[d]
    return right / len(questions)


def paraphrase_pairs(num_train: int = 600, num_test: int = 200, seed: int = 0
                     ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, test) lists of ``(sentence, paraphrase)`` pairs for the contrastive exercise.

    Each pair says one (subject, verb, place) fact twice, with a different word for every
    concept on each side ("the cat sleeps near the river" / "a kitten naps by a stream"), so
    keyword overlap cannot match them. Test facts never occur in training (only their words do).
    """
    spec = load_world()["paraphrases"]
    slots = spec["slots"]
    names = ["subject", "verb", "place"]
    shape = [len(slots[n]) for n in names]
    total = int(np.prod(shape))
    if num_train + num_test > total:
        raise ValueError(f"at most {total} distinct facts")
    rng = np.random.default_rng(seed)
    facts = rng.permutation(total)[: num_train + num_test]
    pairs = []
    for fact in facts:
        concepts = np.unravel_index(fact, shape)
        left, right = spec["templates"][rng.integers(len(spec["templates"]))]
        sides = [{}, {}]
        for name, concept in zip(names, concepts):
            first = int(rng.integers(2))
            sides[0][name] = slots[name][concept][first]
            sides[1][name] = slots[name][concept][1 - first]
        pairs.append((left.format(**sides[0]), right.format(**sides[1])))
    return pairs[num_test:], pairs[:num_test]
