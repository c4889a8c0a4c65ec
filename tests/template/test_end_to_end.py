"""End to end, without GitHub: release the template into a git repository, clone it, run the
README's two commands on the fresh clone, then run the workflow's own jobs on the stubs, a
solved submission and a half-solved one, as Actions would run them: the grade job, then the
feedback job (which sees only the uploaded artifact), then the Classroom reporter when it is on.

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
import yaml

from autograder.template import write_template
from tests.helpers import SOLUTIONS
from tests.template.actions_runner import base_environment, condition, load_workflow, run_job
from tests.template.fake_github import FakeGitHub

REPOSITORY = "tokens-course/student-ada"
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
    write_template(template)
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
    def __init__(self, steps, repo: Path, feedback=(), reporter=()):
        self.steps = {s.id: s for s in steps}
        self.feedback = list(feedback)
        self.reporter = list(reporter)
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
    for folder in ("autograder-results", "score-card"):
        shutil.rmtree(repo / folder, ignore_errors=True)
    subprocess.run(["git", "checkout", "--", "."], cwd=repo, check=True)
    subprocess.run(["git", "clean", "-fdq"], cwd=repo, check=True)
    return repo


def run_workflow(repo: Path, github: FakeGitHub, *, modules: str = "",
                 classroom: bool = False) -> Run:
    """Run the workflow's jobs on the clone as Actions would."""
    workflow = load_workflow(repo / ".github/workflows/classroom.yml")
    reported = {}
    artifact = repo.parent / "artifact-store"
    shutil.rmtree(artifact, ignore_errors=True)

    def checkout(inputs, env, workspace):
        assert inputs == {"persist-credentials": "false"}
        return "success", {}  # the submission is checked out already

    def setup_python(inputs, env, workspace):
        assert set(inputs) == {"python-version"}
        return "success", {}

    def cache_restore(inputs, env, workspace):
        reported["cache-key"] = inputs["key"]
        return "success", {"cache-hit": "", "cache-primary-key": inputs["key"]}

    def cache_save(inputs, env, workspace):
        reported["cache-saved"] = inputs["key"]
        return "success", {}

    def upload(inputs, env, workspace):
        shutil.copytree(workspace / inputs["path"], artifact / inputs["name"])
        reported["artifact"] = sorted(p.name for p in (workspace / inputs["path"]).iterdir())
        return "success", {}

    def download(inputs, env, workspace):
        if not (artifact / inputs["name"]).is_dir():
            return "failure", {}
        shutil.copytree(artifact / inputs["name"], workspace / inputs["path"])
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

    handlers = {"actions/checkout": checkout, "actions/setup-python": setup_python,
                "actions/cache/restore": cache_restore, "actions/cache/save": cache_save,
                "actions/upload-artifact": upload, "actions/download-artifact": download,
                "classroom-resources/autograding-grading-reporter": reporter}
    yield_env = base_environment(
        GITHUB_REPOSITORY=REPOSITORY, GITHUB_SHA="5ad1e2f0c0ffee005ad1e2f0c0ffee005ad1e2f0",
        GITHUB_RUN_ID="4242", GITHUB_SERVER_URL="https://github.com",
        GITHUB_API_URL=github.url, GITHUB_REF="refs/heads/main", PIP_NO_INDEX="1")
    variables = {"AUTOGRADER_MODULES": modules} if modules else {}
    if classroom:
        variables["CLASSROOM_REPORTER"] = "true"
    contexts = {"github": {"actor": "ada", "token": "ghs_runner_token", "ref": "refs/heads/main"},
                "vars": variables, "runner": {"os": "Linux"}}
    # the runner's sysctl is not this machine's to change
    steps = run_job(workflow, "run-autograding-tests", repo, contexts, handlers, yield_env,
                    replace_run={"userns": "true"}, scratch=repo.parent / "runner")
    outcome = "failure" if any(s.outcome == "failure" for s in steps) else "success"
    outputs = {"classroom-result": next((s.outputs.get("result", "") for s in steps
                                         if s.id == "report"), "")}
    contexts["needs"] = {"run-autograding-tests": {"result": outcome, "outputs": outputs}}
    # The feedback job runs on a fresh runner: an empty workspace, nothing of the repository.
    feedback_space = repo.parent / "feedback-runner"
    shutil.rmtree(feedback_space, ignore_errors=True)
    feedback_space.mkdir()
    feedback = []
    if condition(workflow["jobs"]["feedback"]["if"], contexts, {"failed": outcome == "failure"}):
        feedback = run_job(workflow, "feedback", feedback_space, contexts, handlers, yield_env,
                           scratch=repo.parent / "feedback-scratch")
    reporter_steps = []
    if condition(workflow["jobs"]["classroom-reporter"]["if"], contexts,
                 {"failed": outcome == "failure"}):
        reporter_steps = run_job(workflow, "classroom-reporter", feedback_space, contexts,
                                 handlers, yield_env, scratch=repo.parent / "reporter-scratch")
    run = Run(steps, repo, feedback, reporter_steps)
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
    assert all(s.outcome in ("success", "skipped") for s in run.steps.values())
    grade = run.grade
    assert grade["score"] == 0 and grade["max_score"] > 0
    assert {t["tags"][1] for t in grade["tests"]} == {"public"}
    assert "Graded with the public tests only" in run.summary
    assert "### Where to look" in run.summary and "Changed course files" not in run.summary
    _check_annotations_point_at_their_functions(run)
    assert len(run.annotations) == 10  # GitHub shows ten per step: the costliest places
    assert run.reported["artifact"] == ["grade.json", "results.json", "score.json"]
    assert run.reported["cache-saved"] == run.reported["cache-key"]
    assert "classroom" not in run.reported and run.reporter == []  # off by default
    assert [s.outcome for s in run.feedback] == ["success", "success"]
    [comment] = github.comments[1]
    assert f"Autograder: 0 / {grade['max_score']:g} points (the public tests only)" \
        in comment["body"]
    assert "commit `5ad1e2f`" in comment["body"]
    assert "(https://github.com/tokens-course/student-ada/actions/runs/4242)" in comment["body"]
    github.first_comment_id = comment["id"]


