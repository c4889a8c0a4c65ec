"""Hidden tests of compare.py: adapters against the real libraries, token tax, showdown."""

import pytest
from m3_helpers import (COMPARE, ZOO, must_raise, first_difference, expect_ids, parallel_text,
                        showdown_text, tokenizer)

from autograder.checks import expect_dict, expect_float, expect_int, expect_list, expect_str

OFFLINE = ["bert", "gpt2", "gpt4", "llama3"]


def load(student, name):
    return student.function(COMPARE, "load_tokenizer")(name)


@pytest.mark.points(0.5)
@pytest.mark.hint("encode returns the library's own ids, with and without the special tokens")
@pytest.mark.deeper_hint("Hugging Face's encode returns an Encoding object that holds the ids; "
                         "tiktoken refuses text that spells a special token unless told to allow it.")
@pytest.mark.parametrize("name", OFFLINE)
def test_adapter_encodes_like_the_library(student, name):
    text = showdown_text() + "<|endoftext|>"
    tok = load(student, name)
    want = tokenizer(name)
    what = f"load_tokenizer({name!r}).encode(the showdown text, add_special_tokens=False)"
    got, expected = expect_ids(tok.encode(text, add_special_tokens=False), what), want.encode(text, False)
    assert got == expected, f"{what}: {first_difference(got, expected)}"
    what = f"load_tokenizer({name!r}).encode(the showdown text)"
    got, expected = expect_ids(tok.encode(text), what), want.encode(text, True)
    assert got == expected, f"{what} (special tokens on by default): {first_difference(got, expected)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("decoding keeps the special tokens: the passengers stay visible")
@pytest.mark.deeper_hint("Hugging Face's decode skips special tokens by default.")
@pytest.mark.parametrize("name", ["bert", "llama3"])
def test_adapter_decode_keeps_special_tokens(student, name):
    text = "Decode me, please."
    want = tokenizer(name)
    ids = want.encode(text, True)
    what = f"load_tokenizer({name!r}).decode(the ids of {text!r} with special tokens)"
    got = expect_str(load(student, name).decode(ids), what)
    assert got == want.decode(ids), f"{what} returned {got!r}"


@pytest.mark.points(1)
@pytest.mark.hint("half a character decodes to the replacement character '�', never an error")
def test_tiktoken_adapter_decodes_half_a_character(student):
    gpt4 = load(student, "gpt4")
    ids = tokenizer("gpt4").encode("a 👍", False)
    what = "load_tokenizer('gpt4').decode(the ids of 'a 👍' without the last)"
    got = expect_str(gpt4.decode(ids[:-1]), what)
    assert got == tokenizer("gpt4").decode(ids[:-1]), f"{what} returned {got!r}"


@pytest.mark.points(0.5)
@pytest.mark.hint("token_strings shows every id decoded on its own, special tokens included")
@pytest.mark.parametrize("name", ["gpt4", "bert"])
def test_token_strings(student, name):
    text = "Naïve emoji 👍 and [CLS] tokens"
    want = tokenizer(name)
    ids = want.encode(text, True)
    what = f"load_tokenizer({name!r}).token_strings({len(ids)} ids)"
    got = expect_list(load(student, name).token_strings(ids), what, of=str, length=len(ids))
    expected = [want.decode([i]) for i in ids]
    assert got == expected, f"{what}: {first_difference(got, expected)}"


@pytest.mark.points(0.5)
@pytest.mark.hint("special_tokens maps every special token's string to its id")
@pytest.mark.deeper_hint("For Hugging Face tokenizers these are the added tokens marked special; "
                         "tiktoken keeps a set of special token strings.")
@pytest.mark.parametrize("name", ["bert", "gpt4", "llama3"])
def test_special_tokens(student, name):
    what = f"load_tokenizer({name!r}).special_tokens()"
    got = expect_dict(load(student, name).special_tokens(), what, keys=str, values=int)
    want = tokenizer(name).special_tokens()
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    assert not missing and not extra, \
        f"{what} misses {len(missing)} special tokens {missing[:3]} and has {len(extra)} others {extra[:3]}"
    wrong = [s for s in want if got[s] != want[s]]
    assert not wrong, f"{what} gives wrong ids to {wrong[:3]}"


def _tax(student, count, texts, what, **kwargs):
    got = expect_dict(student.function(COMPARE, "token_tax")(count, texts, **kwargs), what,
                      keys=str, values=float)
    assert list(got) == list(texts), f"{what} has the keys {list(got)}; one per language, in the order of texts"
    return got


@pytest.mark.points(0.5)
@pytest.mark.hint("the token tax of a language is its token count relative to the baseline's")
@pytest.mark.parametrize("name", ["gpt2", "llama3"])
def test_token_tax_of_the_parallel_text(student, name):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", name)
    what = f"token_tax({name} counter, the parallel text)"
    got = _tax(student, count, texts, what)
    base = tokenizer(name).count(texts["en"])
    want = {lang: tokenizer(name).count(text) / base for lang, text in texts.items()}
    wrong = [lang for lang in texts if got[lang] != pytest.approx(want[lang])]
    assert not wrong, f"{what}: the tax of {', '.join(wrong[:4])} is wrong (yours: {got[wrong[0]]:.4g} for {wrong[0]})"


