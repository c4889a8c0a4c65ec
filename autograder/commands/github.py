"""`autograder github …`: the steps of the student repository's grading workflow, and the
instructor's side of it.

    autograder github grade   [ROOT] [--hidden DIR] [--out DIR] [--module ID] [--jobs N]
    autograder github report  [ROOT] [--out DIR]
    autograder github comment [--out DIR]
    autograder github template --to DIR [--hidden-tests-repository OWNER/NAME] [--hidden-tests-ref REF]
    autograder github hidden-bundle --to DIR [--template TEMPLATE_DIR]

`grade` runs student code (in the sandbox) and needs no token; `report` writes the job summary,
the `::error` annotations and the Classroom result; `comment` talks to the GitHub API with
`$GITHUB_TOKEN` and never runs student code. docs/student-repositories.md explains the set-up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "github", help="the student repository's grading workflow (grade, report, comment) "
                       "and its template", description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="github_command", required=True)

    grade = steps.add_parser("grade", help="grade the repository's exercises/")
    grade.add_argument("root", nargs="?", type=Path,
                       help="the repository (default: $GITHUB_WORKSPACE or the current folder)")
    grade.add_argument("--hidden", type=Path, default=None,
                       help="a checkout of the hidden-tests repository (used when it exists)")
    grade.add_argument("--hidden-configured", action="store_true",
                       default=_env_true("HIDDEN_TESTS_CONFIGURED"),
                       help="the workflow was given access to the hidden tests (so their "
                            "absence is a problem to report); default: $HIDDEN_TESTS_CONFIGURED")
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
    report.set_defaults(handler=_report)

    comment = steps.add_parser("comment", help="update the comment on the Feedback pull request")
    comment.add_argument("--out", type=Path, default=None,
                         help="the folder the report step wrote (default: autograder-results)")
    comment.set_defaults(handler=_comment)

    template = steps.add_parser("template", help="write the student template repository")
    template.add_argument("--to", type=Path, required=True, dest="target")
    template.add_argument("--hidden-tests-repository", default=None,
                          help="OWNER/NAME of the private repository with the hidden tests "
                               "(default: this course repository's GitHub origin)")
    template.add_argument("--hidden-tests-ref", default=None,
                          help="the tag or commit to fetch (default: this checkout's tag or commit)")
    template.set_defaults(handler=_template)

    bundle = steps.add_parser("hidden-bundle",
                              help="write what the workflow fetches for hidden tests (for a "
                                   "private repository of its own)")
    bundle.add_argument("--to", type=Path, required=True, dest="target")
    bundle.add_argument("--template", type=Path, default=None,
                        help="the released student template whose manifest to include "
                             "(default: a template written now with the options below)")
    bundle.add_argument("--hidden-tests-repository", default=None)
    bundle.add_argument("--hidden-tests-ref", default=None)
    bundle.set_defaults(handler=_bundle)


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
    from autograder.github.grading import (HIDDEN_DIR, RepositoryError, grade_repository,
                                           modules_from, write_outputs)
    from autograder.runner import GradingError

    if args.jobs < 1:
        return _fail("--jobs must be at least 1")
    root = _root(args)
    try:
        if args.modules:
            modules, notes = modules_from(" ".join(args.modules))
        else:
            modules, notes = modules_from(os.environ.get("AUTOGRADER_MODULES"))
        hidden = args.hidden if args.hidden is not None else Path(HIDDEN_DIR)
        hidden = hidden if hidden.is_absolute() else root / hidden
        source = "@".join(filter(None, (os.environ.get("HIDDEN_TESTS_REPOSITORY"),
                                        os.environ.get("HIDDEN_TESTS_REF"))))
        graded = grade_repository(root, hidden, args.hidden_configured, source,
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
    from autograder.cli import write_atomically
    from autograder.github import actions, report
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
    data, encoded = report.classroom_result(graded, found)
    comment = report.comment(graded, found, nowhere, env)
    write_atomically(out / "classroom.json", json.dumps(data, ensure_ascii=False) + "\n")
    write_atomically(out / "feedback.md", comment)
    result = graded.result
    actions.set_outputs({"result": encoded, "score": f"{result.score:g}",
                         "max-score": f"{result.max_score:g}",
                         "hidden-tests": graded.hidden.status})
    print(f"{result.score:g} / {result.max_score:g} points; {len(found)} place(s) annotated; "
          f"summary, {out / 'classroom.json'} and {out / 'feedback.md'} written")
    return 0


def _comment(args: argparse.Namespace) -> int:
    from autograder.github import actions
    from autograder.github.feedback import GitHubAPI, GitHubError, upsert_feedback_comment

    out = _out(args, actions.workspace())
    try:
        body = (out / "feedback.md").read_text(encoding="utf-8")
    except OSError:
        return _fail(f"{out / 'feedback.md'} is missing: run `autograder github report` first")
    try:
        api = GitHubAPI(os.environ.get("GITHUB_REPOSITORY", ""),
                        os.environ.get("GITHUB_TOKEN", ""),
                        os.environ.get("GITHUB_API_URL", "https://api.github.com"))
        outcome = upsert_feedback_comment(api, body)
    except GitHubError as error:
        hint = (" (the workflow needs `permissions: pull-requests: write`)"
                if error.status in (401, 403, 404) else "")
        # The feedback is in the summary already: a failed comment must not fail the run.
        print(actions.command("warning", f"the feedback comment was not updated: {error}{hint}",
                              title="Feedback comment"))
        return 0
    print(outcome.describe())
    return 0


def _template(args: argparse.Namespace) -> int:
    try:
        from autograder.template import TemplateError, write_template
    except ImportError:
        return _fail("the template is written from the course repository, not a student one")
    try:
        written = write_template(args.target, hidden_tests_repository=args.hidden_tests_repository,
                                 hidden_tests_ref=args.hidden_tests_ref)
    except TemplateError as error:
        return _fail(str(error))
    print(f"wrote the student template ({len(written)} files) to {args.target}")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    try:
        from autograder.template import TemplateError, write_hidden_bundle
    except ImportError:
        return _fail("the hidden-tests bundle is written from the course repository")
    try:
        written = write_hidden_bundle(args.target, args.template,
                                      args.hidden_tests_repository, args.hidden_tests_ref)
    except TemplateError as error:
        return _fail(str(error))
    print(f"wrote the hidden-tests bundle ({len(written)} files) to {args.target}; push it to "
          "the private repository that HIDDEN_TESTS_REPOSITORY names")
    return 0
