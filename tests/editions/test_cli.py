"""`autograder export`: one clear message on bad input, and `--check` for committed editions."""

from __future__ import annotations

import pytest

from autograder.cli import main


def export(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["export", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_unknown_platform_and_module_are_usage_errors(capsys):
    for args in (["moodle"], ["otter", "--module", "m9_nothing"]):
        with pytest.raises(SystemExit) as exit_:
            main(["export", *args])
        assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_no_test_to_export_is_one_message(capsys, tmp_path):
    status, _, err = export(capsys, "otter", "--module", "m1_tokenization", "--select",
                            "test_nothing.py", "--output", str(tmp_path / "out"))
    assert status == 2
    assert err.strip() == "autograder export: no test of m1_tokenization can run in a notebook"
    assert not (tmp_path / "out").exists(), "nothing written"


def test_check_finds_a_stale_nbgrader_edition(capsys, tmp_path):
    pytest.importorskip("nbformat")
    out = tmp_path / "course"
    options = ["--module", "m1_tokenization", "--select", "test_bpe.py", "--output", str(out)]
    assert export(capsys, "nbgrader", *options)[0] == 0
    (out / "submitted").mkdir()  # the instructor's own folders do not count
    status, stdout, _ = export(capsys, "nbgrader", *options, "--check")
    assert status == 0, stdout
    notebook = out / "source" / "m1_tokenization" / "m1_tokenization.ipynb"
    notebook.write_text(notebook.read_text().replace("merge_pair", "merge_pairs", 1))
    status, stdout, _ = export(capsys, "nbgrader", *options, "--check")
    assert status == 1 and "m1_tokenization/m1_tokenization.ipynb" in stdout


def test_check_finds_a_stale_gradescope_zip(capsys, tmp_path):
    options = ["--module", "m1_tokenization", "--output", str(tmp_path / "autograder.zip")]
    assert export(capsys, "gradescope", *options, "--check")[0] == 1  # nothing there yet
    assert export(capsys, "gradescope", *options)[0] == 0
    assert export(capsys, "gradescope", *options, "--check")[0] == 0
