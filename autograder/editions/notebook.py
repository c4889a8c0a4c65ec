"""A module's solution files as the cells of one notebook (shared by otter and nbgrader).

A module is a package of several files (`bpe.py`, `tokenizer.py`, `analysis.py`); a notebook
is one namespace. Each file becomes a markdown section (its docstring) and code cells, one per
top-level definition, in an order where every file comes after the files it imports:

    bpe.py                              notebook
    ─────────────────────────           ──────────────────────────────────────────────
    \"\"\"docstring\"\"\"                 ->  markdown: ## bpe.py + the docstring
    import regex                    ->  plain cell (imports, constants)
    def merge_pair(...):            ->  exercise cell (holds a solution region)
        # BEGIN SOLUTION: hint
        ...
        # END SOLUTION
    # BEGIN SOLUTION REMOVE         ->  stripped cell (only the reference has it)
    def _helper(...): ...
    # END SOLUTION

Imports between the files of the module (`from .bpe import train_bpe`) are dropped, because
the names already live in the notebook; `from __future__` imports move to a setup cell, which
also sets `__file__` so that code finding its data through `Path(__file__).parent / "data"`
finds the `data/` folder shipped next to the notebook. Solution regions keep this repository's
markers here; each platform writes them in its own syntax (`Chunk.render`).
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import symtable
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.release import (_BEGIN, _END, SOLUTIONS, ReleaseError, _default_hint,
                                strip_solutions)
from autograder import course

PLAIN, EXERCISE, STRIPPED = "plain", "exercise", "stripped"


class ExportError(ValueError):
    """The source cannot be turned into an edition; the message says where and why."""


@dataclass(frozen=True)
class Region:
    """A solution region of a chunk: line indexes of its markers, the hint its stub raises
    (the marker's, or the generic one `autograder release` uses), and whether the region is
    removed without a stub (`# BEGIN SOLUTION REMOVE`)."""

    begin: int
    end: int
    hint: str
    remove: bool
    indent: str


@dataclass
class Chunk:
    """One code cell's worth of a solution file."""

    file: str
    lines: list[str]
    kind: str
    names: list[str] = field(default_factory=list)  # top-level names bound, in order
    bindings: dict[str, str] = field(default_factory=dict)  # name -> what binds it
    exercises: list[str] = field(default_factory=list)  # the definitions holding a stub region

    @property
    def regions(self) -> list[Region]:
        return find_regions(self.lines, self.file)

    @property
    def name(self) -> str:
        """The chunk's own name: its exercise, else its first definition."""
        return (self.exercises or self.names or [f"{Path(self.file).stem}_code"])[0]

    def render(self, region: Callable[[Region, list[str]], list[str]]) -> str:
        """The chunk's source with each region replaced by `region(r, body_lines)`."""
        out: list[str] = []
        position = 0
        for r in self.regions:
            out += self.lines[position:r.begin]
            out += region(r, self.lines[r.begin + 1:r.end])
            position = r.end + 1
        out += self.lines[position:]
        return _tidy("".join(out))

    def solved(self) -> str:
        """The reference version: markers dropped, solutions kept."""
        return self.render(lambda r, body: body)

    def stub(self) -> str:
        """The student version, exactly as `autograder release` writes it."""
        return _tidy(strip_solutions("".join(self.lines), self.file))


@dataclass
class SourceFile:
    name: str
    doc: str
    chunks: list[Chunk]


@dataclass
class ModuleSource:
    """One module of the course, ready to become a notebook."""

    module: str
    title: str
    intro: str
    files: list[SourceFile]
    folder: Path

    @property
    def chunks(self) -> list[Chunk]:
        return [c for f in self.files for c in f.chunks]

    @property
    def data_files(self) -> list[Path]:
        """Files of `data/`, shipped next to the notebook, relative to the module folder."""
        data = self.folder / "data"
        if not data.is_dir():
            return []
        return sorted(p.relative_to(self.folder) for p in data.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)

    def copy_data_files(self, target: Path) -> list[Path]:
        """Copy the files of `data/` into `target`, keeping their paths; the copies' paths."""
        written = []
        for relative in self.data_files:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.folder / relative, destination)
            written.append(destination)
        return written

    def setup_code(self) -> str:
        files = ", ".join(f.name for f in self.files)
        return (
            "from __future__ import annotations\n\n"
            f"# The exercises below are the files of the package `{self.module}`\n"
            f"# ({files}) in one notebook: they share its namespace, and code that\n"
            "# finds its data through `__file__` finds the data/ folder next to this notebook.\n"
            f'__file__ = "{self.module}.ipynb"'
        )

    def program(self, solved: bool) -> str:
        """All code cells joined into one program (the reference, or the stubs)."""
        parts = [self.setup_code()]
        parts += [c.solved() if solved else c.stub() for c in self.chunks]
        return "\n\n".join(parts) + "\n"

    def reference_code(self, names: set[str] | None = None) -> str:
        """The reference code that defines `names` and everything they use (all of it when
        `names` is None), as one program."""
        chunks = self.chunks
        if names is None:
            names = set(self.defined_at())
        defined_at = self.defined_at()
        wanted: set[int] = set()
        pending = [n for n in names if n in defined_at]
        while pending:
            index = defined_at[pending.pop()]
            if index in wanted:
                continue
            wanted.add(index)
            pending += [n for n in _global_names(chunks[index].solved())
                        if n in defined_at and defined_at[n] not in wanted]
        parts = ["from __future__ import annotations"]
        parts += [chunks[i].solved() for i in sorted(wanted)]
        return "\n\n".join(parts) + "\n"

    def defined_at(self) -> dict[str, int]:
        """Each top-level name -> the index of the first chunk that defines it (an import
        repeated in several files is there from its first cell on)."""
        found: dict[str, int] = {}
        for i, chunk in enumerate(self.chunks):
            for name in chunk.names:
                found.setdefault(name, i)
        return found


