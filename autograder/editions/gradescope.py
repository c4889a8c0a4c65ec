"""The Gradescope edition: an autograder zip that runs this engine on Gradescope.

    autograder.zip
        setup.sh          builds the image once: Python 3.11+, a virtual environment, the course
        run_autograder    grades one submission: python -m autograder.editions.gradescope
        gradescope.json   the modules this assignment grades
        pyproject.toml, README.md, autograder/ (with the hidden suites of those modules),
        solutions/<module>/, exercises/<module>/ (the stubs, used to complete a submission)

Gradescope unpacks the zip into `/autograder/source`, runs `setup.sh` once, then for every
submission runs `run_autograder` as root with the submission in `/autograder/submission` and
expects `/autograder/results/results.json`. `AUTOGRADER_ROOT` (default `/autograder`) and
`AUTOGRADER_PYTHON` (default `$AUTOGRADER_ROOT/venv/bin/python`) move both, so the same zip
runs in a test or on a laptop.

A submission may be a folder laid out like `exercises/`, a repository holding `exercises/`, or
loose files (`bpe.py`, `tokenizer.py` …) uploaded one by one: each file lands in its module,
and the files a student did not hand in are the stubs (they fail with "not implemented").
Only `.py` files are taken from the submission; data and tests always come from the course.

Student code never runs as root. When the machine allows namespaces, the engine's sandbox
runs it as a dedicated unprivileged uid with the hidden suites hidden. When it does not (some
container runtimes refuse `unshare`), the whole grading run drops to an unprivileged user
(`autograder`, made by setup.sh, else `nobody`) and `extra_data.isolation` says so.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import tomllib
import traceback
import zipfile
from pathlib import Path

from autograder.release import write_exercises
from autograder import course
from autograder.course import REPO_ROOT

GRADER_USER = "autograder"
CONFIG_NAME = "gradescope.json"

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs Python 3.11+ if needed, a virtual environment with the course in it, and an
# unprivileged user for grading on machines that refuse namespaces.
set -euo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
VENV="${{AUTOGRADER_VENV:-/autograder/venv}}"

python=""
for candidate in python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
        python3.11 python3.11-venv
    python=python3.11
fi
if ! command -v unshare >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends util-linux
fi

"$python" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
{torch_line}"$VENV/bin/python" -m pip install -e "$SOURCE"

id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {user}
chmod -R go+rX "$SOURCE" "$VENV"
"$VENV/bin/python" -c "import autograder.runner"  # fails the build now rather than at grading
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. AUTOGRADER_ROOT and AUTOGRADER_PYTHON
# move the /autograder layout (for a local run or a test).
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
export PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" -m autograder.editions.gradescope --root "$ROOT"
"""

_COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis",
                                      "*.egg-info")


# --------------------------------------------------------------------------- building the zip


def build_zip(target: Path, modules: list[str], repo: Path = REPO_ROOT) -> Path:
    """Write the autograder zip for `modules` to `target`."""
    unknown = course.unknown_module(modules)
    if unknown:
        raise ValueError(unknown)
    missing = [m for m in modules if not (repo / "solutions" / m).is_dir()]
    if missing:
        raise ValueError(f"solutions/{missing[0]} does not exist: the module is not written yet")
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        stage = Path(tmp) / "source"
        _stage(stage, modules, repo)
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                name = str(path.relative_to(stage))
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                executable = name in ("setup.sh", "run_autograder")
                info.external_attr = (0o755 if executable else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        partial.replace(target)
    return target


def _stage(stage: Path, modules: list[str], repo: Path) -> None:
    stage.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(repo / name, stage / name)
    suites = repo / "autograder" / "suites"
    shutil.copytree(repo / "autograder", stage / "autograder", ignore=lambda folder, names: [
        *_COPY_IGNORE(folder, names),
        *(n for n in names if Path(folder) == suites and n not in modules)])
    for module in modules:
        shutil.copytree(repo / "solutions" / module, stage / "solutions" / module,
                        ignore=_COPY_IGNORE)
    with tempfile.TemporaryDirectory() as tmp:
        write_exercises(Path(tmp) / "exercises", repo / "solutions")
        for module in modules:
            shutil.copytree(Path(tmp) / "exercises" / module, stage / "exercises" / module,
                            ignore=_COPY_IGNORE)
    (stage / CONFIG_NAME).write_text(json.dumps({"modules": modules}, indent=2) + "\n")
    (stage / "setup.sh").write_text(SETUP_SH.format(torch_line=_torch_line(repo),
                                                    user=GRADER_USER))
    (stage / "run_autograder").write_text(RUN_AUTOGRADER)


def _torch_line(repo: Path) -> str:
    """torch's CPU wheel first, so that the course's pin does not pull the CUDA build."""
    declared = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]
    torch = next((d for d in declared if d.split("=")[0].split(">")[0].strip() == "torch"), None)
    if torch is None:
        return ""
    return (f'"$VENV/bin/python" -m pip install "{torch}" '
            "--index-url https://download.pytorch.org/whl/cpu\n")


# --------------------------------------------------------------------------- grading on Gradescope


