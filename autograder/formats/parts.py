"""The pieces every format shows, worded once: what a student reads under a failed test, and
the lines about the whole grade (deeper hints used, weaker isolation).

All of it is plain text made inert by `escape.plain`; a format escapes it further for its own
syntax (Markdown, XML) or prints it as it is (text, JSON)."""

from __future__ import annotations

from autograder.formats.escape import plain, safe
from autograder.results import GradeResult, TestRecord


def hint_command(test: TestRecord) -> str:
    """The command that shows the test's deeper hint ("" when it has none)."""
    return f"autograder hint {test.deeper_hint}" if test.deeper_hint else ""


def feedback(test: TestRecord) -> str:
    """What a student reads under a test: what the code did, the hint, and where to find a
    deeper hint when there is one."""
    parts = [test.output] if test.output else []
    if not test.passed:
        if test.hint:
            parts.append(f"Hint: {test.hint}")
        if test.deeper_hint:
            parts.append(f"A deeper hint: {hint_command(test)}")
    return safe("\n".join(parts), lines=60)


def deeper_hints_line(result: GradeResult) -> str:
    """How many deeper hints were asked for, said whenever deeper hints are on offer."""
    used = result.deeper_hints_used
    if not used and not any(t.deeper_hint for t in result.tests):
        return ""
    if not used:
        return "Deeper hints used: 0"
    shown = ", ".join(safe(h, lines=1, line_chars=120) for h in used[:10]) + (
        ", …" if len(used) > 10 else "")
    return f"Deeper hints used: {len(used)} ({shown})"


def summary_notes(result: GradeResult) -> list[str]:
    """The lines above the tables: submission problems, weaker isolation (made plain)."""
    notes = [safe(n, lines=5) for n in result.notes]
    if result.isolation_warning:
        notes.append(safe(result.isolation_warning, lines=3))
    return notes
