"""The gradebook: one SQLite file holding the class, their submissions and every test result.

    students      who: identifier, GitHub username and id, name, repository
    submissions   what was collected: status, folder, fingerprint, commit, commit time, deadline
    grades        one row per (student, module): score, max, pass/fail counts, fingerprints of
                  the submission and of the tests it was graded with, when, how long
    tests         one row per test of each grade: score, status, visibility, hint, output
    failures      (student, module) pairs the grader could not grade, with the reason
    similarity    pairs of submissions flagged by `autograder gradebook similarity`
    meta          schema version, shards graded into this file

Each grade is written in one transaction together with its tests, so a run killed at any
moment leaves every grade either complete or absent, and the next run picks up exactly the
absent ones. The journal is SQLite's write-ahead log with full synchronisation.

Late penalties are not stored: they follow from the commit time, the deadline and the late
policy in force when grades are exported (see `late.py`).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from autograder.instructor.identity import FIELDS, Identity
from autograder.instructor.submissions import Submission
from autograder.course import order as module_order
from autograder.results import GradeResult, TestRecord

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, identifier TEXT, github_username TEXT, github_id TEXT,
    name TEXT, repository TEXT);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT PRIMARY KEY, status TEXT NOT NULL, path TEXT, fingerprint TEXT,
    commit_sha TEXT, commit_time TEXT, deadline TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS grades (
    student TEXT NOT NULL, module TEXT NOT NULL, score REAL NOT NULL, max_score REAL NOT NULL,
    passed INTEGER NOT NULL, failed INTEGER NOT NULL, fingerprint TEXT NOT NULL,
    tests_fingerprint TEXT NOT NULL, graded_at TEXT NOT NULL, seconds REAL NOT NULL,
    isolation TEXT NOT NULL, notes TEXT NOT NULL, PRIMARY KEY (student, module));
CREATE TABLE IF NOT EXISTS tests (
    student TEXT NOT NULL, module TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
    score REAL NOT NULL, points REAL NOT NULL, status TEXT NOT NULL, visibility TEXT NOT NULL,
    hint TEXT NOT NULL, output TEXT NOT NULL, suite TEXT NOT NULL, functions TEXT NOT NULL,
    seconds REAL NOT NULL, PRIMARY KEY (student, module, position));
CREATE TABLE IF NOT EXISTS failures (
    student TEXT NOT NULL, module TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (student, module));
CREATE TABLE IF NOT EXISTS similarity (
    a TEXT NOT NULL, b TEXT NOT NULL, score REAL NOT NULL, shared INTEGER NOT NULL,
    detail TEXT NOT NULL, PRIMARY KEY (a, b));
"""


class GradebookError(Exception):
    """The gradebook file cannot be used (missing, not a gradebook, a newer schema)."""


@dataclass
class StudentInfo:
    """A row of the `students` table: student, the identity's columns, repository."""
    student: str
    identity: Identity = Identity()
    repository: str = ""

    def row(self) -> tuple[str, ...]:
        return (self.student, *self.identity.row(), self.repository)

    @classmethod
    def from_row(cls, row: tuple) -> "StudentInfo":
        return cls(row[0], Identity.from_row(row[1:-1]), row[-1] or "")


@dataclass
class ModuleGrade:
    student: str
    module: str
    score: float
    max_score: float
    passed: int
    failed: int
    fingerprint: str
    tests_fingerprint: str
    graded_at: str
    seconds: float
    isolation: str = "{}"
    notes: str = "[]"


