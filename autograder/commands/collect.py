"""`autograder collect`: every student's repository as it was at the deadline.

    autograder collect --snapshot                      at the deadline: record every branch tip
    autograder collect --roster roster.csv --deadline 2026-10-15T23:59+02:00
    autograder collect --push-times                    also use GitHub's record of push times

Clones (or updates) each repository into the submissions folder and checks out the last
commit the course saw pushed by the student's deadline (extensions from the roster; the late
window from the late policy), never judged by commit dates, which students can set. What the
course saw comes from snapshots taken with `--snapshot` (schedule one at the deadline), from
GitHub's push times with `--push-times` (needs $GITHUB_TOKEN) and from the collection itself.
Unreachable repositories are reported and skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.instructor.collect import (COLLECTED, SNAPSHOTS, UNREACHABLE, collect,
                                           snapshot)
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
    parser.add_argument("--snapshot", action="store_true",
                        help="only record every branch tip now (run it at the deadline)")
    parser.add_argument("--push-times", action="store_true",
                        help="also use the push times GitHub recorded (repository activity; "
                             "needs $GITHUB_TOKEN with Metadata: read)")
    parser.set_defaults(handler=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if settings.deadline is None and not args.snapshot:
        raise UsageError("no deadline: pass --deadline or set deadline = … in autograder.toml")
    students = chosen_students(class_roster(settings).students, parse_shard(args.shard),
                               args.students)
    if args.snapshot:
        return _snapshot(students, settings, args.jobs)
    push_times = _github_push_times(settings) if args.push_times else None
    with ProgressDisplay(len(students), "collecting", "repositories") as progress:
        entries = collect(students, settings.submissions, settings.deadline,
                          policy=settings.late, branch=settings.branch, jobs=args.jobs,
                          on_collected=lambda e: progress.advance(e.status == COLLECTED),
                          push_times=push_times)
    for entry in entries:
        if entry.status == UNREACHABLE:
            warn(f"{entry.student}: {entry.repository} is unreachable ({entry.message}); "
                 "skipped")
    _print_summary(entries, settings.submissions)
    return 0


def _snapshot(students, settings, jobs: int) -> int:
    with ProgressDisplay(len(students), "recording", "repositories") as progress:
        record = snapshot(students, settings.submissions, settings.branch, jobs,
                          on_seen=lambda key, seen: progress.advance("error" not in seen))
    seen = record["students"]
    for key, entry in sorted(seen.items()):
        if "error" in entry:
            warn(f"{key}: {entry['repository']} could not be read ({entry['error']})")
    recorded = sum("error" not in e for e in seen.values())
    console().print(f"recorded the branch tips of {recorded} of {len(seen)} repositories "
                    f"(started {record['started']}; each time is in "
                    f"{settings.submissions / SNAPSHOTS})")
    return 0


def _github_push_times(settings):
    import os

    from autograder.classroom.api import GitHub
    from autograder.classroom.deadline import push_sightings

    api = GitHub(os.environ.get("GITHUB_TOKEN", ""), settings.api_url)
    return lambda student: push_sightings(api, student, settings.branch)


def _print_summary(entries, folder: Path) -> None:
    from rich.table import Table

    unusual = [e for e in entries if e.status != COLLECTED or e.message]
    if unusual:
        table = Table(title="Students to look at")
        for column in ("student", "status", "commit", "pushed by", "deadline", "note"):
            table.add_column(column)
        for e in unusual:
            table.add_row(e.student, e.status, e.commit[:8], e.commit_time, e.deadline,
                          e.message)
        console().print(table)
    collected = sum(e.status == COLLECTED for e in entries)
    console().print(f"collected {collected} of {len(entries)} repositories into {folder} "
                    f"(see {folder / 'collection.json'})")
