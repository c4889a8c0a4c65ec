"""The otter-grader edition, with the real tools: `otter assign` makes the student notebook and
the autograder from the exported master notebook; `otter run` (no Docker) grades the solved
notebook to full marks and the student's stub notebook to zero."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.editions.notebook import load_module
from autograder.editions.notebook_tests import select_tests
from autograder.editions.otter import write_module
from tests.helpers import REPO_ROOT

MODULE = "m1_tokenization"
SELECT = ["test_bpe.py", "test_pair_counts_and_merge.py"]


def run(*command: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    completed = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True,
                               cwd=cwd, timeout=600)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    return completed


@pytest.fixture(scope="module")
def assigned(tmp_path_factory) -> Path:
    # Looked up, not imported: otter and nbformat take seconds to import, and every test
    # process collects this file while only one runs it (otter itself runs as a command).
    if importlib.util.find_spec("otter") is None:
        pytest.skip("otter-grader is an optional extra")
    source = load_module(MODULE)
    folder = tmp_path_factory.mktemp("otter") / MODULE
    write_module(source, select_tests(source, select=SELECT), folder)
    run("otter", "assign", "--no-run-tests", "--no-pdfs", f"{MODULE}.ipynb", "dist", cwd=folder)
    return folder


def notebook(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def code_of(path: Path) -> str:
    nb = notebook(path)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def grade(assigned: Path, notebooks: dict[str, Path], out: Path) -> dict[str, dict]:
    """`otter run` on each notebook (at the same time), and the results it wrote."""
    (zip_file,) = (assigned / "dist" / "autograder").glob("*.zip")
    running = {}
    for name, notebook in notebooks.items():
        (out / name).mkdir()
        running[name] = subprocess.Popen(
            [sys.executable, "-m", "otter", "run", "-a", str(zip_file), "-o", str(out / name),
             str(notebook)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for name, process in running.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output[-3000:]
    return {name: json.loads((out / name / "results.json").read_text()) for name in notebooks}


def test_the_master_notebook_is_otter_assign_format(assigned):
    master = notebook(assigned / f"{MODULE}.ipynb")
    raw = [c.source.split("\n", 1)[0] for c in master.cells if c.cell_type == "raw"]
    assert raw[0] == "# ASSIGNMENT CONFIG"
    assert raw.count("# BEGIN QUESTION") == raw.count("# END QUESTION") > 4
    assert (assigned / "data" / "tiny.txt").exists()
    assert "regex" in (assigned / "requirements.txt").read_text()


def test_the_student_notebook_has_stubs_and_public_tests_only(assigned):
    student = assigned / "dist" / "student" / f"{MODULE}.ipynb"
    code = code_of(student)
    for solution_only in ("_split_on_special_tokens", "_merge_bytes", "heapq", "counts.get(pair",
                          "BEGIN SOLUTION", "BEGIN PROMPT"):
        assert solution_only not in code
    assert "raise NotImplementedError('The count of every pair of neighbouring ids" in code
    tests = notebook(student).metadata["otter"]["tests"]
    public = "\n".join(tests.values())
    assert "test_merge_pair" in public and "hidden=False" in public
    assert "hidden=True" not in public, "hidden tests never reach students"
    assert (assigned / "dist" / "student" / "data" / "tiny.txt").exists()


def test_otter_run_gives_the_solved_notebook_full_marks_and_the_stubs_zero(assigned, tmp_path):
    results = grade(assigned, {
        "solved": assigned / "dist" / "autograder" / f"{MODULE}.ipynb",
        "stub": assigned / "dist" / "student" / f"{MODULE}.ipynb"}, tmp_path)
    solved, stub = results["solved"], results["stub"]
    scored = [t for t in solved["tests"] if "max_score" in t]
    total = sum(t["max_score"] for t in scored)
    assert total >= 10
    assert sum(t["score"] for t in scored) == total
    assert sum(t.get("score", 0) for t in stub["tests"]) == 0
    assert all(t["score"] == 0 for t in stub["tests"] if "max_score" in t)
