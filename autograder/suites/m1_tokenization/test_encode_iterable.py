"""Hidden tests: BPETokenizer.encode_iterable — same ids as encode, for any chunking, in bounded memory."""

import itertools
import random

import pytest

from m1_helpers import ENDOFTEXT, GPT2_TEXTS, gpt2_files, gpt2_ids, sample_corpus

TOKENIZER = "m1_tokenization.tokenizer"
SPECIALS = (ENDOFTEXT, ENDOFTEXT * 2)


def gpt2_tokenizer(student, special_tokens=SPECIALS):
    vocab_path, merges_path = gpt2_files()
    return student.function(TOKENIZER, "BPETokenizer.from_files")(vocab_path, merges_path, list(special_tokens))


def split_at(text: str, cuts) -> list[str]:
    bounds = [0, *sorted(cuts), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


E = ENDOFTEXT
CHUNKINGS = {
    # The lookahead \s+(?!\S) depends on the next character: a run of spaces cut in two must not
    # be split as if the chunk ended the text.
    "inside-whitespace-runs": ["a   ", "  b\n\n", "\n c ", "  ", "\t", " d"],
    "inside-words-and-contractions": ["hel", "lo they", "'", "ll do", "n't st", "op", " 12", "34.5"],
    "inside-special-tokens": ["x <|endo", "ftext|><|endoftext", "|><|end", "oftext|", ">y <|", "endoftext|"],
    "inside-overlapping-special-tokens": [f"a{E}", f"{E}", "b", f"{E}<|endoftext", f"|>{E}", f"{E[:5]}", f"{E[5:]}"],
    "one-character-chunks": list(f"Größe 😀!  {E}{E}\n\n  x'll 東京 {E}"),
}


@pytest.mark.points(1)
@pytest.mark.hint(
    "Never encode a chunk's last pre-token before you have seen what follows it: it may continue "
    "(a word, a run of spaces, a special token cut in two). Keep it buffered until the next chunk."
)
@pytest.mark.parametrize("name", list(CHUNKINGS))
def test_same_ids_as_encode_for_any_chunking(student, name):
    tok = gpt2_tokenizer(student)
    chunks = CHUNKINGS[name]
    got = list(tok.encode_iterable(chunks))
    assert got == gpt2_ids("".join(chunks), SPECIALS), f"wrong ids when chunks are cut {name}"


@pytest.mark.points(1)
@pytest.mark.hint("encode_iterable must give encode(''.join(chunks)) for every way of cutting the text, including empty chunks.")
def test_random_chunkings(student):
    tok = gpt2_tokenizer(student)
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
    tok = gpt2_tokenizer(student)
    text = "The quick brown fox jumps over the lazy dog. " * 20 + "\n"
    endless = student.repeat(text, 10**9)
    first = list(itertools.islice(tok.encode_iterable(endless), 100))
    assert first == gpt2_ids(text * 3, SPECIALS)[:100], "wrong first ids of a long stream"


@pytest.mark.points(1)
@pytest.mark.hint("Stream a file chunk by chunk: the ids must be exactly those of encode on the whole file.")
def test_file_in_chunks(student, tmp_path):
    tok = gpt2_tokenizer(student)
    text = (sample_corpus() + "\n") * 20
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    got = list(tok.encode_iterable(student.file_chunks(str(path), 777)))
    assert got == gpt2_ids(text, SPECIALS), "wrong ids when streaming a file"


def memory_unit() -> str:
    """About 64 KB of text that tokenizes into long tokens, so 100 MB of it encodes quickly.

    Starts with a non-space and ends with a newline, so no pre-token spans two copies and the
    ids of n copies are n times the ids of one.
    """
    lines = []
    for i in range(24):
        lines.append("-" * 1200)
        lines.append("=" * 1200)
        lines.append(f"Section {i}: the lighthouse keeper's log, {E} page {i}.")
    unit = "\n".join(lines) + "\n"
    return unit * (65536 // len(unit) + 1)


STREAM_BYTES = 100 * 2**20
MAX_GROWTH = 40 * 2**20  # a non-streaming encoder needs well over 100 MB here


@pytest.mark.points(3)
@pytest.mark.call_timeout(180)
@pytest.mark.hint(
    "Keep only a bounded window: never join all chunks, never collect all ids in a list. Yield the "
    "ids of finished pre-tokens and keep just the unfinished tail of the buffer."
)
def test_memory_stays_flat_on_a_100_mb_stream(student):
    tok = gpt2_tokenizer(student, (ENDOFTEXT,))
    unit = memory_unit()
    copies = STREAM_BYTES // len(unit)
    ids_per_copy = len(gpt2_ids(unit, (ENDOFTEXT,)))
    with student.measure() as usage:
        count, _ = tok.encode_iterable(student.repeat(unit, copies)).digest()
    assert count == ids_per_copy * copies, "wrong number of ids for a long stream"
    growth = usage.peak_rss_bytes - usage.baseline_rss_bytes
    assert growth < MAX_GROWTH, f"memory grew by {growth / 2**20:.0f} MB while streaming {STREAM_BYTES // 2**20} MB"
