"""Fingerprints of what a figure is made from, so a stale figure is found without redrawing it.

A figure is stale when the *code or data* it is drawn from changed, not when a comment or a
docstring did (the lessons' back-links live in docstrings). So a Python file is fingerprinted
by its tokens without comments and docstrings; any other file by its bytes. The tokens are
Python's own tokenizer's, which are the same on every Python version the course supports.
"""

from __future__ import annotations

import ast
import hashlib
import io
import tokenize
from pathlib import Path
from typing import Iterable


def python_code(source: str) -> str:
    """The code of a Python source: its tokens, less comments, docstrings and layout."""
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    kept = []
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skip:
            continue
        if tok.type == tokenize.STRING and tok.start[0] in docstring_lines:
            continue
        kept.append(f"{tok.type}:{tok.string}")
    return "\n".join(kept)


def file_digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".py":
        data = python_code(data.decode("utf-8")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def fingerprint(root: Path, paths: Iterable[str], extra: str = "") -> str:
    """One digest of the files (repository-relative paths, globs allowed) and a text.

    A missing input is part of the fingerprint too, so deleting a file makes figures stale.
    """
    digest = hashlib.sha256(extra.encode("utf-8"))
    for pattern in paths:
        matches = sorted(p for p in root.glob(pattern) if p.is_file()) if any(
            c in pattern for c in "*?[") else [root / pattern]
        for path in matches:
            rel = path.relative_to(root).as_posix()
            digest.update(rel.encode("utf-8"))
            digest.update((file_digest(path) if path.exists() else "missing").encode("ascii"))
    return digest.hexdigest()


def output_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
