"""grade-all on the toy course: scores, resuming, re-grading, failures, merging, and a real
kill in the middle of a run."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.instructor import grade_all
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.merge import merge
from autograder.instructor.submissions import Submission, find_submissions
from autograder.results import GradeResult
from autograder.results import TestRecord as Record
from tests.engine.toy_course import write_course
from tests.helpers import REPO_ROOT
from tests.instructor.classroom import (GOOD, SLOW, STUB, WRONG_ADD, WRONG_SQUARE, autograder,
                                        config, submission_folder)

MODULES = ["m1_tokenization"]
EXPECTED = {"good": 100, "wrong-square": 70, "wrong-add": 60, "stub": 0, "empty": 0}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return write_course(tmp_path_factory.mktemp("course"))


SOURCES = {"good": GOOD, "wrong-square": WRONG_SQUARE, "wrong-add": WRONG_ADD, "stub": STUB,
           "empty": None}


def make_folder(root: Path, names=tuple(SOURCES)) -> Path:
    for name in names:
        submission_folder(root / name, SOURCES[name])
    return root


@pytest.fixture
def folder(tmp_path):
    return make_folder(tmp_path / "submissions")


def grade_folder(gradebook, folder, course, students=None, jobs=2, **options):
    submissions = [s for s in find_submissions(folder) if not students or s.student in students]
    gradebook.record_submissions(submissions)
    plan = grade_all.plan(gradebook, submissions, MODULES, course, **options)
    return plan, grade_all.run(gradebook, plan.todo, course, jobs=jobs)


def scores(gradebook):
    return {g.student: g.score for g in gradebook.grades()}


def test_grades_everything_once_then_only_what_changed(course, folder, tmp_path):
    with Gradebook(tmp_path / "gradebook.db") as gradebook:
        plan, summary = grade_folder(gradebook, folder, course)
        assert len(plan.todo) == 5 and summary.graded == 5 and not summary.failed
        assert scores(gradebook) == EXPECTED
        empty = gradebook.result("empty")
        assert any("m1_tokenization/ is missing" in note for note in empty.notes)
        assert len(gradebook.tests("good")) == 4

        plan, summary = grade_folder(gradebook, folder, course)
        assert plan.todo == [] and plan.already_graded == 5 and summary.graded == 0

        (folder / "stub" / "m1_tokenization" / "toy.py").write_text(GOOD)
        plan, summary = grade_folder(gradebook, folder, course)
        assert [u.student for u in plan.todo] == ["stub"] and plan.changed == 1
        assert scores(gradebook)["stub"] == 100

        plan, _ = grade_folder(gradebook, folder, course, students=["good"], regrade=True)
        assert [u.student for u in plan.todo] == ["good"]
        plan, _ = grade_folder(gradebook, folder, course, regrade=True)
        assert len(plan.todo) == 5   # --regrade alone: everyone again


def test_changed_tests_are_graded_again(course, tmp_path):
    folder = make_folder(tmp_path / "submissions", ("good", "stub"))
    changed = {k: tmp_path / "course" / k for k in course}
    for key, path in course.items():
        shutil.copytree(path, changed[key])
    with Gradebook(tmp_path / "gradebook.db") as gradebook:
        grade_folder(gradebook, folder, changed)
        hidden = changed["suites"] / "m1_tokenization" / "test_toy_hidden.py"
        hidden.write_text(hidden.read_text().replace("points(30)", "points(20)", 1))
        plan, _ = grade_folder(gradebook, folder, changed)
        assert len(plan.todo) == 2 and plan.changed == 2
        assert gradebook.grades("good")[0].max_score == 90


def test_a_submission_that_cannot_be_graded_is_recorded_and_retried(course, tmp_path):
    folder = make_folder(tmp_path / "submissions", ("good", "stub"))
    with Gradebook(tmp_path / "gradebook.db") as gradebook:
        submissions = find_submissions(folder)
        gradebook.record_submissions(submissions)
        shutil.rmtree(folder / "good")
        plan = grade_all.plan(gradebook, submissions, MODULES, course)
        summary = grade_all.run(gradebook, plan.todo, course, jobs=2)
        assert summary.graded == 1
        assert [(s, m) for s, m, _ in summary.failed] == [("good", "m1_tokenization")]
        assert "no such submission folder" in gradebook.failures()[0][2]
        submission_folder(folder / "good", GOOD)
        plan = grade_all.plan(gradebook, find_submissions(folder), MODULES, course)
        assert [u.student for u in plan.todo] == ["good"]
        grade_all.run(gradebook, plan.todo, course, jobs=1)
        assert gradebook.failures() == [] and scores(gradebook)["good"] == 100


def test_a_worker_process_that_dies_costs_a_retry_not_a_grade(course, tmp_path):
    folder = tmp_path / "submissions"
    for name in ("a", "b"):
        submission_folder(folder / name, SLOW)
    killed = []

    def kill_a_worker(unit, ok):   # after the first grade, kill the worker of the next one
        if not killed:
            time.sleep(0.3)
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)

    with Gradebook(tmp_path / "gradebook.db") as gradebook:
        submissions = find_submissions(folder)
        gradebook.record_submissions(submissions)
        plan = grade_all.plan(gradebook, submissions, MODULES, course)
        summary = grade_all.run(gradebook, plan.todo, course, jobs=1, on_unit=kill_a_worker)
        assert killed and summary.graded == 2 and summary.failed == []
        assert scores(gradebook) == {"a": 100, "b": 100}


def record(book: Gradebook, student: str, score: float, fingerprint: str = "f") -> None:
    tests = [Record("t: one", "m1_tokenization", 10, score, "passed" if score else "failed")]
    book.record_submissions([Submission(student, "collected", fingerprint=fingerprint)])
    book.record_grade(student, "m1_tokenization", GradeResult(tests), fingerprint, "t", 1.0)


def test_merging_keeps_the_newest_grade_and_names_missing_shards(tmp_path):
    with Gradebook(tmp_path / "a.db") as a, Gradebook(tmp_path / "b.db") as b:
        a.add_shards(["1/3"])
        b.add_shards(["2/3"])
        record(a, "ann", 10)
        record(b, "bo", 0)
        record(a, "cy", 0, "old")
        record(b, "cy", 10, "new")          # graded later, from a newer submission
    with Gradebook(tmp_path / "merged.db") as merged:
        summary = merge(merged, [tmp_path / "a.db", tmp_path / "b.db"])
        assert summary.missing_shards == ["3/3"]
        assert summary.conflicts == [("cy", "m1_tokenization")]
        assert {g.student: (g.score, g.fingerprint) for g in merged.grades()} == {
            "ann": (10, "f"), "bo": (0, "f"), "cy": (10, "new")}
        assert merged.submissions()["cy"].fingerprint == "new"
        assert [t.score for t in merged.tests("cy")] == [10]
        merge(merged, [tmp_path / "a.db"])   # merging again changes nothing
        assert merged.grades("cy")[0].fingerprint == "new" and len(merged.tests("cy")) == 1


# ---------------------------------------------------------------------- a real kill


def count_grades(database: Path) -> dict[tuple[str, str], str]:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return {(s, m): at for s, m, at in
                    db.execute("SELECT student, module, graded_at FROM grades")}
    except sqlite3.OperationalError:   # not created yet
        return {}


def start_run(root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade-all", "--jobs", "2"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for_grades(database: Path, process: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while len(count_grades(database)) < at_least:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "grade-all made no progress"
        time.sleep(0.05)


def test_killed_and_interrupted_runs_resume_without_regrading_or_losing(course, tmp_path):
    students = [f"s{i}" for i in range(7)]
    for name in students:
        submission_folder(tmp_path / "submissions" / name, SLOW)
    config(tmp_path, course)
    database = tmp_path / "gradebook.db"

    run = start_run(tmp_path)
    wait_for_grades(database, run, 2)
    os.killpg(run.pid, signal.SIGKILL)          # the whole run, workers included, at once
    run.wait()
    before_kill = count_grades(database)
    assert 2 <= len(before_kill) < len(students)

    run = start_run(tmp_path)
    wait_for_grades(database, run, len(before_kill) + 1)
    second = autograder("grade-all", cwd=tmp_path)
    assert second.returncode == 2 and f"is being graded by process {run.pid}" in second.stderr
    run.send_signal(signal.SIGTERM)             # a cluster pre-empting the job
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert f"{len(before_kill)} already in the gradebook" in out
    assert "interrupted: run the same command again to resume" in out
    after_stop = count_grades(database)
    assert len(before_kill) < len(after_stop) < len(students)

    run = start_run(tmp_path)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert f"{len(after_stop)} already in the gradebook" in out
    final = count_grades(database)
    assert set(final) == {(s, "m1_tokenization") for s in students}
    assert all(final[key] == when for key, when in after_stop.items())   # nothing re-graded
    with Gradebook(database, create=False) as gradebook:
        for grade in gradebook.grades():                                 # nothing half-written
            assert grade.score == 100
            assert len(gradebook.tests(grade.student, grade.module)) == grade.passed == 4
