"""`autograder classroom …`: the course's replacement for the GitHub Classroom app.

    autograder classroom provision [--dry-run]      repositories, invitations, Feedback PRs
    autograder classroom status                     who accepted; PRs that can now be opened
    autograder classroom update-starter --template DIR --label 2026-10-02
    autograder classroom snapshot                   at the deadline: every branch tip, timed
    autograder classroom lock | unlock              read-only access from the cutoff, and back
    autograder classroom grade --repository O/N --sha SHA     (course-side grading service)
    autograder classroom poll                       grade every branch tip not graded yet
    autograder classroom publish                    each student's final feedback, posted
    autograder classroom export --canvas-assignment "Tokenization"
    autograder classroom service-workflow --to DIR  the grading service's workflow
    autograder classroom scopes                     the token permissions each command needs

Settings come from autograder.toml (roster, repository pattern, template_repository, deadline
…) as for the other instructor commands. The token is read from $GITHUB_TOKEN (or the
variable --token-env names); --dry-run prints every API call and sends no write.
docs/instructors.md walks through a term with 300 students.
"""

from __future__ import annotations

import argparse
import os
import re

from pathlib import Path

from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import (UsageError, add_roster_options, chosen_students,
                                           class_roster, console, handles_errors, parse_shard,
                                           warn)

# Least privilege, per command: a fine-grained personal access token (resource owner: the
# course's organization) or a GitHub App installation with exactly these permissions.
SCOPES = [
    ("provision, status", "Administration: write (create repositories from the template, "
     "invite collaborators); Contents: write (the feedback branch); Pull requests: write; "
     "Metadata: read", "the template repository and every student repository"),
    ("update-starter", "Contents: write (push the update branch); Pull requests: write",
     "student repositories"),
    ("snapshot, collect", "Contents: read (git ls-remote and fetch); Metadata: read "
     "(--push-times reads the activity list)", "student repositories"),
    ("lock, unlock", "Administration: write (collaborator permissions)",
     "student repositories"),
    ("grade, poll (grading service)", "Commit statuses: write; Pull requests: write; "
     "Contents: write (commit comments, read the commit); Metadata: read",
     "student repositories; the service's workflow keeps it as a secret of the private "
     "course repository only"),
    ("publish", "Pull requests: write; Contents: write (commit comments)",
     "student repositories"),
    ("export, service-workflow, scopes", "none (local files)", "-"),
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "classroom", help="provision, deadlines and the grading service on GitHub's REST API",
        description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="classroom_command", required=True)

    def verb(name: str, help_text: str, handler, roster: bool = True):
        sub = verbs.add_parser(name, help=help_text)
        add_config_option(sub)
        if roster:
            add_roster_options(sub)
            sub.add_argument("--student", action="append", dest="students", metavar="KEY",
                             help="only this student (repeatable)")
        sub.add_argument("--dry-run", action="store_true",
                         help="print every API call; send no write")
        sub.add_argument("--token-env", default="GITHUB_TOKEN",
                         help="the environment variable holding the token")
        sub.add_argument("--api-url", dest="api_url",
                         help="the REST API (default: https://api.github.com)")
        sub.set_defaults(handler=handler)
        return sub

    sub = verb("provision", "repositories from the template, invitations, Feedback PRs",
               _provision)
    sub.add_argument("--template-repository", dest="template_repository",
                     help="OWNER/NAME of the template repository on GitHub")
    verb("status", "invitation acceptance; open waiting Feedback pull requests", _status)
    sub = verb("update-starter", "offer a starter-code update as a pull request", _starter)
    sub.add_argument("--template", type=Path, required=True, help="the new template folder")
    sub.add_argument("--label", required=True, help="names the branch, e.g. 2026-10-02")
    sub.add_argument("--git-url", default="https://github.com/{repository}.git",
                     help="how to clone a repository ({repository} is OWNER/NAME)")
    sub = verb("snapshot", "record every branch tip now, with the time (run at the deadline)",
               _snapshot)
    sub.add_argument("--submissions", type=Path)
    sub.add_argument("--jobs", type=int, default=8)
    verb("lock", "make the students' access read-only (at the cutoff)", _lock)
    verb("unlock", "give the students write access again", _unlock)
    sub = verb("grade", "grade one pushed commit with the hidden tests and post it back",
               _grade, roster=False)
    sub.add_argument("--repository", required=True, help="OWNER/NAME of the student repository")
    sub.add_argument("--sha", required=True, help="the commit to grade")
    _service_options(sub)
    sub = verb("poll", "grade every branch tip without the course's status", _poll)
    sub.add_argument("--limit", type=int, default=50, help="commits graded per run")
    _service_options(sub)
    sub = verb("publish", "post each student's final feedback in their repository", _publish)
    sub.add_argument("--feedback", type=Path, default=Path("exports/feedback"),
                     help="the feedback pages `autograder gradebook export` wrote")
    sub.add_argument("--submissions", type=Path)
    sub = verb("export", "grades.csv for the LMS, and Canvas' import layout", _export,
               roster=False)
    sub.add_argument("--grades", type=Path, default=Path("exports/grades.csv"))
    sub.add_argument("--canvas-assignment", required=True, help="the assignment's name")
    sub.add_argument("--canvas-id", default="", help="the assignment's Canvas id")
    sub.add_argument("--to", type=Path, default=Path("exports/canvas.csv"))
    sub = verb("service-workflow", "write the grading service's workflow for the course "
               "repository", _service_workflow, roster=False)
    sub.add_argument("--to", type=Path, required=True, help="the course repository's root")
    verb("scopes", "the token permissions each command needs", _scopes, roster=False)


