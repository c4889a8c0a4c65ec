"""Hidden tests: BPETokenizer.encode_iterable — the same ids as encode, for any chunking, lazily."""

import itertools
import random

import pytest

from m1_helpers import ENDOFTEXT, GPT2_TEXTS, gpt2_ids, sample_corpus, student_gpt2

SPECIALS = (ENDOFTEXT, ENDOFTEXT * 2)


def split_at(text: str, cuts) -> list[str]:
    bounds = [0, *sorted(cuts), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


E = ENDOFTEXT
# name -> (chunks, special tokens). Without special tokens nothing else is held back, so the
# pre-token boundaries alone decide what may be emitted.
CHUNKINGS = {
    # The lookahead \s+(?!\S) depends on the next character: "a   " + "b" is "a", "  ", " b",
    # not "a", "   ", "b" as if the chunk ended the text.
    "inside-whitespace-runs": (["a   ", "b\n\n", "\n c ", "  ", "\t", " d  ", "e"], ()),
    # "'l" is two pre-tokens until the next "l" arrives and makes it "'ll".
    "inside-words-and-contractions": (["hel", "lo they", "'l", "l do", "n", "'t st", "op", " 12", "34.5"], ()),
    "inside-special-tokens": (["x <|endo", "ftext|><|endoftext", "|><|end", "oftext|", ">y <|", "endoftext|"], SPECIALS),
    "inside-overlapping-special-tokens": ([f"a{E}", f"{E}", "b", f"{E}<|endoftext", f"|>{E}", f"{E[:5]}", f"{E[5:]}"], SPECIALS),
    "one-character-chunks": (list(f"Größe 😀!  {E}{E}\n\n  x'll 東京 {E}"), SPECIALS),
}


@pytest.mark.points(1)
@pytest.mark.hint(
    "Never encode a chunk's last pre-tokens before you have seen what follows them: they may continue "
    "(a word, \"'l\" + \"l\", a run of spaces, a special token cut in two). Keep them buffered until the next chunk."
)
@pytest.mark.parametrize("name", list(CHUNKINGS))
def test_same_ids_as_encode_for_any_chunking(student, name):
    chunks, specials = CHUNKINGS[name]
    tok = student_gpt2(student, specials)
    got = list(tok.encode_iterable(chunks))
    assert got == gpt2_ids("".join(chunks), specials), f"wrong ids when chunks are cut {name}"


@pytest.mark.points(1)
@pytest.mark.hint("encode_iterable must give encode(''.join(chunks)) for every way of cutting the text, including empty chunks.")
def test_random_chunkings(student):
    tok = student_gpt2(student, SPECIALS)
    text = sample_corpus() + "".join(GPT2_TEXTS.values()) + E * 3
    want = gpt2_ids(text, SPECIALS)
    rng = random.Random(2024)
    for _ in range(5):
        chunks = split_at(text, [rng.randrange(len(text) + 1) for _ in range(rng.randrange(1, 300))])
        assert list(tok.encode_iterable(chunks)) == want, "wrong ids for a random chunking"


@pytest.mark.points(1)
@pytest.mark.call_timeout(20)
@pytest.mark.hint("encode_iterable must be lazy: yield ids as soon as they are certain, without reading the whole input first (write it as a generator).")
def test_is_lazy(student):
    tok = student_gpt2(student, SPECIALS)
    text = "The quick brown fox jumps over the lazy dog. " * 20_000 + "\n"  # about 1 MB
    endless = student.repeat(text, 5_000)  # 5 GB: far more than the worker may hold
    first = list(itertools.islice(tok.encode_iterable(endless), 100))
    assert first == gpt2_ids(text[:2000], SPECIALS)[:100], "wrong first ids of a long stream"


@pytest.mark.points(1)
@pytest.mark.hint("Stream a file chunk by chunk: the ids must be exactly those of encode on the whole file.")
def test_file_in_chunks(student, tmp_path):
    tok = student_gpt2(student, SPECIALS)
    text = (sample_corpus() + "\n") * 20
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    got = list(tok.encode_iterable(student.file_chunks(str(path), 777)))
    assert got == gpt2_ids(text, SPECIALS), "wrong ids when streaming a file"
