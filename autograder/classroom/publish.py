"""After grading: each student's grade back in their repository, and files for the LMS.

- `publish`: the feedback page `autograder gradebook export` wrote for the student
  (`exports/feedback/<student>.md`, already escaped for Markdown) becomes one comment headed by
  `FINAL_MARKER` on the Feedback pull request, else on the collected commit; a rerun edits it.
- `export_files`: `grades.csv` (one row per student, the gradebook's LMS CSV) and
  `canvas.csv` in the layout of Canvas' gradebook import (Student, ID, SIS User ID,
  SIS Login ID, Section, then one column "Assignment (id)" and a "Points Possible" row).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from autograder.classroom.api import ApiError, GitHub, full_name
from autograder.classroom.provision import Ledger
from autograder.classroom.service import _RepositoryClient
from autograder.github.feedback import GitHubError, comment_on_commit, upsert_feedback_comment
from autograder.instructor.collect import Manifest
from autograder.instructor.identity import Identity
from autograder.instructor.roster import Student

FINAL_MARKER = "<!-- autograder:final-grade -->"
COMMENT_LIMIT = 65_000


def publish(api: GitHub, students: Iterable[Student], ledger: Ledger, feedback: Path,
            submissions: Path) -> dict[str, str]:
    """Post every student's feedback page; returns key -> what happened."""
    collected = Manifest.load(submissions).entries
    outcomes = {}
    for student in students:
        page = Path(feedback) / f"{student.folder}.md"
        if not page.is_file():
            outcomes[student.key] = "no feedback page (run `autograder gradebook export`)"
            continue
        body = f"{FINAL_MARKER}\n" + page.read_text(encoding="utf-8")
        if len(body) > COMMENT_LIMIT:
            body = body[:COMMENT_LIMIT - 80] + "\n\n… (cut: your instructor has the full page)\n"
        repository = ledger.state(student.key).repository or full_name(student.repository)
        if api.dry_run:
            api.request("POST", f"/repos/{repository}/issues/{{feedback pull}}/comments",
                        {"body": body[:60] + "…"})
            outcomes[student.key] = "dry run"
            continue
        client = _RepositoryClient(api, repository)
        try:
            outcome = upsert_feedback_comment(client, body, FINAL_MARKER)
            entry = collected.get(student.key)
            if outcome.action == "no-pull-request" and entry and entry.commit:
                outcome = comment_on_commit(client, entry.commit, body, FINAL_MARKER)
            outcomes[student.key] = outcome.describe()
        except (GitHubError, ApiError) as error:
            outcomes[student.key] = f"failed: {error}"
    return outcomes


def canvas_csv(grades_csv: str, assignment: str, assignment_id: str = "") -> str:
    """Canvas' gradebook import from the gradebook's grades.csv (its `total` column)."""
    rows = list(csv.DictReader(io.StringIO(grades_csv)))
    column = f"{assignment} ({assignment_id})" if assignment_id else assignment
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
    possible = rows[0].get("max_total", "") if rows else ""
    writer.writerow(["Points Possible", "", "", "", "", possible])
    for row in rows:
        who = Identity.from_dict(row)
        writer.writerow([who.display(row["identifier"]),
                         "", row["identifier"], row["identifier"], "", row.get("total", "")])
    return out.getvalue()