def _service_options(sub) -> None:
    sub.add_argument("--course", type=Path, default=None,
                     help="the course repository's checkout (default: this one)")
    sub.add_argument("--git-url", default="https://github.com/{repository}.git")
    sub.add_argument("--module", action="append", dest="modules")
    sub.add_argument("--jobs", type=int, default=1)
    sub.add_argument("--run-url", default=os.environ.get("AUTOGRADER_RUN_URL", ""),
                     help="linked from the commit status (the service's workflow run)")


def _api(args):
    from autograder.classroom.api import DEFAULT_API, GitHub

    settings = load_settings(args)
    token = os.environ.get(args.token_env, "")
    if not token and not args.dry_run:
        raise UsageError(f"no token in ${args.token_env}: see `autograder classroom scopes`")
    return GitHub(token, settings.api_url or DEFAULT_API, dry_run=args.dry_run,
                  write_interval=float(os.environ.get("AUTOGRADER_WRITE_INTERVAL", "1"))), \
        settings, token


def _students(args, settings):
    return chosen_students(class_roster(settings).students, parse_shard(args.shard),
                           args.students)


def _ledger(settings):
    from autograder.classroom.provision import LEDGER, Ledger

    return Ledger.load(settings.base / LEDGER)


def _table(title: str, rows: dict[str, str]) -> None:
    for key, outcome in sorted(rows.items()):
        print(f"{key}: {outcome}")
    print(f"{title}: {len(rows)} student(s)")


@handles_errors
def _provision(args) -> int:
    from autograder.classroom.provision import provision

    api, settings, _ = _api(args)
    if not settings.template_repository:
        raise UsageError("no template repository: set template_repository = \"OWNER/NAME\" in "
                         "autograder.toml or pass --template-repository")
    ledger = provision(api, _students(args, settings), settings.template_repository,
                       _ledger(settings))
    return _summarize(ledger)


def _summarize(ledger) -> int:
    from autograder.classroom.provision import ACCEPTED, PENDING

    states = ledger.students.values()
    for key, state in sorted(ledger.students.items()):
        if state.problem:
            warn(f"{key}: {state.problem}")
    console().print(
        f"{len(ledger.students)} students: {sum(s.repository != '' for s in states)} "
        f"repositories, {sum(s.invitation == ACCEPTED for s in states)} accepted, "
        f"{sum(s.invitation == PENDING for s in states)} invitations pending, "
        f"{sum(bool(s.feedback_pull) for s in states)} Feedback pull requests, "
        f"{sum(bool(s.problem) for s in states)} with a problem (see {ledger.path})")
    return 0


@handles_errors
def _status(args) -> int:
    from autograder.classroom.provision import refresh

    api, settings, _ = _api(args)
    return _summarize(refresh(api, _students(args, settings), _ledger(settings)))


@handles_errors
def _starter(args) -> int:
    from autograder.classroom.api import ApiError, full_name
    from autograder.classroom.starter import offer_update
    from autograder.instructor.git import GitError

    api, settings, token = _api(args)
    outcomes = {}
    for student in _students(args, settings):
        repository = full_name(student.repository)
        try:
            outcomes[student.key] = offer_update(
                api, repository, args.git_url.format(repository=repository), args.template,
                args.label, token)
        except (ApiError, GitError) as error:
            outcomes[student.key] = f"failed: {error}"
    _table("starter-code update", outcomes)
    return 0


