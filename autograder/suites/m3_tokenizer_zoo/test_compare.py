"""Hidden tests of compare.py: adapters against the real libraries, token tax, showdown."""

import pytest
from m3_helpers import COMPARE, ZOO, parallel_text, showdown_text, tokenizer

OFFLINE = ["bert", "gpt2", "gpt4", "llama3"]


def load(student, name):
    return student.function(COMPARE, "load_tokenizer")(name)


@pytest.mark.points(1)
@pytest.mark.hint("encode returns the library's ids (Encoding.ids for tokenizers, tiktoken "
                  "with allowed_special='all'), with and without the special tokens")
@pytest.mark.parametrize("name", OFFLINE)
def test_adapter_encodes_like_the_library(student, name):
    text = showdown_text() + "<|endoftext|>"
    tok, want = load(student, name), tokenizer(name)
    assert tok.encode(text, add_special_tokens=False) == want.encode(text, False), \
        f"{name}: ids without special tokens differ from the library's"
    assert tok.encode(text) == want.encode(text, True), \
        f"{name}: ids with special tokens (the default) differ from the library's"


@pytest.mark.points(1)
@pytest.mark.hint("Hugging Face's decode skips special tokens unless told not to: pass "
                  "skip_special_tokens=False")
@pytest.mark.parametrize("name", ["bert", "llama3"])
def test_adapter_decode_keeps_special_tokens(student, name):
    text = "Decode me, please."
    want = tokenizer(name)
    ids = want.encode(text, True)
    assert load(student, name).decode(ids) == want.decode(ids), \
        f"{name}: decode must keep the special tokens"


@pytest.mark.points(1)
@pytest.mark.hint("half a character must decode to '�' (errors='replace'), never raise")
def test_tiktoken_adapter_decodes_half_a_character(student):
    gpt4 = load(student, "gpt4")
    ids = tokenizer("gpt4").encode("a 👍", False)
    assert gpt4.decode(ids[:-1]) == tokenizer("gpt4").decode(ids[:-1]), \
        "a cut emoji must become the replacement character"


@pytest.mark.points(1)
@pytest.mark.hint("token_strings decodes every id on its own, special tokens included")
@pytest.mark.parametrize("name", ["gpt4", "bert"])
def test_token_strings(student, name):
    text = "Naïve emoji 👍 and [CLS] tokens"
    want = tokenizer(name)
    ids = want.encode(text, True)
    assert load(student, name).token_strings(ids) == [want.decode([i]) for i in ids], \
        f"{name}: token strings differ"


@pytest.mark.points(1)
@pytest.mark.hint("special_tokens maps every special token string to its id (for Hugging "
                  "Face: the added tokens marked special)")
@pytest.mark.parametrize("name", ["bert", "gpt4", "llama3"])
def test_special_tokens(student, name):
    assert load(student, name).special_tokens() == tokenizer(name).special_tokens(), \
        f"{name}: special tokens differ"


@pytest.mark.points(1)
@pytest.mark.hint("token_tax: count_tokens(text) / count_tokens(baseline text) for every language")
@pytest.mark.parametrize("name", ["gpt2", "llama3"])
def test_token_tax_of_the_parallel_text(student, name):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", name)
    got = student.function(COMPARE, "token_tax")(count, texts)
    base = tokenizer(name).count(texts["en"])
    want = {lang: tokenizer(name).count(text) / base for lang, text in texts.items()}
    assert list(got) == list(want), "one entry per language, in the order of texts"
    assert got == pytest.approx(want), f"{name}: token tax differs"


@pytest.mark.points(1)
@pytest.mark.hint("use the baseline argument; the baseline's own tax is 1.0")
def test_token_tax_with_another_baseline(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    got = student.function(COMPARE, "token_tax")(count, {"en": "four", "de": "vier!!!!",
                                                         "fr": "qu"}, baseline="de")
    assert got == pytest.approx({"en": 0.5, "de": 1.0, "fr": 0.25}), "tax against 'de' is wrong"


@pytest.mark.points(1)
@pytest.mark.hint("a baseline that is not among the texts raises KeyError; one with no "
                  "tokens raises ValueError")
def test_token_tax_bad_baseline(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    token_tax = student.function(COMPARE, "token_tax")
    with pytest.raises(KeyError):
        token_tax(count, {"de": "vier"})
    with pytest.raises(ValueError):
        token_tax(count, {"en": "", "de": "vier"})


@pytest.mark.points(2)
@pytest.mark.hint("byte_ratio compares UTF-8 bytes, compression_penalty compares bytes per "
                  "token (baseline / language); their product is the tax")
def test_tax_breakdown_of_the_parallel_text(student):
    texts = parallel_text()
    count = student.worker_helper(f"{ZOO}:token_counter", "gpt4")
    got = student.function(COMPARE, "tax_breakdown")(count, texts)
    gpt4 = tokenizer("gpt4")
    nbytes = {lang: len(t.encode("utf-8")) for lang, t in texts.items()}
    ntok = {lang: gpt4.count(t) for lang, t in texts.items()}
    assert list(got) == list(texts), "one entry per language, in the order of texts"
    for lang in texts:
        byte_ratio = nbytes[lang] / nbytes["en"]
        tax = ntok[lang] / ntok["en"]
        want = {"byte_ratio": byte_ratio, "compression_penalty": tax / byte_ratio, "tax": tax}
        assert got[lang] == pytest.approx(want), f"breakdown differs for {lang}"


@pytest.mark.points(1)
@pytest.mark.hint("count bytes with len(text.encode('utf-8')), not characters")
def test_tax_breakdown_counts_bytes(student):
    count = student.worker_helper(f"{ZOO}:token_counter", "chars")
    got = student.function(COMPARE, "tax_breakdown")(count, {"en": "ab", "ru": "аб"})
    assert got["ru"]["byte_ratio"] == pytest.approx(2.0), "Cyrillic letters are 2 bytes each"
    assert got["ru"]["compression_penalty"] == pytest.approx(0.5), "bytes per token are wrong"


@pytest.mark.points(2)
@pytest.mark.hint("n_tokens without special tokens; tokens = token_strings; chars_per_token = "
                  "len(text) / n_tokens; unknown = ids equal to unk_id; specials_added = the "
                  "passengers' token strings")
@pytest.mark.parametrize("name", ["bert", "gpt2", "llama3"])
def test_showdown_row_of_the_showdown_text(student, solution, name):
    text = showdown_text()
    handle = student.worker_helper(f"{ZOO}:tokenizer", name)
    got = student.function(COMPARE, "showdown_row")(handle, text)
    want = solution.function(COMPARE, "showdown_row")(tokenizer(name), text)
    assert set(got) == set(want), "the row needs exactly the keys of the docstring"
    for key in ("name", "n_tokens", "tokens", "unknown", "specials_added"):
        assert got[key] == want[key], f"{name}: {key} is wrong"
    assert got["chars_per_token"] == pytest.approx(want["chars_per_token"]), \
        f"{name}: chars_per_token is wrong"


@pytest.mark.points(1)
@pytest.mark.hint("an empty text has no tokens to compare: raise ValueError")
def test_showdown_row_rejects_empty_text(student):
    handle = student.worker_helper(f"{ZOO}:tokenizer", "gpt4")
    with pytest.raises(ValueError):
        student.function(COMPARE, "showdown_row")(handle, "")
