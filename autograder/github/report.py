"""Feedback where students look, from one graded run (`<out>/grade.json`).

- annotations: one `::error file=…,line=…::` per place in the student's code that failing tests
  point to (tests grouped by place, the costliest first; GitHub shows 10 per step);
- the job summary: the score, whether hidden tests ran, template-owned files that changed, the
  per-module table with every failed test and its hint, and a "where to look" table;
- the comment the course's grading service posts (the same, headed by a marker so that the
  comment is found and edited on the next grade);
- the score card (`score.json`): numbers only, which the student workflow's feedback job checks
  and turns into its comment without running anything from the repository;
- the Classroom result, only when the Classroom reporter is switched on: the `result` JSON of
  GitHub Classroom's autograding actions, base64-encoded for
  `classroom-resources/autograding-grading-reporter`, which reads it from an environment
  variable (so it is kept well under Linux's 128 KiB limit for one variable).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from autograder.formats import classroom, markdown
from autograder.formats.escape import md_code, md_text, safe
from autograder.github import actions
from autograder.github.feedback import COURSE_MARKER
from autograder.github.grading import Graded
from autograder.github.locations import Location, SourceIndex
from autograder.results import GradeResult, TestRecord

COMMENT_MARKER = COURSE_MARKER
COMMENT_LIMIT = 65_000  # GitHub refuses comment bodies over 65,536 characters
CLASSROOM_LIMIT = 96 * 1024  # bytes of base64, under the 128 KiB of one environment variable


@dataclass
class Place:
    """A place in the student's code and the failing tests that point to it."""

    location: Location
    tests: list[TestRecord] = field(default_factory=list)

    @property
    def points_lost(self) -> float:
        return sum(t.points - t.score for t in self.tests)


def places(graded: Graded, repo_root: Path) -> tuple[list[Place], list[TestRecord]]:
    """Failing tests grouped by the place they point to (costliest first), and the failing
    tests that point nowhere in the student's files (a missing file, for example)."""
    index = SourceIndex(Path(repo_root) / graded.submission, repo_root)
    grouped: dict[tuple[str, int], Place] = {}
    nowhere = []
    for test in graded.result.tests:
        if test.passed:
            continue
        location = index.target(test)
        if location is None:
            nowhere.append(test)
            continue
        place = grouped.setdefault((location.path, location.line), Place(location))
        place.tests.append(test)
    ordered = sorted(grouped.values(), key=lambda p: (-p.points_lost, p.location.path,
                                                      p.location.line))
    return ordered, nowhere


def annotations(found: list[Place], limit: int = actions.MAX_ERROR_ANNOTATIONS) -> list[str]:
    """Workflow commands: an error on each place, a notice when there were more places."""
    lines = []
    for place in found[:limit]:
        first = place.tests[0]
        count = len(place.tests)
        title = (f"{place.location.name}: {count} failing test{'s' if count > 1 else ''} "
                 f"(-{place.points_lost:g} points)")
        names = ", ".join(f"{t.module}/{t.name}" for t in place.tests[:5])
        more = f" and {count - 5} more" if count > 5 else ""
        message = f"{names}{more}\n{_first_line(first.output)}"
        if first.hint:
            message += f"\nHint: {first.hint}"
        # Annotations show text as it is: made inert like the text report.
        lines.append(actions.command("error", safe(message, lines=12, line_chars=300),
                                     file=place.location.path, line=place.location.line,
                                     title=safe(title, lines=1, line_chars=200)))
    if len(found) > limit:
        lines.append(actions.command(
            "notice", f"{len(found) - limit} more places in your code have failing tests: "
                      "see the job summary", title="More failing tests"))
    return lines


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["failed"])[0][:300]


def summary(graded: Graded, found: list[Place], nowhere: list[TestRecord],
            env: dict | None = None, details: bool = True) -> str:
    """The Markdown of the job summary (and of the comment)."""
    result = graded.result
    notes = [graded.hidden.note(), *graded.notes]
    changes = graded.protected or {}
    changed = [*changes.get("changed", []), *changes.get("missing", []),
               *changes.get("added", [])]
    if changed:
        consequence = ("The tests themselves came from the course's copies." if
                       graded.hidden.status == "graded" else "This run used the repository's "
                       "copies, so its score may differ from the course's grading.")
        notes.append(
            f"{len(changed)} file(s) that the course template owns differ from the template "
            f"(compared with {changes.get('source') or 'the manifest'}): see \"Changed course "
            f"files\" below. {consequence}")
    view = GradeResult(tests=result.tests, execution_time=result.execution_time,
                       isolation=result.isolation, notes=notes + result.notes,
                       submission=result.submission)
    text = markdown.render(view)
    if not details:  # keep the score and the module table, drop the failed-test lists
        text = text.split("\n<details>", 1)[0]
    parts = [text.rstrip()]
    if found or nowhere:
        parts.append(_where_to_look(found, nowhere, env))
    if changed:
        parts.append(_changed_files(changes))
    parts.append(_footer(result, env))
    return "\n\n".join(parts) + "\n"


