"""Markdown for a GitHub Actions job summary or a feedback comment.

Every string from the grade goes through `escape`: what a test observed is shown in a fenced
code block (nothing in it renders, whitespace kept exactly), names in code spans, hints and
notes as escaped prose. Only this file's own words are Markdown."""

from __future__ import annotations

from html import escape as html_escape

from autograder.formats.escape import md_block, md_code, md_text
from autograder.formats.parts import deeper_hints_line, hint_command, summary_notes
from autograder import course
from autograder.results import GradeResult, TestRecord


def render(result: GradeResult) -> str:
    lines = [f"## Autograder: {result.score:g} / {result.max_score:g} points", ""]
    lines += [f"> {md_text(note)}  " for note in summary_notes(result)]
    lines += ["", "| Module | Score | Passed | Failed |", "| --- | ---: | ---: | ---: |"]
    for module, score in result.modules.items():
        lines.append(f"| {md_text(course.title(module))} | {score.score:g} / "
                     f"{score.max_score:g} | {score.passed} | {score.failed} |")
    hints = deeper_hints_line(result)
    if hints:
        lines += ["", md_text(hints)]
    for module in result.modules:
        failed = [t for t in result.tests if t.module == module and not t.passed]
        if not failed:
            continue
        title = html_escape(course.title(module))
        lines += ["", f"<details><summary><b>{title}</b>: {len(failed)} failed</summary>", ""]
        for test in failed:
            lines += _failed_test(test)
        lines += ["</details>"]
    lines += ["", f"<sub>Graded in {result.execution_time:.1f} s.</sub>", ""]
    return "\n".join(lines)


def _failed_test(test: TestRecord) -> list[str]:
    lines = [f"**{md_code(test.name)}** — 0 / {test.points:g}"
             + (f" · case {md_code(test.case)}" if test.case else ""), ""]
    if test.output:
        lines += [md_block(test.output), ""]
    if test.hint:
        lines += [f"**Hint:** {md_text(test.hint)}", ""]
    if test.deeper_hint:
        lines += [f"A deeper hint: {md_code(hint_command(test))}", ""]
    return lines
