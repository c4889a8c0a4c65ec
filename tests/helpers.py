"""Shared helpers for the repository's tests of the tests.

A wrong implementation is not a copy of a reference file but a small declarative spec: the
reference file it replaces, its bug in one sentence, the exact edits (old text -> new text)
that plant the bug, the suite files to grade (`select`) and the tests that must catch it
(`caught_by`). Each module keeps its specs in tests/<module>/wrong_implementations.toml; at
test time a spec is planted into a temporary copy of the reference module. Every `old` must
occur exactly once in the current reference, so a spec that no longer fits its reference fails
loudly, naming the spec, instead of silently grading a stale copy. `ModuleGradingChecks` holds
the checks every module makes with them; docs/writing-tests.md describes the format.

Also a command for whoever writes or reviews the specs:

    .venv/bin/python -m tests.helpers check m1_tokenization        # every spec applies (fast)
    .venv/bin/python -m tests.helpers show m1_tokenization NAME     # the bug as a diff
    .venv/bin/python -m tests.helpers grade m1_tokenization [NAME ...] [--write]
    .venv/bin/python -m tests.helpers table m1_tokenization        # the README table

`grade` grades each wrong implementation with its `select` and compares the tests that fail
with its `caught_by`; `--write` keeps the entries that still fail and adds the tests that newly
do. Review that diff before committing it: a test that stops catching a bug is a weakened test.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import json
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder import course
from autograder.results import GradeResult, TestRecord
from autograder.runner import grade
from autograder.student_conftest import InProcessCode

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"
EXERCISES = REPO_ROOT / "exercises"
TESTS = REPO_ROOT / "tests"


class SpecError(AssertionError):
    """A spec that is malformed or does not fit the current reference."""


@dataclass(frozen=True)
class Edit:
    """Replace `old` (or, with `through`, everything from `old` to the end of `through`)."""

    old: str
    new: str
    through: str | None = None


@dataclass(frozen=True)
class Change:
    """One reference file of `module` changed by exact edits: a wrong or alternative version."""

    module: str
    name: str
    replaces: str
    about: str
    edits: tuple[Edit, ...]
    select: tuple[str, ...] = ()
    caught_by: tuple[str, ...] = ()
    kind: str = "wrong"
    message: str | None = None

    @property
    def reference(self) -> Path:
        return SOLUTIONS / self.module / self.replaces

    def source(self, reference: str | None = None) -> str:
        """The replaced file: the reference (by default the current one) with the edits made."""
        text = self.reference.read_text(encoding="utf-8") if reference is None else reference
        spans = []
        for number, edit in enumerate(self.edits, 1):
            start, end = self._span(text, number, edit)
            spans.append((start, end, edit.new))
        spans.sort()
        for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
            if start < end:
                raise self._error("two edits overlap")
        pieces, position = [], 0
        for start, end, new in spans:
            pieces += [text[position:start], new]
            position = end
        return "".join(pieces) + text[position:]

    def plant(self, module_dir: Path) -> None:
        """Write the changed file into `module_dir`, a copy of the reference module."""
        (Path(module_dir) / self.replaces).write_text(self.source(), encoding="utf-8")

    def diff(self) -> str:
        reference = self.reference.read_text(encoding="utf-8")
        return "".join(difflib.unified_diff(
            reference.splitlines(keepends=True), self.source(reference).splitlines(keepends=True),
            f"solutions/{self.module}/{self.replaces}", f"{self.kind} {self.name}"))

    def _span(self, text: str, number: int, edit: Edit) -> tuple[int, int]:
        start = self._find(text, number, "old", edit.old)
        if edit.through is None:
            return start, start + len(edit.old)
        end = self._find(text, number, "through", edit.through)
        if end < start + len(edit.old):
            raise self._error(f"edit {number}: `through` does not come after `old`")
        return start, end + len(edit.through)

    def _find(self, text: str, number: int, key: str, snippet: str) -> int:
        at = text.find(snippet)
        if not snippet or at < 0 or text.find(snippet, at + 1) >= 0:
            first = next((line for line in snippet.splitlines() if line.strip()), snippet)
            raise self._error(f"edit {number}: `{key}` occurs {text.count(snippet)} times in "
                              f"solutions/{self.module}/{self.replaces} (must be once); "
                              f"it starts {first.strip()!r}")
        return at

    def _error(self, message: str) -> SpecError:
        return SpecError(f"{self.kind} implementation {self.name!r} of {self.module} "
                         f"({_shown(spec_file(self.module))}): {message}")


def spec_file(module: str) -> Path:
    return TESTS / module / "wrong_implementations.toml"


def _shown(path: Path) -> Path:
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


@dataclass
class _SpecFile:
    wrong: list[Change] = field(default_factory=list)
    alternative: list[Change] = field(default_factory=list)


_parsed: dict[tuple[Path, str], _SpecFile] = {}


def _load(module: str) -> _SpecFile:
    path = spec_file(module)
    text = path.read_text(encoding="utf-8")
    if (path, text) not in _parsed:
        _parsed[path, text] = _parse(path, text, module)
    return _parsed[path, text]


def _parse(path: Path, text: str, module: str) -> _SpecFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{_shown(path)}: {error}") from None
    unknown = set(data) - {"select", "wrong", "alternative"}
    if unknown:
        raise SpecError(f"{_shown(path)}: unknown top-level keys {sorted(unknown)}")
    default_select = data.get("select", {})
    specs = _SpecFile()
    seen: set[str] = set()
    for kind in ("wrong", "alternative"):
        for index, entry in enumerate(data.get(kind, []), 1):
            where = f"{_shown(path)}: [[{kind}]] number {index}"
            name = entry.get("name")
            if not isinstance(name, str) or not re.fullmatch(r"\w+", name, re.A):
                raise SpecError(f"{where}: `name` must be a word of letters, digits and _")
            where += f" ({name})"
            if name in seen:
                raise SpecError(f"{where}: the name is used twice")
            seen.add(name)
            text_key = "bug" if kind == "wrong" else "about"
            required = {"name", "replaces", text_key, "edit"}
            allowed = required | {"select"} | ({"caught_by", "message"} if kind == "wrong"
                                               else set())
            if required - set(entry) or set(entry) - allowed:
                raise SpecError(f"{where}: missing {sorted(required - set(entry))}, "
                                f"unknown {sorted(set(entry) - allowed)}")
            select = entry.get("select", default_select.get(entry["replaces"], []))
            edits = []
            for edit in entry["edit"]:
                if (not isinstance(edit, dict) or set(edit) - {"old", "new", "through"}
                        or not {"old", "new"} <= set(edit)
                        or not all(isinstance(v, str) for v in edit.values())):
                    raise SpecError(f"{where}: an edit has the texts `old`, `new` and maybe "
                                    f"`through`, not {edit!r:.80}")
                edits.append(Edit(edit["old"], edit["new"], edit.get("through")))
            texts = (entry["replaces"], entry[text_key])
            lists = (select, entry.get("caught_by", []))
            if not all(isinstance(x, str) for x in texts) or not all(
                    isinstance(x, list) and all(isinstance(i, str) for i in x) for x in lists):
                raise SpecError(f"{where}: `replaces` and `{text_key}` are texts, `select` and "
                                "`caught_by` lists of texts")
            message = entry.get("message")
            if message is not None and not (isinstance(message, str) and message.strip()):
                raise SpecError(f"{where}: `message` is a text that is not empty")
            change = Change(module, name, entry["replaces"], entry[text_key], tuple(edits),
                            tuple(select), tuple(entry.get("caught_by", ())), kind, message)
            if not change.reference.is_file():
                raise SpecError(f"{where}: there is no solutions/{module}/{change.replaces}")
            getattr(specs, kind).append(change)
    return specs


def wrong_implementations(module: str) -> list[Change]:
    """The wrong implementations of `module`, in the order of its spec file."""
    return list(_load(module).wrong)


def alternatives(module: str) -> list[Change]:
    """Correct implementations that differ from the reference (they must keep every point)."""
    return list(_load(module).alternative)


def submission_with(tmp_path: Path, module: str, change: Change | None = None,
                    source: Path = SOLUTIONS) -> Path:
    """A submission folder: the reference `module`, with one file changed by `change`."""
    root = Path(tmp_path) / (change.name if change else "reference")
    shutil.copytree(source / module, root / module,
                    ignore=shutil.ignore_patterns("__pycache__", "tests"))
    if change is not None:
        change.plant(root / module)
    return root


def use_reference_packages() -> None:
    """Point every module name (m1_tokenization …) at solutions/ again. Tests that import the
    reference by name call this first: a grade run earlier in the same process may have
    imported a same-named package from elsewhere (a toy course's, the stubs)."""
    reference = InProcessCode(SOLUTIONS)
    for module in course.module_ids():
        reference.module(module)


def stub_submission(tmp_path: Path, module: str) -> Path:
    """A submission folder holding the generated stubs of `module`."""
    return submission_with(Path(tmp_path) / "stubs", module, source=EXERCISES)


# ---------------------------------------------------------------- checks the modules share

def base_name(record_name: str) -> str:
    """A grade record's name without its parameters: "bpe: merge_pair[x]" -> "bpe: merge_pair"."""
    return record_name.split("[", 1)[0]


def catches(record_names: set[str], entry: str) -> bool:
    """Whether a CAUGHT_BY entry names one of these records: with parameters it names exactly
    one case, without them any case of the test."""
    return entry in record_names or entry in {base_name(name) for name in record_names}


def assert_specs_apply(module: str) -> None:
    """Every spec plants a change that compiles and differs from the reference."""
    problems = []
    for change in wrong_implementations(module) + alternatives(module):
        try:
            text = change.source()
            compile(text, f"{change.kind} {change.name}", "exec")
        except (SpecError, SyntaxError) as error:
            problems.append(str(error))
            continue
        if text == change.reference.read_text(encoding="utf-8"):
            problems.append(f"{change.name}: the edits change nothing")
    assert not problems, "\n".join(problems)


def _node(record_name: str) -> tuple[str, str]:
    """(file, pytest node id) of a grade record: "vectors_hidden: top_k[ties]" ->
    ("test_vectors_hidden.py", "test_vectors_hidden.py::test_top_k[ties]")."""
    stem, test = record_name.split(": ", 1)
    return f"test_{stem}.py", f"test_{stem}.py::test_{test}"


def module_sources(module: str) -> dict[str, str]:
    """The text of every reference file of `module`, by file stem ("bpe")."""
    return {path.stem: path.read_text(encoding="utf-8")
            for path in (SOLUTIONS / module).glob("*.py")}


def files_depending_on(module: str, replaced: str) -> set[str]:
    """The reference files of `module` whose behaviour a change of `replaced` can reach: the
    file itself and every file that imports it, directly or through another."""
    sources = module_sources(module)
    reached = {Path(replaced).stem}
    while True:
        more = {stem for stem, text in sources.items() if stem not in reached and any(
            re.search(rf"(from \.|{module}\.){dep}\b|from (\.|{module}) import .*\b{dep}\b",
                      text) for dep in reached)}
        if not more:
            return reached
        reached |= more


@functools.lru_cache(maxsize=64)
def _syntax_tree(source: str) -> ast.Module:
    return ast.parse(source)


@functools.lru_cache(maxsize=64)
def _definitions(source: str) -> dict[str, tuple[ast.AST, int, int]]:
    """Top-level functions and classes of a file and the methods of its classes, by qualname
    ("encode_chat", "BPETokenizer", "BPETokenizer.encode"), with their first and last lines.
    A definition reaches to the line before the next statement beside it, so the comments and
    blank lines after its body (`# END SOLUTION`) count as its own."""
    found: dict[str, tuple[ast.AST, int, int]] = {}

    def walk(body: list[ast.stmt], last_line: int, prefix: str) -> None:
        firsts = [_first_line(node) for node in body]
        for i, node in enumerate(body):
            last = firsts[i + 1] - 1 if i + 1 < len(body) else last_line
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[prefix + node.name] = (node, firsts[i], last)
            if isinstance(node, ast.ClassDef) and not prefix:
                walk(node.body, last, node.name + ".")

    walk(_syntax_tree(source).body, source.count("\n") + 1, "")
    return found


def _first_line(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _runs_at_import(node: ast.stmt) -> bool:
    """Module-level code other than definitions and the `if __name__ == "__main__":` block."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    return not (isinstance(node, ast.If) and "__name__" in _names_used(node.test))


def _names_used(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node)
            if isinstance(n, (ast.Name, ast.Attribute))}


def _own_names_used(node: ast.AST) -> set[str]:
    """The names a definition uses; of a class, those outside its methods (which are
    definitions of their own)."""
    if not isinstance(node, ast.ClassDef):
        return _names_used(node)
    parts = [*node.decorator_list, *node.bases, *node.keywords] + [
        item for item in node.body if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return set().union(*map(_names_used, parts))


def affected_definitions(change: Change) -> set[tuple[str, str]] | None:
    """(file stem, qualname) of every function, class and method of the module whose behaviour
    the change can alter: the definitions its edits lie in, and, transitively, those of the
    files that can reach the replaced one which use any of them by name (a deliberate
    over-estimate: any use of the simple name counts). A class counts as changed when its own
    body (not a method) or one of its special methods changes. None when an edit lies outside
    every definition, or module-level code uses an altered name (anything may change)."""
    reference = change.reference.read_text(encoding="utf-8")
    stem = Path(change.replaces).stem
    defined = _definitions(reference)
    changed: set[tuple[str, str]] = set()
    for number, edit in enumerate(change.edits, 1):
        start, end = change._span(reference, number, edit)
        first = reference.count("\n", 0, start) + 1
        last = reference.count("\n", 0, max(start, end - 1)) + 1
        within = [name for name, (_, top, bottom) in defined.items()
                  if top <= first and last <= bottom]
        if not within:
            return None  # module-level code, or more than one definition
        name = max(within, key=len)  # a method rather than its class
        # A function or method; a class body outside its methods: the whole class.
        changed |= {(stem, q) for q in defined
                    if q == name or "." not in name and q.startswith(name + ".")}
    texts = module_sources(change.module)
    sources = {stem: _definitions(text) for stem, text in texts.items()}
    reached = files_depending_on(change.module, change.replaces)
    uses = {(file, name): _own_names_used(node) for file, defs in sources.items()
            if file in reached for name, (node, _, _) in defs.items()}
    # What module-level code uses (a table built at import by a changed function …).
    at_import = set().union(*(_names_used(node) for stem, text in texts.items()
                              if stem in reached for node in _syntax_tree(text).body
                              if _runs_at_import(node)))
    affected = set(changed)
    while True:
        simple = {name.rsplit(".", 1)[-1] for _, name in affected}
        if simple & at_import:
            return None
        more = {key for key, used in uses.items() if used & simple}
        # Python calls special methods (__init__, __lt__ …) without naming them: whatever
        # uses the class may run them.
        more |= {(file, name.split(".")[0]) for file, name in affected
                 if "." in name and name.rsplit(".", 1)[-1].startswith("__")}
        more -= affected
        if not more:
            return affected
        affected |= more


def may_be_affected(record: TestRecord, change: Change,
                    affected: set[tuple[str, str]] | None) -> bool:
    """Whether a test's outcome can differ between the reference and `change`, judged by the
    functions the reference grade saw it call: qualified names ("module.file.name") and the
    bare names of methods called on objects ("encode"). A bare name counts as unaltered only
    when the test also constructed, itself, an unaltered class of the module that defines that
    method and no altered definition has that name: otherwise the object may come from a
    shared fixture, a worker helper or an altered function. Anything not recognised counts as
    affected."""
    if affected is None:
        return True
    altered = {name.rsplit(".", 1)[-1] for _, name in affected}
    classes = {(function.split(".")[1], function.split(".")[2]) for function in record.functions
               if function.count(".") == 2 and function.startswith(change.module + ".")}
    texts = module_sources(change.module)
    methods = {name.split(".")[1] for file, cls in classes
               if (file, cls) not in affected and file in texts
               for name in _definitions(texts[file]) if name.startswith(cls + ".")}
    for function in record.functions:
        parts = function.split(".")
        if len(parts) == 1:
            if parts[0] in altered or parts[0] not in methods:
                return True
        elif parts[0] == change.module and len(parts) >= 3:
            if (parts[1], ".".join(parts[2:])) in affected or (parts[1], parts[2]) in affected:
                return True
        else:
            return True
    return False


def tests_to_grade(change: Change, reference: GradeResult,
                   exact: bool = True) -> tuple[list[str], str]:
    """What a wrong implementation is graded with, and the canary's record name: of its
    `select` files, in the order of the reference grade, its `caught_by`, every test before
    the first of them that could fail on it too (so the first failing row is the one a grade
    of the whole files shows first; a test that calls only functions the change cannot alter,
    per `affected_definitions`, passes as it does on the reference), and a canary.

    The canary is a test that passes on the reference and calls only functions of files the
    change cannot reach (or, where every file imports the changed one, none of the functions
    the catching tests call), so it should pass on the wrong implementation too: when it does
    not, the grader itself is broken (the worker did not start, the submission was not found)
    or the bug is not specific. Of those that qualify, the canary is the one cheapest to add:
    its own seconds, plus the import (`_import_seconds`) of each file it calls that the chosen
    tests do not."""
    in_select = [r for r in reference.tests if _node(r.name)[0] in change.select]
    catching = [exact and r.name in change.caught_by
                or not exact and any(catches({r.name}, e) for e in change.caught_by)
                for r in in_select]
    first = catching.index(True) if any(catching) else len(in_select)
    affected = affected_definitions(change)
    chosen = [r for i, (r, is_caught) in enumerate(zip(in_select, catching))
              if is_caught or i < first and may_be_affected(r, change, affected)]
    reached = files_depending_on(change.module, change.replaces)
    suspects = {f for r, is_caught in zip(in_select, catching) if is_caught for f in r.functions}

    def own_functions(record: TestRecord) -> bool:
        return (record.passed and bool(record.functions)
                and all(f.startswith(f"{change.module}.") for f in record.functions))

    def unreachable(record: TestRecord) -> bool:
        return not reached & _files_called(record, change.module)

    # Best a test of files the change cannot reach; where every file depends on the changed
    # one (Module 1's bpe.py), a test of none of the functions the catching tests call.
    candidates = [r for r in reference.tests if own_functions(r) and unreachable(r)] or \
        [r for r in reference.tests if own_functions(r) and not suspects & set(r.functions)]
    if not candidates:
        raise SpecError(f"{change.name}: no test of {change.module} can serve as its canary "
                        "(every test calls a function its caught_by tests call)")
    loaded = {file for r in chosen for file in _files_called(r, change.module)}
    importing = _import_seconds(reference, change.module)
    canary = min(candidates, key=lambda r: r.seconds + sum(
        importing[file] for file in _files_called(r, change.module) - loaded))
    return list(dict.fromkeys(_node(r.name)[1] for r in chosen + [canary])), canary.name


def _files_called(record: TestRecord, module: str) -> set[str]:
    """The files of `module` whose functions a test called ("bpe", "contrastive")."""
    return {f.removeprefix(f"{module}.").split(".", 1)[0] for f in record.functions
            if f.startswith(f"{module}.")}


def _import_seconds(reference: GradeResult, module: str) -> dict[str, float]:
    """What importing each file of `module` costs a worker, as the reference grade shows it:
    the seconds of the first test that called the file, which paid for the import (Module 4's
    contrastive.py brings torch, a second and more)."""
    first: dict[str, float] = {}
    for test in reference.tests:
        for file in _files_called(test, module):
            first.setdefault(file, test.seconds)
    return first


class ModuleGradingChecks:
    """The checks every module's tests of the tests make; a module's test file subclasses this
    as `Test...` and says which module it is and what its suites promise:

    the reference passes every test and scores 100/100 with at least `hidden_at_least` hidden
    tests; the generated stubs score 0 with a hint on every test; and each wrong implementation
    of wrong_implementations.toml applies to the current reference and, graded with the tests
    `tests_to_grade` picks from its `select` (its `caught_by`, the tests before them, and a
    canary), loses points in every test of its `caught_by`, with a hint, while the canary still
    passes; with a `message`, the first failing row's output or hint contains that text. A `caught_by` entry names a test of the reference grade, parameters included
    when `caught_by_exact`, and in the `caught_by_suite` ("hidden") when that is set.
    """

    module: str
    hidden_at_least: int
    caught_by_exact = True
    caught_by_suite: str | None = None

    def pytest_generate_tests(self, metafunc):
        if "wrong" in metafunc.fixturenames:
            wrong = wrong_implementations(self.module)
            metafunc.parametrize("wrong", wrong, ids=[w.name for w in wrong])

    @pytest.fixture(scope="class")
    @classmethod
    def reference_result(cls, tmp_path_factory):
        return grade(submission_with(tmp_path_factory.mktemp("reference"), cls.module),
                     modules=[cls.module])

    def test_every_wrong_implementation_applies_to_the_current_reference(self):
        assert_specs_apply(self.module)

    def test_every_wrong_implementation_says_what_to_grade_and_what_catches_it(self):
        vague = [w.name for w in wrong_implementations(self.module)
                 if not (w.select and w.caught_by)]
        assert not vague, f"no select or no caught_by: {vague}"

    @pytest.mark.slow
    def test_reference_scores_full_marks(self, reference_result):
        failed = [(t.name, t.output) for t in reference_result.tests if t.status != "passed"]
        assert not failed, failed
        assert reference_result.score == reference_result.max_score == 100
        assert not reference_result.notes, reference_result.notes
        hidden = [t for t in reference_result.tests if t.suite == "hidden" and t.points > 0]
        assert len(hidden) >= self.hidden_at_least, len(hidden)

    @pytest.mark.slow
    def test_caught_by_names_tests_that_exist(self, reference_result):
        suites: dict[str, set[str]] = {}
        for test in reference_result.tests:
            suites.setdefault(test.name, set()).add(test.suite)
        problems = []
        for wrong in wrong_implementations(self.module):
            for entry in wrong.caught_by:
                found = {suite for name, where in suites.items()
                         if (entry == name if self.caught_by_exact else catches({name}, entry))
                         for suite in where}
                if len(found) != 1 or self.caught_by_suite not in (None, *found):
                    problems.append(f"{wrong.name}: {entry!r} is in the suites {sorted(found)}")
        assert not problems, problems

    @pytest.mark.slow
    def test_every_catching_test_calls_something_its_bug_alters(self, reference_result):
        """`tests_to_grade` leaves out a test before the first catching one when it calls only
        functions the edits cannot alter. Every catching test fails on its bug, so the same
        judgement must call each of them altered, or it is wrong and could leave out a test
        that fails first."""
        problems = []
        for wrong in wrong_implementations(self.module):
            affected = affected_definitions(wrong)
            for record in reference_result.tests:
                caught = (record.name in wrong.caught_by if self.caught_by_exact
                          else any(catches({record.name}, e) for e in wrong.caught_by))
                if caught and not may_be_affected(record, wrong, affected):
                    problems.append(f"{wrong.name}: {record.name} calls {record.functions}")
        assert not problems, "\n".join(problems)

    @pytest.mark.slow
    def test_stubs_score_zero_with_a_hint_on_every_test(self, tmp_path):
        result = grade(stub_submission(tmp_path, self.module), modules=[self.module])
        assert result.max_score == 100
        passed = [t.name for t in result.tests if t.status == "passed"]
        assert not passed, passed
        assert result.score == 0
        without_hint = [t.name for t in result.tests if not t.hint.strip()]
        assert not without_hint, without_hint
        assert all(t.points > 0 for t in result.tests if t.suite == "hidden")

    @pytest.mark.slow
    def test_wrong_implementation_loses_points(self, wrong, tmp_path, reference_result):
        select, canary = tests_to_grade(wrong, reference_result, self.caught_by_exact)
        result = grade(submission_with(tmp_path, self.module, wrong), modules=[self.module],
                       select=select)
        assert result.tests, f"{wrong.name}: nothing was graded for {select}"
        # The canary calls nothing the bug can reach: if it fails, the grader is broken.
        ran = {t.name: t for t in result.tests}
        assert canary in ran and ran[canary].passed, \
            f"the canary {canary} did not pass: {ran[canary].output if canary in ran else select}"
        assert result.score < result.max_score, f"{wrong.name} kept every point"
        failed = [t for t in result.tests if not t.passed]
        missed = [entry for entry in wrong.caught_by
                  if not catches({t.name for t in failed}, entry)]
        assert not missed, f"{wrong.name} passed tests that should catch it: {missed}"
        no_hint = [t.name for t in failed if not t.hint.strip()]
        assert not no_hint, no_hint
        if wrong.message is not None:
            first = failed[0]
            shown = f"{first.output}\n{first.hint}"
            assert wrong.message.lower() in shown.lower(), (
                f"{wrong.name}: the first failing row, {first.name}, does not say "
                f"{wrong.message!r}; it shows:\n{shown}")


# ---------------------------------------------------------------- the command

def _failed_tests(change: Change, tmp: Path) -> list[str]:
    """The record names of the tests that fail on `change`, graded with its SELECT."""
    result = grade(submission_with(tmp, change.module, change), modules=[change.module],
                   select=list(change.select) or None)
    if not any(t.status == "passed" for t in result.tests):
        raise SystemExit(f"{change.name}: no selected test passed; is the grader working? "
                         + (result.tests[0].output[:300] if result.tests else str(result.notes)))
    return [t.name for t in result.tests if t.status != "passed"]


def _write_caught_by(module: str, name: str, tests: list[str]) -> None:
    """Rewrite one spec's `caught_by` array in place, leaving the rest of the file as it is."""
    path = spec_file(module)
    text = path.read_text(encoding="utf-8")
    match = re.compile(rf'(^\[\[wrong\]\]\nname = "{re.escape(name)}"\n'
                       r'(?:(?!\[\[)(?!caught_by = ).*\n)*)(caught_by = \[\n(?:    .*\n)*\]\n)?',
                       re.M).search(text)
    if match is None:
        raise SystemExit(f"{path}: no [[wrong]] named {name}")
    array = "caught_by = [\n" + "".join(f"    {json.dumps(t, ensure_ascii=False)},\n"
                                          for t in tests) + "]\n"
    path.write_text(text[:match.start()] + match.group(1) + array + text[match.end():],
                    encoding="utf-8")


def readme_table(module: str) -> str:
    """The README's table of wrong implementations, one section per replaced file."""
    by_file: dict[str, list[Change]] = {}
    for change in wrong_implementations(module):
        by_file.setdefault(change.replaces, []).append(change)
    out = []
    for replaced, changes in by_file.items():
        out += [f"### `{replaced}`", "", "| wrong implementation | bug | caught by |",
                "| --- | --- | --- |"]
        for change in sorted(changes, key=lambda c: c.name):
            caught = "<br>".join(f"`{entry}`" for entry in change.caught_by)
            cells = [f"`{change.name}`", change.about, caught]
            out.append("| " + " | ".join(cell.replace("|", r"\|") for cell in cells) + " |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.helpers",
        description="Check, show and regrade the wrong implementations of a module.")
    parser.add_argument("command", choices=["check", "show", "grade", "table"])
    parser.add_argument("module")
    parser.add_argument("names", nargs="*", help="wrong implementations (default: all)")
    parser.add_argument("--write", action="store_true",
                        help="grade: make each CAUGHT_BY exactly the tests that fail")
    args = parser.parse_args(argv)
    if not spec_file(args.module).is_file():
        parser.error(f"no {_shown(spec_file(args.module))}")
    try:
        changes = wrong_implementations(args.module) + alternatives(args.module)
    except SpecError as error:
        print(error, file=sys.stderr)
        return 1
    unknown = set(args.names) - {c.name for c in changes}
    if unknown:
        parser.error(f"unknown names: {', '.join(sorted(unknown))}")
    chosen = [c for c in changes if not args.names or c.name in args.names]
    if args.command == "check":
        try:
            assert_specs_apply(args.module)
        except AssertionError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{len(changes)} specs of {args.module} apply to the current reference "
              f"({len(alternatives(args.module))} of them alternatives)")
    elif args.command == "show":
        for change in chosen:
            print(f"# {change.name}: {change.about}\n{change.diff()}")
    elif args.command == "table":
        print(readme_table(args.module), end="")
    else:
        return _grade_command(args.module, [c for c in chosen if c.kind == "wrong"], args.write)
    return 0


def _grade_command(module: str, changes: list[Change], write: bool) -> int:
    import tempfile

    from rich.console import Console
    from rich.progress import Progress

    console, changed = Console(), 0
    with Progress(console=console) as progress, tempfile.TemporaryDirectory() as tmp:
        task = progress.add_task("grading", total=len(changes))
        for change in changes:
            in_order = _failed_tests(change, Path(tmp))
            failed = set(in_order)
            kept = [entry for entry in change.caught_by if catches(failed, entry)]
            lost = [entry for entry in change.caught_by if entry not in kept]
            gained = [test for test in dict.fromkeys(base_name(n) for n in in_order)
                      if test not in {base_name(entry) for entry in kept}]
            if lost or gained:
                changed += 1
                progress.console.print(
                    f"[bold]{change.name}[/]:"
                    + "".join(f"\n  [red]- {entry}[/] (passes now)" for entry in lost)
                    + "".join(f"\n  [green]+ {test}[/]" for test in gained))
                if write:
                    _write_caught_by(module, change.name, kept + gained)
            progress.advance(task)
    verb = "rewritten" if write else "differ"
    console.print(f"{len(changes)} graded, {changed} CAUGHT_BY {verb}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    raise SystemExit(main())
