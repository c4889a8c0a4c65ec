"""The terminal report: one table per module, with what went wrong and the hint of every
failed test.

Strings from the grade are never read as rich markup (a parametrize id such as
"[one-character-chunks]" is shown, not taken for a style) and are made inert by
`escape.safe`, so no escape sequence that came from the submission reaches the terminal."""

from __future__ import annotations

import io
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.formats.escape import safe
from autograder.formats.parts import deeper_hints_line, hint_command, summary_notes
from autograder import course
from autograder.results import GradeResult, TestRecord

OUTPUT_LINES = 12  # of a failed test's message, in the table


def render(result: GradeResult, color: bool | None = None, width: int = 110) -> str:
    buffer = io.StringIO()
    if color is None:
        color = sys.stdout.isatty()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, markup=False, emoji=False)
    for note in summary_notes(result):
        console.print(Text(f"! {safe(note)}", style="yellow"))
    for module, score in result.modules.items():
        title = Text(f"{safe(course.title(module))}   ")
        title.append(f"{score.score:g} / {score.max_score:g}", style="bold")
        table = Table(title=title, title_justify="left", expand=True, show_lines=False)
        # Folded, never cut with "…": a case id or a command must be shown whole.
        table.add_column("Test", ratio=3, overflow="fold")
        table.add_column("Points", justify="right", width=9)
        table.add_column("Result", ratio=4, overflow="fold")
        for test in (t for t in result.tests if t.module == module):
            points = f"{test.score:g}/{test.points:g}"
            if test.passed:
                table.add_row(_name(test), points, Text("passed", style="green"))
            else:
                table.add_row(_name(test), points, _failure(test))
        console.print(table)
    summary = Table(title="Total", title_justify="left")
    summary.add_column("Module")
    summary.add_column("Score", justify="right")
    summary.add_column("Passed", justify="right")
    summary.add_column("Failed", justify="right")
    for module, score in result.modules.items():
        summary.add_row(Text(safe(module)), f"{score.score:g} / {score.max_score:g}",
                        str(score.passed), str(score.failed))
    summary.add_row(Text("all", style="bold"),
                    Text(f"{result.score:g} / {result.max_score:g}", style="bold"), "", "")
    console.print(summary)
    hints = deeper_hints_line(result)
    if hints:
        console.print(Text(hints))
    console.print(Text(f"Graded in {result.execution_time:.1f} s · isolation: "
                       f"{safe(result.isolation.get('network', 'unknown'))}"))
    return buffer.getvalue()


def _name(test: TestRecord) -> Text:
    """The test's name, its case on a line of its own (seven cases are seven visible rows)."""
    name = safe(test.name, lines=3)
    case = f"[{safe(test.case, lines=1)}]"
    if test.case and name.endswith(case):
        return Text(name[:-len(case)] + "\n  ").append(case, style="bold")
    return Text(name)


def _failure(test: TestRecord) -> Text:
    detail = Text("failed", style="bold red")
    if test.output:
        detail.append("  " + safe(test.output, lines=OUTPUT_LINES))
    if test.hint:
        detail.append("\nHint: ", style="bold").append(safe(test.hint), style="cyan")
    if test.deeper_hint:
        detail.append("\nA deeper hint: ", style="bold").append(safe(hint_command(test)))
    return detail
