"""Where in the student's files a failing test points: a file and a line, found with `ast`.

A TestRecord names the student functions its test called, in the order first called
(`m1_tokenization.bpe.merge_pair`, `m1_tokenization.tokenizer.BPETokenizer`, or a bare method
name such as `encode` when the test called a method on an object it made). The failure is
usually in the last one called, so that is where a failing test is annotated:

    functions = ["m1_tokenization.tokenizer.BPETokenizer", "encode"]
        -> exercises/m1_tokenization/tokenizer.py, the line of `def encode` inside BPETokenizer

A class stands for its constructor (`__init__` when the class defines one). When the failure
message already names a line of the student's code ("ValueError: … (in merge_pair,
m1_tokenization/bpe.py:57)" or a SyntaxError's "(m1_tokenization/bpe.py, line 12)"), that
exact line wins. The student's files are only parsed, never imported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.results import TestRecord

_IN_FUNCTION = re.compile(r"\(in (?P<name>[\w<>.]+), (?P<path>[\w./-]+\.py):(?P<line>\d+)\)")
_SYNTAX = re.compile(r"\((?P<path>[\w./-]+\.py), line (?P<line>\d+)\)")


@dataclass(frozen=True)
class Location:
    path: str  # relative to the repository root: exercises/m1_tokenization/bpe.py
    line: int
    name: str  # what is there: merge_pair, BPETokenizer.encode, or the file's name


@dataclass(frozen=True)
class _Definition:
    line: int
    kind: str  # "function" | "class"


class SourceIndex:
    """The definitions in a submission's files, each file parsed once."""

    def __init__(self, submission: Path, repo_root: Path):
        self.submission = Path(submission).resolve()
        self.repo_root = Path(repo_root).resolve()
        self._modules: dict[str, tuple[Path, dict, dict] | None] = {}

    # ------------------------------------------------------------------ files

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.repo_root).as_posix()
        except ValueError:
            return path.as_posix()

    def _file_of(self, module: str) -> Path | None:
        if not all(part.isidentifier() for part in module.split(".")):
            return None
        base = self.submission.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            try:
                resolved = candidate.resolve()
            except OSError:
                continue
            if resolved.is_file() and resolved.is_relative_to(self.submission):
                return resolved
        return None

    def _index(self, module: str) -> tuple[Path, dict, dict] | None:
        """(file, qualified name -> definition, imported name -> source module.name)."""
        if module not in self._modules:
            self._modules[module] = self._parse(module)
        return self._modules[module]

    def _parse(self, module: str) -> tuple[Path, dict, dict] | None:
        path = self._file_of(module)
        if path is None:
            return None
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except (SyntaxError, ValueError, OSError):
            return path, {}, {}
        definitions: dict[str, _Definition] = {}
        imports: dict[str, str] = {}

        def visit(body: list[ast.stmt], prefix: str) -> None:
            for node in body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    definitions.setdefault(prefix + node.name, _Definition(node.lineno, "function"))
                elif isinstance(node, ast.ClassDef):
                    definitions.setdefault(prefix + node.name, _Definition(node.lineno, "class"))
                    visit(node.body, f"{prefix}{node.name}.")
                elif isinstance(node, ast.ImportFrom) and not prefix:
                    source = _absolute_module(module, node, path.name == "__init__.py")
                    for alias in node.names:
                        if source and alias.name != "*":
                            imports[alias.asname or alias.name] = f"{source}.{alias.name}"

        visit(tree.body, "")
        return path, definitions, imports

    # ------------------------------------------------------------------ names

    def resolve(self, qualified: str) -> Location | None:
        """The definition of `package.module.Qual.name` (a class: its `__init__` if any)."""
        found = self._resolve(qualified)
        return found[0] if found else None

    def _resolve(self, qualified: str, depth: int = 0) -> tuple[Location, str, str] | None:
        """(location, kind, canonical name), following re-exports (`from .x import y`)."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module, name = ".".join(parts[:cut]), ".".join(parts[cut:])
            index = self._index(module)
            if index is None:
                continue
            path, definitions, imports = index
            definition = definitions.get(name)
            if definition is not None:
                where = Location(self._relative(path), definition.line, name)
                if definition.kind == "class" and f"{name}.__init__" in definitions:
                    where = Location(where.path, definitions[f"{name}.__init__"].line,
                                     f"{name}.__init__")
                return where, definition.kind, qualified
            head, _, rest = name.partition(".")
            if head in imports and depth < 3:
                return self._resolve(imports[head] + (f".{rest}" if rest else ""), depth + 1)
            return None
        return None

    # ------------------------------------------------------------------ tests

    def location_in_message(self, text: str) -> Location | None:
        """A line of the student's code named in a failure message."""
        for pattern in (_IN_FUNCTION, _SYNTAX):
            for match in reversed(list(pattern.finditer(text))):
                candidate = (self.submission / match["path"]).resolve()
                if candidate.is_file() and candidate.is_relative_to(self.submission):
                    name = match.groupdict().get("name") or candidate.name
                    return Location(self._relative(candidate), int(match["line"]), name)
        return None

    def target(self, record: TestRecord) -> Location | None:
        """Where to annotate a failing test: the line its message names, else the last
        student function it called that can be found."""
        found = self.location_in_message(record.output)
        if found is not None:
            return found
        classes: list[str] = []  # classes the test used, so `encode` finds Class.encode
        best = None
        for name in record.functions:
            if "." in name:
                resolved = self._resolve(name)
                if resolved is not None:
                    location, kind, canonical = resolved
                    if kind == "class":
                        classes.append(canonical)
                    elif "." in location.name:
                        classes.append(canonical.rsplit(".", 1)[0])
                    best = location
                continue
            for owner in reversed(classes):
                resolved = self._resolve(f"{owner}.{name}")
                if resolved is not None:
                    best = resolved[0]
                    break
        return best


def _absolute_module(module: str, node: ast.ImportFrom, is_package: bool) -> str | None:
    """The module a `from … import` reads from, as an absolute dotted name."""
    if node.level == 0:
        return node.module
    package = module.split(".") if is_package else module.split(".")[:-1]
    if node.level - 1 > len(package):
        return None
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else [])) or None