def _global_names(code: str) -> set[str]:
    """Every global name a piece of code refers to, at its top level or inside functions."""
    found: set[str] = set()
    stack = [symtable.symtable(code, "<chunk>", "exec")]
    while stack:
        table = stack.pop()
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table.get_type() == "module" or symbol.is_global()):
                found.add(symbol.get_name())
        stack += table.get_children()
    return found


def find_regions(lines: list[str], filename: str = "<source>") -> list[Region]:
    regions, open_at = [], None
    for number, line in enumerate(lines):
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin and open_at is None:
            open_at = (number, begin)
        elif begin:
            raise ReleaseError(f"{filename}: BEGIN SOLUTION inside another region")
        elif end and open_at is not None:
            start, match = open_at
            hint = match["hint"] or _default_hint(lines[:start])
            regions.append(Region(start, number, hint, bool(match["remove"]), match["indent"]))
            open_at = None
        elif end:
            raise ReleaseError(f"{filename}: END SOLUTION without BEGIN")
    if open_at is not None:
        raise ReleaseError(f"{filename}: BEGIN SOLUTION is never closed")
    return regions


def load_module(module: str, solutions: Path = SOLUTIONS) -> ModuleSource:
    """Read `solutions/<module>/` into notebook chunks."""
    unknown = course.unknown_module([module])
    if unknown:
        raise ExportError(unknown)
    folder = Path(solutions) / module
    if not folder.is_dir():
        raise ExportError(f"{folder} does not exist: the module is not written yet")
    paths = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    if not paths:
        raise ExportError(f"{folder} holds no exercise files")
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    trees = {}
    for name, text in texts.items():
        try:
            trees[name] = ast.parse(text, str(folder / name))
        except SyntaxError as error:
            raise ExportError(f"{folder / name}:{error.lineno}: {error.msg}") from None
    order = _dependency_order(module, trees)
    files = []
    seen: dict[str, tuple[str, str]] = {}
    for name in order:
        source_file = _source_file(module, name, texts[name], trees[name])
        clashes = _clashes(source_file, seen)
        private = [c for c in clashes if c.startswith("_")]
        if private:
            # A private helper of one file must not replace another file's helper of the same
            # name in the shared namespace: it gets the file's name as a prefix.
            text = _rename(texts[name], {c: f"_{Path(name).stem}{c}" for c in private})
            source_file = _source_file(module, name, text, ast.parse(text))
            clashes = _clashes(source_file, seen)
        if clashes:
            raise ExportError(
                f"{module}: {clashes[0]} is defined in both {seen[clashes[0]][0]} and {name}; "
                "a notebook has one namespace, so rename one")
        for chunk in source_file.chunks:
            seen.update({n: (name, text) for n, text in chunk.bindings.items()})
        files.append(source_file)
    init = folder / "__init__.py"
    intro = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) if init.exists() else None
    return ModuleSource(module, course.title(module), intro or "", files, folder)


# --------------------------------------------------------------------------- file order


