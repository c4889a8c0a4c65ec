"""Progress of long instructor runs: a rich bar on a terminal, a line now and then in logs."""

from __future__ import annotations

import sys
import time

from autograder.instructor.dates import describe_duration


class ProgressDisplay:
    """`with ProgressDisplay(total, "grading") as progress: progress.advance(ok)`."""

    def __init__(self, total: int, description: str, unit: str = "done"):
        self.total, self.description, self.unit = total, description, unit
        self.done = self.failed = 0
        self._start = time.monotonic()
        self._last_line = 0.0
        self._bar = None

    def __enter__(self) -> "ProgressDisplay":
        if sys.stderr.isatty() and self.total:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                TextColumn("ETA"), TimeRemainingColumn(), console=Console(file=sys.stderr),
                transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=self.total, failed=0)
        return self

    def advance(self, ok: bool = True) -> None:
        self.done += 1
        self.failed += not ok
        if self._bar is not None:
            self._bar.update(self._task, advance=1, failed=self.failed)
            return
        now = time.monotonic()
        if self.done == self.total or now - self._last_line >= 30 or self.done == 1:
            self._last_line = now
            print(f"{self.description}: {self.done}/{self.total} {self.unit}, "
                  f"{self.failed} failed{self._eta(now)}", file=sys.stderr, flush=True)

    def _eta(self, now: float) -> str:
        if self.done >= self.total or not self.done:
            return ""
        rate = (now - self._start) / self.done
        return f", about {describe_duration(rate * (self.total - self.done))} left"

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
