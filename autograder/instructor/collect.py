"""Collect every student's repository as it was at the deadline, judged by times the student
cannot set.

A commit's date is written by the student's computer, so it says nothing about when the work
was handed in: a commit pushed seven weeks late can carry yesterday's date. What the course
can trust is when it *saw* a commit at the tip of the branch:

- a snapshot (`snapshot`, run at the deadline by `autograder classroom snapshot` or a
  scheduled job): `git ls-remote` of every repository, each answer recorded with the time it
  came back, and the commits fetched into `submissions/<student>/` so that a later force-push
  cannot take them away (`submissions/snapshots.json`);
- push times that GitHub recorded (the repository activity list, `push_times`), when the
  instructor collects with a token;
- the collection itself: the tip it fetches now was pushed by now.

Each of these is a sighting (a time and a commit). The collected commit is the one last seen
at or before the student's cutoff — their deadline (the course's or their own, plus any
extension from the roster) and the late window of the late policy — and its time is the
first time it was seen. So work pushed after the deadline is late however it is dated, and
a collection run after the deadline with no snapshot and no push times collects nothing
rather than guess (the message says what to do). The commit is checked out clean, and the
commit, its time and where that time came from go into `submissions/collection.json`, which
`grade-all` reads; the committer date is kept beside it as the student's own claim. An
unreachable or empty repository is recorded as such and skipped; it never stops the others.
"""

from __future__ import annotations

import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from autograder.instructor.dates import iso, parse_datetime
from autograder.instructor.git import GitError, git, remote_heads
from autograder.instructor.identity import FIELDS, Identity
from autograder.instructor.late import LatePolicy
from autograder.instructor.roster import Student

MANIFEST = "collection.json"
SNAPSHOTS = "snapshots.json"
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
    commit_time: str = ""      # when the course first saw the commit pushed (ISO 8601, UTC)
    time_source: str = ""      # what saw it: a snapshot, GitHub's push record, this collection
    committer_date: str = ""   # the date in the commit: the student's claim, not evidence
    deadline: str = ""         # the student's own deadline
    later_commits: int = 0     # commits after the cutoff, left out
    message: str = ""
    collected_at: str = ""
    identity: Identity = Identity()

    @property
    def ok(self) -> bool:
        return self.status == COLLECTED

    def as_json(self) -> dict:
        """The manifest entry: the collection's fields, then the identity's."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "identity"}
        return {**data, **self.identity.as_dict()}

    @classmethod
    def from_json(cls, data: dict) -> "Collected":
        own = {k: v for k, v in data.items() if k not in FIELDS}
        return cls(**own, identity=Identity.from_dict(data))


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
                manifest.entries = {key: Collected.from_json(entry)
                                    for key, entry in data.get("students", {}).items()}
            except (OSError, ValueError, TypeError, AttributeError) as error:
                raise ManifestError(f"cannot read {path} ({error}); move it away and run "
                                    "`autograder collect` again") from None
        return manifest

    def save(self) -> None:
        data = {"version": 1, "deadline": self.deadline,
                "students": {key: self.entries[key].as_json() for key in sorted(self.entries)}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)


@dataclass(frozen=True)
class Sighting:
    """A commit seen at the tip of the collected branch by `time` (never earlier than pushed)."""
    time: datetime
    commit: str
    source: str


PushTimes = Callable[[Student], list[Sighting]]


def snapshot(students: Iterable[Student], submissions: Path, branch: str | None = None,
             jobs: int = 8, now: Callable[[], datetime] | None = None,
             on_seen: Callable[[str, dict], None] | None = None) -> dict:
    """Record every repository's branch tips with the time each answer came back, and fetch
    those commits into `submissions/<student>/` so they are kept whatever happens later.
    Appends one record to `submissions/snapshots.json` and returns it."""
    clock = now or (lambda: datetime.now(timezone.utc))
    submissions = Path(submissions)
    submissions.mkdir(parents=True, exist_ok=True)
    record = {"started": iso(clock()), "branch": branch or "", "students": {}}
    lock = threading.Lock()

    def one(student: Student) -> None:
        seen: dict = {"repository": student.repository}
        try:
            heads = remote_heads(student.repository)
            seen["time"] = iso(clock().astimezone(timezone.utc))
            seen["heads"] = heads
            if heads:
                folder = submissions / student.folder
                _clone_or_fetch(student.repository, folder)
                for sha in set(heads.values()):  # kept even if the branch is rewritten
                    if _have(folder, sha):
                        git("update-ref", f"refs/autograder/seen/{sha}", sha, cwd=folder)
        except (GitError, FileExistsError) as error:
            seen["error"] = str(error)
        with lock:
            record["students"][student.key] = seen
        if on_seen is not None:
            on_seen(student.key, seen)

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(one, list(students)))
    path = submissions / SNAPSHOTS
    try:
        records = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    except ValueError:
        raise ManifestError(f"cannot read {path}; move it away to start a new one") from None
    records.append(record)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return record


def snapshot_sightings(submissions: Path, student: Student, branch: str | None) -> list[Sighting]:
    """The student's tips in every snapshot of `submissions/snapshots.json`."""
    path = Path(submissions) / SNAPSHOTS
    if not path.is_file():
        return []
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise ManifestError(f"cannot read {path}; move it away") from None
    found = []
    for record in records:
        seen = (record.get("students") or {}).get(student.key) or {}
        heads = seen.get("heads") or {}
        wanted = branch or record.get("branch") or _default_branch(heads)
        if seen.get("time") and wanted in heads:
            found.append(Sighting(parse_datetime(seen["time"]), heads[wanted],
                                  f"snapshot of {seen['time']}"))
    return found


