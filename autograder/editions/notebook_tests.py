"""The course's pytest tests as self-contained notebook tests (shared by otter and nbgrader).

A test of this repository asks for the student's code through the `student` fixture and leans
on its file's imports, constants and helpers. A notebook test gets the notebook's namespace
and nothing else, so each chosen test becomes one function of `env` that carries what it
needs:

    BPE = "m1_tokenization.bpe"                        def test_merge_pair_never_overlaps(env):
                                                           merge_pair = env['merge_pair']
    @pytest.mark.points(1)                       ->        assert merge_pair([1, 1, 1, 1, 1], ...
    def test_merge_pair_never_overlaps(student):
        merge_pair = student.function(BPE, "merge_pair")
        assert merge_pair([1, 1, 1, 1, 1], ...

- `student.function(module, "name")` becomes `env['name']` (`"Class.method"` becomes
  `env['Class'].method`), `student.module(m).name` becomes `env['name']`, `student.repeat`
  becomes `itertools.repeat`; a helper that took `student` now takes `env`.
- Imports of the test's file are repeated inside the function; plain constants (strings,
  numbers, lists, dicts … of them) are written out as literals; helper functions and classes
  of the test file or of its suite's helper modules are copied in.
- Each case of a parametrized test becomes a test of its own, with its parameters as literals.

What cannot be carried into a notebook is left out, with the reason: tests that compare with
the reference (`solution`, `reference`), measure speed or memory, call trusted helpers inside
the worker, read the hidden suites' data files, or are property-based. Every test that is kept
is then run against the module's reference (it must pass) and against the stubs (it must
fail), in this process, exactly as the notebook will run it.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import contextvars
import importlib
import importlib.util
import inspect
import io
import itertools
import re
import symtable
import sys
import textwrap
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from autograder.editions.notebook import ModuleSource, Question, layout
from autograder import course
from autograder.course import REPO_ROOT, SOLUTIONS, SUITES

WORKER_HELPERS = Path(__file__).resolve().parents[1] / "worker_helpers"
_helper_folders: contextvars.ContextVar[list[Path]] = contextvars.ContextVar("helper_folders",
                                                                             default=[])
_PLAIN_TYPES = (str, bytes, int, float, bool, type(None), complex)
_MAX_LITERAL = 6000  # characters of one constant written into a test
_ALLOWED_PYTEST = {"raises", "approx"}
_CACHE_DECORATORS = {"functools.cache", "functools.lru_cache", "cache", "lru_cache"}


@dataclass
class NotebookTest:
    """One test case, ready for a notebook: `code` defines `name(env)`."""

    name: str
    module: str
    origin: str  # file and test it comes from, e.g. "autograder/suites/m1…/test_bpe.py::test_x"
    points: float
    hidden: bool
    hint: str
    uses: list[str]  # notebook names the test looks up in env
    code: str


@dataclass
class LeftOut:
    origin: str
    reason: str


@dataclass
class TestSelection:
    """The tests of a module chosen for the notebook editions, and the ones left out."""

    module: str
    tests: list[NotebookTest] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)


_VALUE_AND_GRAD = '''\
def _value_and_grad(function, *args, wrt=(0,), **kwargs):
    """The value of a torch function and the gradients of the `wrt` arguments."""
    import torch
    args = list(args)
    for index in wrt:
        args[index] = torch.as_tensor(args[index]).detach().clone().requires_grad_()
    value = function(*args, **kwargs)
    value.backward()
    return value.detach(), [args[i].grad for i in wrt]
'''


class _Unsupported(Exception):
    """This test cannot live in a notebook; the message says why."""


def select_tests(source: ModuleSource, select: Iterable[str] | None = None,
                 suites: Path = SUITES, solutions: Path = SOLUTIONS,
                 check: bool = True) -> TestSelection:
    """Translate the module's public and hidden tests (only the files named in `select`, when
    given); keep those that pass on the reference and fail on the stubs (when `check`)."""
    selection = TestSelection(source.module)
    files = [(p, False) for p in sorted((Path(solutions) / source.module / "tests")
                                        .glob("test_*.py"))]
    files += [(p, True) for p in sorted((Path(suites) / source.module).glob("test_*.py"))]
    if select:
        wanted = set(select)
        files = [(p, hidden) for p, hidden in files if p.name in wanted]
    _helper_folders.set([WORKER_HELPERS.resolve(), *{p.parent.resolve() for p, _ in files}])
    names: set[str] = set()
    for path, hidden in files:
        translated, left_out = _translate_file(source, path, hidden, names)
        selection.tests += translated
        selection.left_out += left_out
    if check:
        _check_against_reference_and_stubs(source, selection)
    return selection


# --------------------------------------------------------------------------- one file


def _translate_file(source: ModuleSource, path: Path, hidden: bool, names: set[str]
                    ) -> tuple[list[NotebookTest], list[LeftOut]]:
    origin_file = _display(path)
    try:
        namespace = _import_test_file(path)
    except Exception as error:  # noqa: BLE001 - any import failure leaves the file out
        return [], [LeftOut(origin_file, f"the file cannot be imported here: "
                                         f"{type(error).__name__}: {error}")]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_marks = _as_marks(namespace.get("pytestmark", []))
    tests, left_out = [], []
    for node in tree.body:
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name.startswith("test")):
            continue
        origin = f"{origin_file}::{node.name}"
        try:
            cases = _translate_test(source, node, namespace, module_marks, hidden, origin)
        except _Unsupported as why:
            left_out.append(LeftOut(origin, str(why)))
            continue
        for case in cases:
            case.name = _unique(case.name, names)
            case.code = case.code.replace("def __TEST__(", f"def {case.name}(", 1)
            tests.append(case)
    return tests, left_out


def _import_test_file(path: Path) -> dict[str, Any]:
    """Import a test file the way the grader does: its folder on sys.path for helpers."""
    name = f"_notebook_export_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # inspect finds the helpers' source through it
    saved = list(sys.path)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return vars(module)


def _translate_test(source: ModuleSource, node: ast.FunctionDef, namespace: dict[str, Any],
                    module_marks: list, hidden: bool, origin: str) -> list[NotebookTest]:
    module = source.module
    if isinstance(node, ast.AsyncFunctionDef):
        raise _Unsupported("an async test")
    function = namespace.get(node.name)
    marks = module_marks + _as_marks(getattr(function, "pytestmark", []))
    for decorator in node.decorator_list:
        if not _is_pytest_mark(decorator):
            raise _Unsupported(f"decorated with {ast.unparse(decorator)} "
                               "(property-based or otherwise not a plain test)")
    for mark in marks:
        if mark.name in ("skip", "skipif", "xfail", "usefixtures", "filterwarnings"):
            raise _Unsupported(f"marked {mark.name}")
    points = float(_mark_arg(marks, "points", 0))
    if points <= 0:
        raise _Unsupported("worth no points")
    visibility = _mark_arg(marks, "visibility", "after_due_date" if hidden else "visible")
    hint = str(_mark_arg(marks, "hint", ""))
    cases = _parameter_cases([m for m in marks if m.name == "parametrize"])
    parameters = {name for case in cases for name in case[1]}
    fixtures = [a.arg for a in node.args.args if a.arg not in parameters]
    extra = [f for f in fixtures if f not in ("student", "solution")]
    if extra:
        raise _Unsupported(f"needs the fixture {extra[0]!r}")
    if "solution" in fixtures and visibility == "visible":
        raise _Unsupported("compares with the reference in a test students see")
    if node.args.vararg or node.args.kwarg or node.args.kwonlyargs:
        raise _Unsupported("takes *args or keyword-only arguments")
    namespace = dict(namespace)
    body, uses = _body_with_env(module, node, namespace)
    tests = []
    for case_id, params in cases:
        lines = []
        for name, value in params.items():
            lines.append(f"{name} = {_literal(value, f'parameter {name!r}')}")
        code, helper_uses = _assemble(body, lines, namespace, source)
        if not uses + helper_uses:
            raise _Unsupported("reaches the student's code only through the grader")
        tests.append(NotebookTest(
            name=f"{node.name}_{case_id}" if case_id else node.name, module=module,
            origin=origin + (f"[{case_id}]" if case_id else ""), points=points,
            hidden=visibility != "visible", hint=hint,
            uses=list(dict.fromkeys(uses + helper_uses)), code=code))
    return tests


def _as_marks(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_pytest_mark(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    parts = []
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    return isinstance(target, ast.Name) and target.id == "pytest" and parts[-1:] == ["mark"]


def _mark_arg(marks: list, name: str, default: Any) -> Any:
    for mark in reversed(marks):  # the closest marker wins, as in pytest
        if mark.name == name and mark.args:
            return mark.args[0]
    return default


def _parameter_cases(marks: list) -> list[tuple[str, dict[str, Any]]]:
    """(case id, {parameter: value}) for every combination of the parametrize marks."""
    axes = []
    for mark in marks:
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        ids = mark.kwargs.get("ids")
        axis = []
        for index, value in enumerate(mark.args[1]):
            case_marks = getattr(value, "marks", ())
            if any(m.name in ("skip", "skipif", "xfail") for m in case_marks):
                continue
            explicit = getattr(value, "id", None)
            values = tuple(value.values) if hasattr(value, "values") else \
                ((value,) if len(names) == 1 else tuple(value))
            if explicit is None and isinstance(ids, (list, tuple)) and index < len(ids):
                explicit = ids[index]
            label = explicit if explicit is not None else "-".join(
                _id_part(v, n, index) for v, n in zip(values, names))
            axis.append((str(label), dict(zip(names, values))))
        axes.append(axis)
    if not axes:
        return [("", {})]
    cases = []
    for combination in itertools.product(*axes):
        label = "-".join(label for label, _ in combination)
        params = {k: v for _, values in combination for k, v in values.items()}
        cases.append((_identifier(label), params))
    return cases


def _id_part(value: Any, name: str, index: int) -> str:
    if isinstance(value, (str, int, float, bool)) and len(str(value)) <= 24:
        return str(value)
    return f"{name}{index}"


def _identifier(text: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"\W", "_", text, flags=re.ASCII)).strip("_") or "case"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


# --------------------------------------------------------------------------- the body


class _StudentCalls(ast.NodeTransformer):
    """`student.function(m, "f")` -> `env['f']`, and the like."""

    def __init__(self, module: str, namespace: dict[str, Any], target: str):
        self.module, self.namespace, self.target = module, namespace, target
        self.uses: list[str] = []
        self.needs_itertools = False
        self.helpers: dict[str, Any] = {}  # name in the test -> trusted worker helper

    def _value(self, node: ast.expr) -> Any:
        try:
            return eval(compile(ast.Expression(node), "<test>", "eval"), dict(self.namespace))
        except Exception:  # noqa: BLE001
            raise _Unsupported(f"cannot tell statically what {ast.unparse(node)} is") from None

    def _lookup(self, qualname: str) -> ast.expr:
        first, *rest = qualname.split(".")
        self.uses.append(first)
        node: ast.expr = ast.Subscript(ast.Name(self.target, ast.Load()), ast.Constant(first),
                                       ast.Load())
        for attribute in rest:
            node = ast.Attribute(node, attribute, ast.Load())
        return node

    def _own(self, dotted: Any) -> None:
        if not isinstance(dotted, str) or dotted.split(".")[0] != self.module:
            raise _Unsupported(f"uses code of another module ({dotted!r})")

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        call = node.value
        if _is_student_call(call, "module"):
            self._own(self._value(call.args[0]))
            return self._lookup(node.attr)
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if _is_student_call(node, "function"):
            if len(node.args) != 2 or node.keywords:
                raise _Unsupported("student.function with unusual arguments")
            self._own(self._value(node.args[0]))
            qualname = self._value(node.args[1])
            if not isinstance(qualname, str):
                raise _Unsupported("student.function with a name that is not a string")
            return self._lookup(qualname)
        if _is_student_call(node, "worker_helper"):
            spec = self._value(node.args[0])
            module_name, _, attribute = str(spec).partition(":")
            if not module_name.startswith("autograder.worker_helpers."):
                raise _Unsupported(f"uses the worker helper {spec!r}")
            try:
                factory = getattr(importlib.import_module(module_name), attribute)
            except (ImportError, AttributeError):
                raise _Unsupported(f"the worker helper {spec!r} does not exist") from None
            name = f"_helper_{attribute}"
            self.helpers[name] = factory
            node.func = ast.Name(name, ast.Load())
            node.args = node.args[1:]
            return self.generic_visit(node)
        if _is_student_call(node, "value_and_grad"):
            if len(node.args) < 2:
                raise _Unsupported("student.value_and_grad with unusual arguments")
            self._own(self._value(node.args[0]))
            function = self._lookup(str(self._value(node.args[1])))
            self.helpers["_value_and_grad"] = _VALUE_AND_GRAD
            node.func = ast.Name("_value_and_grad", ast.Load())
            node.args = [function, *node.args[2:]]
            return self.generic_visit(node)
        if _is_student_call(node, "repeat"):
            self.needs_itertools = True
            node.func = ast.Attribute(ast.Name("itertools", ast.Load()), "repeat", ast.Load())
            return self.generic_visit(node)
        return self.generic_visit(node)


def _is_student_call(node: ast.AST, method: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == method and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "student")


class _SkipToFailure(ast.NodeTransformer):
    """`pytest.skip(msg)` / `pytest.fail(msg)` -> `raise AssertionError(msg)`: a notebook
    grader knows no skipped tests, and pytest's outcomes are not exceptions it catches."""

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        call = node.value
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("skip", "fail") and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "pytest"):
            return ast.copy_location(ast.Raise(ast.Call(ast.Name("AssertionError", ast.Load()),
                                                        call.args[:1], []), None), node)
        return node


