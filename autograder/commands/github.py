"""`autograder github …`: the steps of the student repository's grading workflow, and the
instructor's side of it.

    autograder github grade    [ROOT] [--course DIR] [--out DIR] [--module ID] [--jobs N]
    autograder github report   [ROOT] [--out DIR] [--classroom]
    autograder github template --to DIR

`grade` runs student code (in the sandbox) and needs no token: in the student's workflow it
runs the public tests; `--course` (the course repository's checkout, on course-controlled
compute only) adds the hidden tests. `report` writes the job summary, the `::error`
annotations, the score card the feedback job reads, and the Classroom result when the reporter
is switched on. The feedback comment is posted by a separate job that runs
autograder/github/feedback.py on its own (it never installs the repository's code).
docs/student-repositories.md explains the set-up and the trust model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "github", help="the student repository's grading workflow (grade, report) "
                       "and its template", description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="github_command", required=True)

    grade = steps.add_parser("grade", help="grade the repository's exercises/")
    grade.add_argument("root", nargs="?", type=Path,
                       help="the repository (default: $GITHUB_WORKSPACE or the current folder)")
    grade.add_argument("--course", type=Path, default=None,
                       help="the course repository's checkout: grade with its hidden tests "
                            "(course-controlled compute only, never a student's workflow)")
    grade.add_argument("--module", action="append", dest="modules",
                       help="grade only this module (repeatable; default: $AUTOGRADER_MODULES, "
                            "else all)")
    grade.add_argument("--out", type=Path, default=None,
                       help="folder for results.json and grade.json (default: autograder-results)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="modules graded in parallel (default: the number of cores)")
    grade.set_defaults(handler=_grade)

    report = steps.add_parser("report", help="job summary, annotations and Classroom result")
    report.add_argument("root", nargs="?", type=Path,
                        help="the repository (default: $GITHUB_WORKSPACE or the current folder)")
    report.add_argument("--out", type=Path, default=None,
                        help="the folder the grade step wrote (default: autograder-results)")
    report.add_argument("--classroom", action="store_true",
                        default=_env_true("CLASSROOM_REPORTER"),
                        help="also write the Classroom result for GitHub Classroom's grading "
                             "reporter (default: $CLASSROOM_REPORTER, off)")
    report.set_defaults(handler=_report)

    template = steps.add_parser("template", help="write the student template repository")
    template.add_argument("--to", type=Path, required=True, dest="target")
    template.set_defaults(handler=_template)


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def _out(args: argparse.Namespace, root: Path) -> Path:
    from autograder.github.grading import RESULTS_DIR

    out = args.out if args.out is not None else Path(os.environ.get("RESULTS_DIR", RESULTS_DIR))
    return out if out.is_absolute() else root / out


def _root(args: argparse.Namespace) -> Path:
    from autograder.github.actions import workspace

    return args.root.resolve() if getattr(args, "root", None) else workspace()


def _fail(message: str) -> int:
    print(f"autograder github: {message}", file=sys.stderr)
    return 2


def _grade(args: argparse.Namespace) -> int:
    from autograder.github.grading import (RepositoryError, grade_repository, modules_from,
                                           write_outputs)
    from autograder.runner import GradingError

    if args.jobs < 1:
        return _fail("--jobs must be at least 1")
    root = _root(args)
    try:
        if args.modules:
            modules, notes = modules_from(" ".join(args.modules))
        else:
            modules, notes = modules_from(os.environ.get("AUTOGRADER_MODULES"))
        course = args.course.resolve() if args.course is not None else None
        graded = grade_repository(root, course, course is not None, "the course repository",
                                  modules=modules, jobs=args.jobs)
    except (RepositoryError, GradingError) as error:
        return _fail(str(error))
    graded.notes += notes
    try:
        written = write_outputs(graded, _out(args, root))
    except OSError as error:
        return _fail(f"cannot write the results: {error}")
    result = graded.result
    print(f"graded {root.name}/exercises: {result.score:g} / {result.max_score:g} points "
          f"({graded.hidden.status.replace('-', ' ')} hidden tests); wrote "
          + ", ".join(str(p) for p in written))
    return 0


def _report(args: argparse.Namespace) -> int:
    from autograder.atomic_write import write_atomically
    from autograder.github import actions, report
    from autograder.github.feedback import SCORE_CARD
    from autograder.github.grading import RepositoryError, load

    root = _root(args)
    out = _out(args, root)
    try:
        graded = load(out)
    except RepositoryError as error:
        print(actions.command("error", str(error), title="Autograder"))
        actions.append_summary(f"## Autograder\n\n> The grade step did not finish: {error}\n")
        return 1
    found, nowhere = report.places(graded, root)
    for line in report.annotations(found):
        print(line)
    env = dict(os.environ)
    actions.append_summary(report.summary(graded, found, nowhere, env))
    written = [out / SCORE_CARD]
    write_atomically(out / SCORE_CARD, json.dumps(report.score_card(graded)) + "\n")
    result = graded.result
    outputs = {"score": f"{result.score:g}", "max-score": f"{result.max_score:g}",
               "hidden-tests": graded.hidden.status}
    if args.classroom:
        data, encoded = report.classroom_result(graded, found)
        write_atomically(out / "classroom.json", json.dumps(data, ensure_ascii=False) + "\n")
        written.append(out / "classroom.json")
        outputs["result"] = encoded
    actions.set_outputs(outputs)
    print(f"{result.score:g} / {result.max_score:g} points; {len(found)} place(s) annotated; "
          f"summary and {', '.join(map(str, written))} written")
    return 0


def _template(args: argparse.Namespace) -> int:
    try:
        from autograder.template import TemplateError, write_template
    except ImportError:
        return _fail("the template is written from the course repository, not a student one")
    try:
        written = write_template(args.target)
    except TemplateError as error:
        return _fail(str(error))
    print(f"wrote the student template ({len(written)} files) to {args.target}")
    return 0
