"""Shared helpers for the repository's tests of the tests."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"
EXERCISES = REPO_ROOT / "exercises"


def replaced_file(wrong_file: Path) -> str:
    """The reference file a wrong implementation replaces (its `REPLACES = "..."`)."""
    tree = ast.parse(Path(wrong_file).read_text(encoding="utf-8"))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "REPLACES"):
            return ast.literal_eval(node.value)
    raise ValueError(f"{wrong_file} does not say which file it REPLACES")


def submission_with(tmp_path: Path, module: str, wrong_file: Path | None = None,
                    source: Path = SOLUTIONS) -> Path:
    """A submission folder: the reference `module` with one file replaced by `wrong_file`."""
    root = Path(tmp_path) / (Path(wrong_file).stem if wrong_file else "reference")
    shutil.copytree(source / module, root / module,
                    ignore=shutil.ignore_patterns("__pycache__", "tests"))
    if wrong_file is not None:
        shutil.copyfile(wrong_file, root / module / replaced_file(wrong_file))
    return root


def stub_submission(tmp_path: Path, module: str) -> Path:
    """A submission folder holding the generated stubs of `module`."""
    return submission_with(Path(tmp_path) / "stubs", module, source=EXERCISES)


def wrong_implementations(module: str) -> list[Path]:
    return sorted((REPO_ROOT / "tests" / module / "wrong").glob("*.py"))
