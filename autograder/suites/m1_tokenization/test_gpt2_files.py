"""Hidden tests: BPETokenizer.from_files with GPT-2's own files must encode exactly as GPT-2."""

import pytest

from m1_helpers import ENDOFTEXT, GPT2_TEXTS, gpt2_ids, student_gpt2


@pytest.mark.points(1)
@pytest.mark.hint(
    "from_files: map every character of encoder.json and vocab.bpe back to a byte with GPT-2's "
    "bytes_to_unicode table, skip the '#version' line of vocab.bpe, keep the merges in file order."
)
@pytest.mark.parametrize("name", list(GPT2_TEXTS))
def test_gpt2_ids(student, name):
    tok = student_gpt2(student, None)
    text = GPT2_TEXTS[name]
    assert tok.encode(text) == gpt2_ids(text), f"ids differ from GPT-2's on the {name} text"


@pytest.mark.points(1)
@pytest.mark.hint("<|endoftext|> is already in GPT-2's encoder.json (id 50256): when it is a special token, use that id and never split it.")
def test_gpt2_endoftext(student):
    tok = student_gpt2(student, [ENDOFTEXT])
    text = f"Goodbye.{ENDOFTEXT}Hello <|endoftext|>\n\n{ENDOFTEXT}<|endoftext"
    assert tok.encode(text) == gpt2_ids(text, (ENDOFTEXT,)), "wrong ids around <|endoftext|>"


@pytest.mark.points(1)
@pytest.mark.hint("With overlapping special tokens the longest one starting at a position wins; a special token missing from encoder.json gets the next free id.")
def test_gpt2_overlapping_special_tokens(student):
    specials = (ENDOFTEXT, ENDOFTEXT * 2)
    tok = student_gpt2(student, specials)
    text = f"a{ENDOFTEXT * 3}b {ENDOFTEXT * 2} c{ENDOFTEXT}"
    assert tok.encode(text) == gpt2_ids(text, specials), "wrong ids with overlapping special tokens"


@pytest.mark.points(1)
@pytest.mark.hint("decode: join the bytes of all ids, then decode UTF-8 once (errors='replace'); GPT-2's ids must give the text back.")
def test_gpt2_decode(student):
    tok = student_gpt2(student, [ENDOFTEXT])
    for name, text in GPT2_TEXTS.items():
        text = text + ENDOFTEXT
        assert tok.decode(gpt2_ids(text, (ENDOFTEXT,))) == text, f"decoding GPT-2's ids of the {name} text failed"
