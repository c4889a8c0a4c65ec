"""Markdown for a GitHub Actions job summary or a feedback comment."""

from __future__ import annotations

from autograder.results import MODULE_TITLES, GradeResult


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(result: GradeResult) -> str:
    lines = [f"## Autograder: {result.score:g} / {result.max_score:g} points", ""]
    lines += [f"> {note}" for note in result.notes]
    lines += ["", "| Module | Score | Passed | Failed |", "| --- | ---: | ---: | ---: |"]
    for module, score in result.modules.items():
        lines.append(f"| {MODULE_TITLES.get(module, module)} | {score.score:g} / "
                     f"{score.max_score:g} | {score.passed} | {score.failed} |")
    for module in result.modules:
        failed = [t for t in result.tests if t.module == module and not t.passed]
        if not failed:
            continue
        lines += ["", f"<details><summary><b>{module}</b>: {len(failed)} failed</summary>", "",
                  "| Test | Points | What went wrong | Hint |", "| --- | ---: | --- | --- |"]
        for test in failed:
            lines.append(f"| `{test.name}` | 0 / {test.points:g} | {_cell(test.output)[:300]} "
                         f"| {_cell(test.hint)} |")
        lines += ["", "</details>"]
    lines += ["", f"<sub>Graded in {result.execution_time:.1f} s.</sub>", ""]
    return "\n".join(lines)