@handles_errors
def _snapshot(args) -> int:
    from autograder.instructor.collect import SNAPSHOTS, snapshot

    settings = load_settings(args)
    submissions = args.submissions or settings.submissions
    record = snapshot(_students(args, settings), submissions, settings.branch, args.jobs)
    seen = record["students"]
    for key, entry in sorted(seen.items()):
        if "error" in entry:
            warn(f"{key}: {entry['repository']} could not be read ({entry['error']})")
    print(f"recorded the branch tips of {sum('error' not in e for e in seen.values())} of "
          f"{len(seen)} repositories in {submissions / SNAPSHOTS}")
    return 0


def _access(args, locked: bool) -> int:
    from autograder.classroom.deadline import set_access

    api, settings, _ = _api(args)
    _table("locked" if locked else "unlocked",
           set_access(api, _students(args, settings), _ledger(settings), locked))
    return 0


@handles_errors
def _lock(args) -> int:
    return _access(args, True)


@handles_errors
def _unlock(args) -> int:
    return _access(args, False)


def _course(args) -> Path:
    from autograder.sandbox.launcher import REPO_ROOT

    course = (args.course or REPO_ROOT).resolve()
    if not (course / "solutions").is_dir() or not (course / "autograder" / "suites").is_dir():
        raise UsageError(f"{course} is not the course repository (no solutions/ and "
                         "autograder/suites/): the grading service runs only there")
    return course


@handles_errors
def _grade(args) -> int:
    from autograder.classroom.service import grade_commit

    if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repository) or \
            not re.fullmatch(r"[0-9a-f]{40}", args.sha):
        raise UsageError("--repository takes OWNER/NAME and --sha a full 40-character commit")
    api, settings, token = _api(args)
    outcome = grade_commit(api, args.repository, args.sha, _course(args),
                           args.git_url.format(repository=args.repository), args.modules,
                           args.jobs, args.run_url, token=token)
    print(f"{outcome.repository}@{outcome.sha[:7]}: {outcome.state}: {outcome.description}"
          + (f"; {outcome.comment}" if outcome.comment else ""))
    return 0


@handles_errors
def _poll(args) -> int:
    from autograder.classroom.service import grade_commit, pending_commits

    api, settings, token = _api(args)
    course = _course(args)
    ledger = _ledger(settings)
    todo = pending_commits(api, _students(args, settings), settings.branch or "main")
    print(f"{len(todo)} commit(s) to grade" + (f"; grading the first {args.limit}"
                                               if len(todo) > args.limit else ""))
    for student, repository, sha in todo[:args.limit]:
        outcome = grade_commit(api, repository, sha, course,
                               args.git_url.format(repository=repository), args.modules,
                               args.jobs, args.run_url, ledger.state(student.key), token)
        ledger.save()
        print(f"{student.key} {repository}@{sha[:7]}: {outcome.state}: {outcome.description}")
    return 0


@handles_errors
def _publish(args) -> int:
    from autograder.classroom.publish import publish

    api, settings, _ = _api(args)
    _table("published", publish(api, _students(args, settings), _ledger(settings),
                                args.feedback, args.submissions or settings.submissions))
    return 0


@handles_errors
def _export(args) -> int:
    from autograder.classroom.publish import canvas_csv

    try:
        text = args.grades.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {args.grades} ({error}): run `autograder gradebook "
                         "export` first") from None
    args.to.parent.mkdir(parents=True, exist_ok=True)
    args.to.write_text(canvas_csv(text, args.canvas_assignment, args.canvas_id),
                       encoding="utf-8")
    print(f"wrote {args.to} (Canvas gradebook import) from {args.grades}")
    return 0


@handles_errors
def _service_workflow(args) -> int:
    try:
        from autograder.template import write_service_workflow
    except ImportError:
        raise UsageError("the service's workflow is written from the course repository") \
            from None
    path = write_service_workflow(args.to)
    print(f"wrote {path}: commit it to the course repository and add the secret it names")
    return 0


@handles_errors
def _scopes(args) -> int:
    for command, permissions, where in SCOPES:
        print(f"{command}\n    {permissions}\n    on: {where}")
    return 0