def arrange_submission(submission: Path, stubs: Path, modules: list[str],
                       target: Path) -> list[str]:
    """Lay the student's `.py` files over the stubs of `modules` in `target`; returns notes
    for the student about what was found."""
    from autograder.runner import resolve_submission

    notes = []
    target.mkdir(parents=True, exist_ok=True)
    for module in modules:
        shutil.copytree(stubs / module, target / module, ignore=_COPY_IGNORE)
    root = resolve_submission(submission) if Path(submission).is_dir() else None
    if root is None:
        return [f"no submission folder at {submission}: every test fails"]
    laid_out = [m for m in modules if (root / m).is_dir()]
    expected = {p.name: m for m in modules for p in (stubs / m).glob("*.py")
                if p.name != "__init__.py"}
    found: dict[str, Path] = {}
    for module in laid_out:
        for path in sorted((root / module).glob("*.py")):
            if path.name in expected and expected[path.name] == module and _regular(path):
                found[path.name] = path
    if not laid_out:
        for path in sorted(root.rglob("*.py")):
            if path.name in expected and path.name not in found and _regular(path) \
                    and not {"tests", "__pycache__", ".git"} & set(path.relative_to(root).parts):
                found[path.name] = path
    for name, path in found.items():
        shutil.copyfile(path, target / expected[name] / name)
    for module in modules:
        absent = sorted(n for n, m in expected.items() if m == module and n not in found)
        if absent and len(absent) < sum(1 for m in expected.values() if m == module):
            notes.append(f"{module}: not in your submission, graded as the unimplemented "
                         f"stubs: {', '.join(absent)}")
        elif absent:
            notes.append(f"{module}: none of its files ({', '.join(absent)}) is in your "
                         "submission")
    for folder, dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return notes


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def grading_user(euid: int, namespaces: bool, forced: str | None = None) -> str | None:
    """The user to drop the whole grading run to, or None to grade as we are. Root with
    namespaces lets the engine give student code its own uid; root without them must not run
    student code at all, so everything drops to an unprivileged user."""
    if forced == "user" and euid == 0:
        return _grader_account()
    if euid == 0 and not namespaces:
        return _grader_account()
    return None


def _grader_account() -> str:
    try:
        pwd.getpwnam(GRADER_USER)
        return GRADER_USER
    except KeyError:
        return "nobody"


def run(root: Path) -> int:
    """Grade `root/submission` and write `root/results/results.json`; always writes a result."""
    results = root / "results" / "results.json"
    try:
        config = json.loads((root / "source" / CONFIG_NAME).read_text())
        modules = [m for m in config["modules"] if m in course.module_ids()]
        report = _grade(root, modules)
    except Exception as error:  # noqa: BLE001 - Gradescope must get a result whatever happens
        report = _failure_report(f"the autograder failed: {type(error).__name__}: {error}",
                                 traceback.format_exc())
    results.parent.mkdir(parents=True, exist_ok=True)
    from autograder.atomic_write import write_atomically

    write_atomically(results, report)
    return 0


def _grade(root: Path, modules: list[str]) -> str:
    from autograder.sandbox.isolation import namespace_prefix

    work = Path(tempfile.mkdtemp(prefix="gradescope-"))
    os.chmod(work, 0o755)
    try:
        submission = work / "submission"
        notes = arrange_submission(root / "submission", root / "source" / "exercises", modules,
                                   submission)
        user = grading_user(os.geteuid(), namespace_prefix() is not None,
                            os.environ.get("AUTOGRADER_GRADESCOPE_ISOLATION"))
        if user is None:
            report = _grade_here(submission, modules)
        else:
            report = _grade_as(user, submission, modules, work)
        data = json.loads(report)
        data["output"] = "\n".join([*notes, data.get("output", "")]).strip()
        # Who ran the grader (student code runs as `isolation.user` says).
        data.setdefault("extra_data", {})["grader_user"] = user or pwd.getpwuid(
            os.geteuid()).pw_name
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _grade_here(submission: Path, modules: list[str]) -> str:
    from autograder.formats import render
    from autograder.runner import grade

    result = grade(submission, modules=modules, jobs=min(len(modules), os.cpu_count() or 1))
    return render(result, "json")


def _grade_as(user: str, submission: Path, modules: list[str], work: Path) -> str:
    """The same grading run in a child process as an unprivileged user."""
    account = pwd.getpwnam(user)
    out = work / "out"
    out.mkdir()
    os.chown(out, account.pw_uid, account.pw_gid)
    command = [sys.executable, "-m", "autograder.cli", "grade", str(submission),
               "--format", "json", "--output", str(out / "results.json"), "--jobs", "1"]
    for module in modules:
        command += ["--module", module]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH")}
    env.update({"HOME": str(out), "TMPDIR": str(out)})
    completed = subprocess.run(command, user=account.pw_uid, group=account.pw_gid,
                               extra_groups=[], env=env, capture_output=True, text=True,
                               cwd=str(out))
    report = out / "results.json"
    if completed.returncode != 0 or not report.exists():
        raise RuntimeError(f"grading as {user} failed: {(completed.stderr or '')[-800:]}")
    return report.read_text(encoding="utf-8")


def _failure_report(message: str, details: str) -> str:
    return json.dumps({"score": 0.0, "output": f"{message}\n\n{details[-2000:]}",
                       "tests": [], "extra_data": {"error": message}}, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="grade one Gradescope submission")
    parser.add_argument("--root", type=Path,
                        default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    return run(parser.parse_args(argv).root)


if __name__ == "__main__":
    sys.exit(main())
