"""An assignment's settings: `autograder.toml` in the folder you work in, overridden by flags.

    # autograder.toml
    roster = "roster.csv"
    repository = "{org}/{assignment}-{github_username}"
    org = "llm-course-2026"
    assignment = "tokenization"
    deadline = "2026-10-15T23:59+02:00"
    modules = ["m1_tokenization"]
    template = "template"             # what `distribute` pushes
    template_repository = "llm-course-2026/tokenization-template"   # `classroom provision`
    api_url = "https://api.github.com"  # default; GitHub Enterprise Server: https://HOST/api/v3
    submissions = "submissions"       # where `collect` clones (default)
    gradebook = "gradebook.db"        # default
    # solutions = "…"; suites = "…"   # hidden tests kept outside this repository

    [late]
    penalty_per_day = 10
    max_penalty = 50

Paths in the file are relative to the file; paths given as flags are relative to the current
folder. Every command reads the same file, so `autograder collect`, `autograder grade-all`
and `autograder report` need no flags once it is written.
"""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.instructor.dates import parse_datetime
from autograder.instructor.late import LatePolicy
from autograder.instructor.roster import DEFAULT_HOST
from autograder.course import module_ids, unknown_module

CONFIG_NAME = "autograder.toml"
_KEYS = {"roster", "repository", "org", "assignment", "host", "deadline", "branch",
         "submissions", "gradebook", "template", "modules", "select", "solutions", "suites",
         "late", "template_repository", "api_url"}
_PATHS = ("roster", "submissions", "gradebook", "template", "solutions", "suites")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which setting and why."""


@dataclass
class Settings:
    base: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    roster: Path | None = None
    repository: str | None = None
    org: str | None = None
    assignment: str | None = None
    host: str = DEFAULT_HOST
    deadline: datetime | None = None
    branch: str | None = None
    submissions: Path = Path("submissions")
    gradebook: Path = Path("gradebook.db")
    template: Path | None = None
    modules: list[str] = field(default_factory=lambda: list(module_ids()))
    select: list[str] | None = None
    solutions: Path | None = None
    suites: Path | None = None
    late: LatePolicy = field(default_factory=LatePolicy)
    template_repository: str | None = None
    api_url: str = "https://api.github.com"

    @property
    def pattern_fields(self) -> dict[str, str]:
        return {k: v for k, v in (("org", self.org), ("assignment", self.assignment)) if v}

    def course(self) -> dict[str, Path]:
        """The `solutions=`/`suites=` arguments of `autograder.runner.grade`."""
        from autograder.course import SOLUTIONS, SUITES

        return {"solutions": self.solutions or SOLUTIONS, "suites": self.suites or SUITES}


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None,
                        help=f"the assignment's settings (default: ./{CONFIG_NAME} if present)")


def load_settings(args: argparse.Namespace | None = None) -> Settings:
    """Settings from the config file, then from the flags present in `args`."""
    given = vars(args) if args is not None else {}
    path = given.get("config")
    if path is None and Path(CONFIG_NAME).is_file():
        path = Path(CONFIG_NAME)
    table: dict = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"no such configuration file: {path}") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read {path}: {error}") from None
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise ConfigError(f"{path}: unknown setting {unknown[0]!r}; known settings: "
                              f"{', '.join(sorted(_KEYS))}")
        base = path.resolve().parent
    settings = Settings(base=base, config_file=path)
    for key, value in table.items():
        if key == "late":
            continue
        if key in _PATHS:
            value = base / Path(value).expanduser()
        elif key in ("modules", "select") and isinstance(value, str):
            value = [value]
        setattr(settings, key, value)
    if table:  # the default folders sit beside the configuration file
        settings.submissions = base / settings.submissions
        settings.gradebook = base / settings.gradebook
    for key in _KEYS - {"late"}:
        value = given.get(key)
        if value is not None and value != []:
            setattr(settings, key, Path(value).expanduser() if key in _PATHS else value)
    try:
        settings.late = LatePolicy.from_config(table.get("late"))
        if isinstance(settings.deadline, str):
            settings.deadline = parse_datetime(settings.deadline)
        elif isinstance(settings.deadline, datetime):
            settings.deadline = parse_datetime(settings.deadline)
    except ValueError as error:
        raise ConfigError(f"{path or 'settings'}: {error}") from None
    unknown = unknown_module(settings.modules)
    if unknown:
        raise ConfigError(unknown)
    return settings
