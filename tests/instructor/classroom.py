"""A fake class for the instructor tools: bare git repositories as the students' remotes,
pushes with chosen commit dates, a roster, and toy-course submissions of known scores."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from autograder.release import strip_solutions
from tests.engine.toy_course import REFERENCE
from tests.helpers import REPO_ROOT

# Toy-course sources and the scores they earn (public 10 + hidden 30 + 30 + 30).
GOOD = textwrap.dedent(REFERENCE)
STUB = strip_solutions(GOOD)
WRONG_SQUARE = GOOD.replace("return x * x", "return x + x")          # 70
WRONG_ADD = GOOD.replace("return a + b", "return a - b")             # 60
SLOW = GOOD.replace("return x * x", "import time; time.sleep(0.5); return x * x")  # 100, slowly
TOY_FILE = "exercises/m1_tokenization/toy.py"


def git(*args: str, cwd: Path | None = None, when: datetime | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="Student", GIT_AUTHOR_EMAIL="student@example.org",
               GIT_COMMITTER_NAME="Student", GIT_COMMITTER_EMAIL="student@example.org")
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c",
                           "commit.gpgsign=false", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


class Classroom:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.remotes = self.root / "remotes"
        self.work = self.root / "work"

    def remote(self, name: str) -> Path:
        path = self.remotes / f"{name}.git"
        if not path.exists():
            git("init", "--quiet", "--bare", "-b", "main", str(path))
        return path

    def push(self, name: str, source: str, when: datetime, path: str = TOY_FILE) -> str:
        """Commit `source` as the student's toy.py at `when` and push it; returns the sha."""
        clone = self.work / name
        if not clone.exists():
            git("clone", "--quiet", str(self.remote(name)), str(clone))
        target = clone / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
        git("add", "--all", cwd=clone)
        git("commit", "--quiet", "-m", f"work of {when:%Y-%m-%d %H:%M}", cwd=clone, when=when)
        git("push", "--quiet", "origin", "HEAD:main", cwd=clone)
        return git("rev-parse", "HEAD", cwd=clone).strip()

    def roster(self, rows: list[str], header: str = "identifier,github_username,github_id,name"
               ) -> Path:
        path = self.root / "roster.csv"
        path.write_text("\n".join([header, *rows]) + "\n")
        return path


def toy_template(root: Path) -> Path:
    """A starter-code folder like the student template: exercises/ with the toy stubs."""
    module = root / "exercises" / "m1_tokenization"
    module.mkdir(parents=True)
    (module / "__init__.py").write_text("")
    (module / "toy.py").write_text(STUB)
    (root / "README.md").write_text("# Toy assignment\n")
    return root


def submission_folder(root: Path, source: str | None) -> Path:
    """A plain submission folder holding the toy module (None: an empty folder)."""
    root.mkdir(parents=True)
    if source is not None:
        module = root / "m1_tokenization"
        module.mkdir()
        (module / "__init__.py").write_text("")
        (module / "toy.py").write_text(source)
    return root


def autograder(*args: str, cwd: Path, check: bool = False, timeout: float = 300
               ) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, done.stderr + done.stdout
    return done


def config(root: Path, course: dict[str, Path], **settings: str) -> Path:
    """autograder.toml for the toy course (its module only), plus `settings`."""
    lines = ['modules = ["m1_tokenization"]', f'solutions = "{course["solutions"]}"',
             f'suites = "{course["suites"]}"']
    late = settings.pop("late", None)
    lines += [f'{key} = "{value}"' for key, value in settings.items()]
    if late:
        lines += ["[late]", late]
    path = root / "autograder.toml"
    path.write_text("\n".join(lines) + "\n")
    return path