@pytest.mark.points(1)
@pytest.mark.hint("the baseline is a parameter: use the one you are given; its own tax is 1.0")
def test_token_tax_with_another_baseline(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    what = "token_tax(characters, {'en': 'four', 'de': 'vier!!!!', 'fr': 'qu'}, baseline='de')"
    got = _tax(student, count, {"en": "four", "de": "vier!!!!", "fr": "qu"}, what, baseline="de")
    assert got == pytest.approx({"en": 0.5, "de": 1.0, "fr": 0.25}), f"{what} returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: a baseline that is not among the texts raises KeyError, "
                  "one with no tokens ValueError")
def test_token_tax_bad_baseline(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    token_tax = student.function(COMPARE, "token_tax")
    with must_raise(KeyError, "token_tax(count, {'de': 'vier'}) (no 'en' text)"):
        token_tax(count, {"de": "vier"})
    with must_raise(ValueError, "token_tax(count, {'en': '', 'de': 'vier'}) (an empty baseline)"):
        token_tax(count, {"en": "", "de": "vier"})


def _breakdown(student, count, texts, what):
    got = expect_dict(student.function(COMPARE, "tax_breakdown")(count, texts), what,
                      keys=str, values=dict)
    assert list(got) == list(texts), f"{what} has the keys {list(got)}; one per language, in the order of texts"
    rows = {}
    for lang, row in got.items():
        row = expect_dict(row, f"{what}[{lang!r}]", keys=str, values=float)
        assert set(row) == {"byte_ratio", "compression_penalty", "tax"}, \
            f"{what}[{lang!r}] has the keys {sorted(row)}"
        rows[lang] = row
    return rows


@pytest.mark.points(1)
@pytest.mark.hint("the tax is the product of two factors: how many more bytes the script needs, "
                  "and how many fewer bytes each token covers")
def test_tax_breakdown_of_the_parallel_text(student):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", "gpt4")
    what = "tax_breakdown(gpt4 counter, the parallel text)"
    got = _breakdown(student, count, texts, what)
    gpt4 = tokenizer("gpt4")
    nbytes = {lang: len(t.encode("utf-8")) for lang, t in texts.items()}
    ntok = {lang: gpt4.count(t) for lang, t in texts.items()}
    for lang in texts:
        byte_ratio = nbytes[lang] / nbytes["en"]
        tax = ntok[lang] / ntok["en"]
        want = {"byte_ratio": byte_ratio, "compression_penalty": tax / byte_ratio, "tax": tax}
        wrong = [key for key in want if got[lang][key] != pytest.approx(want[key])]
        assert not wrong, f"{what}[{lang!r}]: {' and '.join(wrong)} wrong (yours: {got[lang]})"


@pytest.mark.points(1)
@pytest.mark.hint("a script's size is measured in UTF-8 bytes, not in characters")
def test_tax_breakdown_counts_bytes(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    what = "tax_breakdown(characters, {'en': 'ab', 'ru': 'аб'})"
    got = _breakdown(student, count, {"en": "ab", "ru": "аб"}, what)
    assert got["ru"]["byte_ratio"] == pytest.approx(2.0), \
        f"{what}: byte_ratio of ru is {got['ru']['byte_ratio']:.4g} for two Cyrillic letters of 2 bytes each"
    assert got["ru"]["compression_penalty"] == pytest.approx(0.5), \
        f"{what}: compression_penalty of ru is {got['ru']['compression_penalty']:.4g}"


@pytest.mark.points(1)
@pytest.mark.hint("a showdown row describes one tokenizer on one text: its tokens without "
                  "special tokens, their count and size, the unknown ones and the passengers")
@pytest.mark.parametrize("name", ["bert", "gpt2", "llama3"])
def test_showdown_row_of_the_showdown_text(student, solution, name):
    text = showdown_text()
    handle = student.worker_helper(f"{ZOO}:tokenizer", name)
    what = f"showdown_row({name}, the showdown text)"
    got = expect_dict(student.function(COMPARE, "showdown_row")(handle, text), what, keys=str)
    want = solution.function(COMPARE, "showdown_row")(tokenizer(name), text)
    assert set(got) == set(want), f"{what} has the keys {sorted(got)}, not those of the docstring"
    checked = {"name": expect_str(got["name"], f"{what}['name']"),
               "n_tokens": expect_int(got["n_tokens"], f"{what}['n_tokens']"),
               "tokens": expect_list(got["tokens"], f"{what}['tokens']", of=str),
               "unknown": expect_int(got["unknown"], f"{what}['unknown']"),
               "specials_added": expect_list(got["specials_added"], f"{what}['specials_added']", of=str)}
    for key, value in checked.items():
        assert value == want[key], f"{what}[{key!r}] is wrong (yours: {str(value)[:60]})"
    chars = expect_float(got["chars_per_token"], f"{what}['chars_per_token']")
    assert chars == pytest.approx(want["chars_per_token"]), \
        f"{what}['chars_per_token'] is {chars:.4g}"


@pytest.mark.points(1)
@pytest.mark.hint("an empty text has no tokens to compare: ValueError")
def test_showdown_row_rejects_empty_text(student):
    handle = student.worker_helper(f"{ZOO}:tokenizer", "gpt4")
    with must_raise(ValueError, "showdown_row(gpt4, '')"):
        student.function(COMPARE, "showdown_row")(handle, "")
