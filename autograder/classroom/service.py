"""The course's grading service: hidden tests on compute the course controls.

Runs in the course's own private repository (its workflow is written by
`autograder classroom service-workflow`, from autograder/templates/course-grading.yml), where
`solutions/` and `autograder/suites/` already are; nothing of them is ever copied anywhere
else. For each student commit to grade:

1. a `pending` commit status (`POST /repos/{…}/statuses/{sha}`, context `course-autograder`);
2. the commit is fetched into an empty folder (`git fetch --depth 1 URL SHA` with the token in a
   one-off `http.extraHeader`, never written to `.git/config`) and its files are made
   read-only; the student's code then runs only in the grader's sandbox, whose workers see
   none of this process's environment;
3. graded with the course's trusted copies of the public tests and the hidden suites;
4. posted back: a `success` status whose description is the score (or `error` with the
   reason), and the full feedback as one comment on the Feedback pull request (opened now if
   it can be), else on the commit.

`pending_commits` finds what to grade by polling: a branch tip without a `course-autograder`
status has not been graded (one `GET /repos/{…}/commits/{branch}/status` per student, so a
class of 300 polled every 15 minutes uses 1,200 of the 5,000 requests an hour a token has).
"""

from __future__ import annotations

import base64
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from autograder.classroom.api import ApiError, GitHub, full_name
from autograder.classroom.provision import StudentState, ensure_feedback_pull
from autograder.github.feedback import (COURSE_MARKER, GitHubError, comment_on_commit,
                                        upsert_feedback_comment)
from autograder.instructor.git import GitError, git
from autograder.instructor.roster import Student

CONTEXT = "course-autograder"
STATUS_LIMIT = 140  # characters GitHub keeps of a status description


@dataclass
class Graded:
    repository: str
    sha: str
    state: str          # success | error
    description: str
    comment: str = ""   # where the feedback went


class _RepositoryClient:
    """What autograder.github.feedback expects of a client, on top of the classroom one."""

    def __init__(self, api: GitHub, repository: str):
        self.api, self.repository = api, repository

    def paginate(self, path: str) -> list:
        return self.api.paginate(path)

    def request(self, method: str, path: str, body: dict | None = None):
        try:
            response = self.api.request(method, path, body)
        except ApiError as error:
            raise GitHubError(str(error), error.status) from None
        return response.data, response.headers


def pending_commits(api: GitHub, students: Iterable[Student],
                    branch: str = "main") -> list[tuple[Student, str, str]]:
    """(student, owner/name, sha) of every branch tip the service has not graded yet."""
    todo = []
    for student in students:
        repository = full_name(student.repository)
        try:
            combined = api.get(f"/repos/{repository}/commits/{branch}/status")
        except ApiError as error:
            if error.status in (404, 409, 422):  # no such repository, empty, or no branch
                continue
            raise
        if not isinstance(combined, dict) or not isinstance(combined.get("sha"), str):
            continue
        contexts = {s.get("context") for s in combined.get("statuses") or []}
        if CONTEXT not in contexts:
            todo.append((student, repository, combined["sha"]))
    return todo


def fetch_commit(url: str, sha: str, into: Path, token: str = "") -> Path:
    """The commit's files in `into` (read-only), fetched without storing any credential."""
    into.mkdir(parents=True)
    git("init", "--quiet", cwd=into)
    header = []
    if token and url.startswith("https://"):
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        header = ["-c", f"http.extraHeader=Authorization: Basic {basic}"]
    git(*header, "fetch", "--quiet", "--depth", "1", url, sha, cwd=into)
    git("checkout", "--quiet", "--detach", "FETCH_HEAD", cwd=into)
    for path in into.rglob("*"):
        if ".git" not in path.relative_to(into).parts[:1] and path.is_file() \
                and not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return into


def grade_commit(api: GitHub, repository: str, sha: str, course: Path, url: str,
                 modules: list[str] | None = None, jobs: int = 1, run_url: str = "",
                 state: StudentState | None = None, token: str = "") -> Graded:
    """Grade one pushed commit with the hidden tests and post the result back."""
    from autograder.github import report
    from autograder.github.grading import RepositoryError, grade_repository

    statuses = f"/repos/{repository}/statuses/{sha}"
    target = {"target_url": run_url} if run_url else {}
    api.post(statuses, {"state": "pending", "context": CONTEXT,
                        "description": "grading with the course's hidden tests", **target})
    work = Path(tempfile.mkdtemp(prefix="autograder-service-"))
    try:
        try:
            checkout = fetch_commit(url, sha, work / "submission", token)
            graded = grade_repository(checkout, Path(course), True, "the course repository",
                                      modules=modules, jobs=jobs)
        except (GitError, RepositoryError) as error:
            description = f"not graded: {error}"[:STATUS_LIMIT]
            api.post(statuses, {"state": "error", "context": CONTEXT,
                                "description": description, **target})
            return Graded(repository, sha, "error", description)
        result = graded.result
        description = (f"{result.score:g} / {result.max_score:g} points "
                       "with the hidden tests")[:STATUS_LIMIT]
        env = {"GITHUB_REPOSITORY": repository, "GITHUB_SHA": sha,
               "GITHUB_SERVER_URL": "https://github.com"}
        found, nowhere = report.places(graded, checkout)
        body = report.comment(graded, found, nowhere, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    api.post(statuses, {"state": "success", "context": CONTEXT, "description": description,
                        **target})
    where = post_feedback(api, repository, sha, body, state or StudentState())
    return Graded(repository, sha, "success", description, where)


def post_feedback(api: GitHub, repository: str, sha: str, body: str,
                  state: StudentState) -> str:
    """The course's comment on the Feedback pull request, else on the commit."""
    if api.dry_run:
        api.request("POST", f"/repos/{repository}/issues/{{feedback pull}}/comments",
                    {"body": body[:60] + "…"})
        return "dry run"
    client = _RepositoryClient(api, repository)
    try:
        ensure_feedback_pull(api, repository, state)
    except ApiError:
        pass  # no pull request: the commit comment below
    outcome = upsert_feedback_comment(client, body, COURSE_MARKER)
    if outcome.action == "no-pull-request":
        outcome = comment_on_commit(client, sha, body, COURSE_MARKER)
    return outcome.describe()
