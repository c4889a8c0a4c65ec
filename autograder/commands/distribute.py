"""`autograder distribute`: push the starter code to every student's repository.

    autograder distribute --roster roster.csv --template template/ \\
        --repository '{org}/{assignment}-{github_username}' --org llm-2026 --assignment m1

Repositories that already have commits are left alone; unreachable ones are reported.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import (UsageError, add_roster_options, chosen_students,
                                           class_roster, console, handles_errors, parse_shard,
                                           plural, warn)
from autograder.instructor.distribute import HAS_WORK, PUSHED, UNREACHABLE, distribute
from autograder.instructor.progress import ProgressDisplay


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "distribute", help="push the starter code to each student's repository",
        description=__doc__.split("\n\n")[0])
    add_config_option(parser)
    add_roster_options(parser)
    parser.add_argument("--template", type=Path,
                        help="the folder to push (default: `template` in autograder.toml, "
                             "else the course's student template)")
    parser.add_argument("--branch", help="the branch to create (default: main)")
    parser.add_argument("--message", default="Starter code", help="the commit message")
    parser.add_argument("--student", action="append", dest="students", metavar="KEY",
                        help="only this student (repeatable)")
    parser.add_argument("--jobs", type=int, default=8,
                        help="repositories handled at once (default: 8)")
    parser.set_defaults(handler=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    students = chosen_students(class_roster(settings).students, parse_shard(args.shard),
                               args.students)
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        template = settings.template or _course_template(Path(tmp) / "template")
        with ProgressDisplay(len(students), "distributing", "repositories") as progress:
            deliveries = distribute(students, template, branch=settings.branch or "main",
                                    message=args.message, jobs=args.jobs,
                                    on_delivery=lambda d: progress.advance(d.status != UNREACHABLE))
    for delivery in deliveries:
        if delivery.status == UNREACHABLE:
            warn(f"{delivery.student.key}: {delivery.student.repository} is unreachable: "
                 f"{delivery.detail}")
    pushed = sum(d.status == PUSHED for d in deliveries)
    left = sum(d.status == HAS_WORK for d in deliveries)
    unreachable = len(deliveries) - pushed - left
    console().print(f"pushed the template to {plural(pushed, 'repository', 'repositories')}; "
                    f"{left} left alone (they already had commits); {unreachable} unreachable")
    return 0


def _course_template(target: Path) -> Path:
    try:
        from autograder.template import write_template
    except ImportError:
        raise UsageError("no template: pass --template FOLDER (or set template = … in "
                         "autograder.toml)") from None
    write_template(target)
    return target
