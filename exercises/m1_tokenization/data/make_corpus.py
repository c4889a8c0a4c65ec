"""Regenerate the module's corpora: ``python make_corpus.py`` (deterministic, no downloads).

The stories are written by a small grammar over a hand-made lexicon, so the text is free of
copyright and has the statistics that matter for tokenization: a few very frequent words, a
long tail of rare ones (word frequencies follow Zipf's law), inflected forms (walk, walks,
walked, walking), contractions, numbers, punctuation, dialogue and invented names. Names and
numbers are drawn from open-ended sets, so held-out text contains words the training text
never had, exactly as in real text.

    corpus.txt     ~400 KB of short stories separated by <|endoftext|>: training text
    heldout.txt    ~40 KB of stories from another seed: evaluation text
    tiny.txt       the classic hand-checkable BPE example (Sennrich et al.)
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

NOUNS = """day way time house river town road friend child door window garden morning night
book letter market tree dog cat bird boat bridge village mountain forest field lamp table
bread cup kettle hill storm rain wind sun moon star song story question answer idea name
teacher baker farmer sailor painter doctor king queen captain stranger neighbour brother
sister mother father uncle aunt girl boy woman man family island harbour lighthouse train
station clock bell fire candle map key box basket coat hat shoe wall roof stair room kitchen
school library shop street corner square fountain well orchard apple pear plum cherry
carrot potato onion cabbage soup pie cake coin ring mirror picture chair bed blanket
pillow horse cow goat sheep fox owl wolf bear mouse rabbit frog fish whale shell stone
sand wave cloud snow ice leaf branch root flower seed nest egg feather wing ladder rope
wheel cart wagon lantern needle thread button pocket bag jar bottle spoon knife plate
bowl barrel fence gate path meadow pond lake valley cave cliff shore beach desert
village-green workshop hammer nail saw plank paint brush canvas poem riddle secret promise
journey adventure holiday festival supper breakfast dinner lesson mistake surprise gift
note message voice whisper shadow light colour smell sound silence minute hour week month
year season spring summer autumn winter evening afternoon noon midnight dawn dusk""".split()

IRREGULAR_PLURALS = {"child": "children", "man": "men", "woman": "women", "mouse": "mice",
                     "sheep": "sheep", "fish": "fish", "knife": "knives", "wolf": "wolves",
                     "leaf": "leaves", "shelf": "shelves", "goose": "geese", "foot": "feet"}

ADJECTIVES = """old young little big small tall short long quiet loud bright dark warm cold
happy sad brave shy clever kind gentle wild busy lazy strange curious careful hungry
tired sleepy red blue green yellow golden silver white black brown grey round narrow
wide deep empty full heavy light soft hard wooden broken shiny dusty muddy wet dry sweet
sour fresh ancient tiny enormous crooked hidden secret lonely friendly noisy patient
proud honest gloomy cheerful rusty frozen windy sunny foggy stormy calm early late
wonderful terrible ordinary peculiar faraway nearby familiar forgotten""".split()

# base, past (None: add -ed with the usual spelling rules)
VERBS = [("walk", None), ("look", None), ("open", None), ("close", None), ("carry", None),
         ("find", "found"), ("see", "saw"), ("take", "took"), ("give", "gave"), ("make", "made"),
         ("bring", "brought"), ("hold", "held"), ("keep", "kept"), ("leave", "left"),
         ("build", "built"), ("paint", None), ("mend", None), ("follow", None), ("watch", None),
         ("climb", None), ("fix", None), ("clean", None), ("fill", None), ("pull", None),
         ("push", None), ("lift", None), ("drop", None), ("hide", "hid"), ("seek", "sought"),
         ("throw", "threw"), ("catch", "caught"), ("buy", "bought"), ("sell", "sold"),
         ("bake", None), ("cook", None), ("wash", None), ("visit", None), ("remember", None),
         ("forget", "forgot"), ("borrow", None), ("return", None), ("share", None),
         ("count", None), ("measure", None), ("sweep", "swept"), ("wrap", None),
         ("plant", None), ("pick", None), ("feed", "fed"), ("chase", None), ("greet", None),
         ("answer", None), ("study", None), ("draw", "drew"), ("write", "wrote"),
         ("read", "read"), ("sing", "sang"), ("fold", None), ("polish", None), ("guard", None)]

INTRANSITIVE = [("smile", None), ("laugh", None), ("wait", None), ("sleep", "slept"),
                ("run", "ran"), ("sit", "sat"), ("stand", "stood"), ("listen", None),
                ("wonder", None), ("shiver", None), ("whistle", None), ("hurry", None),
                ("rest", None), ("dance", None), ("travel", None), ("swim", "swam"),
                ("fly", "flew"), ("wander", None), ("sigh", None), ("nod", None)]

ADVERBS = """slowly quickly quietly carefully happily sadly suddenly finally gently loudly
softly bravely patiently eagerly calmly proudly nervously cheerfully silently
together again already almost always never often sometimes soon later""".split()

PLACES = ["by the river", "near the old bridge", "at the market", "in the garden",
          "under the apple tree", "on the hill", "behind the bakery", "inside the lighthouse",
          "along the shore", "across the square", "beside the fountain", "in the kitchen",
          "at the station", "on the roof", "in the library", "through the forest",
          "over the fence", "down the lane", "up the stairs", "at the harbour"]

TIMES = ["one morning", "that evening", "the next day", "long ago", "after supper",
         "before dawn", "every Sunday", "at midnight", "in the spring", "later that week",
         "on a rainy afternoon", "at noon", "one winter", "when the bell rang",
         "as the sun went down"]

FEELINGS = """glad worried surprised puzzled delighted nervous hopeful proud tired
amazed grateful sorry curious""".split()

SYLLABLES = """ka to mi ra len do sa bel fin or wi ta mo rin el an ber gus li na ve tor
is pa ny ro dan sel um ha jo ki thea mar quin zo bru cal dre fen gil hol ix jun kor lum
nor pim rak sil tev ulf vor wen yar zel""".split()

TOWN_ENDINGS = ["ton", "ford", "bury", "wick", "by", "mouth", "stead", "ham"]


def zipf_choice(rng: random.Random, words: list, s: float = 1.05):
    """Pick an item, the first ones far more often (Zipf's law: frequency ~ 1 / rank^s)."""
    weights = [1.0 / (rank + 1.5) ** s for rank in range(len(words))]
    return rng.choices(words, weights)[0]


def past(verb: tuple[str, str | None]) -> str:
    base, irregular = verb
    if irregular:
        return irregular
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ied"
    if base in ("drop", "wrap", "nod", "plan"):
        return base + base[-1] + "ed"
    return base + "ed"


def third_person(base: str) -> str:
    if base.endswith(("s", "sh", "ch", "x")):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def gerund(base: str) -> str:
    if base.endswith("e") and base not in ("see",):
        return base[:-1] + "ing"
    if base in ("run", "swim", "sit", "drop", "wrap", "nod"):
        return base + base[-1] + "ing"
    return base + "ing"


def plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Storyteller:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def name(self) -> str:
        syllables = self.rng.choice([2, 2, 2, 3])
        return "".join(self.rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def noun_phrase(self) -> str:
        rng = self.rng
        noun = zipf_choice(rng, NOUNS)
        if rng.random() < 0.25:
            count = rng.choice(["two", "three", "four", "seven", "a dozen", "many", "some", str(rng.randint(5, 99))])
            return f"{count} {plural(noun)}"
        article = rng.choice(["the", "the", "a", "her", "his", "their", "that"])
        if rng.random() < 0.45:
            noun = f"{zipf_choice(rng, ADJECTIVES)} {noun}"
        if article == "a" and noun[0] in "aeiou":
            article = "an"
        return f"{article} {noun}"

    def sentence(self, hero: str, friend: str) -> str:
        rng = self.rng
        verb = zipf_choice(rng, VERBS)
        kind = rng.randrange(13)
        if kind == 0:
            return f"{rng.choice(TIMES).capitalize()}, {hero} {past(verb)} {self.noun_phrase()} {rng.choice(PLACES)}."
        if kind == 1:
            return f"{hero} {past(verb)} {self.noun_phrase()} and {past(zipf_choice(rng, INTRANSITIVE))} {zipf_choice(rng, ADVERBS)}."
        if kind == 2:
            return f'"I\'m {gerund(verb[0])} {self.noun_phrase()}," said {hero}. "Don\'t you want to {verb[0]} it too?"'
        if kind == 3:
            return f'"We\'ll {verb[0]} {self.noun_phrase()} {rng.choice(PLACES)}," {friend} promised, "and then we\'ve done enough for today."'
        if kind == 4:
            return f"The {zipf_choice(rng, NOUNS)} was {zipf_choice(rng, ADJECTIVES)}, and {hero} felt {rng.choice(FEELINGS)}."
        if kind == 5:
            return f"Why would anyone {verb[0]} {self.noun_phrase()}? {friend} didn't know, but {friend} {third_person(zipf_choice(rng, INTRANSITIVE)[0])} whenever someone asks."
        if kind == 6:
            year = rng.randint(1700, 2030)
            return f"In {year}, {self.noun_phrase()} {rng.choice(PLACES)} cost {rng.randint(1, 60)}.{rng.randint(0, 99):02d} coins."
        if kind == 7:
            return f"{hero} and {friend} were {gerund(zipf_choice(rng, INTRANSITIVE)[0])} {rng.choice(PLACES)} when {self.noun_phrase()} appeared!"
        if kind == 8:
            return f"At {rng.randint(1, 12)}:{rng.choice(['00', '15', '30', '45'])} the {zipf_choice(rng, NOUNS)} {third_person(zipf_choice(rng, INTRANSITIVE)[0])}; {hero} {past(zipf_choice(rng, INTRANSITIVE))}."
        if kind == 9:
            return f"It's {zipf_choice(rng, ADJECTIVES)}: {friend}'s {zipf_choice(rng, NOUNS)} {third_person(verb[0])} {self.noun_phrase()} every {rng.choice(['day', 'week', 'year', 'morning'])}."
        if kind == 10:
            return f"{zipf_choice(rng, ADVERBS).capitalize()}, {hero} {past(verb)} {self.noun_phrase()} and {past(zipf_choice(rng, VERBS))} {self.noun_phrase()}."
        if kind == 11:
            return f"Nobody {past(verb)} {self.noun_phrase()} {rng.choice(PLACES)} - not even {self.name()} from {self.name()}{rng.choice(TOWN_ENDINGS)}."
        return f"{self.name()}, {self.name()} and {self.name()} {past(zipf_choice(rng, INTRANSITIVE))} on {self.name()} Street, number {rng.randint(1, 400)}."

    def story(self) -> str:
        hero, friend = self.name(), self.name()
        paragraphs = []
        for _ in range(self.rng.randint(2, 4)):
            sentences = [self.sentence(hero, friend) for _ in range(self.rng.randint(3, 7))]
            paragraphs.append(" ".join(sentences))
        paragraphs.append(f"And that is how {hero} and {friend} spent {self.rng.choice(TIMES)}.")
        return "\n\n".join(paragraphs)

    def corpus(self, size: int) -> str:
        stories: list[str] = []
        total = 0
        while total < size:
            stories.append(self.story())
            total += len(stories[-1]) + len("\n<|endoftext|>\n")
        return "\n<|endoftext|>\n".join(stories) + "\n"


TINY = "low low low low low lower lower widest widest widest newest newest newest newest newest newest\n"


def main() -> None:
    (HERE / "corpus.txt").write_text(Storyteller(seed=1).corpus(400_000), encoding="utf-8")
    (HERE / "heldout.txt").write_text(Storyteller(seed=2).corpus(40_000), encoding="utf-8")
    (HERE / "tiny.txt").write_text(TINY, encoding="utf-8")


if __name__ == "__main__":
    main()
