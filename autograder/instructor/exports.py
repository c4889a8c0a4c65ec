"""What leaves the gradebook: a CSV for the LMS, feedback for each student, Gradescope JSON.

    grades.csv                     one row per student: module scores, raw total, late
                                   penalty, total — ready for an LMS grade import
    feedback/<student>.md, .html   per-test results with hints, the late penalty explained
    gradescope/<student>/results.json   Gradescope's schema, as `autograder grade --format json`

Tests marked `visibility("hidden")` are summed up in the feedback, never listed.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.formats.escape import md_code, md_text, safe
from autograder.formats.gradescope import as_dict
from autograder.instructor.dates import describe_duration
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.late import LatePolicy
from autograder.instructor.roster import folder_name
from autograder.instructor.standings import Standing, standings
from autograder.course import title as module_title
from autograder.results import GradeResult, TestRecord


@dataclass
class ExportSummary:
    lms: Path | None = None
    feedback: int = 0
    gradescope: int = 0


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2):g}"


def lms_csv(rows: list[Standing], policy: LatePolicy) -> str:
    modules = list(rows[0].scores) if rows else []
    unit = "hours_late" if policy.period_seconds == 3600 else "days_late"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["identifier", "github_username", "name", *modules, "raw_total",
                     "late_penalty", "total", "max_total", unit, "status", "commit",
                     "commit_time"])
    for row in rows:
        s = row.submission
        # no submission scores 0; a module not graded yet stays blank (an LMS leaves it alone)
        scores = [_number(row.scores[m] if s.gradable else 0.0) for m in modules]
        writer.writerow([s.identity.identifier or s.student, s.identity.github_username,
                         s.identity.name,
                         *scores, _number(row.raw),
                         _number(row.penalty_points), _number(row.final),
                         _number(row.max_score), row.penalty.periods,
                         _status(row), s.commit[:12], s.commit_time])
    return out.getvalue()


def _status(row: Standing) -> str:
    if row.submission.status != "collected":
        return row.submission.status
    if not row.complete:
        missing = [m for m, score in row.scores.items() if score is None]
        return f"not graded yet: {', '.join(missing)}"
    return "late" if row.penalty.late else "on time"


# ---------------------------------------------------------------------- feedback


def late_line(row: Standing, policy: LatePolicy) -> str:
    if not row.penalty.late:
        return "Submitted on time." if row.submission.commit_time else ""
    return (f"Submitted {describe_duration(row.penalty.late_seconds)} after the deadline: "
            f"−{row.penalty.percent:g}% ({policy.describe()}), "
            f"−{_number(row.penalty_points)} points.")


def feedback_markdown(row: Standing, result: GradeResult, policy: LatePolicy) -> str:
    s = row.submission
    who = s.identity.display(s.student)
    lines = [f"# Feedback for {md_text(who)}", ""]
    if s.status != "collected":
        lines += [f"No submission was graded: {md_text(s.status)}"
                  + (f" ({md_text(s.message)})." if s.message else "."), ""]
        return "\n".join(lines)
    if s.commit:
        lines += [f"Graded commit `{s.commit[:12]}` of {s.commit_time} "
                  f"(deadline {s.deadline}).", ""]
    lines += [f"> {md_text(note)}" for note in result.notes] + ([""] if result.notes else [])
    lines += ["| Module | Score |", "| --- | ---: |"]
    for module, score in row.scores.items():
        lines.append(f"| {module_title(module)} | "
                     f"{_number(score) if score is not None else 'not graded'} / "
                     f"{_number(row.max_scores[module])} |")
    lines += ["", f"**Score: {_number(row.raw)} / {_number(row.max_score)}**"]
    if row.penalty.late:
        lines += ["", late_line(row, policy), "",
                  f"**Total after the late penalty: {_number(row.final)} / "
                  f"{_number(row.max_score)}**"]
    for module in row.scores:
        tests = [t for t in result.tests if t.module == module]
        if not tests:
            continue
        shown = [t for t in tests if t.visibility != "hidden"]
        lines += ["", f"## {module_title(module)}", "",
                  "| | Test | Points | What to look at |", "| --- | --- | ---: | --- |"]
        for test in shown:
            lines.append(f"| {'✅' if test.passed else '❌'} | {md_code(test.name, in_table=True)} | "
                         f"{_number(test.score)} / {_number(test.points)} | "
                         f"{_cell(_advice(test))} |")
        hidden = [t for t in tests if t.visibility == "hidden"]
        if hidden:
            lines += ["", f"{len(hidden)} further tests: {_number(sum(t.score for t in hidden))}"
                          f" / {_number(sum(t.points for t in hidden))} points."]
    return "\n".join(lines) + "\n"


def _advice(test: TestRecord) -> str:
    if test.passed:
        return ""
    parts = [test.output] if test.output else []
    if test.hint:
        parts.append(f"Hint: {test.hint}")
    return " — ".join(parts)


def _cell(text: str) -> str:
    """Student-controlled text in a table cell: rendered inert (no HTML, links, mentions)."""
    return md_text(text)


_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.pass { color: #1a7f37; } .fail { color: #cf222e; }
.total { font-size: 1.2rem; font-weight: 600; } .note { background: #fff8c5; padding: .5rem 1rem; }
code { background: #f3f3f3; padding: 0 .25rem; }
"""


