"""`autograder release --to DIR`: a complete student template, and never a leak."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tokenize
import tomllib
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.github.protected import MANIFEST, compare, load_manifest
from autograder.template import TemplateError, find_leaks, grading_dependencies, write_template
from tests.helpers import SOLUTIONS

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITES = REPO_ROOT / "autograder" / "suites"
MODULES = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and p.name.startswith("m"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("release") / "template"
    write_template(target)
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_template_is_complete(template):
    for path in ("README.md", "pyproject.toml", ".gitignore", "scripts/setup.sh",
                 ".github/workflows/classroom.yml", MANIFEST, "exercises/conftest.py",
                 "autograder/cli.py", "autograder/github/report.py",
                 "autograder/commands/github.py", "autograder/worker_helpers/__init__.py"):
        assert (template / path).is_file(), path
    for module in MODULES:
        assert (template / "exercises" / module).is_dir()
        assert list((template / "exercises" / module / "tests").glob("test_*.py")) or \
            not list((SOLUTIONS / module / "tests").glob("test_*.py"))
    if (REPO_ROOT / "course").is_dir():
        assert any((template / "course").rglob("*.md")), "the lessons travel with the template"
    assert (template / "scripts/setup.sh").stat().st_mode & 0o111
    project = tomllib.loads((template / "pyproject.toml").read_text())
    course = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    grading, course_only = grading_dependencies(course["project"]["dependencies"])
    assert project["project"]["dependencies"] == grading
    assert project["project"]["optional-dependencies"]["course"] == course_only
    assert project["project"]["scripts"] == {"autograder": "autograder.cli:main"}
    assert project["tool"]["pytest"]["ini_options"]["testpaths"] == ["exercises"]
    workflow = (template / ".github/workflows/classroom.yml").read_text()
    assert "hidden" not in json.loads((template / MANIFEST).read_text())
    assert "@@" not in workflow + (template / "README.md").read_text()


def test_the_release_tooling_and_hidden_suites_stay_home(template):
    assert not (template / "solutions").exists()
    assert not (template / "autograder" / "suites").exists()
    assert not (template / "autograder" / "templates").exists()
    assert not (template / "autograder" / "template.py").exists()
    assert not list(template.rglob("__pycache__"))


def _solution_markers_in(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return "BEGIN SOLUTION" in text or "END SOLUTION" in text
    comments = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type == tokenize.COMMENT]
    return any(re.match(r"#\s*(BEGIN|END) SOLUTION", c) for c in comments)


def test_no_solution_and_no_hidden_test_leaks(template):
    """An independent scan of the released template (not find_leaks, which is tested below)."""
    shipped = {_sha(p) for p in SOLUTIONS.rglob("*") if p.is_file()}
    hidden = {_sha(p) for p in SUITES.rglob("*")
              if p.is_file() and p.stat().st_size and "__pycache__" not in p.parts} - shipped
    with_regions = {_sha(p) for p in SOLUTIONS.rglob("*.py")
                    if "# BEGIN SOLUTION" in p.read_text(encoding="utf-8")}
    files = [p for p in template.rglob("*") if p.is_file()]
    assert len(files) > 50
    for path in files:
        rel = path.relative_to(template)
        digest = _sha(path)
        assert digest not in hidden, f"{rel} is a file of the hidden suites"
        assert digest not in with_regions, f"{rel} is a solution file"
        try:
            assert not _solution_markers_in(path), f"{rel} holds a solution region"
        except UnicodeDecodeError:
            continue  # binary data (figures, arrays)
    assert find_leaks(template) == []


def test_find_leaks_catches_every_kind_of_leak(template, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(template, copy)
    suite_file = next(p for p in sorted(SUITES.rglob("test_*.py")))
    shutil.copyfile(suite_file, copy / "exercises" / "notes.py")
    solution = next(p for p in sorted(SOLUTIONS.rglob("*.py"))
                    if "# BEGIN SOLUTION" in p.read_text())
    shutil.copyfile(solution, copy / "exercises" / "peek.py")
    stripped = "\n".join(line for line in solution.read_text().splitlines()
                         if "SOLUTION" not in line)
    (copy / "lesson.md").write_text("Here is how it is done:\n\n" + stripped)
    (copy / "autograder" / "suites").mkdir()
    (copy / "autograder" / "suites" / "x.txt").write_text("x")
    leaks = find_leaks(copy)
    assert any(l.startswith("exercises/notes.py: a file of the hidden suites") for l in leaks)
    assert any(l.startswith("exercises/peek.py: a solution region") for l in leaks)
    assert any(l.startswith("lesson.md: the code of a solution region") for l in leaks)
    assert any(l.startswith("autograder/suites/x.txt") for l in leaks)


def test_a_leaking_release_is_refused_and_removed(tmp_path, monkeypatch):
    import autograder.template as template_module

    lessons = tmp_path / "course"
    lessons.mkdir()
    shutil.copyfile(next(SUITES.rglob("test_*.py")), lessons / "appendix.py")
    monkeypatch.setattr(template_module, "COURSE", lessons)
    target = tmp_path / "out"
    with pytest.raises(TemplateError, match="(?s)would leak.*course/appendix.py"):
        write_template(target)
    assert list(target.iterdir()) == []


def test_bad_targets_and_settings_lose_nothing(tmp_path, template, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.tex").write_text("precious")
    with pytest.raises(TemplateError, match="not empty"):
        write_template(busy)
    assert (busy / "thesis.tex").read_text() == "precious"
    assert main(["github", "template", "--to", str(busy)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(TemplateError, match="is a file"):
        write_template(afile)


def test_release_again_into_the_template_repository_keeps_its_git(tmp_path):
    target = tmp_path / "tpl"
    (target / ".git").mkdir(parents=True)
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert main(["release", "--to", str(target)]) == 0
    (target / "stale.txt").write_text("from an older release")
    write_template(target)
    assert (target / ".git" / "HEAD").is_file() and not (target / "stale.txt").exists()


def test_the_manifest_spots_changed_course_files(template, tmp_path):
    repo = tmp_path / "student"
    shutil.copytree(template, repo)
    manifest = load_manifest(repo / MANIFEST)
    assert not compare(repo, manifest)
    (repo / "exercises" / MODULES[0] / "bpe_notes.py").write_text("# a student's own file\n")
    student_file = next(p for p in (repo / "exercises" / MODULES[0]).glob("*.py")
                        if p.name != "__init__.py")
    student_file.write_text("def mine(): ...\n")  # the student's work: not reported
    public_test = next((repo / "exercises").rglob("tests/test_*.py"))
    public_test.write_text("def test_nothing():\n    pass\n")
    (repo / "pyproject.toml").unlink()
    (repo / ".github" / "workflows" / "extra.yml").write_text("on: push\n")
    changes = compare(repo, manifest)
    assert changes.changed == [public_test.relative_to(repo).as_posix()]
    assert changes.missing == ["pyproject.toml"]
    assert changes.added == [".github/workflows/extra.yml"]


def test_no_hidden_test_and_no_solution_is_ever_fetched_by_the_template(template):
    """The student workflow has nothing to fetch them with: no secret, no second checkout,
    no bundle command in the grader it ships."""
    workflow = (template / ".github/workflows/classroom.yml").read_text()
    for word in ("secrets.", "hidden-tests", "HIDDEN_TESTS", "solutions"):
        assert word not in workflow, word
    shipped = (template / "autograder/commands/github.py").read_text()
    assert "hidden-bundle" not in shipped
