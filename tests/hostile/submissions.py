"""Building a hostile submission: Module 1's reference or its stubs, plus one small change.

A case says what it starts from (`reference`, `stubs` or `empty`) and lists its changes:

    Before("bpe.py", "merge_pair", "os.kill(os.getppid(), 9)")   # run first, then the original body
    Body("bpe.py", "merge_pair", "while True: pass")            # replace the body (docstring kept)
    AtImport("bpe.py", "import sys; sys.exit(0)")               # appended: runs at import
    Write("sitecustomize.py", "...")                            # any file, relative to the root
    Symlink("m1_tokenization/bpe.py", "/somewhere")             # replace a path by a link
    MakeDirectory("m1_tokenization/bpe.py")                     # replace a file by a folder
    Remove("m1_tokenization")

Code may use placeholders that the test run fills in: @REPO@ (this repository), @PORT@ (a
server the test starts on 127.0.0.1), @CANARY@ (a folder only the trusted process can write;
hostile methods try to write there, so a file appearing in it proves student code ran in the
trusted process) and @TARGET@ (a path where the grader writes a report).
"""

from __future__ import annotations

import ast
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from autograder.release import strip_solutions

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE = "m1_tokenization"
REFERENCE = REPO_ROOT / "solutions" / MODULE


@dataclass(frozen=True)
class Before:
    file: str
    function: str
    code: str


@dataclass(frozen=True)
class Body:
    file: str
    function: str
    code: str


@dataclass(frozen=True)
class AtImport:
    file: str
    code: str


@dataclass(frozen=True)
class Write:
    path: str
    content: str | bytes


@dataclass(frozen=True)
class Symlink:
    path: str
    target: str


@dataclass(frozen=True)
class MakeDirectory:
    path: str


@dataclass(frozen=True)
class Remove:
    path: str


Change = Before | Body | AtImport | Write | Symlink | MakeDirectory | Remove


def build(root: Path, base: str, changes: tuple, values: dict[str, str]) -> Path:
    """Write the submission into `root` and return it."""
    root.mkdir(parents=True)
    if base in ("reference", "stubs"):
        _copy_module(root / MODULE, stubs=base == "stubs")
    for change in changes:
        _apply(root, change, values)
    return root


def _copy_module(target: Path, stubs: bool) -> None:
    shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    if stubs:
        for path in target.glob("*.py"):
            path.write_text(strip_solutions(path.read_text(encoding="utf-8"), str(path)),
                            encoding="utf-8")


def fill(code: str, values: dict[str, str]) -> str:
    """`code` with its placeholders filled in, dedented."""
    for key, value in values.items():
        code = code.replace(f"@{key}@", value)
    return textwrap.dedent(code).strip("\n")


def _apply(root: Path, change, values: dict[str, str]) -> None:
    if isinstance(change, (Before, Body)):
        path = root / MODULE / change.file
        path.write_text(_patch_function(path.read_text(encoding="utf-8"), change,
                                        fill(change.code, values)), encoding="utf-8")
    elif isinstance(change, AtImport):
        path = root / MODULE / change.file
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + fill(change.code, values)
                        + "\n", encoding="utf-8")
    elif isinstance(change, Write):
        path = root / change.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(change.content, bytes):
            path.write_bytes(change.content)
        else:
            path.write_text(fill(change.content, values) + "\n", encoding="utf-8")
    elif isinstance(change, Symlink):
        path = root / change.path
        _remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(fill(change.target, values), path)
    elif isinstance(change, MakeDirectory):
        path = root / change.path
        _remove(path)
        path.mkdir(parents=True)
        (path / "README.txt").write_text("a folder where a file should be\n")
    elif isinstance(change, Remove):
        _remove(root / change.path)
    else:
        raise TypeError(f"unknown change {change!r}")


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _patch_function(source: str, change: Before | Body, code: str) -> str:
    """Insert `code` at the start of a top-level function's body (Before), or make it the
    whole body (Body); the docstring stays either way."""
    tree = ast.parse(source)
    function = next((node for node in tree.body if isinstance(node, ast.FunctionDef)
                     and node.name == change.function), None)
    if function is None:
        raise ValueError(f"{change.file} has no function {change.function}")
    body = function.body
    has_docstring = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                     and isinstance(body[0].value.value, str))
    statements = body[1:] if has_docstring else body
    lines = source.splitlines(keepends=True)
    first = statements[0].lineno - 1 if statements else body[-1].end_lineno
    indent = " " * (statements[0].col_offset if statements else function.col_offset + 4)
    block = textwrap.indent(code, indent) + "\n"
    if isinstance(change, Before):
        return "".join(lines[:first]) + block + "".join(lines[first:])
    last = function.end_lineno
    return "".join(lines[:first]) + block + "".join(lines[last:])
