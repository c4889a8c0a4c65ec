"""The same submission graded many times, concurrently, gives identical records."""

from __future__ import annotations

from tests.hostile.cases import DETERMINISM_RUNS


def comparable(result: dict) -> list[dict]:
    """A result's records without what may differ between equal runs: durations."""
    return [{k: v for k, v in t.items() if k != "seconds"} for t in result["tests"]]


def test_twenty_gradings_of_one_submission_agree(hostile_run):
    runs = hostile_run.repeats
    assert len(runs) == DETERMINISM_RUNS
    assert all("crashed" not in run for run in runs), [r["crashed"] for r in runs if "crashed" in r]
    first = comparable(runs[0])
    assert len(first) == 6
    for run in runs[1:]:
        assert comparable(run) == first
        assert run["notes"] == runs[0]["notes"] and run["isolation"] == runs[0]["isolation"]
