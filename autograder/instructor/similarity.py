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


def tokens(code: str) -> list[str]:
    """Normalised tokens of Python code: names become `V` (keywords and built-ins stay),
    numbers `N`, strings `S`; comments and layout disappear."""
    out = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in _SKIP_TOKENS or token.string == ";":
                continue
            if token.type == tokenize.STRING:
                out.append("S")
            elif token.type == tokenize.NUMBER:
                out.append("N")
            elif token.type == tokenize.NAME:
                out.append(token.string if token.string in _KEEP_NAMES else "V")
            else:
                out.append(token.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # an unfinished file still gives the tokens before the problem
    return out


class _StringStatements(ast.NodeTransformer):
    """Removes statements that are only a string (docstrings, strings used as comments)."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                kept = [s for s in block if not (isinstance(s, ast.Expr)
                        and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
                setattr(node, name, kept or [ast.Pass()])
        return node


def units(source: str) -> dict[str, str]:
    """The code of each function (`name`, `Class.method`) and of the rest of the file
    (`<module>`), re-printed from the syntax tree without docstrings: layout, comments,
    redundant parentheses and quote styles no longer differ. A file that does not parse is
    one `<module>` unit as written."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {"<module>": source}
    _StringStatements().visit(tree)
    found: dict[str, str] = {}
    rest: list[ast.stmt] = []
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, functions):
            found[node.name] = ast.unparse(node)
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, functions):
                    found[f"{node.name}.{child.name}"] = ast.unparse(child)
                else:
                    rest.append(child)
        else:
            rest.append(node)
    found["<module>"] = "\n".join(ast.unparse(node) for node in rest)
    return found


def file_grams(source: str, n: int = NGRAM) -> dict[str, set[int]]:
    """The n-gram hashes of one file, by function."""
    grams = {}
    for name, code in units(source).items():
        stream = tokens(code)
        windows = {hash(tuple(stream[i:i + n])) for i in range(len(stream) - n + 1)}
        if windows:
            grams[name] = windows
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
