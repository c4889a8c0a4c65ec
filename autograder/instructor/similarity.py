"""Pairs of submissions whose code is unusually alike — for a person to look at.

Each submission's Python files (tests excluded) are reduced to a stream of normalised tokens:
comments and docstrings dropped, every identifier that is not a keyword or a built-in becomes
`V`, every number `N`, every string `S`. Renaming variables or reformatting changes nothing.
Windows of `n` consecutive tokens (n-grams) are the fingerprints; those of the template (the
starter code everyone received) and those shared by many submissions (idioms anyone writes)
are removed. Two submissions are compared by the Jaccard index of what remains, and each
function by the same measure against the function of the same name in the other submission.

A high score is a reason to read two submissions side by side, never a verdict: short
exercises leave little room for variety, and students may have worked together as allowed.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import tokenize
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable

NGRAM = 8
MIN_FUNCTION_GRAMS = 20
_KEEP_NAMES = set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
_SKIP_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass
class CodePrint:
    """A submission's fingerprints: n-gram hashes by function (`file:function`)."""
    student: str
    functions: dict[str, set[int]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    @property
    def grams(self) -> set[int]:
        return set().union(*self.functions.values()) if self.functions else set()


@dataclass
class Pair:
    a: str
    b: str
    score: float            # Jaccard index of the distinctive n-grams
    shared: int             # distinctive n-grams in common
    functions: list[tuple[str, float]]  # same-named functions, most alike first


def tokens(source: str) -> list[tuple[str, int]]:
    """Normalised tokens of Python source with their line numbers; docstrings left out."""
    docstring_lines: set[int] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant) and isinstance(
                    body[0].value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    out = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIP_TOKENS:
                continue
            line = token.start[0]
            if token.type == tokenize.STRING:
                if line in docstring_lines:
                    continue
                out.append(("S", line))
            elif token.type == tokenize.NUMBER:
                out.append(("N", line))
            elif token.type == tokenize.NAME:
                out.append((token.string if token.string in _KEEP_NAMES else "V", line))
            else:
                out.append((token.string, line))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # an unfinished file still gives the tokens before the problem
    return out


def _function_lines(source: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, innermost last."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    spans = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    spans.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def file_grams(source: str, n: int = NGRAM) -> dict[str, set[int]]:
    """The n-gram hashes of one file, by the function each n-gram starts in."""
    stream = tokens(source)
    spans = _function_lines(source)
    grams: dict[str, set[int]] = {}
    for i in range(len(stream) - n + 1):
        window = tuple(t for t, _ in stream[i:i + n])
        line = stream[i][1]
        owner = "<module>"
        for first, last, name in spans:  # innermost function wins: spans nest in order
            if first <= line <= last:
                owner = name
        grams.setdefault(owner, set()).add(hash(window))
    return grams


def code_files(root: Path, modules: Iterable[str] | None = None) -> list[Path]:
    """The solution files of a submission: Python files of its modules, tests excluded."""
    root = Path(root)
    if (root / "exercises").is_dir() and not any(root.glob("m[0-9]_*")):
        root = root / "exercises"
    wanted = set(modules) if modules else None
    files = []
    for module in sorted(p for p in root.glob("m[0-9]_*") if p.is_dir() and not p.is_symlink()):
        if wanted and module.name not in wanted:
            continue
        for path in sorted(module.rglob("*.py")):
            relative = path.relative_to(module)
            if "tests" in relative.parts or path.name == "conftest.py" or path.is_symlink():
                continue
            files.append(path)
    return files


def code_print(student: str, root: Path, modules: Iterable[str] | None = None,
               n: int = NGRAM) -> CodePrint:
    result = CodePrint(student)
    base = Path(root)
    for path in code_files(base, modules):
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            result.unreadable.append(str(path))
            continue
        label = f"{path.parent.name}/{path.name}"
        for function, grams in file_grams(source, n).items():
            result.functions.setdefault(f"{label}:{function}", set()).update(grams)
    return result


def compare(prints: list[CodePrint], template: set[int], threshold: float = 0.5,
            function_threshold: float = 0.9, common_share: float = 0.1
            ) -> tuple[list[Pair], list[float]]:
    """Flagged pairs (most alike first) and the scores of all pairs that share anything.

    An n-gram found in more than `common_share` of the submissions (and in more than 3) is an
    idiom, not evidence; template n-grams never count."""
    limit = max(3, int(common_share * len(prints)))
    postings: dict[int, list[int]] = {}
    for index, cp in enumerate(prints):
        for gram in cp.grams - template:
            postings.setdefault(gram, []).append(index)
    common = {g for g, owners in postings.items() if len(owners) > limit}
    ignore = template | common
    functions = [{name: grams - ignore for name, grams in cp.functions.items()
                  if not name.endswith(":<module>")} for cp in prints]
    distinctive = [cp.grams - ignore for cp in prints]
    shared: dict[tuple[int, int], int] = {}
    for gram, owners in postings.items():
        if len(owners) < 2 or gram in common:
            continue
        for pair in combinations(owners, 2):
            shared[pair] = shared.get(pair, 0) + 1
    flagged, scores = [], []
    for (i, j), count in shared.items():
        union = len(distinctive[i]) + len(distinctive[j]) - count
        score = count / union if union else 0.0
        scores.append(score)
        alike = []
        if score >= threshold or count >= MIN_FUNCTION_GRAMS * function_threshold:
            alike = _alike_functions(functions[i], functions[j])
        if score >= threshold or (alike and alike[0][1] >= function_threshold):
            a, b = sorted((prints[i].student, prints[j].student))
            flagged.append(Pair(a, b, round(score, 4), count, alike[:5]))
    flagged.sort(key=lambda p: (-max([p.score] + [s for _, s in p.functions]), p.a, p.b))
    return flagged, scores


def _alike_functions(a: dict[str, set[int]], b: dict[str, set[int]]) -> list[tuple[str, float]]:
    """Same-named functions of two submissions with their Jaccard index, most alike first."""
    alike = []
    for name in a.keys() & b.keys():
        ga, gb = a[name], b[name]
        if len(ga) < MIN_FUNCTION_GRAMS or len(gb) < MIN_FUNCTION_GRAMS:
            continue
        alike.append((name, round(len(ga & gb) / len(ga | gb), 4)))
    return sorted(alike, key=lambda item: (-item[1], item[0]))


def template_grams(template: Path | None, modules: Iterable[str] | None = None,
                   n: int = NGRAM) -> set[int]:
    return code_print("template", template, modules, n).grams if template else set()
