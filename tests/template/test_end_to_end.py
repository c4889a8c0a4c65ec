"""End to end, without GitHub: release the template into a git repository, clone it, run the
README's two commands on the fresh clone, then run the workflow's own steps on the stubs, a
solved submission, a half-solved one and with hidden tests, as Actions would run them.

The clone's `.venv` is a real virtual environment made as `scripts/setup.sh` makes it; only its
libraries come from the course's environment (a `.pth` file), so nothing is downloaded.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from autograder.template import write_template
from tests.engine.toy_course import write_course
from tests.helpers import SOLUTIONS
from tests.template.actions_runner import base_environment, load_workflow, run_job
from tests.template.fake_github import FakeGitHub

REPOSITORY = "tokens-course/student-ada"
HIDDEN = "tokens-course/hidden-tests"
ERROR = re.compile(r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),title=(?P<title>[^:]+)::",
                   re.MULTILINE)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=Course", "-c", "user.email=course@example.org",
                    *args], cwd=cwd, check=True, capture_output=True)


def _readme_commands(readme: str) -> list[str]:
    section = readme.split("## Set up", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of the released template, set up with the README's first command."""
    base = tmp_path_factory.mktemp("e2e")
    template = base / "template"
    write_template(template, hidden_tests_repository=HIDDEN, hidden_tests_ref="v2026.1")
    _git("init", "-q", "-b", "main", cwd=template)
    _git("add", "-A", cwd=template)
    _git("commit", "-q", "-m", "Template", cwd=template)
    repo = base / "student-ada"
    _git("clone", "-q", str(template), str(repo), cwd=base)
    # The venv setup.sh would make, seeing the course's installed libraries instead of PyPI.
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(repo / ".venv")],
                   check=True)
    purelib = subprocess.run([str(repo / ".venv/bin/python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "course-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return repo


def _offline_env() -> dict:
    # PIP_NO_BUILD_ISOLATION=0 is pip's spelling of --no-build-isolation.
    return base_environment(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0",
                            PIP_DISABLE_PIP_VERSION_CHECK="1")


@pytest.fixture(scope="module")
def installed(clone):
    first, second = _readme_commands((clone / "README.md").read_text())
    assert first == "bash scripts/setup.sh"
    done = subprocess.run(first, shell=True, cwd=clone, env=_offline_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / ".venv/bin/autograder").exists()
    return clone, second


def test_the_readmes_two_commands_work_on_a_fresh_clone(installed):
    clone, second = installed
    assert second.startswith(".venv/bin/python -m pytest exercises")
    done = subprocess.run(second + " -q -p no:randomly", shell=True, cwd=clone,
                          env=_offline_env(), capture_output=True, text=True, timeout=600)
    # every exercise is still a stub: the public tests run and fail with the stubs' hints
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "NotImplementedError" in done.stdout
    assert re.search(r"\d+ failed", done.stdout) and " error" not in done.stdout.splitlines()[-1]
    # the second run of setup.sh is a no-op
    again = subprocess.run("bash scripts/setup.sh", shell=True, cwd=clone, env=_offline_env(),
                           capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.strip().startswith("setup: ready")


# ---------------------------------------------------------------------- the workflow


@pytest.fixture(scope="module")
def github():
    with FakeGitHub(REPOSITORY, token="ghs_runner_token") as fake:
        fake.add_pull(1, "Feedback", base="feedback")
        yield fake


class Run:
    def __init__(self, steps, repo: Path):
        self.steps = {s.id: s for s in steps}
        self.repo = repo
        self.results = repo / "autograder-results"

    @property
    def annotations(self) -> list[dict]:
        return [m.groupdict() for m in ERROR.finditer(self.steps["report"].stdout)]

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps.values())

    @property
    def grade(self) -> dict:
        return json.loads((self.results / "results.json").read_text())


def fresh(repo: Path) -> Path:
    """The clone as the template left it (its .venv kept): the next "push" starts here."""
    for folder in ("autograder-results", ".hidden-tests"):
        shutil.rmtree(repo / folder, ignore_errors=True)
    subprocess.run(["git", "checkout", "--", "."], cwd=repo, check=True)
    subprocess.run(["git", "clean", "-fdq"], cwd=repo, check=True)
    return repo


def run_workflow(repo: Path, github: FakeGitHub, *, modules: str = "",
                 secrets: dict | None = None, hidden_course: Path | None = None) -> Run:
    """Run the workflow's steps on the clone as Actions would."""
    workflow = load_workflow(repo / ".github/workflows/classroom.yml")
    reported = {}

    def checkout(inputs, env, workspace):
        if "repository" not in inputs:
            return "success", {}  # the submission is checked out already
        assert inputs["repository"] == HIDDEN and inputs["ref"] == "v2026.1"
        assert inputs["path"] == ".hidden-tests" and inputs["persist-credentials"] == "false"
        if hidden_course is None:
            return "failure", {}  # e.g. a wrong key: the step fails, grading goes on
        shutil.copytree(hidden_course, workspace / inputs["path"])
        return "success", {}

    def setup_python(inputs, env, workspace):
        assert inputs["cache"] == "pip"
        return "success", {}

    def upload(inputs, env, workspace):
        reported["artifact"] = sorted(p.name for p in (workspace / inputs["path"]).iterdir())
        return "success", {}

    def reporter(inputs, env, workspace):
        # classroom-resources/autograding-grading-reporter: base64 JSON per runner, totals
        # as its NotifyClassroom computes them, the job failed when any test failed.
        totals = [0.0, 0.0]
        failed = False
        for runner in re.split(r"[\s,]+", inputs["runners"]):
            results = json.loads(base64.b64decode(env[f"{runner.upper()}_RESULTS"]))
            failed |= results["status"] == "fail"
            if results["max_score"]:
                totals[0] += sum(t["score"] for t in results["tests"])
                totals[1] += results["max_score"]
        reported["classroom"] = tuple(totals)
        return ("failure" if failed else "success"), {}

    yield_env = base_environment(
        GITHUB_REPOSITORY=REPOSITORY, GITHUB_SHA="5ad1e2f0c0ffee00", GITHUB_RUN_ID="4242",
        GITHUB_SERVER_URL="https://github.com", GITHUB_API_URL=github.url,
        GITHUB_REF="refs/heads/main", PIP_NO_INDEX="1")
    contexts = {"github": {"actor": "ada", "token": "ghs_runner_token", "ref": "refs/heads/main"},
                "secrets": secrets or {},
                "vars": {"AUTOGRADER_MODULES": modules} if modules else {}}
    steps = run_job(workflow, "run-autograding-tests", repo, contexts, {
        "actions/checkout": checkout, "actions/setup-python": setup_python,
        "actions/upload-artifact": upload,
        "classroom-resources/autograding-grading-reporter": reporter,
    }, yield_env, scratch=repo.parent / "runner")
    run = Run(steps, repo)
    run.reported = reported
    return run


def _def_at(path: Path, line: int) -> str | None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.lineno == line:
            return node.name
    return None


def _check_annotations_point_at_their_functions(run: Run) -> None:
    assert run.annotations
    for note in run.annotations:
        name = note["title"].split("%3A")[0].split(".")[-1]
        assert _def_at(run.repo / note["file"], int(note["line"])) == name, note


def test_stubs_public_tests_only(installed, github):
    repo = fresh(installed[0])
    run = run_workflow(repo, github)
    steps = run.steps
    assert steps["grade"].outcome == "success", steps["grade"].stderr
    assert steps["fetch"].outcome == "skipped"
    grade = run.grade
    assert grade["score"] == 0 and grade["max_score"] > 0
    assert {t["tags"][1] for t in grade["tests"]} == {"public"}
    assert "Graded with the public tests only" in run.summary
    assert "### Where to look" in run.summary and "Changed course files" not in run.summary
    _check_annotations_point_at_their_functions(run)
    assert len(run.annotations) == 10  # GitHub shows ten per step: the costliest places
    assert run.reported["classroom"] == (0.0, grade["max_score"])
    assert steps[list(steps)[-1]].outcome == "failure"  # the reporter fails the job, as in Classroom
    assert run.reported["artifact"] == ["classroom.json", "feedback.md", "grade.json",
                                        "results.json"]
    [comment] = github.comments[1]
    assert f"Autograder: 0 / {grade['max_score']:g} points" in comment["body"]
    assert "commit `5ad1e2f`" in comment["body"]
    github.first_comment_id = comment["id"]


def test_solved_submission_scores_everything(installed, github):
    repo = fresh(installed[0])
    for module in (p for p in SOLUTIONS.iterdir() if p.is_dir()):
        for source in module.glob("*.py"):
            shutil.copyfile(source, repo / "exercises" / module.name / source.name)
    run = run_workflow(repo, github)
    grade = run.grade
    assert grade["score"] == grade["max_score"] > 0, [
        (t["name"], t["output"][:200]) for t in grade["tests"] if t["status"] != "passed"]
    assert run.annotations == []
    assert run.reported["classroom"] == (grade["max_score"], grade["max_score"])
    assert run.steps[list(run.steps)[-1]].outcome == "success"
    [comment] = github.comments[1]  # the same comment, edited in place
    assert comment["id"] == github.first_comment_id
    assert f"Autograder: {grade['max_score']:g} / {grade['max_score']:g} points" in comment["body"]


def test_half_solved_module_with_a_changed_public_test(installed, github):
    repo = fresh(installed[0])
    shutil.copyfile(SOLUTIONS / "m1_tokenization" / "bpe.py",
                    repo / "exercises" / "m1_tokenization" / "bpe.py")
    changed_test = next((repo / "exercises" / "m1_tokenization" / "tests").glob("test_*.py"))
    changed_test.write_text(changed_test.read_text() + "\n# edited\n")
    run = run_workflow(repo, github, modules="m1_tokenization")
    grade = run.grade
    assert {t["tags"][0] for t in grade["tests"]} == {"m1_tokenization"}
    passed = {t["name"] for t in grade["tests"] if t["status"] == "passed"}
    assert {"bpe: merge_pair", "bpe: get_pair_counts"} <= passed
    assert 0 < grade["score"] < grade["max_score"]
    _check_annotations_point_at_their_functions(run)
    files = {a["file"] for a in run.annotations}
    assert "exercises/m1_tokenization/bpe.py" not in files
    assert "exercises/m1_tokenization/tokenizer.py" in files
    assert "Changed course files" in run.summary
    assert f"- changed: `{changed_test.relative_to(repo).as_posix()}`" in run.summary
    assert run.reported["classroom"] == (grade["score"], grade["max_score"])


TOY = '''
def add(a, b):
    return a + b


def count_pairs(ids):
    pairs = {}
    for pair in zip(ids[::2], ids[1::2]):
        pairs[pair] = pairs.get(pair, 0) + 1
    return pairs


def slow_square(x):
    return x * x
'''


def test_hidden_tests_fetched_with_the_secret(installed, github, tmp_path):
    repo = fresh(installed[0])
    course = write_course(tmp_path / "hidden")["solutions"].parent
    toy = repo / "exercises" / "m1_tokenization" / "toy.py"
    toy.write_text(TOY)
    run = run_workflow(repo, github, modules="m1_tokenization",
                       secrets={"HIDDEN_TESTS_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----"},
                       hidden_course=course)
    assert run.steps["hidden"].outputs == {"configured": "true"}
    assert run.steps["fetch"].outcome == "success"
    assert f"public and the hidden tests ({HIDDEN}@v2026.1)" in run.summary
    grade = run.grade
    by_name = {t["name"]: t for t in grade["tests"]}
    assert by_name["toy_hidden: count_pairs"]["status"] == "failed"
    assert by_name["toy_public: add"]["status"] == "passed"
    assert (grade["score"], grade["max_score"]) == (70, 100)
    [note] = [a for a in run.annotations if "count_pairs" in a["title"]]
    assert note["file"] == "exercises/m1_tokenization/toy.py"
    assert int(note["line"]) == TOY.splitlines().index("def count_pairs(ids):") + 1
    assert run.reported["classroom"] == (70, 100)
    assert "overlapping pairs are miscounted" in run.steps["report"].stdout


def test_hidden_tests_configured_but_not_fetched(installed, github):
    repo = fresh(installed[0])
    run = run_workflow(repo, github, modules="m1_tokenization",
                       secrets={"HIDDEN_TESTS_TOKEN": "github_pat_x"})
    assert run.steps["fetch"].outcome == "failure"
    assert run.steps["grade"].outcome == "success"
    assert "configured for this repository but could not be used" in run.summary
    assert {t["tags"][1] for t in run.grade["tests"]} == {"public"}
