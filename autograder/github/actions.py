"""The few GitHub Actions interfaces the grading workflow uses, without any Actions library.

- workflow commands printed on stdout (`::error file=…,line=…,title=…::message`), with the
  escaping the runner expects;
- `$GITHUB_STEP_SUMMARY` (Markdown appended to the job's summary page);
- `$GITHUB_OUTPUT` (step outputs, written as `name<<DELIMITER` blocks so any value is safe).

Outside Actions (the variables unset) the summary goes to stdout and outputs are skipped, so
every command also works in a terminal.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# GitHub shows at most 10 error annotations per step and 50 per job.
MAX_ERROR_ANNOTATIONS = 10
SUMMARY_LIMIT = 1024 * 1024  # bytes of job summary per step


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line, e.g. command("error", "msg", file="a.py", line=3)."""
    props = ",".join(f"{key}={_escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{_escape_data(message)}"


def append_summary(markdown: str, env: dict | None = None) -> Path | None:
    """Append to the job summary; print instead when not in Actions. Returns the file used."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    data = markdown.encode("utf-8")
    if len(data) > SUMMARY_LIMIT:
        cut = data[: SUMMARY_LIMIT - 200].decode("utf-8", errors="ignore")
        markdown = cut + "\n\n… (the summary was cut at GitHub's 1 MiB limit: see results.json)\n"
    if not target:
        sys.stdout.write(markdown)
        return None
    with open(target, "a", encoding="utf-8") as f:
        f.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return Path(target)


def set_outputs(values: dict[str, str], env: dict | None = None) -> Path | None:
    """Write step outputs to `$GITHUB_OUTPUT` (nothing when not in Actions)."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as f:
        for name, value in values.items():
            delimiter = f"EOF_{secrets.token_hex(8)}"
            f.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return Path(target)


def workspace(env: dict | None = None) -> Path:
    """The repository root: `$GITHUB_WORKSPACE` in Actions, else the current folder."""
    env = os.environ if env is None else env
    return Path(env.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()


def run_url(env: dict | None = None) -> str:
    """A link to this workflow run, or "" outside Actions."""
    env = os.environ if env is None else env
    server, repo, run = (env.get("GITHUB_SERVER_URL", "https://github.com"),
                         env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if repo and run else ""


def blob_url(path: str, line: int | None = None, env: dict | None = None) -> str:
    """A link to a file of the graded commit, or "" outside Actions."""
    env = os.environ if env is None else env
    server, repo, sha = (env.get("GITHUB_SERVER_URL", "https://github.com"),
                         env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA"))
    if not (repo and sha):
        return ""
    return f"{server}/{repo}/blob/{sha}/{path}" + (f"#L{line}" if line else "")