class _RenameStudent(ast.NodeTransformer):
    def __init__(self, target: str):
        self.target = target

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == "student":
            node.id = self.target
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        if node.arg == "student":
            node.arg = self.target
        return node


def _names_in(node: ast.AST) -> set[str]:
    return ({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            | {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)})


def _with_env(node: ast.AST, module: str, namespace: dict[str, Any], target: str = "env"
              ) -> tuple[ast.AST, list[str], bool]:
    """A definition with its student calls rewritten and `student` renamed `target` (the
    notebook's namespace); the worker helpers it calls are added to `namespace` under the
    names the rewritten calls use."""
    uses_student = "student" in _names_in(node)
    calls = _StudentCalls(module, namespace, target)
    node = calls.visit(node)
    node = _RenameStudent(target).visit(node)
    node = _SkipToFailure().visit(node)
    for sub in ast.walk(node):
        if uses_student and isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) \
                and sub.value.id == target:
            raise _Unsupported(f"uses student.{sub.attr} (grader-only)")
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) \
                and sub.value.id == "pytest" and sub.attr not in _ALLOWED_PYTEST:
            raise _Unsupported(f"uses pytest.{sub.attr}")
    ast.fix_missing_locations(node)
    namespace.update(calls.helpers)
    return node, calls.uses, calls.needs_itertools


