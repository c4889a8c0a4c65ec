"""Hidden tests of the showdown: showdown_row for the seven offline tokenizers of the zoo, on
each kind of text of the showdown and on the whole text.

The tokenizers are the trusted ones made inside the worker (so a broken adapter in compare.py
does not cost these points twice); the expected rows are computed here, in the trusted process,
from the same tokenizers and the definition in the docstring of `showdown_row`.
"""

import pytest
from m3_helpers import COMPARE, ZOO, showdown_text, tokenizer

from autograder.checks import expect_dict, expect_float, expect_int, expect_list, expect_str
from autograder.worker_helpers.m3_tokenizer_zoo import NAMES

KEYS = {"name", "n_tokens", "tokens", "chars_per_token", "unknown", "specials_added"}
# kind -> lines of showdown.txt [start, stop), as the lesson's table cuts the text
KINDS = {"English and CAPITALS": (0, 1), "emoji": (1, 2), "code": (2, 6), "numbers": (6, 7),
         "non-English": (7, 8), "the whole text": (0, 8)}


def part(kind: str) -> str:
    start, stop = KINDS[kind]
    return "\n".join(showdown_text().split("\n")[start:stop])


def expected_row(name: str, text: str) -> dict:
    tok = tokenizer(name)
    ids = tok.encode(text, False)
    with_specials = tok.encode(text, True)
    start = next(k for k in range(len(with_specials) - len(ids) + 1)
                 if with_specials[k:k + len(ids)] == ids)
    added = with_specials[:start] + with_specials[start + len(ids):]
    return {"name": name, "n_tokens": len(ids), "tokens": tok.token_strings(ids),
            "chars_per_token": len(text) / len(ids),
            "unknown": 0 if tok.unk_id is None else ids.count(tok.unk_id),
            "specials_added": tok.token_strings(added)}


def check_row(got, want: dict, call: str) -> None:
    got = expect_dict(got, call)
    assert set(got) == KEYS, (f"{call} returned a dict with the keys {sorted(got)}; "
                              f"expected {sorted(KEYS)}")
    name = want["name"]
    assert expect_str(got["name"], f"{call}['name']") == name, \
        f"{call}['name'] is {got['name']!r}; expected the tokenizer's name {name!r}"
    n = expect_int(got["n_tokens"], f"{call}['n_tokens']")
    assert n == want["n_tokens"], (f"{name}: n_tokens is {n}; the tokenizer gives "
                                   f"{want['n_tokens']} tokens for the text alone")
    tokens = expect_list(got["tokens"], f"{call}['tokens']", of=str)
    assert tokens == want["tokens"], (f"{name}: tokens differ from the token strings of the "
                                      f"text's ids (first difference at position "
                                      f"{next((k for k, (a, b) in enumerate(zip(tokens, want['tokens'])) if a != b), min(len(tokens), len(want['tokens'])))})")
    cpt = expect_float(got["chars_per_token"], f"{call}['chars_per_token']")
    assert cpt == pytest.approx(want["chars_per_token"], rel=1e-9), \
        f"{name}: chars_per_token is {cpt}; the text has {len_text(want)} characters"
    unknown = expect_int(got["unknown"], f"{call}['unknown']")
    assert unknown == want["unknown"], f"{name}: unknown is {unknown}, expected {want['unknown']}"
    specials = expect_list(got["specials_added"], f"{call}['specials_added']")
    assert specials == want["specials_added"], \
        f"{name}: specials_added is {specials!r}; the tokenizer adds {want['specials_added']!r}"


def len_text(row: dict) -> int:
    return round(row["chars_per_token"] * row["n_tokens"])


@pytest.mark.points(0.5)
@pytest.mark.hint("a showdown row describes the text alone: count and list its tokens without "
                  "the special tokens, characters (not bytes) per token, and the passengers "
                  "apart; lesson section “The same text through many tokenizers”")
@pytest.mark.parametrize("kind", list(KINDS))
def test_showdown_row_of_seven_tokenizers(student, kind):
    text = part(kind)
    showdown_row = student.function(COMPARE, "showdown_row")
    for name in NAMES:
        handle = student.worker_helper(f"{ZOO}:tokenizer", name)
        check_row(showdown_row(handle, text), expected_row(name, text),
                  f"showdown_row({name}, the {kind} of the showdown text)")