def _where_to_look(found: list[Place], nowhere: list[TestRecord], env: dict | None) -> str:
    lines = ["### Where to look", "", "| In your code | Failing tests | Points lost |",
             "| --- | ---: | ---: |"]
    for place in found:
        where = md_code(f"{place.location.path}:{place.location.line}", in_table=True)
        url = actions.blob_url(quote(place.location.path), place.location.line, env)
        cell = f"[{where}]({url})" if url else where
        lines.append(f"| {md_code(place.location.name, in_table=True)} — {cell} | "
                     f"{len(place.tests)} | {place.points_lost:g} |")
    if nowhere:
        lines.append(f"| (no single function: see the failed tests above) | {len(nowhere)} | "
                     f"{sum(t.points - t.score for t in nowhere):g} |")
    return "\n".join(lines)


def _changed_files(changes: dict) -> str:
    lines = ["### Changed course files", "",
             "These files belong to the course template. Changing them does not change how "
             "the course grades you; restore them with `git checkout <first commit> -- PATH` "
             "if that was not intended.", ""]
    for kind in ("changed", "missing", "added"):
        for path in changes.get(kind, [])[:50]:
            lines.append(f"- {kind}: {md_code(path)}")
    total = sum(len(changes.get(k, [])) for k in ("changed", "missing", "added"))
    if total > 50 * 3 or any(len(changes.get(k, [])) > 50 for k in ("changed", "missing", "added")):
        lines.append(f"- … {total} in all")
    return "\n".join(lines)


def _footer(result, env: dict | None) -> str:
    env = env or {}
    bits = []
    sha = (env.get("GITHUB_SHA") or "")[:7]
    if sha:
        bits.append(f"commit `{sha}`")
    url = actions.run_url(env)
    if url:
        bits.append(f"[workflow run]({url})")
    bits.append("full results: `results.json` in the run's **autograder-results** artifact")
    isolation = (result.isolation or {}).get("network")
    if isolation:
        bits.append(f"isolation: {md_text(isolation)}")
    return "<sub>" + " · ".join(bits) + "</sub>"


def comment(graded: Graded, found: list[Place], nowhere: list[TestRecord],
            env: dict | None = None) -> str:
    """The body of the one comment on the Feedback pull request."""
    heading = f"{COMMENT_MARKER}\n"
    body = heading + summary(graded, found, nowhere, env)
    if len(body) > COMMENT_LIMIT:
        body = heading + summary(graded, found, nowhere, env, details=False)
    if len(body) > COMMENT_LIMIT:
        body = body[:COMMENT_LIMIT - 80] + "\n\n… (cut: see the job summary)\n"
    return body


def score_card(graded: Graded) -> dict:
    """`score.json`: what the feedback job may show (see autograder.github.feedback)."""
    result = graded.result
    changes = graded.protected or {}
    return {"version": 1, "score": result.score, "max_score": result.max_score,
            "modules": [{"id": module, "score": total.score, "max_score": total.max_score,
                         "failed": total.failed} for module, total in result.modules.items()],
            "hidden": "graded" if graded.hidden.status == "graded" else "not-configured",
            "isolation_weaker": bool(result.isolation_warning),
            "changed_course_files": sum(len(changes.get(k, []))
                                        for k in ("changed", "missing", "added"))}


def classroom_result(graded: Graded, found: list[Place] | None = None,
                     limit: int = CLASSROOM_LIMIT) -> tuple[dict, str]:
    """The Classroom `result` JSON and its base64, made to fit under `limit`.

    One entry per test with the fields the reporter reads (name, status, score, max_score,
    message, line_no); messages are shortened, then dropped, and when even that does not fit
    the tests of each module become one entry per module (the points stay exact). A failing
    test's `line_no` is the line of the student function it points to (0 when none: the
    reporter prints "line N" for anything else)."""
    data = classroom.as_dict(graded.result)
    lines = {id(t): p.location.line for p in found or [] for t in p.tests}
    for test, record in zip(data["tests"], graded.result.tests):
        test["line_no"] = lines.get(id(record), 0)
        for duplicate in ("test_code", "execution_time"):  # the reporter does not total them
            test.pop(duplicate, None)

    def encode() -> str:
        return base64.b64encode(json.dumps(data, ensure_ascii=False,
                                           separators=(",", ":")).encode()).decode()

    for cap in (None, 1000, 300, 100, 0):
        if cap is not None:
            for test in data["tests"]:
                test["message"] = test["message"][:cap]
        encoded = encode()
        if len(encoded) <= limit:
            return data, encoded
    data["tests"] = [{"name": module, "status": "pass" if not total.failed else "fail",
                      "score": total.score, "max_score": total.max_score,
                      "message": f"{total.failed} failed test(s): see the run's summary",
                      "line_no": 0}
                     for module, total in graded.result.modules.items()]
    return data, encode()
