"""Collect every student's repository as it was at the deadline.

Each repository is cloned (or, when collected before, fetched) into
`submissions/<student>/`, and the last commit made before the student's own deadline — the
course's, or their personal one, plus any extension from the roster, plus the late window of
the late policy — is checked out, clean. The commit, its time and the deadline go into
`submissions/collection.json`, which `grade-all` reads. An unreachable or empty repository is
recorded as such and skipped; it never stops the others.

"Before the deadline" is judged by the commit's committer date, walking back along the first
parents from the tip of the branch. Commit dates are set by the student's computer: a student
can forge them, so read the times as a student's statement, as GitHub Classroom did.
"""

from __future__ import annotations

import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from autograder.instructor.dates import from_timestamp, iso, parse_datetime
from autograder.instructor.git import GitError, git
from autograder.instructor.late import LatePolicy
from autograder.instructor.roster import Student

MANIFEST = "collection.json"
COLLECTED = "collected"
NOTHING_BEFORE = "no commit before the deadline"
EMPTY = "empty repository"
UNREACHABLE = "unreachable"
ERROR = "not collected"


@dataclass
class Collected:
    """One student's line in the manifest."""
    student: str
    status: str
    folder: str = ""           # relative to the submissions folder
    repository: str = ""
    commit: str = ""
    commit_time: str = ""      # ISO 8601 with the committer's offset
    deadline: str = ""         # the student's own deadline
    later_commits: int = 0     # commits after the cutoff, left out
    message: str = ""
    collected_at: str = ""
    identifier: str = ""
    github_username: str = ""
    github_id: str = ""
    name: str = ""

    @property
    def ok(self) -> bool:
        return self.status == COLLECTED


class ManifestError(Exception):
    """collection.json cannot be read."""


@dataclass
class Manifest:
    """`submissions/collection.json`: what `collect` did, for `grade-all`."""
    path: Path
    deadline: str = ""
    entries: dict[str, Collected] = field(default_factory=dict)

    @classmethod
    def load(cls, submissions: Path) -> "Manifest":
        path = Path(submissions) / MANIFEST
        manifest = cls(path)
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                manifest.deadline = data.get("deadline", "")
                manifest.entries = {key: Collected(**entry)
                                    for key, entry in data.get("students", {}).items()}
            except (OSError, ValueError, TypeError, AttributeError) as error:
                raise ManifestError(f"cannot read {path} ({error}); move it away and run "
                                    "`autograder collect` again") from None
        return manifest

    def save(self) -> None:
        data = {"version": 1, "deadline": self.deadline,
                "students": {key: asdict(self.entries[key]) for key in sorted(self.entries)}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)


def collect(students: Iterable[Student], submissions: Path, deadline: datetime,
            policy: LatePolicy = LatePolicy(), branch: str | None = None, jobs: int = 8,
            on_collected: Callable[[Collected], None] | None = None) -> list[Collected]:
    """Clone or update each student's repository and check out their last commit in time."""
    submissions = Path(submissions)
    submissions.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.load(submissions)
    manifest.deadline = iso(deadline)
    lock = threading.Lock()

    def one(student: Student) -> Collected:
        entry = collect_one(student, submissions, student.deadline_for(deadline), policy, branch)
        previous = manifest.entries.get(student.key)
        if entry.status == UNREACHABLE and previous and previous.ok \
                and previous.deadline == entry.deadline:
            previous.message = (f"unreachable on {entry.collected_at} ({entry.message}); "
                                f"kept the collection of {previous.collected_at}")
            entry = previous
        with lock:
            manifest.entries[student.key] = entry
            manifest.save()
        if on_collected is not None:
            on_collected(entry)
        return entry

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return list(pool.map(one, list(students)))


def collect_one(student: Student, submissions: Path, deadline: datetime,
                policy: LatePolicy = LatePolicy(), branch: str | None = None) -> Collected:
    folder = submissions / student.folder
    entry = Collected(student=student.key, status=ERROR, folder=student.folder,
                      repository=student.repository, deadline=iso(deadline),
                      collected_at=iso(datetime.now(timezone.utc).astimezone()),
                      **{k: v for k, v in student.as_dict().items() if k != "repository"})
    try:
        _clone_or_fetch(student.repository, folder)
    except GitError as error:
        entry.status, entry.message = UNREACHABLE, str(error)
        return entry
    except FileExistsError as error:
        entry.message = str(error)
        return entry
    try:
        tip = _branch_tip(folder, branch)
        if tip is None:
            entry.status = EMPTY
            entry.message = (f"no branch {branch!r}" if branch else "no commits at all")
            return entry
        cutoff = policy.cutoff(deadline)
        history = git("rev-list", "--first-parent", "--format=%ct", tip, cwd=folder).split()
        # rev-list --format prints "commit <sha>" then the format line, per commit
        commits = [(history[i + 1], int(history[i + 2])) for i in range(0, len(history), 3)]
        chosen = next((i for i, (_, t) in enumerate(commits)
                       if cutoff is None or from_timestamp(t) <= cutoff), None)
        if chosen is None:
            entry.status = NOTHING_BEFORE
            entry.later_commits = len(commits)
            entry.message = f"all {len(commits)} commit(s) are after the deadline"
            return entry
        sha = commits[chosen][0]
        git("checkout", "--quiet", "--force", "--detach", sha, cwd=folder)
        git("clean", "-ffdxq", cwd=folder)
        entry.commit = sha
        entry.commit_time = git("show", "-s", "--format=%cI", sha, cwd=folder).strip()
        entry.later_commits = chosen
        entry.status = COLLECTED
        late = parse_datetime(entry.commit_time) > deadline
        notes = [f"{chosen} later commit(s) not collected"] if chosen else []
        entry.message = "; ".join(notes + (["submitted late"] if late else []))
    except GitError as error:
        entry.message = str(error)
    return entry


def _clone_or_fetch(url: str, folder: Path) -> None:
    if (folder / ".git").is_dir():
        git("remote", "set-url", "origin", url, cwd=folder)
        git("fetch", "--quiet", "--prune", "--force", "origin",
            "+refs/heads/*:refs/remotes/origin/*", cwd=folder)
        try:
            git("remote", "set-head", "origin", "--auto", cwd=folder)
        except GitError:
            pass  # an empty remote has no HEAD to follow
        return
    if folder.exists():
        raise FileExistsError(f"{folder} exists and is not a git clone: move it away")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        git("clone", "--quiet", "--no-checkout", url, str(partial))
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _branch_tip(folder: Path, branch: str | None) -> str | None:
    candidates = ([f"refs/remotes/origin/{branch}"] if branch else
                  ["refs/remotes/origin/HEAD", "refs/remotes/origin/main",
                   "refs/remotes/origin/master"])
    for ref in candidates:
        try:
            return git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=folder).strip()
        except GitError:
            continue
    if branch:
        return None
    branches = git("for-each-ref", "--format=%(refname)", "refs/remotes/origin/",
                   cwd=folder).split()
    branches = [b.removeprefix("refs/remotes/origin/") for b in branches
                if not b.endswith("/HEAD")]
    if len(branches) > 1:
        raise GitError(f"several branches ({', '.join(branches[:4])}) and no default one: "
                       "pass --branch")
    return git("rev-parse", f"origin/{branches[0]}", cwd=folder).strip() if branches else None
