"""What leaves the gradebook: the LMS CSV, feedback files, Gradescope JSON and the report."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

import pytest

from autograder.instructor import grade_all
from autograder.instructor.collect import COLLECTED, UNREACHABLE, Collected, Manifest
from autograder.instructor.exports import export, feedback_html, feedback_markdown
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.identity import Identity
from autograder.instructor.late import LatePolicy
from autograder.instructor.report import render
from autograder.instructor.standings import standings
from autograder.instructor.submissions import Submission, find_submissions
from autograder.results import GradeResult
from autograder.results import TestRecord as Record
from tests.engine.toy_course import write_course
from tests.formats.nasty import NASTY
from tests.formats.test_injection import assert_inert, rendered
from tests.instructor.classroom import GOOD, STUB, WRONG_SQUARE, submission_folder

DEADLINE = "2026-10-15T23:59:00+00:00"
POLICY = LatePolicy.from_config({"penalty_per_day": 10, "max_penalty": 50})
SHOUTY = GOOD.replace("return x * x", "print('<script>alert(1)</script>'); return 0")


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """ada on time (100), bob 1.5 days late (70), cy on time but failing loudly (70), dee's
    repository unreachable, eve on time with the stubs (0)."""
    root = tmp_path_factory.mktemp("class")
    course = write_course(root / "course")
    folder = root / "submissions"
    manifest = Manifest(folder / "collection.json", deadline=DEADLINE)
    people = [("ada", GOOD, "2026-10-14T12:00:00+00:00"),
              ("bob", WRONG_SQUARE, "2026-10-17T11:59:00+00:00"),
              ("cy", SHOUTY, "2026-10-15T23:00:00+00:00"),
              ("eve", STUB, "2026-10-01T09:00:00+00:00")]
    for name, source, when in people:
        submission_folder(folder / name, source)
        manifest.entries[name] = Collected(
            student=name, status=COLLECTED, folder=name, repository=f"/git/{name}.git",
            commit=f"{name:0<40}", commit_time=when, deadline=DEADLINE,
            identity=Identity(identifier=f"{name}@uni.edu", github_username=f"{name}-gh",
                              name=name.title()))
    manifest.entries["dee"] = Collected(student="dee", status=UNREACHABLE,
                                        repository="/git/dee.git", deadline=DEADLINE,
                                        message="fatal: repository not found",
                                        identity=Identity(identifier="dee@uni.edu", name="Dee"))
    manifest.save()
    book = Gradebook(root / "gradebook.db")
    submissions = find_submissions(folder)
    book.record_submissions(submissions)
    plan = grade_all.plan(book, submissions, ["m1_tokenization"], course)
    assert grade_all.run(book, plan.todo, course, jobs=2).graded == 4
    yield book
    book.close()


def test_standings_apply_the_late_policy_beside_the_raw_score(gradebook):
    rows = {r.student: r for r in standings(gradebook, POLICY)}
    bob = rows["bob"]
    assert (bob.raw, bob.penalty.periods, bob.penalty.percent) == (70, 2, 20)
    assert (bob.penalty_points, bob.final) == (14, 56)
    assert rows["ada"].final == 100 and not rows["ada"].penalty.late
    assert rows["dee"].raw == 0 and rows["dee"].scores == {"m1_tokenization": None}


def test_lms_csv_has_one_row_per_student(gradebook, tmp_path):
    export(gradebook, POLICY, lms=tmp_path / "grades.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "grades.csv").read_text())))
    assert [r["identifier"] for r in rows] == [f"{n}@uni.edu" for n in
                                               ("ada", "bob", "cy", "dee", "eve")]
    bob = rows[1]
    assert (bob["m1_tokenization"], bob["raw_total"], bob["late_penalty"], bob["total"],
            bob["max_total"], bob["days_late"], bob["status"]) == \
        ("70", "70", "14", "56", "100", "2", "late")
    assert bob["github_username"] == "bob-gh" and bob["name"] == "Bob"
    dee = rows[3]
    assert (dee["m1_tokenization"], dee["total"], dee["status"]) == ("0", "0", "unreachable")


def test_feedback_files_explain_every_test_and_the_penalty(gradebook, tmp_path):
    summary = export(gradebook, POLICY, feedback=tmp_path / "feedback")
    assert summary.feedback == 5
    bob = (tmp_path / "feedback" / "bob.md").read_text()
    assert "# Feedback for Bob" in bob and "| ❌ | `toy_hidden: slow_square` | 0 / 30 |" in bob
    # Student-controlled text is escaped: "*" would otherwise start emphasis.
    assert "Hint: square means x \\* x" in bob and "| ✅ | `toy_public: add` | 10 / 10 |" in bob
    assert "−20%" in bob and "Total after the late penalty: 56 / 100" in bob
    cy = (tmp_path / "feedback" / "cy.html").read_text()
    assert "<script>alert" not in cy and "&lt;script&gt;alert(1)&lt;/script&gt;" in cy
    dee = (tmp_path / "feedback" / "dee.md").read_text()
    assert "No submission was graded: unreachable (fatal: repository not found)." in dee


def test_gradescope_results_per_student(gradebook, tmp_path):
    export(gradebook, POLICY, gradescope=tmp_path / "gs")
    bob = json.loads((tmp_path / "gs" / "bob" / "results.json").read_text())
    assert bob["score"] == 70 and bob["max_score"] == 100 and len(bob["tests"]) == 4
    assert bob["extra_data"]["modules"]["m1_tokenization"]["score"] == 70
    assert bob["extra_data"]["late"]["penalty_points"] == 14
    assert all(t["tags"][0] == "m1_tokenization" for t in bob["tests"])
    dee = json.loads((tmp_path / "gs" / "dee" / "results.json").read_text())
    assert dee["score"] == 0 and "unreachable" in dee["output"]


def test_hidden_tests_are_summed_up_never_listed():
    records = [Record("t: shown", "m1_tokenization", 10, 10, "passed"),
               Record("t: secret one", "m1_tokenization", 5, 0, "failed", "hidden",
                          hint="think again", output="a check failed"),
               Record("t: secret two", "m1_tokenization", 5, 5, "passed", "hidden")]
    row = standings_row(records)
    for text in (feedback_markdown(row, GradeResult(records), POLICY),
                 feedback_html(row, GradeResult(records), POLICY)):
        assert "shown" in text and "secret" not in text and "think again" not in text
        assert "2 further tests: 5 / 10 points." in text


def standings_row(records):
    from autograder.instructor.standings import Standing

    submission = Submission("x", COLLECTED, commit_time="", deadline="")
    return Standing(submission, scores={"m1_tokenization": 15.0},
                    max_scores={"m1_tokenization": 20.0})


def test_report_has_the_plots_and_the_tables(gradebook):
    page = render(gradebook, POLICY, title="Toy course")
    assert page.startswith("<!doctype html>") and "<title>Toy course</title>" in page
    assert page.count("<svg") == 4   # scores, pass rates, times, lateness
    for heading in ("Scores per module", "Pass rate per test", "Time per submission",
                    "Late submissions", "Not graded"):
        assert f"<h2>{heading}</h2>" in page
    every_test = page[page.index("Every test, hardest first"):]
    assert every_test.index("slow_square") < every_test.index("toy_public: add")
    assert "<td>bob</td><td>1d 12h</td>" in page
    assert "dee</td><td>unreachable: fatal: repository not found" in page
    assert "<script>alert" not in page


def test_gradebook_rows_survive_a_round_trip(gradebook):
    result = gradebook.result("bob")
    assert result.score == 70 and result.isolation and result.execution_time > 0
    assert asdict(result.tests[0]).keys() == asdict(Record("", "", 0, 0, "")).keys()


@pytest.mark.parametrize("label", sorted(NASTY))
def test_feedback_files_render_student_text_inert(label):
    """The instructor's feedback files carry the same student-controlled text as the grader's
    reports (output, test names, notes), so they are held to the same corpus."""
    bad = NASTY[label]
    records = [Record(f"t: {bad}", "m1_tokenization", 10, 0, "failed", output=bad, hint=bad)]
    row = standings_row(records)
    result = GradeResult(records, notes=[bad])
    markdown = feedback_markdown(row, result, POLICY)
    assert_inert(markdown, f"feedback.md [{label}]")
    tags = rendered(markdown)
    assert "a" not in tags.tags and "img" not in tags.tags and "script" not in tags.tags, label
    assert tags.tags.count("h1") == 1 and tags.tags.count("h2") == 1, label
    page = feedback_html(row, result, POLICY)
    assert_inert(page, f"feedback.html [{label}]")
    assert "<script>" not in page and "<img" not in page and "<details" not in page, label
