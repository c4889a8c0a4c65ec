"""Reports are written only by the trusted process; the command line survives the nastiest
submissions with exit status 0; the course stays hidden in instructor-side grading too."""

from __future__ import annotations

import json

import pytest


def command(hostile_run, name: str):
    if name not in hostile_run.commands:
        pytest.skip("without namespaces the worker can write where the grader's user can")
    return hostile_run.commands[name]


def test_forged_reports_are_never_written_and_the_real_one_is(hostile_run):
    run = command(hostile_run, "forger")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout == "", "with --output the report goes to the file only"
    report = json.loads(run.report)
    assert report["score"] == 0 and report["max_score"] > 0
    assert all(t["score"] == 0 for t in report["tests"]) and report["output"] != "FORGED"
    modules = {t["tags"][0] for t in report["tests"]}
    assert modules == {"m1_tokenization", "m2_embeddings"}, "both modules, graded by --jobs 2"
    assert all(t["status"] == "failed" for t in report["tests"])
    printed = "\n".join(t["output"] for t in report["tests"])
    assert "REFUSED" in printed and "WROTE" not in printed, printed[-3000:]
    leftovers = sorted(p.name for p in hostile_run.report_dir.iterdir())
    assert leftovers == ["results.json"], leftovers


def test_a_submission_that_prints_a_report_cannot_replace_the_real_one(hostile_run):
    run = command(hostile_run, "killer")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)  # the whole of stdout is the grader's report
    assert report["score"] == 0 and report["max_score"] > 0
    assert {t["status"] for t in report["tests"]} == {"failed"}
    assert report["extra_data"]["isolation"]["network"]


def test_the_worker_cannot_read_the_course_in_instructor_side_grading(hostile_run, namespaces):
    if not namespaces:
        pytest.skip("without a mount namespace the worker reads what the grader's user can")
    result = hostile_run.instructor["reads_the_course"]
    assert "crashed" not in result, result.get("crashed")
    assert len(result["tests"]) == 4
    assert sum(t["score"] for t in result["tests"]) == 0
    outputs = "\n".join(t["output"] for t in result["tests"])
    assert "No such file or directory" in outputs or "Permission denied" in outputs
