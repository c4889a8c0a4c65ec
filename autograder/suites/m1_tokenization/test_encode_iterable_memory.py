"""Hidden test: BPETokenizer.encode_iterable streams 100 MB in bounded memory.

The worker's peak resident memory is measured from the trusted side while the ids of a long
stream (made inside the worker by ``student.repeat``) are counted and hashed chunk by chunk.
"""

import itertools

import pytest

from autograder.checks import expect_int, expect_str, expect_tuple
from autograder.remote import digest

from m1_helpers import ENDOFTEXT, gpt2_ids, student_gpt2

E = ENDOFTEXT


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
    "Streaming means a bounded window: what is held at any moment must not grow with the length of the input."
)
@pytest.mark.deeper_hint(
    "Once the ids of a finished pre-token are out, nothing about it needs to be kept; only the unfinished tail matters."
)
def test_memory_stays_flat_on_a_100_mb_stream(student):
    tok = student_gpt2(student, (ENDOFTEXT,))
    unit = memory_unit()
    copies = STREAM_BYTES // len(unit)
    unit_ids = gpt2_ids(unit, (ENDOFTEXT,))
    with student.measure() as usage:
        count, sha = expect_tuple(tok.encode_iterable(student.repeat(unit, copies)).digest(),
                                  "encode_iterable(a 100 MB stream)'s digest", length=2)
    got = (expect_int(count, "the number of ids streamed"), expect_str(sha, "the ids' hash"))
    assert got == digest(itertools.chain.from_iterable(itertools.repeat(unit_ids, copies))), f"encode_iterable gave {got[0]} ids for a long stream, or different ids than its {len(unit_ids)}-id unit repeated {copies} times"
    growth = usage.peak_rss_bytes - usage.baseline_rss_bytes
    assert growth < MAX_GROWTH, f"memory grew by {growth / 2**20:.0f} MB while streaming {STREAM_BYTES // 2**20} MB"