def test_solved_submission_scores_everything(installed, github):
    repo = fresh(installed[0])
    for module in (p for p in SOLUTIONS.iterdir() if p.is_dir()):
        for source in module.glob("*.py"):
            shutil.copyfile(source, repo / "exercises" / module.name / source.name)
    run = run_workflow(repo, github, classroom=True)
    grade = run.grade
    assert grade["score"] == grade["max_score"] > 0, [
        (t["name"], t["output"][:200]) for t in grade["tests"] if t["status"] != "passed"]
    assert run.annotations == []
    assert run.reported["classroom"] == (grade["max_score"], grade["max_score"])
    assert [s.outcome for s in run.reporter] == ["success"]
    [comment] = github.comments[1]  # the same comment, edited in place
    assert comment["id"] == github.first_comment_id
    assert f"Autograder: {grade['max_score']:g} / {grade['max_score']:g} points" in comment["body"]


def test_half_solved_module_with_a_changed_public_test(installed, github):
    repo = fresh(installed[0])
    shutil.copyfile(SOLUTIONS / "m1_tokenization" / "bpe.py",
                    repo / "exercises" / "m1_tokenization" / "bpe.py")
    changed_test = next((repo / "exercises" / "m1_tokenization" / "tests").glob("test_*.py"))
    changed_test.write_text(changed_test.read_text() + "\n# edited\n")
    run = run_workflow(repo, github, modules="m1_tokenization", classroom=True)
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
    # the grade job ends green; only the optional Classroom reporter fails, as Classroom did
    assert all(s.outcome in ("success", "skipped") for s in run.steps.values())
    assert [s.outcome for s in run.reporter] == ["failure"]
    [comment] = github.comments[1]
    assert "1 file(s) that belong to the course template differ" in comment["body"]
    assert "edited" not in comment["body"]  # numbers only: no text from the repository


def test_a_forged_score_card_never_reaches_the_comment(installed, github):
    repo = fresh(installed[0])
    # student code that rewrites what the grade job uploads, after the report step
    workflow = load_workflow(repo / ".github/workflows/classroom.yml")
    report = next(s for s in workflow["jobs"]["run-autograding-tests"]["steps"]
                  if s.get("id") == "report")
    report["run"] += ("\n" + sys.executable + " -c \"import json; json.dump({'version': 1, "
                      "'score': 999, 'max_score': 400, 'modules': [], 'hidden': 'graded'}, "
                      "open('autograder-results/score.json', 'w'))\"")
    (repo / ".github/workflows/classroom.yml").write_text(yaml.safe_dump(workflow))
    run = run_workflow(repo, github, modules="m1_tokenization")
    [comment] = github.comments[1]
    assert "999" not in comment["body"] and "not graded" in comment["body"]
    assert "score is out of range" in comment["body"]