def _body_with_env(module: str, node: ast.FunctionDef, namespace: dict[str, Any]
                   ) -> tuple[ast.FunctionDef, list[str]]:
    """The test as a function of `env`; `namespace` gains the worker helpers it calls."""
    node = ast.parse(ast.unparse(node)).body[0]  # a private copy
    if "env" in _names_in(node):
        raise _Unsupported("has a variable named env, the name notebook tests get")
    node.decorator_list = []
    node.name = "__TEST__"
    node.args = ast.arguments(posonlyargs=[], args=[ast.arg("env")], kwonlyargs=[],
                              kw_defaults=[], defaults=[])
    node, uses, needs_itertools = _with_env(node, module, namespace)
    if needs_itertools:
        node.body.insert(0, ast.parse("import itertools").body[0])
    ast.fix_missing_locations(node)
    return node, list(dict.fromkeys(uses))


# --------------------------------------------------------------------------- what it needs


@dataclass
class _Preamble:
    imports: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    bound: dict[str, int] = field(default_factory=dict)  # name -> id of what it is bound to
    uses: list[str] = field(default_factory=list)
    reference: set[str] | None = field(default_factory=set)  # None: all of it
    sources: list[str] = field(default_factory=list)  # code that may call solution.function


def _assemble(body: ast.FunctionDef, parameter_lines: list[str], namespace: dict[str, Any],
              source: ModuleSource) -> tuple[str, list[str]]:
    """The test function with everything it needs written at the top of its body, and the
    notebook names its helpers look up."""
    preamble = _Preamble()
    locals_ = {line.split(" = ", 1)[0] for line in parameter_lines} | {"solution"}
    text = ast.unparse(body)
    preamble.sources.append(text)
    _resolve(text, "__TEST__", namespace, preamble, source.module, locals_)
    reference_lines = _reference_lines(preamble, source, namespace)
    header = (preamble.imports + preamble.constants + parameter_lines + reference_lines
              + preamble.definitions)
    source = ast.unparse(body)
    first, rest = source.split("\n", 1)
    indented = textwrap.indent("\n".join(header), "    ")
    return (f"{first}\n{indented}\n{rest}" if header else source), preamble.uses


