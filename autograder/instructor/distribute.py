"""Push the starter code (any template folder) to every student's repository.

The template becomes one commit, made once and pushed to each repository's branch. A
repository that already has commits is never touched — its student may have started — and an
unreachable one is reported; neither stops the others. Any git remote works: GitHub
repositories created beforehand (for example with `gh repo create`), a GitLab group, or bare
repositories on a file system.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from autograder.instructor.git import IDENTITY, GitError, git, remote_heads
from autograder.instructor.roster import Student

PUSHED, HAS_WORK, UNREACHABLE = "pushed", "already has work", "unreachable"
_IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".pytest_cache")


class DistributeError(Exception):
    """The template itself is unusable (nothing was pushed)."""


@dataclass(frozen=True)
class Delivery:
    student: Student
    status: str    # PUSHED, HAS_WORK or UNREACHABLE
    detail: str = ""


def template_repository(template: Path, into: Path, branch: str, message: str) -> str:
    """A fresh repository in `into` holding the template as one commit; returns its sha."""
    template = Path(template)
    if not template.is_dir():
        raise DistributeError(f"the template must be a folder: {template}")
    if not any(p for p in template.rglob("*") if p.is_file() and ".git" not in p.parts):
        raise DistributeError(f"the template folder {template} has no files")
    shutil.copytree(template, into, ignore=_IGNORED, symlinks=True)
    try:
        git("init", "--quiet", "-b", branch, cwd=into)
        git("add", "--all", cwd=into)
        git("-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", message,
            cwd=into, env=IDENTITY)
        return git("rev-parse", "HEAD", cwd=into).strip()
    except GitError as error:
        raise DistributeError(f"cannot make the template commit: {error}") from None


def deliver(student: Student, source: Path, branch: str) -> Delivery:
    try:
        heads = remote_heads(student.repository)
        if heads:
            return Delivery(student, HAS_WORK,
                            f"{len(heads)} branch(es), e.g. {sorted(heads)[0]}; left as it is")
        git("push", "--quiet", student.repository, f"HEAD:refs/heads/{branch}", cwd=source)
    except GitError as error:
        return Delivery(student, UNREACHABLE, str(error))
    return Delivery(student, PUSHED, branch)


def distribute(students: Iterable[Student], template: Path, branch: str = "main",
               message: str = "Starter code", jobs: int = 8,
               on_delivery: Callable[[Delivery], None] | None = None) -> list[Delivery]:
    """Push the template to every student's repository that has no commits yet."""
    students = list(students)
    with tempfile.TemporaryDirectory(prefix="autograder-template-") as tmp:
        source = Path(tmp) / "template"
        template_repository(template, source, branch, message)

        def one(student: Student) -> Delivery:
            delivery = deliver(student, source, branch)
            if on_delivery is not None:
                on_delivery(delivery)
            return delivery

        with ThreadPoolExecutor(max(1, jobs)) as pool:
            return list(pool.map(one, students))
