"""Hidden tests: BPETokenizer.encode_iterable — the same ids as encode, for any chunking, lazily."""

import random

import pytest

from autograder.checks import expect_iterator, expect_list
from m1_helpers import ENDOFTEXT, GPT2_TEXTS, difference, gpt2_ids, sample_corpus, shown, student_gpt2

SPECIALS = (ENDOFTEXT, ENDOFTEXT * 2)


def split_at(text: str, cuts) -> list[str]:
    bounds = [0, *sorted(cuts), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


E = ENDOFTEXT


def streamed(tok, chunks, limit=None) -> list[int]:
    return expect_iterator(tok.encode_iterable(chunks), "encode_iterable(chunks)", of=int, limit=limit)


def check_stream(tok, chunks, got, want, what):
    """Compare with the trusted encoding of the whole text; blame encode when it is wrong too."""
    if got == want:
        return
    text = "".join(chunks) if isinstance(chunks, list) else None
    whole = expect_list(tok.encode(text), shown("encode", text), of=int) if text is not None else None
    blame = (" — encode of the whole text is wrong as well, so the difference may come from encode"
             if whole is not None and whole != want else "")
    raise AssertionError(f"{what}: encode_iterable gave {difference(got, want)}{blame}")
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
    "The end of a chunk is not the end of the text: what the last pre-tokens of a chunk are depends on what follows them."
)
@pytest.mark.deeper_hint(
    "Look at the cases where the next chunk changes the previous pre-token: a word that continues, \"'l\" + \"l\", "
    "a run of spaces, a special token cut in two."
)
@pytest.mark.parametrize("name", list(CHUNKINGS))
def test_same_ids_as_encode_for_any_chunking(student, name):
    chunks, specials = CHUNKINGS[name]
    tok = student_gpt2(student, specials)
    got = streamed(tok, chunks)
    check_stream(tok, chunks, got, gpt2_ids("".join(chunks), specials), f"chunks cut {name.replace('-', ' ')}")


@pytest.mark.points(1)
@pytest.mark.hint("The ids must not depend on where the text is cut into chunks, empty chunks included.")
def test_random_chunkings(student):
    tok = student_gpt2(student, SPECIALS)
    text = sample_corpus() + "".join(GPT2_TEXTS.values()) + E * 3
    want = gpt2_ids(text, SPECIALS)
    rng = random.Random(2024)
    for _ in range(5):
        chunks = split_at(text, [rng.randrange(len(text) + 1) for _ in range(rng.randrange(1, 300))])
        check_stream(tok, chunks, streamed(tok, chunks), want, f"a random chunking into {len(chunks)} chunks")


@pytest.mark.points(1)
@pytest.mark.call_timeout(20)
@pytest.mark.hint("encode_iterable is lazy: ids come out as soon as they are certain, before the whole input has been read.")
def test_is_lazy(student):
    tok = student_gpt2(student, SPECIALS)
    text = "The quick brown fox jumps over the lazy dog. " * 20_000 + "\n"  # about 1 MB
    endless = student.repeat(text, 5_000)  # 5 GB: far more than the worker may hold
    first = streamed(tok, endless, limit=100)
    want = gpt2_ids(text[:2000], SPECIALS)[:100]
    assert first == want, f"the first 100 ids of a long stream: {difference(first, want)}"


@pytest.mark.points(1)
@pytest.mark.hint("Streaming a file chunk by chunk gives exactly the ids of the whole file.")
def test_file_in_chunks(student, tmp_path):
    tok = student_gpt2(student, SPECIALS)
    text = (sample_corpus() + "\n") * 20
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    got = streamed(tok, student.file_chunks(str(path), 777))
    check_stream(tok, None, got, gpt2_ids(text, SPECIALS), "a file streamed in chunks of 777 characters")
