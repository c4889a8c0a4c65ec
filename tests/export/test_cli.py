"""`autograder export`: one clear message on bad input, and `--check` for committed editions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import REPO_ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "export", *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def test_unknown_platform_and_module_are_usage_errors():
    assert run("moodle").returncode == 2
    completed = run("otter", "--module", "m9_nothing")
    assert completed.returncode == 2 and "invalid choice" in completed.stderr


def test_no_test_to_export_is_one_message(tmp_path):
    completed = run("otter", "--module", "m1_tokenization", "--select", "test_nothing.py",
                    "--output", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert completed.stderr.strip() == \
        "autograder export: no test of m1_tokenization can run in a notebook"
    assert not (tmp_path / "out").exists(), "nothing written"


def test_check_finds_a_stale_nbgrader_edition(tmp_path):
    pytest.importorskip("nbformat")
    out = tmp_path / "course"
    options = ["--module", "m1_tokenization", "--select", "test_bpe.py", "--output", str(out)]
    assert run("nbgrader", *options).returncode == 0
    (out / "submitted").mkdir()  # the instructor's own folders do not count
    fresh = run("nbgrader", *options, "--check")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    notebook = out / "source" / "m1_tokenization" / "m1_tokenization.ipynb"
    notebook.write_text(notebook.read_text().replace("merge_pair", "merge_pairs", 1))
    stale = run("nbgrader", *options, "--check")
    assert stale.returncode == 1
    assert "m1_tokenization/m1_tokenization.ipynb" in stale.stdout


def test_check_finds_a_stale_gradescope_zip(tmp_path):
    target = tmp_path / "autograder.zip"
    options = ["--module", "m1_tokenization", "--output", str(target)]
    assert run("gradescope", *options, "--check").returncode == 1  # nothing there yet
    assert run("gradescope", *options).returncode == 0
    assert run("gradescope", *options, "--check").returncode == 0
