"""The few git operations the instructor tools need, run as subprocesses that never prompt.

Every call has a timeout and raises `GitError` with git's own last words, so a missing or
unreachable repository becomes one line in a report instead of a hung or crashed run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TIMEOUT = 300.0
# Used for commits the tools make themselves (the template commit of `distribute`).
IDENTITY = {"GIT_AUTHOR_NAME": "Course staff", "GIT_AUTHOR_EMAIL": "staff@course.invalid",
            "GIT_COMMITTER_NAME": "Course staff", "GIT_COMMITTER_EMAIL": "staff@course.invalid"}


class GitError(Exception):
    """A git command failed; the message is git's explanation in one line."""


def _environment(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # fail instead of asking for a password
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=30")
    env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = TIMEOUT) -> str:
    """Run `git ARGS` and return its standard output; raise GitError when it fails."""
    command = ["git", "-c", "advice.detachedHead=false", "-c", "init.defaultBranch=main", *args]
    try:
        done = subprocess.run(command, cwd=cwd, env=_environment(env), capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} gave no answer within {timeout:g} s") from None
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        raise GitError(_last_words(done.stderr or done.stdout) or f"git {args[0]} failed")
    return done.stdout


def _last_words(text: str) -> str:
    """git's most telling line: the first `fatal:`/`error:` line, else the last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else ""


def remote_heads(url: str) -> dict[str, str]:
    """Branch name -> commit of a remote repository (empty for a repository with no commits)."""
    heads = {}
    for line in git("ls-remote", "--heads", url).splitlines():
        sha, _, ref = line.partition("\t")
        heads[ref.removeprefix("refs/heads/")] = sha
    return heads