@dataclass
class SimilarPair:
    a: str
    b: str
    score: float
    shared: int
    detail: str = "[]"   # JSON: the most alike functions, [[file, function, score], …]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Gradebook:
    """A gradebook file. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise GradebookError(f"no such gradebook: {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            version = self._meta_value("schema_version") if self._has_meta() else None
        except sqlite3.DatabaseError as error:
            raise GradebookError(f"{self.path} is not a gradebook: {error}") from None
        if version is None:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                                (SCHEMA_VERSION,))
        elif version != SCHEMA_VERSION:
            raise GradebookError(f"{self.path} was written by another version of the grader "
                                 f"(schema {version}, this one reads {SCHEMA_VERSION})")

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held by a grading run, so two runs never grade the same gradebook at once (the
        operating system releases it when the process dies, however it dies)."""
        lock = self.path.with_name(self.path.name + ".lock")
        with open(lock, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise GradebookError(f"{self.path} is being graded by {holder}; wait for it "
                                     "to finish, or grade into another gradebook") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                handle.truncate(0)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ meta

    def _has_meta(self) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
                               ).fetchone() is not None

    def _meta_value(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def shards(self) -> set[str]:
        """The shards graded into this gradebook (`all`, or `K/N` each)."""
        return set(json.loads(self._meta_value("shards") or "[]"))

    def add_shards(self, shards: Iterable[str]) -> None:
        merged = sorted(self.shards | set(shards))
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('shards', ?)",
                            (json.dumps(merged),))

    # ------------------------------------------------------------------ writing

    def record_submissions(self, submissions: Iterable[Submission]) -> None:
        """Students and their submissions as found now (replacing what was recorded)."""
        with self.transaction():
            for s in submissions:
                self._put_student(StudentInfo(s.student, s.identity, s.repository))
                self.db.execute(
                    "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (s.student, s.status, s.path, s.fingerprint, s.commit, s.commit_time,
                     s.deadline, s.message))

    def _put_student(self, info: StudentInfo) -> None:
        old = self.db.execute("SELECT * FROM students WHERE student = ?",
                              (info.student,)).fetchone()
        if old is not None:  # keep what is known when the new source says less
            known = StudentInfo.from_row(old)
            info = StudentInfo(info.student, info.identity.filled_from(known.identity),
                               info.repository or known.repository)
        self.db.execute("INSERT OR REPLACE INTO students VALUES (?, ?, ?, ?, ?, ?)",
                        info.row())

    def record_grade(self, student: str, module: str, result: GradeResult, fingerprint: str,
                     tests_fingerprint: str, seconds: float) -> ModuleGrade:
        """Store one module's grade and its tests in a single transaction."""
        tests = [t for t in result.tests if t.module == module]
        grade = ModuleGrade(
            student=student, module=module, score=sum(t.score for t in tests),
            max_score=sum(t.points for t in tests), passed=sum(t.passed for t in tests),
            failed=sum(not t.passed for t in tests), fingerprint=fingerprint,
            tests_fingerprint=tests_fingerprint, graded_at=now(), seconds=round(seconds, 3),
            isolation=json.dumps(result.isolation), notes=json.dumps(result.notes))
        with self.transaction():
            self._put_grade(grade, [asdict(t) for t in tests])
            self.db.execute("DELETE FROM failures WHERE student = ? AND module = ?",
                            (student, module))
        return grade

    def _put_grade(self, grade: ModuleGrade, tests: list[dict]) -> None:
        self.db.execute("DELETE FROM tests WHERE student = ? AND module = ?",
                        (grade.student, grade.module))
        self.db.execute("INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        tuple(asdict(grade).values()))
        self.db.executemany(
            "INSERT INTO tests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(grade.student, grade.module, i, t["name"], t["score"], t["points"], t["status"],
              t["visibility"], t["hint"], t["output"], t["suite"], json.dumps(t["functions"]),
              t["seconds"]) for i, t in enumerate(tests)])

    def record_failure(self, student: str, module: str, message: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)",
                            (student, module, message, now()))

    def record_similarity(self, pairs: Iterable[SimilarPair]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM similarity")
            self.db.executemany("INSERT INTO similarity VALUES (?, ?, ?, ?, ?)",
                                [tuple(asdict(p).values()) for p in pairs])

    # ------------------------------------------------------------------ reading

    def students(self) -> dict[str, StudentInfo]:
        rows = self.db.execute("SELECT * FROM students ORDER BY student")
        return {row[0]: StudentInfo.from_row(row) for row in rows}

    def submissions(self) -> dict[str, Submission]:
        rows = self.db.execute(
            "SELECT s.student, s.status, s.path, s.fingerprint, s.commit_sha, s.commit_time, "
            f"s.deadline, s.message, {', '.join('st.' + f for f in FIELDS)}, st.repository "
            "FROM submissions s LEFT JOIN students st USING (student) ORDER BY s.student")
        return {row[0]: Submission(*[v if v is not None else "" for v in row[:8]],
                                   identity=Identity.from_row(row[8:-1]),
                                   repository=row[-1] or "") for row in rows}

    def grades(self, student: str | None = None) -> list[ModuleGrade]:
        where, values = _where(student=student)
        rows = self.db.execute(f"SELECT * FROM grades{where}", values).fetchall()
        return sorted((ModuleGrade(*row) for row in rows),
                      key=lambda g: (g.student, module_order(g.module)))

    def graded(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(student, module) -> (submission fingerprint, tests fingerprint) of each grade."""
        rows = self.db.execute("SELECT student, module, fingerprint, tests_fingerprint "
                               "FROM grades")
        return {(s, m): (f, t) for s, m, f, t in rows}

    def tests(self, student: str | None = None, module: str | None = None) -> list[TestRecord]:
        return [record for _, record in self.test_rows(student, module)]

    def test_rows(self, student: str | None = None,
                  module: str | None = None) -> list[tuple[str, TestRecord]]:
        """(student, record) for every stored test, in grading order."""
        where, values = _where(student=student, module=module)
        rows = self.db.execute(
            f"SELECT student, module, position, name, score, points, status, visibility, hint, "
            f"output, suite, functions, seconds FROM tests{where}", values).fetchall()
        rows.sort(key=lambda r: (r[0], module_order(r[1]), r[2]))
        return [(r[0], TestRecord(name=r[3], module=r[1], points=r[5], score=r[4], status=r[6],
                                  visibility=r[7], hint=r[8], output=r[9], suite=r[10],
                                  functions=json.loads(r[11]), seconds=r[12])) for r in rows]

    def result(self, student: str) -> GradeResult:
        """A student's grade across modules, as `autograder.runner.grade` would return it."""
        grades = self.grades(student)
        submission = self.submissions().get(student)
        notes: list[str] = []
        for grade in grades:
            notes += [n for n in json.loads(grade.notes) if n not in notes]
        return GradeResult(tests=self.tests(student), notes=notes,
                           execution_time=round(sum(g.seconds for g in grades), 3),
                           isolation=json.loads(grades[0].isolation) if grades else {},
                           submission=submission.path if submission else "")

    def failures(self) -> list[tuple[str, str, str, str]]:
        """(student, module, message, when) of each grade that could not be made."""
        return self.db.execute("SELECT * FROM failures ORDER BY student, module").fetchall()

    def similar_pairs(self) -> list[SimilarPair]:
        rows = self.db.execute("SELECT * FROM similarity ORDER BY score DESC, a, b")
        return [SimilarPair(*row) for row in rows]

    def modules(self) -> list[str]:
        found = {row[0] for row in self.db.execute("SELECT DISTINCT module FROM grades")}
        return sorted(found, key=module_order)


def _where(**conditions: str | None) -> tuple[str, tuple]:
    given = {k: v for k, v in conditions.items() if v is not None}
    if not given:
        return "", ()
    return " WHERE " + " AND ".join(f"{k} = ?" for k in given), tuple(given.values())
