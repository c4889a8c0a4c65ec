"""`autograder grade-all`: grade every submission into a gradebook, resumably.

    autograder grade-all [SUBMISSIONS] [--gradebook gradebook.db] [--jobs N] [--shard K/N]
                         [--module ID ...] [--student KEY ...] [--regrade]
                         [--allow-weak-isolation]

SUBMISSIONS is a folder written by `autograder collect` (or any folder holding one
submission per sub-folder); default: `submissions`. Killed or interrupted, the same command
resumes: what is in the gradebook is not graded again. Exit status 0 when everything was
graded, 1 when some submissions could not be (listed, and retried by the next run), 130 when
interrupted.

It grades only where the sandbox is complete (network, mount and PID namespaces): the grading
host may hold secrets (a GitHub token, other students' work) that weaker isolation would let
student code read. `--allow-weak-isolation` grades anyway; it is printed, and kept in every
grade it made (its isolation record says `override`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.instructor import grade_all
from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import (UsageError, console, default_jobs, handles_errors,
                                           parse_shard, plural, roster_for_grading, warn)
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.progress import ProgressDisplay
from autograder.instructor.submissions import find_submissions
from autograder.course import module_ids
from autograder.sandbox.isolation import isolation_strength

WEAK_ISOLATION_FLAG = "--allow-weak-isolation"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade-all", help="grade every submission into a gradebook (resumable)",
        description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", nargs="?", type=Path, default=None,
                        help="the submissions folder (default: ./submissions)")
    add_config_option(parser)
    parser.add_argument("--gradebook", type=Path, help="the gradebook (default: gradebook.db)")
    parser.add_argument("--roster", type=Path,
                        help="names the students of a plain folder and lists missing ones")
    parser.add_argument("--module", action="append", dest="modules", choices=module_ids(),
                        help="grade only this module (repeatable)")
    parser.add_argument("--select", action="append", metavar="TEST_FILE",
                        help="run only this test file, e.g. test_bpe.py (repeatable)")
    parser.add_argument("--student", action="append", dest="students", metavar="KEY",
                        help="grade only this student (repeatable)")
    parser.add_argument("--regrade", action="store_true",
                        help="grade the chosen students and modules again even if graded")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="submissions graded at once (default: the number of cores)")
    parser.add_argument("--shard", metavar="K/N",
                        help="grade only the K-th of N shares of the class (1 ≤ K ≤ N)")
    parser.add_argument("--allow-weak-isolation", action="store_true",
                        help="grade even where the sandbox cannot make its namespaces "
                             "(recorded in every grade)")
    parser.add_argument("--solutions", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--suites", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    shard = parse_shard(args.shard)
    submissions = find_submissions(settings.submissions, roster_for_grading(settings))
    if args.students:
        known = {s.student for s in submissions}
        unknown = [k for k in args.students if k not in known]
        if unknown:
            raise UsageError(f"no submission of {unknown[0]!r} in {settings.submissions}")
    chosen = [s for s in submissions if s.student in shard
              and (not args.students or s.student in args.students)]
    course = settings.course()
    override = _isolation_override(args)
    out = console()
    with Gradebook(settings.gradebook) as gradebook, gradebook.exclusive():
        gradebook.record_submissions(chosen)
        gradebook.add_shards(["all" if shard.count == 1 else str(shard)])
        plan = grade_all.plan(gradebook, chosen, settings.modules, course, settings.select,
                              regrade=args.regrade)
        for module in plan.modules_without_tests:
            warn(f"{module} has no tests to run (check --module and --select)")
        out.print(_plan_line(plan, len(chosen), shard))
        with ProgressDisplay(len(plan.todo), "grading", "graded") as progress:
            summary = grade_all.run(gradebook, plan.todo, course, settings.select, args.jobs,
                                    on_unit=lambda unit, ok: progress.advance(ok),
                                    isolation_override=override)
        _print_summary(out, gradebook, plan, summary)
    if summary.interrupted:
        return 130
    return 1 if summary.failed else 0


def _isolation_override(args: argparse.Namespace) -> str:
    """"" when the sandbox is complete here; the override flag when it is not and the flag
    was given; else the run is refused with what to do."""
    strength = isolation_strength()
    if strength == "complete":
        return ""
    what = ("no PID namespace: processes the code starts are found and stopped from outside"
            if strength == "partial" else
            "no namespaces: the code could read what this user can read (a GitHub token, "
            "other submissions) and only Python's sockets are refused")
    if not getattr(args, "allow_weak_isolation", False):
        raise UsageError(
            f"the sandbox's isolation is {strength} on this machine ({what}). Enable "
            "unprivileged user namespaces (Ubuntu 24.04: sudo sysctl -w "
            "kernel.apparmor_restrict_unprivileged_userns=0) or grade as root; or pass "
            f"{WEAK_ISOLATION_FLAG} to grade anyway (every grade records it)")
    warn(f"grading with {strength} isolation ({what}) because of {WEAK_ISOLATION_FLAG}; "
         "every grade records it")
    return f"{WEAK_ISOLATION_FLAG} (isolation: {strength})"


def _plan_line(plan: grade_all.Plan, submissions: int, shard) -> str:
    share = f" (shard {shard})" if shard.count > 1 else ""
    parts = [f"{plural(submissions, 'student')}{share}: {plural(len(plan.todo), 'grade')} "
             "to make"]
    if plan.already_graded:
        parts.append(f"{plan.already_graded} already in the gradebook")
    if plan.changed:
        parts.append(f"{plan.changed} of them again because the submission or the tests "
                     "changed")
    if plan.not_gradable:
        parts.append(f"{plural(len(plan.not_gradable), 'student has', 'students have')} "
                     "nothing to grade")
    return "; ".join(parts)


def _print_summary(out, gradebook: Gradebook, plan: grade_all.Plan,
                   summary: grade_all.RunSummary) -> None:
    from rich.table import Table

    if summary.failed:
        table = Table(title="Could not be graded (the next run tries again)")
        for column in ("student", "module", "why"):
            table.add_column(column)
        for student, module, why in summary.failed:
            table.add_row(student, module, why)
        out.print(table)
    if plan.not_gradable:
        table = Table(title="Nothing to grade")
        for column in ("student", "status", "note"):
            table.add_column(column)
        for s in plan.not_gradable:
            table.add_row(s.student, s.status, s.message)
        out.print(table)
    rate = f", {summary.seconds / summary.graded:.1f} s each" if summary.graded else ""
    state = "interrupted: run the same command again to resume" if summary.interrupted \
        else "done"
    out.print(f"{state} — graded {summary.graded} in {summary.seconds:.0f} s{rate}; "
              f"{len(summary.failed)} could not be graded; gradebook: {gradebook.path}",
              soft_wrap=True)
