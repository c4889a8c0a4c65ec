"""The nbgrader edition, through nbgrader's own Python API: generate_assignment, autograde a
solved and an unsolved submission, read the scores back from gradebook.db, and
generate_feedback."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder.editions.notebook import load_module
from autograder.editions.notebook_tests import select_tests

# nbgrader 0.9.6 warns about its own SQLAlchemy session use while autograding.
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted")

MODULE = "m1_tokenization"
SELECT = ["test_bpe.py", "test_pair_counts_and_merge.py"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The exported course, with its assignment generated and two submissions autograded."""
    # Imported here, not at collection: nbgrader takes seconds to import, and every test
    # process collects this file while only one runs it.
    pytest.importorskip("nbgrader", reason="nbgrader is an optional extra")
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.editions.nbgrader import write_course

    root = tmp_path_factory.mktemp("nbgrader")
    source = load_module(MODULE)
    write_course([(source, select_tests(source, select=SELECT))], root)
    # nbgrader runs the `alembic` of the environment it lives in.
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{path}"
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.CourseDirectory.root = str(root)
        api = NbGraderAPI(config=config)
        generated = api.generate_assignment(MODULE)
        assert generated["success"], generated["log"][-3000:]
        submissions = {"solved": root / "source" / MODULE / f"{MODULE}.ipynb",
                       "unsolved": root / "release" / MODULE / f"{MODULE}.ipynb"}
        for student, notebook in submissions.items():
            folder = root / "submitted" / student / MODULE
            folder.mkdir(parents=True)
            shutil.copyfile(notebook, folder / f"{MODULE}.ipynb")
            graded = api.autograde(MODULE, student)
            assert graded["success"], graded["log"][-3000:]
        feedback = api.generate_feedback(MODULE)
        assert feedback["success"], feedback["log"][-3000:]
    finally:
        os.environ["PATH"] = path
    return root


def cells(path: Path) -> list:
    import nbformat

    return nbformat.read(path, as_version=4).cells


def test_source_notebook_metadata(course):
    source = cells(course / "source" / MODULE / f"{MODULE}.ipynb")
    meta = [c.metadata.get("nbgrader", {}) for c in source]
    solutions = [m["grade_id"] for m in meta if m.get("solution")]
    assert {"get_pair_counts", "merge_pair", "pretokenize", "train_bpe"} <= set(solutions)
    grades = [m for m in meta if m.get("grade")]
    assert grades and all(m["locked"] and m["points"] > 0 for m in grades)
    assert len({m["grade_id"] for m in meta if m}) == len([m for m in meta if m]), "unique ids"
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in source)
    assert (course / "nbgrader_config.py").exists()
    assert (course / "source" / MODULE / "data" / "tiny.txt").exists()


def test_release_has_stubs_and_no_reference_code(course):
    release = "\n".join(c.source for c in cells(course / "release" / MODULE / f"{MODULE}.ipynb"))
    for reference_only in ("_split_on_special_tokens", "_merge_bytes", "heapq", "counts.get(pair",
                           "BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "merge_pair([1, 1, 1, 1, 1]"):
        assert reference_only not in release
    assert "# Hint: The count of every pair of neighbouring ids" in release
    assert "raise NotImplementedError()" in release
    assert (course / "release" / MODULE / "data" / "tiny.txt").exists()


def test_gradebook_scores_solved_full_and_unsolved_zero(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(MODULE, "solved")
        unsolved = gradebook.find_submission(MODULE, "unsolved")
        assert solved.max_score >= 10
        assert solved.score == solved.max_score
        assert unsolved.score == 0 and unsolved.max_score == solved.max_score


def test_feedback_is_html_without_the_hidden_tests_code(course):
    for student in ("solved", "unsolved"):
        html = (course / "feedback" / student / MODULE / f"{MODULE}.html").read_text()
        assert "<html" in html.lower()
        assert "merge_pair([1, 1, 1, 1, 1]" not in html, "hidden test code stays hidden"
    unsolved = (course / "feedback" / "unsolved" / MODULE / f"{MODULE}.html").read_text()
    assert "NotImplementedError" in unsolved and "If this fails" in unsolved