def _resolve(source: str, function_name: str, namespace: dict[str, Any], preamble: _Preamble,
             module: str, locals_: set[str]) -> None:
    """Bring every global name the function in `source` uses into the preamble."""
    for name in sorted(_global_names(source, function_name)):
        if name in locals_ or name == "env":
            continue
        if name not in namespace:
            if hasattr(builtins, name):
                continue
            raise _Unsupported(f"uses {name!r}, which its file does not define")
        value = namespace[name]
        if name in preamble.bound:
            if preamble.bound[name] != id(value):
                raise _Unsupported(f"two helpers mean different things by {name!r}")
            continue
        preamble.bound[name] = id(value)
        _bring(name, value, namespace, preamble, module)


def _bring(name: str, value: Any, namespace: dict[str, Any], preamble: _Preamble,
           module: str) -> None:
    if isinstance(value, str) and value is _VALUE_AND_GRAD:
        preamble.definitions.append(value.strip())
        return
    if isinstance(value, types.ModuleType):
        if _is_course_code(value):
            raise _Unsupported(f"uses the course's own module {value.__name__}")
        if name == "pytest":
            preamble.imports.append("import pytest")
        else:
            preamble.imports.append(_import_line(name, value))
        return
    if _is_plain(value):
        preamble.constants.append(f"{name} = {_literal(value, f'the constant {name!r}')}")
        return
    array = _array_literal(value)
    if array is not None:
        if "import numpy" not in preamble.imports:
            preamble.imports.append("import numpy")
        preamble.constants.append(f"{name} = {array}")
        return
    home = sys.modules.get(getattr(value, "__module__", ""), None)
    if hasattr(value, "__wrapped__") and isinstance(value.__wrapped__, types.FunctionType):
        value = value.__wrapped__  # a cached helper: copied with its decorator
    if isinstance(value, (types.FunctionType, type)) and home is not None \
            and _is_course_helper(home):
        source = _definition_source(value, name)
        tree = ast.parse(source).body[0]
        home_namespace = dict(vars(home))
        target = "_env" if "env" in _names_in(tree) else "env"
        tree, uses, needs_itertools = _with_env(tree, module, home_namespace, target)
        if needs_itertools and "import itertools" not in preamble.imports:
            preamble.imports.append("import itertools")
        preamble.uses += uses
        text = ast.unparse(tree)
        preamble.sources.append(text)
        _resolve(text, tree.name, home_namespace, preamble, module, set())
        preamble.definitions.append(text)  # after what it needs: base classes come first
        return
    if home is not None and not _is_course_code(home) and hasattr(home, name) \
            and getattr(home, name) is value:
        preamble.imports.append(f"from {home.__name__} import {name}")
        return
    qualified = getattr(value, "__qualname__", None)
    if home is not None and not _is_course_code(home) and qualified and \
            getattr(home, qualified, None) is value:
        preamble.imports.append(f"from {home.__name__} import {qualified} as {name}")
        return
    raise _Unsupported(f"uses {name!r}, a {type(value).__name__} that cannot be written into "
                       "a notebook")


