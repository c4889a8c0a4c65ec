"""Every hostile or broken submission meets its exact expected outcome.

The cases and their outcomes are in `tests/hostile/cases.py` (the catalogue for readers is
docs/hostile.md). All of them are graded once, in parallel, by the `hostile_run` fixture.
"""

from __future__ import annotations

import pytest

from tests.hostile.cases import CASES, Case
from tests.hostile.conftest import leftover_processes


def total(result: dict) -> float:
    return sum(t["score"] for t in result["tests"])


def feedback(result: dict) -> str:
    return "\n".join([t["output"] for t in result["tests"] if t["status"] == "failed"]
                     + result["notes"])


def summary(result: dict) -> str:
    lines = [f"{t['status']:6} {t['score']:4g}/{t['points']:g} {t['name']}: "
             f"{t['output'][:160]!r}" for t in result["tests"]]
    return "\n".join(result["notes"] + lines)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_meets_its_expected_outcome(hostile_run, namespaces, case: Case):
    if case.namespaces and not namespaces:
        pytest.skip("this defence needs the worker's namespaces, which this machine cannot make")
    result = hostile_run.result(case)
    assert "crashed" not in result, result.get("crashed")
    baseline = hostile_run.baseline(case)
    assert [t["name"] for t in result["tests"]] == [t["name"] for t in baseline["tests"]], \
        "every selected test has a record"
    assert total(result) <= total(baseline), "a cheat gained points over its honest baseline"
    assert total(result) == case.score, summary(result)
    text = feedback(result)
    for expected in case.feedback:
        options = [option.strip() for option in expected.split(" | ")]
        assert any(option in text for option in options), f"{expected!r} not in:\n{summary(result)}"


def test_baselines_are_what_the_cases_assume(hostile_run):
    for (base, select), result in hostile_run.baselines.items():
        assert "crashed" not in result, result.get("crashed")
        points = sum(t["points"] for t in result["tests"])
        expected = points if base == "reference" else 0
        assert total(result) == expected, f"{base} on {select}:\n{summary(result)}"


def test_no_student_code_ran_in_the_trusted_process(hostile_run, namespaces):
    """Hostile __eq__, __reduce__, __del__ … try to write into a folder only the trusted
    process can write; had any run there, a file would be waiting."""
    if not namespaces:
        pytest.skip("without a read-only file system the worker itself could write there")
    assert sorted(p.name for p in hostile_run.canary.iterdir()) == []


def test_no_connection_reached_the_answer_server(hostile_run, namespaces):
    if not namespaces:
        pytest.skip("without a network namespace only Python's sockets are refused")
    assert hostile_run.server.connections.value == 0


def test_no_process_outlives_its_grading(hostile_run):
    assert leftover_processes(str(hostile_run.sandbox_tmp)) == []


def test_every_result_records_its_isolation(hostile_run):
    for name, result in hostile_run.results.items():
        assert {"network", "filesystem", "user", "processes", "limits", "strength",
                "complete"} <= set(result["isolation"]), name
        assert result["isolation"]["complete"] == (result["isolation"]["strength"] == "complete")