def _imported_files(module: str, tree: ast.Module, names: set[str]) -> set[str]:
    """The module's own files a file imports at its top level."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            target = _own_submodule(module, node)
            if target and f"{target}.py" in names:
                found.add(f"{target}.py")
    return found


def _own_submodule(module: str, node: ast.ImportFrom) -> str | None:
    """`bpe` for `from .bpe import x` or `from m1_tokenization.bpe import x`, else None."""
    if node.level == 1 and node.module:
        return node.module.split(".")[0]
    if node.level == 0 and node.module and node.module.startswith(module + "."):
        return node.module.split(".")[1]
    return None


def _dependency_order(module: str, trees: dict[str, ast.Module]) -> list[str]:
    names = set(trees)
    needs = {name: _imported_files(module, tree, names) - {name} for name, tree in trees.items()}
    order: list[str] = []
    while len(order) < len(names):
        ready = sorted(n for n in names if n not in order and needs[n] <= set(order))
        if not ready:
            cycle = sorted(n for n in names if n not in order)
            raise ExportError(f"{module}: the files {', '.join(cycle)} import each other")
        order.append(ready[0])
    return order


# --------------------------------------------------------------------------- chunks


def _source_file(module: str, name: str, text: str, tree: ast.Module) -> SourceFile:
    filename = f"{module}/{name}"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    find_regions(lines, filename)
    body = list(tree.body)
    doc = ""
    dropped: list[ast.stmt] = []
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                             ast.Constant) \
            and isinstance(body[0].value.value, str):
        doc = ast.get_docstring(tree) or ""
        dropped.append(body.pop(0))
    kept = []
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            dropped.append(node)
        elif _is_main_block(node):
            dropped.append(node)
        else:
            kept.append(node)
    lines = _rewrite_own_imports(module, filename, lines, tree)
    for node in dropped:
        for i in range(_first_line(node), node.end_lineno):
            lines[i] = ""
    segments = _segments(lines, kept)
    chunks = [_chunk(filename, lines[a:b], nodes, a) for a, b, nodes in segments]
    return SourceFile(name, doc, _group_plain([c for c in chunks if "".join(c.lines).strip()]))


def _is_main_block(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)


def _first_line(node: ast.stmt) -> int:
    """0-based index of a statement's first line, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)]) - 1


def _segments(lines: list[str], nodes: list[ast.stmt]) -> list[tuple[int, int, list[ast.stmt]]]:
    """Line ranges, one per top-level statement, widened so that no region is cut."""
    if not nodes:
        return [(0, len(lines), [])] if "".join(lines).strip() else []
    starts = [_first_line(n) for n in nodes]
    bounds = [0]
    for previous, start in zip(nodes, starts[1:]):
        gap_end = max((i for i in range(previous.end_lineno, start) if _END.match(lines[i])),
                      default=None)
        bounds.append(previous.end_lineno if gap_end is None else gap_end + 1)
    bounds.append(len(lines))
    depth_at_end = []
    depth = 0
    for a, b in zip(bounds, bounds[1:]):
        for line in lines[a:b]:
            if _BEGIN.match(line):
                depth += 1
            elif _END.match(line):
                depth -= 1
        depth_at_end.append(depth)
    segments: list[tuple[int, int, list[ast.stmt]]] = []
    current: list = [bounds[0], None, []]
    for i, node in enumerate(nodes):
        current[1] = bounds[i + 1]
        current[2].append(node)
        if depth_at_end[i] == 0:
            segments.append(tuple(current))
            current = [bounds[i + 1], None, []]
    return segments


def _chunk(filename: str, lines: list[str], nodes: list[ast.stmt], offset: int) -> Chunk:
    """A chunk of `lines` (which start at line index `offset` of the file)."""
    regions = find_regions(lines, filename)
    bindings = {name: text for node in nodes for name, text in _bindings(node).items()}
    names = list(bindings)
    stubbed = [r for r in regions if not r.remove]
    if stubbed:
        exercises = []
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                span = range(_first_line(node) - offset, node.end_lineno - offset)
                if any(r.begin in span for r in stubbed):
                    exercises.append(node.name)
        return Chunk(filename, lines, EXERCISE, names, bindings, exercises or names[:1])
    if regions:
        return Chunk(filename, lines, STRIPPED, names, bindings)
    return Chunk(filename, lines, PLAIN, names, bindings)


def _bindings(node: ast.stmt) -> dict[str, str]:
    """The top-level names a statement binds, each with a text that says what it binds them to
    (an import binds a name to a module's attribute; anything else to its own source)."""
    if isinstance(node, ast.Import):
        return {(a.asname or a.name.split(".")[0]): f"import {a.name}" for a in node.names}
    if isinstance(node, ast.ImportFrom):
        return {(a.asname or a.name): f"from {node.module} import {a.name}" for a in node.names}
    text = ast.unparse(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name: text}
    names = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names[sub.id] = text
        elif isinstance(sub, ast.alias):
            names[(sub.asname or sub.name).split(".")[0]] = text
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[sub.name] = text
    return names


