"""Files the student template owns, and which of them a repository changed.

Students edit the exercise files under `exercises/<module>/`. Everything else the template
ships (the workflow, pyproject.toml, scripts/setup.sh, the grader in autograder/, the public
tests and data under `exercises/<module>/tests|data/`, `exercises/conftest.py`) belongs to the
course: the release records a SHA-256 of each in the template's manifest, and every graded push
reports, in the summary, the ones that differ, are missing or were added beside them (another
workflow, an extra test file). Grading is not changed by this report: it is there so the
student (and the instructor reading the run) knows the run may not be what the course intended.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".github/autograder/template.json"  # in the template, relative to its root
BUNDLE_MANIFEST = "template-manifest.json"      # in a hidden-tests bundle

_OWNED_FILES = {"pyproject.toml", "scripts/setup.sh", ".github/workflows/classroom.yml",
                "exercises/conftest.py"}
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}


def is_owned(relative: str) -> bool:
    """Is this template path the course's rather than the student's?"""
    parts = relative.split("/")
    if relative in _OWNED_FILES or parts[0] == "autograder":
        return True
    return parts[0] == "exercises" and len(parts) >= 4 and parts[2] in ("tests", "data")


def _watched_for_additions(relative: str) -> bool:
    parts = relative.split("/")
    return (relative.startswith(".github/workflows/") or parts[0] == "autograder"
            or (parts[0] == "exercises" and len(parts) >= 4 and parts[2] == "tests"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def owned_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every template-owned file under `root` (a released template)."""
    return {rel: sha256(root / rel) for rel in _files(root) if is_owned(rel)}


def _files(root: Path) -> list[str]:
    out = []
    for path in sorted(Path(root).rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".git" or _IGNORED_PARTS & set(rel.parts) or path.suffix == ".pyc":
            continue
        if path.is_file() or path.is_symlink():
            out.append(rel.as_posix())
    return out


@dataclass
class Changes:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    source: str = ""  # which manifest the repository was compared with

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.added)

    def as_dict(self) -> dict:
        return {"changed": self.changed, "missing": self.missing, "added": self.added,
                "source": self.source}


def load_manifest(path: Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("owned"), dict) else None


def compare(root: Path, manifest: dict, source: str = "") -> Changes:
    """How the repository at `root` differs from the template-owned files of `manifest`."""
    root = Path(root)
    expected: dict[str, str] = manifest["owned"]
    changes = Changes(source=source)
    for rel, digest in sorted(expected.items()):
        path = root / rel
        if path.is_symlink() or not path.is_file():
            (changes.changed if path.is_symlink() else changes.missing).append(rel)
        elif sha256(path) != digest:
            changes.changed.append(rel)
    watched = [root / ".github" / "workflows", root / "autograder",
               *(root / "exercises").glob("*/tests")]
    candidates = sorted({f"{folder.relative_to(root).as_posix()}/{rel}"
                         for folder in watched if folder.is_dir() and not folder.is_symlink()
                         for rel in _files(folder)})
    changes.added = [rel for rel in candidates
                     if rel not in expected and _watched_for_additions(rel)]
    return changes
