"""The class roster: who the students are and where their repositories live.

A roster is a CSV file with the columns GitHub Classroom exported — `identifier`,
`github_username`, `github_id`, `name` — plus, optionally, a `repository` column (a git URL, a
path, or `owner/name` on GitHub) and per-student `extension` (`2d`, `36h`) or `deadline` (an
absolute personal deadline). Without a repository column, a pattern such as
`{org}/{assignment}-{github_username}` names each student's repository.

A malformed row is reported once, naming its line, and left out; every other row still works:

    roster = load_roster("roster.csv", pattern="{org}/{assignment}-{github_username}",
                         fields={"org": "llm-2026", "assignment": "tokenization"})
    for problem in roster.problems:
        print(problem)            # roster.csv, line 7 (carol): no github_username, …
    for student in roster.students: …
"""

from __future__ import annotations

import csv
import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from autograder.instructor.dates import parse_datetime, parse_duration
from autograder.instructor.identity import Identity

# Accepted spellings of each column (lower case, spaces as underscores). GitHub Classroom's
# grade export calls the identifier `roster_identifier` and the URL `student_repository_url`.
COLUMNS = {
    "identifier": ("identifier", "roster_identifier", "student_id", "id"),
    "github_username": ("github_username", "github", "username", "login"),
    "github_id": ("github_id",),
    "name": ("name", "full_name", "student_name"),
    "repository": ("repository", "repository_url", "student_repository_url", "repo", "url"),
    "extension": ("extension",),
    "deadline": ("deadline",),
}
_GITHUB_SHORTHAND = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+")
_SCP_LIKE = re.compile(r"[\w.-]+@[\w.-]+:.+")
DEFAULT_HOST = "https://github.com"


class RosterError(Exception):
    """The roster as a whole cannot be read (a missing file, no usable header)."""


@dataclass(frozen=True)
class Student:
    key: str                  # the roster identifier, or the GitHub username without one
    repository: str           # a git URL or a local path
    identity: Identity = Identity()
    extension_seconds: float = 0.0
    deadline: datetime | None = None  # a personal deadline replacing the course's
    line: int = 0

    @property
    def folder(self) -> str:
        """A file-system-safe folder name for the student's submission."""
        return folder_name(self.key)

    def deadline_for(self, course_deadline: datetime) -> datetime:
        """The student's deadline: their own or the course's, plus their extension."""
        return (self.deadline or course_deadline) + timedelta(seconds=self.extension_seconds)


@dataclass(frozen=True)
class RosterProblem:
    source: str
    line: int
    who: str
    message: str

    def __str__(self) -> str:
        who = f" ({self.who})" if self.who else ""
        return f"{self.source}, line {self.line}{who}: {self.message}; row skipped"


@dataclass
class Roster:
    students: list[Student] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)

    def by_key(self) -> dict[str, Student]:
        return {s.key: s for s in self.students}


def folder_name(key: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", key).strip(".") or "_"
    return safe[:120]


def repository_location(value: str, base: Path | None = None,
                        host: str = DEFAULT_HOST) -> str:
    """A git remote from what a roster says: URLs and absolute paths as they are,
    `owner/name` on `host` (GitHub by default), other relative paths against `base`."""
    value = value.strip()
    if "://" in value or _SCP_LIKE.fullmatch(value):
        return value
    if value.startswith(("/", "~")):
        return str(Path(value).expanduser())
    if value.startswith("github.com/"):
        return f"https://{value.removesuffix('.git')}.git"
    if _GITHUB_SHORTHAND.fullmatch(value) and not value.endswith(".git"):
        return f"{host.rstrip('/')}/{value}.git"
    return str(((base or Path.cwd()) / value).resolve())


def load_roster(path: str | Path, pattern: str | None = None,
                fields: dict[str, str] | None = None, host: str = DEFAULT_HOST,
                need_repository: bool = True) -> Roster:
    """Read a roster; malformed rows become `problems`, the rest `students`.

    `need_repository=False` reads a roster only for who is in the class (grading needs no
    repository URLs), so rows without one are kept."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"no such roster file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    rows = list(csv.reader(text.splitlines()))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise RosterError(f"the roster {path} is empty")
    header = [_column(cell) for cell in rows[0]]
    columns = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in header:
                columns[name] = header.index(alias)
                break
    if "identifier" not in columns and "github_username" not in columns:
        raise RosterError(f"the roster {path} has no `identifier` or `github_username` column "
                          f"(its header is: {', '.join(rows[0])})")
    if "repository" not in columns and not pattern and need_repository:
        raise RosterError(f"the roster {path} has no `repository` column: give a repository "
                          "pattern such as {org}/{assignment}-{github_username}")
    if pattern:
        row_fields = set(COLUMNS) | {"key"}
        for name in _placeholders(pattern):
            if name not in row_fields and not (fields or {}).get(name):
                raise RosterError(f"the repository pattern {pattern!r} needs a value for "
                                  f"{{{name}}} (for example --{name.replace('_', '-')})")
    roster = Roster()
    seen: dict[str, int] = {}
    folders: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: row[i].strip() if i < len(row) else "" for name, i in columns.items()}
        who = values.get("identifier") or values.get("github_username") or values.get("name", "")

        def problem(message: str) -> None:
            roster.problems.append(RosterProblem(path.name, line, who, message))

        if len(row) != len(header):
            problem(f"it has {len(row)} fields where the header has {len(header)} "
                    "(a stray comma or a missing quote?)")
            continue
        try:
            student = _student(values, line, pattern, fields or {}, path.parent, host,
                               need_repository)
        except ValueError as error:
            problem(str(error))
            continue
        if student.key in seen:
            problem(f"the same student as line {seen[student.key]}")
            continue
        if student.folder in folders:
            problem(f"its folder name {student.folder!r} is the same as line "
                    f"{folders[student.folder]}'s")
            continue
        seen[student.key] = folders[student.folder] = line
        roster.students.append(student)
    return roster


def _column(cell: str) -> str:
    return re.sub(r"\s+", "_", cell.strip().lower())


def _student(values: dict[str, str], line: int, pattern: str | None, fields: dict[str, str],
             base: Path, host: str, need_repository: bool = True) -> Student:
    identity = Identity.from_dict(values)
    key = identity.key
    if not key:
        raise ValueError("no identifier and no github_username")
    repository = values.get("repository", "")
    if not repository and need_repository:
        if not pattern:
            raise ValueError("no repository, and no repository pattern to make one")
        repository = _expand(pattern, {**fields, **values, "key": key})
    try:
        extension = parse_duration(values.get("extension", ""))
    except ValueError as error:
        raise ValueError(f"extension {error}") from None
    if extension < 0:
        raise ValueError("the extension is negative")
    deadline = None
    if values.get("deadline"):
        try:
            deadline = parse_datetime(values["deadline"])
        except ValueError as error:
            raise ValueError(f"deadline {error}") from None
    return Student(key=key,
                   repository=repository_location(repository, base, host) if repository else "",
                   identity=identity, extension_seconds=extension, deadline=deadline, line=line)


def _placeholders(pattern: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]
    except ValueError as error:
        raise RosterError(f"the repository pattern {pattern!r} is malformed: {error}") from None


def _expand(pattern: str, values: dict[str, str]) -> str:
    needed = _placeholders(pattern)
    for name in needed:
        if not values.get(name):
            hint = (" (has the student accepted the assignment?)"
                    if name == "github_username" else "")
            raise ValueError(f"the repository pattern needs {{{name}}}, which this row "
                             f"lacks{hint}")
    return pattern.format(**{name: values[name] for name in needed})