def _global_names(source: str, function_name: str) -> set[str]:
    """Names a definition (its decorators, and anything nested in it) reads from the global
    scope."""
    table = symtable.symtable(source, "<test>", "exec")
    found = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    stack = list(table.get_children())
    while stack:
        current = stack.pop()
        for symbol in current.get_symbols():
            if symbol.is_global() and (symbol.is_referenced() or symbol.is_assigned()):
                found.add(symbol.get_name())
        stack += current.get_children()
    return found - {function_name}


def _reference_lines(preamble: _Preamble, source: ModuleSource,
                     namespace: dict[str, Any]) -> list[str]:
    """`solution`, the reference of the module run in a namespace of its own, for the hidden
    tests that compare with it (only what those tests call, and what that code uses)."""
    calls = [node for text in preamble.sources for node in ast.walk(ast.parse(text))
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
             and node.value.id == "solution"]
    if not calls:
        return []
    names: set[str] | None = set()
    for text in preamble.sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "solution" and node.attr not in ("function",):
                raise _Unsupported(f"uses solution.{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "solution" and names is not None:
                try:
                    qualname = eval(compile(ast.Expression(node.args[1]), "<test>", "eval"),
                                    dict(namespace))
                    names.add(str(qualname).split(".")[0])
                except Exception:  # noqa: BLE001 - a name known only at run time: all of it
                    names = None
    code = source.reference_code(names)
    return [
        "import sys",
        "import textwrap",
        "import types",
        f"REFERENCE = {_code_literal(code)}",
        f"_reference = types.ModuleType('_reference_{source.module}')",
        "_reference.__file__ = env.get('__file__', '')",
        "sys.modules[_reference.__name__] = _reference",
        "exec(compile(textwrap.dedent(REFERENCE), 'reference', 'exec'), vars(_reference))",
        "solution = types.ModuleType('solution')",
        "solution.function = lambda module, qualname: eval(qualname, vars(_reference))",
    ]


def _code_literal(code: str) -> str:
    """Code as a readable raw string literal (to be dedented) where possible."""
    candidate = f"r'''\n{code}'''"
    if "'''" not in code and not code.endswith("\\"):
        try:
            if ast.literal_eval(candidate) == "\n" + code:
                return candidate
        except (ValueError, SyntaxError):
            pass
    return repr(code)


def _import_line(name: str, value: types.ModuleType) -> str:
    full = value.__name__
    if full == name:
        return f"import {name}"
    if "." in full and full.split(".")[0] == name:
        return f"import {full}"
    return f"import {full} as {name}"


def _definition_source(value: Any, name: str) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(value))
    except (OSError, TypeError):
        raise _Unsupported(f"the source of {name!r} is not available") from None
    tree = ast.parse(source).body[0]
    for decorator in getattr(tree, "decorator_list", []):
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(called) not in _CACHE_DECORATORS:
            raise _Unsupported(f"uses the decorated helper {name!r}")
    if name == f"_helper_{tree.name}":
        tree.name = name  # a worker helper, named apart from the test's own variables
        return ast.unparse(tree)
    if tree.name != name:
        raise _Unsupported(f"uses {name!r}, an alias of {tree.name!r}")
    return source


