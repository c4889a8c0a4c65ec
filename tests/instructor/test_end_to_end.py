"""The instructor's whole day through the command line, with real git: distribute, student
pushes before and after the deadline, collect, grade-all (partly, then resumed), shards
merged, exports, similarity, report; and one run on the real Module 1."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from autograder.instructor.gradebook import Gradebook
from tests.engine.toy_course import write_course
from tests.helpers import EXERCISES, SOLUTIONS
from tests.instructor.classroom import (GOOD, WRONG_ADD, Classroom, autograder, config,
                                        toy_template)

# The deadline passed 20 hours ago; the snapshot taken then is simulated by dating its record.
DEADLINE = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=20)


def test_distribute_collect_grade_export_report(tmp_path):
    course = write_course(tmp_path / "course")
    room = Classroom(tmp_path)
    for name in ("ada", "bob", "cid", "dee"):
        room.remote(name)
    room.roster(["ada@uni.edu,ada,1,Ada Lovelace,", "bob@uni.edu,bob,2,Bob,",
                 "cid@uni.edu,cid,3,Cid,2d", "dee@uni.edu,dee,4,Dee,",
                 "eve@uni.edu,eve,5,Eve,", '"unclosed,quote,6,Oops,'],
                header="identifier,github_username,github_id,name,extension")
    toy_template(tmp_path / "template")
    config(tmp_path, course, roster="roster.csv", template="template",
           repository="remotes/{github_username}.git", deadline=DEADLINE.isoformat(),
           late="penalty_per_day = 10\nmax_penalty = 50")

    done = autograder("distribute", cwd=tmp_path, check=True)
    assert "pushed the template to 4 repositories; 0 left alone" in done.stdout
    assert "roster.csv, line 7 (" in done.stderr and "row skipped" in done.stderr
    assert "eve@uni.edu: " in done.stderr and "unreachable" in done.stderr

    room.push("ada", GOOD, DEADLINE - timedelta(days=1))
    room.push("bob", WRONG_ADD, DEADLINE - timedelta(hours=1))
    done = autograder("collect", "--snapshot", cwd=tmp_path, check=True)
    assert "recorded the branch tips of 4 of 5 repositories" in done.stdout
    snapshots = tmp_path / "submissions" / "snapshots.json"
    records = json.loads(snapshots.read_text())
    for seen in records[0]["students"].values():  # as if it had run at the deadline
        seen["time"] = seen.get("time") and DEADLINE.isoformat()
    snapshots.write_text(json.dumps(records))
    # pushed after the deadline, dated before it: late all the same (20 h: 10 %)
    room.push("bob", GOOD, DEADLINE - timedelta(minutes=30))
    room.push("cid", GOOD, DEADLINE + timedelta(days=1))           # within cid's extension

    done = autograder("collect", cwd=tmp_path, check=True)
    assert "collected 4 of 5 repositories" in done.stdout
    manifest = json.loads((tmp_path / "submissions" / "collection.json").read_text())
    assert manifest["students"]["eve@uni.edu"]["status"] == "unreachable"

    done = autograder("grade-all", "--student", "ada@uni.edu", cwd=tmp_path, check=True)
    assert "1 student: 1 grade to make" in done.stdout
    done = autograder("grade-all", "--jobs", "2", cwd=tmp_path, check=True)
    assert "5 students: 3 grades to make; 1 already in the gradebook" in done.stdout
    assert "eve@uni.edu" in done.stdout and "unreachable" in done.stdout

    for k in (1, 2):
        autograder("grade-all", "--jobs", "1", "--shard", f"{k}/2", "--gradebook", f"s{k}.db",
                   cwd=tmp_path, check=True)
    done = autograder("gradebook", "merge", "s1.db", "s2.db", "--into", "merged.db",
                      cwd=tmp_path, check=True)
    assert "merged 2 gradebooks into merged.db: 5 students" in done.stdout
    with Gradebook(tmp_path / "gradebook.db", create=False) as full, \
            Gradebook(tmp_path / "merged.db", create=False) as merged:
        def view(book):
            return [(g.student, g.module, g.score, g.fingerprint) for g in book.grades()]
        assert view(merged) == view(full) and len(view(full)) == 4

    done = autograder("gradebook", "show", cwd=tmp_path, check=True)
    assert "−10 (10%)" in done.stdout and "unreachable" in done.stdout
    autograder("gradebook", "export", cwd=tmp_path, check=True)
    rows = {r["identifier"]: r for r in
            csv.DictReader(io.StringIO((tmp_path / "exports" / "grades.csv").read_text()))}
    assert {k: (r["raw_total"], r["late_penalty"], r["total"], r["status"])
            for k, r in rows.items()} == {
        "ada@uni.edu": ("100", "0", "100", "on time"), "bob@uni.edu": ("100", "10", "90", "late"),
        "cid@uni.edu": ("100", "0", "100", "on time"), "dee@uni.edu": ("0", "0", "0", "on time"),
        "eve@uni.edu": ("0", "0", "0", "unreachable")}
    assert (tmp_path / "exports" / "feedback" / "bob@uni.edu.html").is_file()
    results = json.loads((tmp_path / "exports" / "gradescope" / "dee@uni.edu" /
                          "results.json").read_text())
    assert results["score"] == 0 and any("Hint:" in t["output"] for t in results["tests"])

    done = autograder("gradebook", "similarity", cwd=tmp_path, check=True)
    assert "compared 4 submissions" in done.stdout
    done = autograder("report", "--output", "report.html", cwd=tmp_path, check=True)
    page = (tmp_path / "report.html").read_text()
    assert "<svg" in page and "bob@uni.edu" in page and "Similar pairs" in page


@pytest.mark.parametrize("args, message", [
    (["grade-all", "--shard", "3/2"], "--shard takes K/N"),
    (["grade-all", "--jobs", "0"], "--jobs must be at least 1"),
    (["gradebook", "show", "--gradebook", "missing.db"], "no such gradebook: missing.db"),
    (["collect", "--roster", "roster.csv"], "no deadline"),
    (["distribute", "--roster", "missing.csv"], "no such roster file: missing.csv"),
    (["report", "--config", "nope.toml"], "no such configuration file: nope.toml"),
    (["report", "notes.txt"], "notes.txt is not a gradebook"),
    (["grade-all", "broken"], "cannot read broken/collection.json"),
    (["grade-all", "one"], "one looks like one submission, not a folder of them"),
])
def test_unusable_input_is_one_message(tmp_path, args, message):
    (tmp_path / "submissions").mkdir()
    (tmp_path / "notes.txt").write_text("not a database, " * 100)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "collection.json").write_text("{truncated")
    (tmp_path / "one" / "exercises" / "m1_tokenization").mkdir(parents=True)
    done = autograder(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"autograder: {message}" or \
        (done.stderr.count("\n") == 1 and message in done.stderr)


def test_real_module_1_with_one_hidden_suite_file(tmp_path):
    folder = tmp_path / "submissions"
    shutil.copytree(SOLUTIONS / "m1_tokenization", folder / "reference" / "m1_tokenization",
                    ignore=shutil.ignore_patterns("tests", "__pycache__"))
    shutil.copytree(EXERCISES / "m1_tokenization", folder / "stubs" / "m1_tokenization",
                    ignore=shutil.ignore_patterns("tests", "__pycache__"))
    done = autograder("grade-all", "--module", "m1_tokenization", "--select",
                      "test_pretokenize.py", "--jobs", "2", cwd=tmp_path, check=True)
    assert "2 students: 2 grades to make" in done.stdout
    with Gradebook(tmp_path / "gradebook.db", create=False) as gradebook:
        grades = {g.student: g for g in gradebook.grades()}
        failed = [t.output for t in gradebook.tests("reference") if not t.passed]
        assert grades["reference"].score == grades["reference"].max_score > 0, failed
        assert grades["stubs"].score == 0 and grades["stubs"].failed == grades["stubs"].passed \
            + grades["stubs"].failed
        assert {t.suite for t in gradebook.tests("stubs")} == {"hidden"}
    autograder("gradebook", "export", "--feedback", "feedback", cwd=tmp_path, check=True)
    feedback = (tmp_path / "feedback" / "stubs.md").read_text()
    assert "not implemented yet" in feedback and "Hint:" in feedback