def _group_plain(chunks: list[Chunk]) -> list[Chunk]:
    """Runs of plain statements other than definitions (imports, constants) share a cell."""
    grouped: list[Chunk] = []
    for chunk in chunks:
        previous = grouped[-1] if grouped else None
        if (previous is not None and previous.kind == PLAIN and chunk.kind == PLAIN
                and not _is_definition(previous) and not _is_definition(chunk)):
            previous.lines += chunk.lines
            previous.names += [n for n in chunk.names if n not in previous.names]
            previous.bindings.update(chunk.bindings)
        else:
            grouped.append(chunk)
    return grouped


_DEFINITION = re.compile(r"^(@|def |async def |class )", re.MULTILINE)


def _is_definition(chunk: Chunk) -> bool:
    return bool(_DEFINITION.search("".join(chunk.lines)))


# --------------------------------------------------------------------------- imports


def _rewrite_own_imports(module: str, filename: str, lines: list[str],
                         tree: ast.Module) -> list[str]:
    """Drop imports of the module's own files: their names already live in the notebook.
    An aliased name (`from .bpe import train_bpe as train`) becomes an assignment."""
    lines = list(lines)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        own = None
        if isinstance(node, ast.ImportFrom):
            own = _own_submodule(module, node)
            if own is None and (node.level == 1 or node.module == module):
                raise ExportError(f"{filename}:{node.lineno}: import the module's files by name "
                                  f"(from .bpe import x), not the package itself")
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == module
                                                  for a in node.names):
            raise ExportError(f"{filename}:{node.lineno}: `import {module}…` cannot live in a "
                              f"notebook; use `from .file import name`")
        if own is None:
            continue
        indent = lines[node.lineno - 1][:node.col_offset]
        aliases = [f"{a.asname} = {a.name}" for a in node.names if a.asname and a.asname != a.name]
        parent = parents.get(node)
        siblings = next((getattr(parent, f) for f in ("body", "orelse", "finalbody", "handlers")
                         if node in getattr(parent, f, [])), [])
        if aliases:
            replacement = indent + "; ".join(aliases) + "\n"
        elif len(siblings) == 1 and parent is not tree:
            replacement = indent + "pass\n"
        else:
            replacement = ""
        first, last = node.lineno - 1, node.end_lineno - 1
        tail = lines[last][len(lines[last].rstrip("\n")):]
        comment = lines[last][node.end_col_offset:].strip()
        if comment.startswith("#") and replacement:
            replacement = replacement.rstrip("\n") + "  " + comment + tail
        lines[first] = replacement
        for i in range(first + 1, last + 1):
            lines[i] = ""
    return lines


def _clashes(source_file: SourceFile, seen: dict[str, tuple[str, str]]) -> list[str]:
    """Names the file binds differently from an earlier file of the module."""
    return [name for chunk in source_file.chunks for name, text in chunk.bindings.items()
            if name in seen and seen[name][1] != text]


def _rename(text: str, renames: dict[str, str]) -> str:
    """`text` with every identifier token in `renames` replaced (strings and comments kept)."""
    lines = text.splitlines(keepends=True)
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in sorted((t for t in tokens if t.type == tokenize.NAME and t.string in renames),
                        key=lambda t: t.start, reverse=True):
        row, col = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:col] + renames[token.string] + line[col + len(token.string):]
    return "".join(lines)


def _tidy(text: str) -> str:
    """No trailing blank lines or runs of more than two blank lines in a cell."""
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n")


# --------------------------------------------------------------------------- layout


@dataclass
class Question:
    """An exercise with its tests, as the notebook editions present it: the exercise's cell,
    the cells only the reference has (and exercises without tests of their own) that belong
    with it, then its tests."""

    name: str
    chunks: list[Chunk]
    tests: list = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)


Section = tuple[SourceFile, list]  # a file and its items: plain Chunks and Questions