def _array_literal(value: Any) -> str | None:
    """A small numeric numpy array written out (`numpy.array([...], dtype=...)`), else None."""
    numpy = sys.modules.get("numpy")
    if numpy is None or not isinstance(value, numpy.ndarray) or value.dtype.kind not in "biuf":
        return None
    if value.size > 4096 or not numpy.all(numpy.isfinite(value)):
        return None
    text = f"numpy.array({value.tolist()!r}, dtype={str(value.dtype)!r})"
    if len(text) > 4 * _MAX_LITERAL:
        return None
    rebuilt = eval(text, {"numpy": numpy})
    if rebuilt.shape != value.shape or not numpy.array_equal(rebuilt, value):
        return None
    return text


def _is_plain(value: Any, depth: int = 0) -> bool:
    if depth > 6:
        return False
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) in _PLAIN_TYPES:
        return True
    if type(value) in (list, tuple, set, frozenset):
        return all(_is_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(_is_plain(k, depth + 1) and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def _literal(value: Any, what: str) -> str:
    if not _is_plain(value):
        raise _Unsupported(f"{what} is a {type(value).__name__}, not plain data")
    text = repr(value)
    if len(text) > _MAX_LITERAL:
        raise _Unsupported(f"{what} is too large to write into a notebook ({len(text)} characters)")
    if type(value) in (set, frozenset) and not value:
        text = f"{type(value).__name__}()"
    try:
        if ast.literal_eval(text) != value:
            raise ValueError
    except (ValueError, SyntaxError):
        raise _Unsupported(f"{what} does not survive being written out") from None
    return text


def _is_course_code(module: types.ModuleType) -> bool:
    if module.__name__.split(".")[0] in (*course.module_ids(), "autograder"):
        return True
    return _is_course_helper(module)


def _is_course_helper(module: types.ModuleType) -> bool:
    """A test file, a helper module beside the tests, a worker helper, or the checks of
    student values (autograder.checks): trusted code that may be copied into a notebook test."""
    if module.__name__ == "autograder.checks":  # plain Python and numpy: it travels
        return True
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = Path(file).resolve()
    return any(path.is_relative_to(folder) for folder in _helper_folders.get())


# --------------------------------------------------------------------------- the check


def _check_against_reference_and_stubs(source: ModuleSource, selection: TestSelection) -> None:
    """Run the notebook top to bottom, as a kernel would, on the reference and on the stubs:
    keep the tests that pass on the first and fail on the second. Leaving a test out can move
    code that only the reference has, so the layout is checked again until nothing changes."""
    for _ in range(5):
        sections = layout(source, selection.tests)
        on_reference = _run_in_order(source, sections, solved=True)
        on_stubs = _run_in_order(source, sections, solved=False)
        kept = []
        for test in selection.tests:
            if on_reference[test.name] is not None:
                selection.left_out.append(LeftOut(
                    test.origin, f"fails on the reference in a notebook: "
                                 f"{on_reference[test.name]}"))
            elif on_stubs[test.name] is None:
                selection.left_out.append(LeftOut(test.origin,
                                                  "passes without an implementation"))
            else:
                kept.append(test)
        if len(kept) == len(selection.tests):
            return
        selection.tests = kept


def _run_in_order(source: ModuleSource, sections: list, solved: bool) -> dict[str, str | None]:
    """Each test's outcome (None: passed) when the notebook runs from top to bottom. The
    namespace is a module of its own, as `__main__` is in a kernel, so that dataclasses and
    the like find it; `__file__` points into the module's folder, where its data lives."""
    name = f"_notebook_{source.module}_{'reference' if solved else 'stubs'}"
    notebook = types.ModuleType(name)
    sys.modules[name] = notebook
    env = vars(notebook)

    def run_cell(code: str) -> None:
        try:
            with _quietly():
                exec(compile(code, f"<{source.module} notebook>", "exec"), env)
        except Exception:  # noqa: BLE001 - a broken cell shows up as failing tests
            pass

    run_cell(source.setup_code().replace(f'"{source.module}.ipynb"',
                                         repr(str(source.folder / "notebook.ipynb"))))
    outcomes: dict[str, str | None] = {}
    for _, items in sections:
        for item in items:
            chunks = item.chunks if isinstance(item, Question) else [item]
            for chunk in chunks:
                run_cell(chunk.solved() if solved else chunk.stub())
            for test in getattr(item, "tests", []):
                outcomes[test.name] = _run(test, env)
    return outcomes


def _run(test: NotebookTest, env: dict[str, Any]) -> str | None:
    """None when the test passes on `env`, else what went wrong."""
    scope: dict[str, Any] = {}
    try:
        with _quietly():
            exec(compile(test.code, f"<{test.name}>", "exec"), scope)
            scope[test.name](env)
    except Exception as error:  # noqa: BLE001 - a failing test is the answer, not a crash
        message = str(error).split("\n", 1)[0][:200]
        return f"{type(error).__name__}: {message}" if message else type(error).__name__
    return None


@contextlib.contextmanager
def _quietly():
    """Code run for the check prints nothing and warns nothing here."""
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), \
            contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        yield


def _display(path: Path) -> str:

    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
