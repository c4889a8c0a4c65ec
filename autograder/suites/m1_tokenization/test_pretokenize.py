"""Hidden tests: pretokenize, GPT-2's split pattern and special tokens."""

import pytest
import regex
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from m1_helpers import ENDOFTEXT

BPE = "m1_tokenization.bpe"
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

PLAIN_TEXTS = {
    "contractions": "I'm sure they'll say we've done what you'd do; it's theirs, isn't it? DON'T",
    "whitespace-runs": "a   b\n\n  c  \t\td    \n",
    "unicode-numbers-punctuation": "Größe 3.14€ 東京タワー ١٢٣ x²  😀!! ok ...hello!!! ?? (x) -> [y]; \"q\" 'single'",
}


@pytest.mark.points(1)
@pytest.mark.hint("Use the `regex` package (not `re`) with GPT-2's pattern exactly as given, and findall over the text.")
@pytest.mark.parametrize("name", list(PLAIN_TEXTS))
def test_gpt2_pattern_without_special_tokens(student, name):
    pretokenize = student.function(BPE, "pretokenize")
    text = PLAIN_TEXTS[name]
    assert pretokenize(text) == regex.findall(GPT2_PATTERN, text), f"wrong pre-tokens for the {name} text"


@pytest.mark.points(1)
@pytest.mark.hint("Cut special tokens out first; run the regex on each piece between them separately, so a space before a special token stays a pre-token of its own.")
def test_special_tokens_are_items_of_their_own(student):
    pretokenize = student.function(BPE, "pretokenize")
    got = pretokenize(f"a {ENDOFTEXT}  b{ENDOFTEXT}{ENDOFTEXT}\n", [ENDOFTEXT])
    assert got == ["a", " ", ENDOFTEXT, " ", " b", ENDOFTEXT, ENDOFTEXT, "\n"], "special tokens not cut out cleanly"


@pytest.mark.points(1)
@pytest.mark.hint("At each position the longest special token starting there wins, whatever order the special tokens were given in: sort them longest first.")
@pytest.mark.parametrize("order", ["short-first", "long-first"])
def test_longest_special_token_wins(student, order):
    pretokenize = student.function(BPE, "pretokenize")
    double = ENDOFTEXT * 2
    specials = [ENDOFTEXT, double] if order == "short-first" else [double, ENDOFTEXT]
    got = pretokenize(f"x{ENDOFTEXT * 3}y", specials)
    assert got == ["x", double, ENDOFTEXT, "y"], "the longest special token must win"


@pytest.mark.points(1)
@pytest.mark.hint("Scan left to right: the leftmost special token wins, and only among those starting at the same position does the longest win.")
def test_leftmost_special_token_before_a_longer_later_one(student):
    pretokenize = student.function(BPE, "pretokenize")
    assert pretokenize("abcd", ["ab", "abc", "bcd"]) == ["abc", "d"], "the leftmost match must win"


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens are literal strings: escape them (regex.escape) before building the alternation.")
def test_special_tokens_are_literal_not_regex(student):
    pretokenize = student.function(BPE, "pretokenize")
    got = pretokenize("axb a.b [x] x (|)", ["a.b", "[x]", "(|)"])
    assert got == ["axb", " ", "a.b", " ", "[x]", " x", " ", "(|)"], "a special token acted as a regex"


@pytest.mark.points(1)
@pytest.mark.hint("An empty special token must raise ValueError; a special token given twice counts once.")
def test_empty_special_token_raises_and_duplicates_are_ignored(student):
    pretokenize = student.function(BPE, "pretokenize")
    with pytest.raises(ValueError):
        pretokenize("abc", ["<s>", ""])
    text = f"one{ENDOFTEXT}two {ENDOFTEXT}"
    assert pretokenize(text, [ENDOFTEXT, ENDOFTEXT]) == pretokenize(text, [ENDOFTEXT]), "duplicates changed the result"


@pytest.mark.points(1)
@pytest.mark.hint('Nothing may be lost or added: "".join(pretokenize(text, specials)) == text for every text.')
def test_pretokens_join_back_to_the_text(student):
    pretokenize = student.function(BPE, "pretokenize")
    specials = ["<|endoftext|>", "<|endoftext|><|endoftext|>", "[SEP]"]
    alphabet = st.sampled_from(["<|endoftext|>", "[SEP]", "<|", "|>", " ", "\n", "\t", "a", "é", "7", "'s", "!", "😀", "東"])

    @settings(max_examples=60, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(alphabet | st.text(max_size=3), max_size=25).map("".join))
    def check(text):
        assert "".join(pretokenize(text, specials)) == text, "the pre-tokens do not join back to the text"

    check()
