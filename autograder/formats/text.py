"""The terminal report: one table per module, with the hint of every failed test."""

from __future__ import annotations

import io
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.results import MODULE_TITLES, GradeResult


def render(result: GradeResult, color: bool | None = None, width: int = 110) -> str:
    buffer = io.StringIO()
    if color is None:
        color = sys.stdout.isatty()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False)
    for note in result.notes:
        console.print(Text(f"! {note}", style="yellow"))
    for module, score in result.modules.items():
        table = Table(title=f"{MODULE_TITLES.get(module, module)}   "
                            f"[bold]{score.score:g} / {score.max_score:g}[/bold]",
                      title_justify="left", expand=True, show_lines=False)
        table.add_column("Test", ratio=3)
        table.add_column("Points", justify="right", width=9)
        table.add_column("Result", ratio=4)
        for test in (t for t in result.tests if t.module == module):
            if test.passed:
                table.add_row(test.name, f"{test.score:g}/{test.points:g}",
                              Text("passed", style="green"))
                continue
            detail = Text("failed", style="bold red")
            if test.output:
                detail.append("  " + test.output.splitlines()[0][:300])
            if test.hint:
                detail.append("\nHint: ", style="bold").append(test.hint, style="cyan")
            table.add_row(test.name, f"0/{test.points:g}", detail)
        console.print(table)
    summary = Table(title="Total", title_justify="left")
    summary.add_column("Module")
    summary.add_column("Score", justify="right")
    summary.add_column("Passed", justify="right")
    summary.add_column("Failed", justify="right")
    for module, score in result.modules.items():
        summary.add_row(module, f"{score.score:g} / {score.max_score:g}", str(score.passed),
                        str(score.failed))
    summary.add_row("[bold]all[/bold]", f"[bold]{result.score:g} / {result.max_score:g}[/bold]",
                    "", "")
    console.print(summary)
    console.print(f"Graded in {result.execution_time:.1f} s · isolation: "
                  f"{result.isolation.get('network', 'unknown')}")
    return buffer.getvalue()