def feedback_html(row: Standing, result: GradeResult, policy: LatePolicy) -> str:
    s = row.submission
    e = _html_text
    who = s.identity.display(s.student)
    body = [f"<h1>Feedback for {e(who)}</h1>"]
    if s.status != "collected":
        body.append(f"<p class='note'>No submission was graded: {e(s.status)}"
                    + (f" ({e(s.message)})" if s.message else "") + "</p>")
        return _page(f"Feedback for {who}", body)
    if s.commit:
        body.append(f"<p>Graded commit <code>{e(s.commit[:12])}</code> of {e(s.commit_time)} "
                    f"(deadline {e(s.deadline)}).</p>")
    body += [f"<p class='note'>{e(note)}</p>" for note in result.notes]
    body.append("<table><tr><th>Module</th><th>Score</th></tr>")
    for module, score in row.scores.items():
        shown = _number(score) if score is not None else "not graded"
        body.append(f"<tr><td>{e(module_title(module))}</td><td class='n'>"
                    f"{shown} / {_number(row.max_scores[module])}</td></tr>")
    body.append("</table>")
    body.append(f"<p class='total'>Score: {_number(row.raw)} / {_number(row.max_score)}</p>")
    if row.penalty.late:
        body.append(f"<p class='note'>{e(late_line(row, policy))}</p>")
        body.append(f"<p class='total'>Total after the late penalty: {_number(row.final)} / "
                    f"{_number(row.max_score)}</p>")
    for module in row.scores:
        tests = [t for t in result.tests if t.module == module]
        if not tests:
            continue
        body.append(f"<h2>{e(module_title(module))}</h2>")
        body.append("<table><tr><th></th><th>Test</th><th>Points</th>"
                    "<th>What to look at</th></tr>")
        for test in (t for t in tests if t.visibility != "hidden"):
            mark = "<span class='pass'>✔</span>" if test.passed else "<span class='fail'>✘</span>"
            advice = e(test.output) if not test.passed else ""
            if test.hint and not test.passed:
                advice += f"<br><b>Hint:</b> {e(test.hint)}"
            body.append(f"<tr><td>{mark}</td><td>{e(test.name)}</td><td class='n'>"
                        f"{_number(test.score)} / {_number(test.points)}</td>"
                        f"<td>{advice}</td></tr>")
        body.append("</table>")
        hidden = [t for t in tests if t.visibility == "hidden"]
        if hidden:
            body.append(f"<p>{len(hidden)} further tests: "
                        f"{_number(sum(t.score for t in hidden))} / "
                        f"{_number(sum(t.points for t in hidden))} points.</p>")
    return _page(f"Feedback for {who}", body)


def _html_text(text: object) -> str:
    """Student-controlled text in HTML: control and escape sequences made visible, then escaped."""
    return html.escape(safe(text))


def _page(title: str, body: list[str]) -> str:
    return ("<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_html_text(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# ---------------------------------------------------------------------- Gradescope


def gradescope_json(row: Standing, result: GradeResult) -> dict:
    """Gradescope's results.json: the raw score, with the lateness in `extra_data.late`."""
    data = as_dict(result)
    if row.submission.status != "collected":
        data["output"] = f"No submission was graded: {row.submission.status}"
    data["extra_data"]["late"] = {"seconds_late": row.penalty.late_seconds,
                                  "penalty_percent": row.penalty.percent,
                                  "penalty_points": row.penalty_points,
                                  "score_after_penalty": row.final}
    return data


# ---------------------------------------------------------------------- writing


def export(gradebook: Gradebook, policy: LatePolicy, lms: Path | None = None,
           feedback: Path | None = None, gradescope: Path | None = None,
           modules: list[str] | None = None) -> ExportSummary:
    rows = standings(gradebook, policy, modules)
    summary = ExportSummary()
    if lms is not None:
        _write(lms, lms_csv(rows, policy))
        summary.lms = lms
    for row in rows:
        if feedback is None and gradescope is None:
            break
        result = gradebook.result(row.student)
        name = folder_name(row.student)
        if feedback is not None:
            _write(feedback / f"{name}.md", feedback_markdown(row, result, policy))
            _write(feedback / f"{name}.html", feedback_html(row, result, policy))
            summary.feedback += 1
        if gradescope is not None:
            _write(gradescope / name / "results.json",
                   json.dumps(gradescope_json(row, result), indent=2, ensure_ascii=False) + "\n")
            summary.gradescope += 1
    return summary


def _write(path: Path, text: str) -> None:
    from autograder.atomic_write import write_atomically

    write_atomically(path, text)
