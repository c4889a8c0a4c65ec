"""Hidden tests: pretokenize, GPT-2's split pattern and special tokens."""

import pytest
import regex
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autograder.checks import expect_list
from m1_helpers import ENDOFTEXT, difference, shown

BPE = "m1_tokenization.bpe"
def pretokens(pretokenize, text, specials=None) -> list[str]:
    args = (text,) if specials is None else (text, specials)
    return expect_list(pretokenize(*args), shown("pretokenize", *args), of=str)


def check(pretokenize, text, specials, want, property_failed):
    got = pretokens(pretokenize, text, specials)
    if got != want and "".join(got) != text:
        raise AssertionError(f"{shown('pretokenize', text, specials)}: the pre-tokens do not join back "
                             f"to the text ({difference(got, want, 'pre-tokens')})")
    assert got == want, f"{property_failed}: {shown('pretokenize', text, specials)} gave {difference(got, want, 'pre-tokens')}"


GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

PLAIN_TEXTS = {
    "contractions": "I'm sure they'll say we've done what you'd do; it's theirs, isn't it? DON'T",
    "whitespace-runs": "a   b\n\n  c  \t\td    \n",
    "unicode-numbers-punctuation": "Größe 3.14€ 東京タワー ١٢٣ x²  😀!! ok ...hello!!! ?? (x) -> [y]; \"q\" 'single'",
}


@pytest.mark.points(1)
@pytest.mark.hint("The pre-tokens must be exactly those of GPT-2's split pattern, which relies on Unicode classes (letters, numbers) that Python's built-in `re` does not know.")
@pytest.mark.parametrize("name", list(PLAIN_TEXTS))
def test_gpt2_pattern_without_special_tokens(student, name):
    pretokenize = student.function(BPE, "pretokenize")
    text = PLAIN_TEXTS[name]
    check(pretokenize, text, None, regex.findall(GPT2_PATTERN, text), f"GPT-2's split differs on the {name} text")


@pytest.mark.points(1)
@pytest.mark.hint("A special token is a pre-token of its own, and the text on each side of it is split as if the special token were the end or the start of the text.")
def test_special_tokens_are_items_of_their_own(student):
    pretokenize = student.function(BPE, "pretokenize")
    check(pretokenize, f"a {ENDOFTEXT}  b{ENDOFTEXT}{ENDOFTEXT}\n", [ENDOFTEXT],
          ["a", " ", ENDOFTEXT, " ", " b", ENDOFTEXT, ENDOFTEXT, "\n"], "special tokens not cut out cleanly")


@pytest.mark.points(1)
@pytest.mark.hint("When several special tokens start at the same position, the longest wins, whatever order they were given in.")
@pytest.mark.parametrize("order", ["short-first", "long-first"])
def test_longest_special_token_wins(student, order):
    pretokenize = student.function(BPE, "pretokenize")
    double = ENDOFTEXT * 2
    specials = [ENDOFTEXT, double] if order == "short-first" else [double, ENDOFTEXT]
    check(pretokenize, f"x{ENDOFTEXT * 3}y", specials, ["x", double, ENDOFTEXT, "y"],
          "not the longest special token")


@pytest.mark.points(1)
@pytest.mark.hint("The special token that starts first wins; length only decides between special tokens starting at the same position.")
def test_leftmost_special_token_before_a_longer_later_one(student):
    pretokenize = student.function(BPE, "pretokenize")
    check(pretokenize, "abcd", ["ab", "abc", "bcd"], ["abc", "d"], "not the leftmost special token")


@pytest.mark.points(1)
@pytest.mark.hint("Special tokens are literal text: characters such as '.', '[', '|' in them mean themselves.")
def test_special_tokens_are_literal_not_regex(student):
    pretokenize = student.function(BPE, "pretokenize")
    check(pretokenize, "axb a.b [x] x (|)", ["a.b", "[x]", "(|)"],
          ["axb", " ", "a.b", " ", "[x]", " x", " ", "(|)"], "a special token matched as a pattern, not as literal text")


@pytest.mark.points(1)
@pytest.mark.hint("An empty special token is an error (ValueError); a special token given twice counts once.")
def test_empty_special_token_raises_and_duplicates_are_ignored(student):
    pretokenize = student.function(BPE, "pretokenize")
    with pytest.raises(ValueError):
        pretokenize("abc", ["<s>", ""])
    text = f"one{ENDOFTEXT}two {ENDOFTEXT}"
    once = pretokens(pretokenize, text, [ENDOFTEXT])
    check(pretokenize, text, [ENDOFTEXT, ENDOFTEXT], once, "a duplicated special token changed the result")


@pytest.mark.points(1)
@pytest.mark.hint("Pre-tokenizing only cuts the text: nothing may be lost or added, whatever the text holds.")
def test_pretokens_join_back_to_the_text(student):
    pretokenize = student.function(BPE, "pretokenize")
    specials = ["<|endoftext|>", "<|endoftext|><|endoftext|>", "[SEP]"]
    alphabet = st.sampled_from(["<|endoftext|>", "[SEP]", "<|", "|>", " ", "\n", "\t", "a", "é", "7", "'s", "!", "😀", "東"])

    @settings(max_examples=60, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(alphabet | st.text(max_size=3), max_size=25).map("".join))
    def check(text):
        joined = "".join(pretokens(pretokenize, text, specials))
        assert joined == text, f"{shown('pretokenize', text, specials)}: the pre-tokens join to {joined!r}, not to the text"

    check()