def _default_branch(heads: dict) -> str:
    for name in ("main", "master"):
        if name in heads:
            return name
    return next(iter(heads)) if len(heads) == 1 else ""


def collect(students: Iterable[Student], submissions: Path, deadline: datetime,
            policy: LatePolicy = LatePolicy(), branch: str | None = None, jobs: int = 8,
            on_collected: Callable[[Collected], None] | None = None,
            now: Callable[[], datetime] | None = None,
            push_times: PushTimes | None = None) -> list[Collected]:
    """Clone or update each student's repository and check out their last commit in time."""
    submissions = Path(submissions)
    submissions.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.load(submissions)
    manifest.deadline = iso(deadline)
    lock = threading.Lock()

    def one(student: Student) -> Collected:
        entry = collect_one(student, submissions, student.deadline_for(deadline), policy, branch,
                            now=now, push_times=push_times)
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
                policy: LatePolicy = LatePolicy(), branch: str | None = None,
                now: Callable[[], datetime] | None = None,
                push_times: PushTimes | None = None) -> Collected:
    clock = now or (lambda: datetime.now(timezone.utc))
    folder = submissions / student.folder
    entry = Collected(student=student.key, status=ERROR, folder=student.folder,
                      repository=student.repository, deadline=iso(deadline),
                      collected_at=iso(clock().astimezone(timezone.utc)),
                      identity=student.identity)
    try:
        _clone_or_fetch(student.repository, folder)
        fetched_at = clock().astimezone(timezone.utc)
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
        sightings = [*snapshot_sightings(submissions, student, branch),
                     *(push_times(student) if push_times else []),
                     Sighting(fetched_at, tip, "this collection")]
        sightings = [s for s in sightings if _have(folder, s.commit)]
        cutoff = policy.cutoff(deadline)
        in_time = [s for s in sightings if cutoff is None or s.time <= cutoff]
        if not in_time:
            entry.status = NOTHING_BEFORE
            entry.later_commits = int(git("rev-list", "--count", tip, cwd=folder).strip())
            entry.message = ("no push was seen before the deadline: the branch was first "
                             f"seen on {iso(min(s.time for s in sightings))}; take a "
                             "snapshot at the deadline (autograder classroom snapshot) or "
                             "collect with GitHub's push times (--push-times)")
            return entry
        chosen = max(in_time, key=lambda s: s.time)
        first = min((s for s in sightings if s.commit == chosen.commit), key=lambda s: s.time)
        sha = chosen.commit
        git("checkout", "--quiet", "--force", "--detach", sha, cwd=folder)
        git("clean", "-ffdxq", cwd=folder)
        entry.commit = sha
        entry.commit_time = iso(first.time.astimezone(timezone.utc))
        entry.time_source = first.source
        entry.committer_date = git("show", "-s", "--format=%cI", sha, cwd=folder).strip()
        entry.later_commits = int(git("rev-list", "--count", f"{sha}..{tip}",
                                      cwd=folder).strip())
        entry.status = COLLECTED
        notes = ([f"{entry.later_commits} later commit(s) not collected"]
                 if entry.later_commits else [])
        if first.time > deadline:
            notes.append("submitted late")
            if parse_datetime(entry.committer_date) <= deadline:
                notes.append(f"its commit date ({entry.committer_date}) is before the "
                             "deadline, but it was pushed after it")
        entry.message = "; ".join(notes)
    except GitError as error:
        entry.message = str(error)
    return entry


def _have(folder: Path, sha: str) -> bool:
    try:
        git("cat-file", "-e", f"{sha}^{{commit}}", cwd=folder)
        return True
    except GitError:
        return False


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
