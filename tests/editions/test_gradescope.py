"""The Gradescope edition: the zip's layout, and `run_autograder` run from an unpacked zip laid
out like /autograder against a solved, a stub and a prying submission."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.editions.gradescope import arrange_submission, build_zip, grading_user
from tests.helpers import EXERCISES, SOLUTIONS

MODULE = "m1_tokenization"


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return build_zip(tmp_path_factory.mktemp("zip") / "autograder.zip", [MODULE])


def unpack(autograder_zip: Path, root: Path, submission: Path | None) -> Path:
    """A folder laid out like Gradescope's /autograder."""
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    (root / "results").mkdir()
    if submission is not None:
        shutil.copytree(submission, root / "submission")
    return root


def run_autograder(root: Path, **env: str) -> dict:
    completed = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
        timeout=600, env={**os.environ, "AUTOGRADER_ROOT": str(root),
                          "AUTOGRADER_PYTHON": sys.executable, **env})
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text())


def test_zip_has_the_scripts_at_its_root(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        config = json.loads(archive.read("gradescope.json"))
    assert {"setup.sh", "run_autograder", "pyproject.toml", "README.md"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert config == {"modules": [MODULE]}
    assert any(n.startswith(f"autograder/suites/{MODULE}/test_") for n in names)
    assert not any(n.startswith(("autograder/suites/m2", "solutions/m2", "exercises/m2"))
                   for n in names), "only the chosen module's solutions and suites"
    assert f"exercises/{MODULE}/bpe.py" in names and not any("__pycache__" in n for n in names)


def test_setup_script_is_valid_bash(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        (tmp_path / "setup.sh").write_bytes(archive.read("setup.sh"))
    assert subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")]).returncode == 0
    text = (tmp_path / "setup.sh").read_text()
    assert "download.pytorch.org/whl/cpu" in text and "pip install -e" in text


def test_the_zip_is_the_same_every_time(autograder_zip, tmp_path):
    again = build_zip(tmp_path / "again.zip", [MODULE])
    assert again.read_bytes() == autograder_zip.read_bytes()


def test_solved_submission_gets_full_marks(autograder_zip, tmp_path):
    submission = tmp_path / "solved"
    shutil.copytree(SOLUTIONS / MODULE, submission / MODULE,
                    ignore=shutil.ignore_patterns("__pycache__"))
    results = run_autograder(unpack(autograder_zip, tmp_path / "autograder", submission))
    assert results["score"] == results["max_score"] == 100
    assert all(t["status"] == "passed" for t in results["tests"])
    hidden = [t for t in results["tests"] if "hidden" in t["tags"]]
    assert hidden and all(t["visibility"] == "after_due_date" for t in hidden)
    assert {t["visibility"] for t in results["tests"] if "public" in t["tags"]} == {"visible"}
    if os.geteuid() == 0:
        assert results["extra_data"]["isolation"]["user"] != "the grader's own user"


def test_stub_submission_gets_zero_and_its_code_never_runs_as_root(autograder_zip, tmp_path):
    """Loose files, as a student uploads them: the stub of bpe.py, and the stub of analysis.py
    where one function reports who runs it (in an error, shown by its public test)."""
    submission = tmp_path / "stub"
    submission.mkdir()
    shutil.copyfile(EXERCISES / MODULE / "bpe.py", submission / "bpe.py")
    analysis = (EXERCISES / MODULE / "analysis.py").read_text()
    head = "def embedding_parameters(vocab_size: int, d_model: int, tied: bool = True) -> int:"
    assert head in analysis
    (submission / "analysis.py").write_text(analysis.replace(head, head + (
        "\n    import os\n    raise ValueError(str({'uid': os.getuid(), 'euid': os.geteuid()}))\n"), 1))
    results = run_autograder(unpack(autograder_zip, tmp_path / "autograder", submission))
    assert results["score"] == 0 and results["max_score"] == 100
    assert all(t["status"] == "failed" for t in results["tests"])
    assert "not in your submission" in results["output"] and "tokenizer.py" in results["output"]
    assert any("not implemented yet" in t["output"] for t in results["tests"])
    shown = next(t["output"] for t in results["tests"]
                 if t["name"] == "analysis: embedding_parameters")
    assert "'uid':" in shown, shown
    if os.geteuid() == 0:  # Gradescope runs the autograder as root; student code must not
        assert "'uid': 0" not in shown and "'euid': 0" not in shown


def test_a_broken_autograder_still_writes_a_result(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder", None)
    (root / "source" / "gradescope.json").write_text("{not json")
    results = run_autograder(root)
    assert results["score"] == 0 and "the autograder failed" in results["output"]


def test_submission_layouts(tmp_path):
    stubs = EXERCISES
    repository = tmp_path / "repo" / "exercises" / MODULE
    repository.mkdir(parents=True)
    (repository / "bpe.py").write_text("# mine\n")
    (repository / "data").mkdir()
    (repository / "data" / "corpus.txt").write_text("tampered")
    notes = arrange_submission(tmp_path / "repo", stubs, [MODULE], tmp_path / "out")
    assert (tmp_path / "out" / MODULE / "bpe.py").read_text() == "# mine\n"
    assert (tmp_path / "out" / MODULE / "data" / "corpus.txt").read_text() != "tampered"
    assert any("tokenizer.py" in n for n in notes)

    loose = tmp_path / "loose"
    (loose / "nested").mkdir(parents=True)
    (loose / "nested" / "tokenizer.py").write_text("# mine\n")
    (loose / "bpe.py").symlink_to("/etc/hostname")
    arrange_submission(loose, stubs, [MODULE], tmp_path / "out2")
    assert (tmp_path / "out2" / MODULE / "tokenizer.py").read_text() == "# mine\n"
    assert (tmp_path / "out2" / MODULE / "bpe.py").read_text() == \
        (stubs / MODULE / "bpe.py").read_text(), "a link is never followed"


def test_who_grades():
    assert grading_user(euid=0, namespaces=True) is None  # the sandbox gives students a uid
    assert grading_user(euid=0, namespaces=False) in ("autograder", "nobody")
    assert grading_user(euid=0, namespaces=True, forced="user") in ("autograder", "nobody")
    assert grading_user(euid=1000, namespaces=False) is None  # already unprivileged
