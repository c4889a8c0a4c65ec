"""`autograder collect`: every student's repository as it was at the deadline.

    autograder collect --roster roster.csv --deadline 2026-10-15T23:59+02:00

Clones (or updates) each repository into the submissions folder and checks out the last
commit before the student's deadline (extensions from the roster; the late window from the
late policy). Unreachable repositories are reported and skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.instructor.collect import COLLECTED, UNREACHABLE, collect
from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import (UsageError, add_roster_options, chosen_students,
                                           class_roster, console, handles_errors, parse_shard,
                                           warn)
from autograder.instructor.progress import ProgressDisplay


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "collect", help="clone every student's repository at the deadline",
        description=__doc__.split("\n\n")[0])
    add_config_option(parser)
    add_roster_options(parser)
    parser.add_argument("--deadline", help="the course's deadline, e.g. 2026-10-15T23:59+02:00")
    parser.add_argument("--branch", help="the branch to collect (default: the repository's "
                                         "default branch)")
    parser.add_argument("--submissions", type=Path,
                        help="where to clone (default: ./submissions)")
    parser.add_argument("--student", action="append", dest="students", metavar="KEY",
                        help="only this student (repeatable)")
    parser.add_argument("--jobs", type=int, default=8,
                        help="repositories fetched at once (default: 8)")
    parser.set_defaults(handler=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if settings.deadline is None:
        raise UsageError("no deadline: pass --deadline or set deadline = … in autograder.toml")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    students = chosen_students(class_roster(settings).students, parse_shard(args.shard),
                               args.students)
    with ProgressDisplay(len(students), "collecting", "repositories") as progress:
        entries = collect(students, settings.submissions, settings.deadline,
                          policy=settings.late, branch=settings.branch, jobs=args.jobs,
                          on_collected=lambda e: progress.advance(e.status == COLLECTED))
    for entry in entries:
        if entry.status == UNREACHABLE:
            warn(f"{entry.student}: {entry.repository} is unreachable ({entry.message}); "
                 "skipped")
    _print_summary(entries, settings.submissions)
    return 0


def _print_summary(entries, folder: Path) -> None:
    from rich.table import Table

    unusual = [e for e in entries if e.status != COLLECTED or e.message]
    if unusual:
        table = Table(title="Students to look at")
        for column in ("student", "status", "commit", "commit time", "deadline", "note"):
            table.add_column(column)
        for e in unusual:
            table.add_row(e.student, e.status, e.commit[:8], e.commit_time, e.deadline,
                          e.message)
        console().print(table)
    collected = sum(e.status == COLLECTED for e in entries)
    console().print(f"collected {collected} of {len(entries)} repositories into {folder} "
                    f"(see {folder / 'collection.json'})")
