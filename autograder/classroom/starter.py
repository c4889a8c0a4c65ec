"""Starter-code updates for repositories that already hold student work, as pull requests.

The new template's course-owned files (the workflow, pyproject.toml, scripts/setup.sh, the
grader, the public tests and data: `autograder.github.protected.is_owned`) and any exercise
file the student does not have yet are committed on a branch `starter-update-LABEL` made from
the student's default branch, pushed, and offered as a pull request. The student's own
exercise files are never touched, so the pull request never conflicts with their work; a
repository already up to date gets nothing. Git is given the token as a one-off header,
never stored.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from pathlib import Path

from autograder.classroom.api import ApiError, GitHub
from autograder.github.protected import is_owned
from autograder.instructor.git import IDENTITY, git

UP_TO_DATE, OFFERED, ALREADY_OFFERED = "up to date", "pull request opened", "already offered"


def _auth(url: str, token: str) -> list[str]:
    if not token or not url.startswith("https://"):
        return []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return ["-c", f"http.extraHeader=Authorization: Basic {basic}"]


def offer_update(api: GitHub, repository: str, url: str, template: Path, label: str,
                 token: str = "", base: str = "main") -> str:
    """Push the update branch and open its pull request; returns what happened."""
    branch = f"starter-update-{label}"
    auth = _auth(url, token)
    with tempfile.TemporaryDirectory(prefix="autograder-starter-") as tmp:
        clone = Path(tmp) / "repo"
        git(*auth, "clone", "--quiet", "--branch", base, url, str(clone))
        changed = []
        for source in sorted(Path(template).rglob("*")):
            rel = source.relative_to(template).as_posix()
            if not source.is_file() or rel.startswith(".git/") or "__pycache__" in rel:
                continue
            target = clone / rel
            if not is_owned(rel) and target.exists():
                continue  # the student's own work
            if target.is_file() and target.read_bytes() == source.read_bytes():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            changed.append(rel)
        if not changed:
            return UP_TO_DATE
        git("checkout", "--quiet", "-b", branch, cwd=clone)
        git("add", "--", *changed, cwd=clone)
        git("-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m",
            f"Starter code update {label}", cwd=clone, env=IDENTITY)
        if not api.dry_run:
            git(*auth, "push", "--quiet", "--force", "origin", f"HEAD:refs/heads/{branch}",
                cwd=clone)
    body = (f"The course updated the starter code ({len(changed)} file(s)). Only files that "
            "belong to the course and new exercise files are in this pull request; your own "
            "work is untouched. Merge it to get the update.\n\n"
            + "\n".join(f"- `{rel}`" for rel in changed[:50]))
    try:
        api.post(f"/repos/{repository}/pulls", {"title": f"Starter code update {label}",
                                                "head": branch, "base": base, "body": body})
    except ApiError as error:
        if error.status == 422 and error.says("already exists"):
            return ALREADY_OFFERED
        raise
    return OFFERED
