"""What the instructor commands share on the command line: messages, tables, the roster.

Every command reports a problem it cannot get past as one line on stderr and exit status 2;
problems with single students (a malformed roster row, an unreachable repository) are
warnings, and the command carries on with everyone else.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path
from typing import Callable, Iterable

from autograder.instructor.collect import Manifest, ManifestError
from autograder.instructor.config import ConfigError, Settings
from autograder.instructor.distribute import DistributeError
from autograder.instructor.gradebook import GradebookError
from autograder.instructor.roster import Roster, RosterError, Student, load_roster
from autograder.instructor.shard import Shard
from autograder.instructor.submissions import SubmissionsError

EXPECTED_ERRORS = (ConfigError, RosterError, GradebookError, SubmissionsError, DistributeError,
                   ManifestError)


class UsageError(Exception):
    """A bad combination of options or values; the message says what to change."""


def handles_errors(handler: Callable[[argparse.Namespace], int]
                   ) -> Callable[[argparse.Namespace], int]:
    """Turn the expected errors of a command into one message and exit status 2."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (*EXPECTED_ERRORS, UsageError) as error:
            return fail(str(error))

    return run


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 student`, `3 students`."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def fail(message: str) -> int:
    print(f"autograder: {message}", file=sys.stderr)
    return 2


def warn(message: str) -> None:
    print(f"autograder: warning: {message}", file=sys.stderr)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False,
                   width=None if (sys.stderr if stderr else sys.stdout).isatty() else 120)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def class_roster(settings: Settings, need_repository: bool = True) -> Roster:
    """The roster named by the settings, its malformed rows reported as warnings."""
    if settings.roster is None:
        raise UsageError("no roster: pass --roster FILE or set roster = … in autograder.toml")
    roster = load_roster(settings.roster, pattern=settings.repository if need_repository else None,
                         fields=settings.pattern_fields, host=settings.host,
                         need_repository=need_repository)
    for problem in roster.problems:
        warn(str(problem))
    return roster


def chosen_students(students: Iterable[Student], shard: Shard,
                    keys: Iterable[str] | None) -> list[Student]:
    """The students of one shard, or the ones named with --student."""
    students = list(students)
    if keys:
        known = {s.key: s for s in students} | {s.folder: s for s in students}
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise UsageError(f"no student {unknown[0]!r} in the roster")
        students = list({known[k].key: known[k] for k in keys}.values())
    return [s for s in students if s.key in shard]


def parse_shard(text: str | None) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as error:
        raise UsageError(str(error)) from None


def roster_for_grading(settings: Settings) -> Roster | None:
    """The roster, when one is configured, only to name students and spot missing ones; a
    folder written by `collect` already knows its students."""
    if settings.roster is None or Manifest.load(settings.submissions).entries:
        return None
    return class_roster(settings, need_repository=False)


def add_roster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", type=Path, help="the roster CSV")
    parser.add_argument("--repository", metavar="PATTERN",
                        help="each student's repository, e.g. {org}/{assignment}-{github_username}"
                             " (when the roster has no repository column)")
    parser.add_argument("--org", help="the value of {org} in the pattern")
    parser.add_argument("--assignment", help="the value of {assignment} in the pattern")
    parser.add_argument("--host", help="where owner/name repositories live "
                                       "(default: https://github.com)")
    parser.add_argument("--shard", metavar="K/N", help="only the K-th of N shares of the class")
