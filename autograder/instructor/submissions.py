"""What there is to grade: the submissions in a folder, with who they belong to.

A folder written by `collect` has a `collection.json` naming each student's folder, commit,
commit time and deadline (and the students whose repositories could not be collected). Any
other folder is read as one submission per sub-folder, named after it; a roster, if given,
adds names and lists the students who have no folder.

Each submission has a fingerprint: its commit when it was collected from git, otherwise a
hash of its files. `grade-all` grades a submission again only when its fingerprint (or the
tests) changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.instructor.collect import COLLECTED, Manifest
from autograder.instructor.identity import Identity
from autograder.instructor.roster import Roster, Student

MISSING = "missing"
_SKIPPED_PARTS = {".git", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}


@dataclass
class Submission:
    student: str
    status: str                 # "collected" when there is something to grade
    path: str = ""
    fingerprint: str = ""
    commit: str = ""
    commit_time: str = ""
    deadline: str = ""
    message: str = ""
    identity: Identity = Identity()
    repository: str = ""

    @property
    def gradable(self) -> bool:
        return self.status == COLLECTED


class SubmissionsError(Exception):
    """The submissions folder cannot be read."""


def find_submissions(folder: Path, roster: Roster | None = None) -> list[Submission]:
    """Every submission of `folder`, sorted by student; roster students without one as MISSING."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SubmissionsError(f"no such submissions folder: {folder}")
    manifest = Manifest.load(folder)
    found: dict[str, Submission] = {}
    if manifest.entries:
        for key, entry in manifest.entries.items():
            path = folder / entry.folder if entry.folder else folder
            found[key] = Submission(
                student=key, status=entry.status, path=str(path.resolve()) if entry.ok else "",
                commit=entry.commit, commit_time=entry.commit_time, deadline=entry.deadline,
                message=entry.message, identity=entry.identity, repository=entry.repository)
    else:
        if any(folder.glob("m[0-9]_*/")) or any(folder.glob("exercises/m[0-9]_*/")):
            raise SubmissionsError(f"{folder} looks like one submission, not a folder of "
                                   "them: grade it with `autograder grade`")
        for child in sorted(folder.iterdir()):
            if child.is_dir() and not child.name.startswith("."):
                found[child.name] = Submission(student=child.name, status=COLLECTED,
                                               path=str(child.resolve()))
    if roster is not None:
        by_folder = {s.folder: s for s in roster.students}
        for key in list(found):
            student = roster.by_key().get(key) or by_folder.get(key)
            if student is not None:
                submission = found.pop(key)
                submission.student = student.key
                _fill(submission, student)
                found[student.key] = submission
        for student in roster.students:
            if student.key not in found:
                found[student.key] = _fill(Submission(student.key, MISSING,
                                                      message="no submission folder"), student)
    for submission in found.values():
        if submission.gradable and not submission.fingerprint:
            submission.fingerprint = (f"git:{submission.commit}" if submission.commit
                                      else f"files:{content_hash(Path(submission.path))}")
    return [found[key] for key in sorted(found)]


def _fill(submission: Submission, student: Student) -> Submission:
    """What the roster knows and the submission does not."""
    submission.identity = submission.identity.filled_from(student.identity)
    submission.repository = submission.repository or student.repository
    return submission


def content_hash(root: Path) -> str:
    """A hash of every file's path and bytes under `root` (links by their target text)."""
    digest = hashlib.sha256()
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_PARTS)
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            path = Path(directory, name)
            digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
            if path.is_symlink():
                digest.update(b"link:" + os.readlink(path).encode("utf-8", "surrogateescape"))
            else:
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    digest.update(b"unreadable")
            digest.update(b"\0")
    return digest.hexdigest()[:20]
