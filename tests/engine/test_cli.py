"""The command line: exit statuses, output files, and the report on the reference."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import REPO_ROOT


def run(*args: str, cwd=REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_unreadable_submission_is_one_clear_message(tmp_path):
    completed = run("grade", str(tmp_path / "missing"))
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"autograder: no such submission folder: {tmp_path / 'missing'}"


def test_unknown_module_is_a_usage_error():
    completed = run("grade", "solutions", "--module", "m9_nothing")
    assert completed.returncode == 2 and "invalid choice" in completed.stderr


def test_output_file_replaces_a_planted_link(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "results.json"
    os.symlink(target, link)
    empty = tmp_path / "empty"
    empty.mkdir()
    completed = run("grade", str(empty), "--public-only", "--module", "m1_tokenization",
                    "--format", "json", "--output", str(link))
    assert completed.returncode == 0, completed.stderr
    assert target.read_text() == "keep me" and not link.is_symlink()
    report = json.loads(link.read_text())
    assert report["score"] == 0
    assert any("m1_tokenization/ is missing" in line for line in report["output"].splitlines())


def test_release_check_passes_on_a_clean_tree():
    completed = run("release", "--check")
    assert completed.returncode == 0, completed.stdout