def layout(source: ModuleSource, tests: list) -> list[Section]:
    """Where every cell and test goes, in an order that runs top to bottom.

    Every exercise is a question, where it stands in its file. A test follows the question of
    the last exercise it needs (directly, or through the code it calls); code only the
    reference has joins the first question whose tests need it (it vanishes from the
    students' version, so it may move), but never before the code it needs at its top level.
    """
    chunks = source.chunks
    if not any(c.kind == EXERCISE for c in chunks):
        raise ExportError(f"{source.module} has no solution regions: nothing to export")
    defined_at = source.defined_at()
    needs = [{defined_at[n] for n in _global_names(c.solved()) if n in defined_at} - {i}
             for i, c in enumerate(chunks)]
    exercises = [i for i, c in enumerate(chunks) if c.kind == EXERCISE]

    def closure(start: set[int]) -> set[int]:
        seen, pending = set(), list(start)
        while pending:
            i = pending.pop()
            if i not in seen:
                seen.add(i)
                pending += needs[i]
        return seen

    def question_at(index: int) -> int:
        return next((q for q in exercises if q >= index), exercises[-1])

    questions = {q: Question(chunks[q].name, [chunks[q]]) for q in exercises}
    reach: dict[int, set[int]] = {q: closure({q}) for q in exercises}
    for test in tests:
        direct = {defined_at[u] for u in test.uses if u in defined_at}
        if not direct:
            raise ExportError(f"{test.name} uses no code of {source.module}")
        reached = closure(direct)
        stays = [i for i in reached if chunks[i].kind != STRIPPED]
        q = question_at(max(stays or direct))
        questions[q].tests.append(test)
        reach[q] |= reached
    for i, chunk in enumerate(chunks):
        if chunk.kind != STRIPPED:
            continue
        users = [q for q in exercises if i in reach[q] and questions[q].tests]
        users = users or [q for q in exercises if i in reach[q]]
        q = min(users) if users else question_at(i)
        top_level = [j for j in needs[i] if j > q and chunks[j].kind != STRIPPED
                     and j in _top_level_needs(chunk, defined_at)]
        if top_level:
            q = question_at(max(top_level))
        questions[q].chunks.append(chunk)
    for question in questions.values():
        question.chunks.sort(key=lambda c: chunks.index(c))
    sections: list[Section] = []
    position = 0
    for source_file in source.files:
        items: list = []
        for chunk in source_file.chunks:
            if chunk.kind == PLAIN:
                items.append(chunk)
            elif position in questions:
                items.append(questions[position])
            position += 1  # counts every chunk, as `chunks` does
        sections.append((source_file, items))
    return sections


def _top_level_needs(chunk: Chunk, defined_at: dict[str, int]) -> set[int]:
    """Chunks whose names a chunk uses while it is being defined (base classes, decorators,
    default values, module-level statements), not inside its function bodies."""
    table = symtable.symtable(chunk.solved(), "<chunk>", "exec")
    names = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    for child in table.get_children():
        if child.get_type() == "class":
            names |= {s.get_name() for s in child.get_symbols()
                      if s.is_referenced() and s.is_global()}
    return {defined_at[n] for n in names if n in defined_at}


# --------------------------------------------------------------------------- notebook files


KERNEL = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                         "name": "python3"},
          "language_info": {"name": "python"}}


def notebook(cells: list[tuple[str, str, dict]], metadata: dict | None = None):
    """An nbformat notebook from `(cell_type, source, metadata)` triples, with stable cell ids
    (so that exporting twice writes the same file)."""
    import nbformat

    made = []
    for number, (kind, text, meta) in enumerate(cells, start=1):
        factory = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
                   "raw": nbformat.v4.new_raw_cell}[kind]
        cell = factory(text, metadata=dict(meta))
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text.strip().split("\n", 1)[0])[:40].strip("-")
        cell["id"] = f"c{number:03d}-{slug}" if slug else f"c{number:03d}"
        made.append(cell)
    nb = nbformat.v4.new_notebook(cells=made, metadata={**KERNEL, **(metadata or {})})
    nbformat.validate(nb)
    return nb


def write_notebook(nb, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def file_heading(source_file: SourceFile) -> str:
    """The markdown that opens a file's section: its name and its docstring."""
    doc = source_file.doc.strip()
    return f"## `{source_file.name}`\n\n{doc}" if doc else f"## `{source_file.name}`"


def module_heading(source: ModuleSource, how_to: str) -> str:
    parts = [f"# {source.title}"]
    if source.intro:
        parts.append(source.intro.strip())
    parts.append(how_to.strip())
    return "\n\n".join(parts)


def question_heading(question: Question) -> str:
    names = [n for c in question.chunks if c.kind == EXERCISE for n in c.exercises]
    listed = ", ".join(f"`{n}`" for n in names) or f"`{question.name}`"
    if not question.tests:
        return f"### {listed} (no tests in this edition)"
    points = f"{question.points:g} point" + ("" if question.points == 1 else "s")
    return f"### {listed} ({points})"
