"""grade-all at class scale: throughput with 1 and 2 jobs, and the grader's own overhead.

    python benchmarks/bench_grade_all.py [--submissions 200] [--jobs 1 2] [--select FILE ...]

Generates a class of Module 1 submissions — the reference, the stubs, every plausible wrong
implementation of tests/m1_tokenization/wrong_implementations.toml, and hostile ones (an infinite loop, a crash at
import, `os._exit`, a memory hog, an output flood, a syntax error, a network call, a read of
the hidden tests) — and grades them into a fresh gradebook once per `--jobs` value, with the
hidden suite files given by `--select` (by default three quick ones, so a run takes minutes,
not hours). Reported per run: submissions per minute, parallel efficiency against one job,
the machine's load average around the run (other work competing for the cores lowers the
efficiency), and two overheads per submission: *grading* (the sandbox, pytest and the
records, beyond the time the tests themselves took) and *orchestration* (grade-all's worker
pool, fingerprints and gradebook writes, beyond the grading).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.instructor import grade_all  # noqa: E402
from autograder.instructor.gradebook import Gradebook  # noqa: E402
from autograder.instructor.submissions import find_submissions  # noqa: E402
from autograder.runner import EXERCISES, SOLUTIONS, SUITES  # noqa: E402
from tests.helpers import Change, wrong_implementations  # noqa: E402

MODULE = "m1_tokenization"
DEFAULT_SELECT = ["test_bpe.py", "test_pair_counts_and_merge.py", "test_pretokenize.py"]
HOSTILE = {  # appended to bpe.py
    "infinite-loop": "def get_pair_counts(ids):\n    while True:\n        pass\n",
    "exit-at-import": "import os\nos._exit(3)\n",
    "os-exit-in-call": "def get_pair_counts(ids):\n    import os\n    os._exit(0)\n",
    "memory-hog": "def get_pair_counts(ids):\n    hog = bytearray(3 << 30)\n    return {}\n",
    "output-flood": "def get_pair_counts(ids):\n    print('x' * (40 << 20))\n    return {}\n",
    "syntax-error": "def get_pair_counts(ids:\n",
    "network": "def get_pair_counts(ids):\n    import socket\n"
               "    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    return {}\n",
    "reads-hidden-tests": f"def get_pair_counts(ids):\n    return open({str(SUITES)!r} + "
                          f"'/{MODULE}/test_pair_counts_and_merge.py').read()\n",
}


def build_class(root: Path, size: int) -> dict[str, str]:
    """`size` submission folders under root; returns the kind of each (student -> kind)."""
    reference = SOLUTIONS / MODULE
    stubs = EXERCISES / MODULE
    ignore = shutil.ignore_patterns("tests", "__pycache__")
    plan: list[tuple[str, Path, Change | None, str | None]] = []
    plan += [("hostile", reference, None, code) for code in HOSTILE.values()]
    plan += [("wrong", reference, wrong, None) for wrong in wrong_implementations(MODULE)]
    while len(plan) < size:
        plan.append(("reference", reference, None, None) if len(plan) % 2
                    else ("stubs", stubs, None, None))
    kinds: dict[str, str] = {}
    for index, (kind, source, wrong, code) in enumerate(plan[:size]):
        student = f"student{index:04d}" + (f"-{list(HOSTILE)[index]}" if kind == "hostile" else "")
        folder = root / student / MODULE
        shutil.copytree(source, folder, ignore=ignore)
        if wrong is not None:
            wrong.plant(folder)
        if code is not None:  # a later definition replaces the reference's at import
            bpe = folder / "bpe.py"
            bpe.write_text(bpe.read_text() + "\n\n" + code)
        kinds[student] = kind
    return kinds


def run(folder: Path, database: Path, jobs: int, select: list[str]) -> dict:
    course = {"solutions": SOLUTIONS, "suites": SUITES}
    with Gradebook(database) as gradebook:
        submissions = find_submissions(folder)
        load = [os.getloadavg()[0]]
        start = time.perf_counter()
        gradebook.record_submissions(submissions)
        plan = grade_all.plan(gradebook, submissions, [MODULE], course, select)
        summary = grade_all.run(gradebook, plan.todo, course, select, jobs=jobs)
        wall = time.perf_counter() - start
        load.append(os.getloadavg()[0])
        grades = gradebook.grades()
        tests = gradebook.test_rows()
    graded = len(grades)
    unit_seconds = [g.seconds for g in grades]
    test_seconds: dict[str, float] = {}
    for student, record in tests:
        test_seconds[student] = test_seconds.get(student, 0.0) + record.seconds
    grading_overhead = [g.seconds - test_seconds.get(g.student, 0.0) for g in grades]
    return {"jobs": jobs, "graded": graded, "load": statistics.fmean(load), "failed": len(summary.failed), "wall": wall,
            "per_minute": 60 * graded / wall,
            "grading_overhead": statistics.median(grading_overhead),
            "orchestration": max(0.0, (wall * jobs - sum(unit_seconds)) / max(graded, 1)),
            "median_seconds": statistics.median(unit_seconds),
            "mean_score": statistics.fmean(g.score for g in grades),
            "seconds": {g.student: g.seconds for g in grades},
            "scores": {g.student: g.score for g in grades}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--select", nargs="+", default=DEFAULT_SELECT)
    args = parser.parse_args()
    console = Console(width=150)
    with tempfile.TemporaryDirectory(prefix="bench-grade-all-") as tmp:
        folder = Path(tmp) / "submissions"
        kinds = build_class(folder, args.submissions)
        counts = {kind: list(kinds.values()).count(kind) for kind in dict.fromkeys(kinds.values())}
        console.print(f"{args.submissions} submissions: "
                      + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                      + f"; suite files: {', '.join(args.select)}")
        results = []
        for jobs in args.jobs:
            results.append(run(folder, Path(tmp) / f"gradebook-{jobs}.db", jobs, args.select))
            console.print(f"--jobs {jobs}: {results[-1]['wall']:.0f} s")
    base = results[0]
    table = Table(title=f"grade-all on {args.submissions} Module 1 submissions")
    for column in ("jobs", "graded", "could not", "wall s", "submissions/min", "efficiency",
                   "median s / submission", "grading overhead s", "orchestration s",
                   "mean score", "load average"):
        table.add_column(column, justify="right")
    for r in results:
        efficiency = (r["per_minute"] / base["per_minute"]) / (r["jobs"] / base["jobs"])
        table.add_row(str(r["jobs"]), str(r["graded"]), str(r["failed"]), f"{r['wall']:.0f}",
                      f"{r['per_minute']:.0f}", f"{efficiency:.0%}",
                      f"{r['median_seconds']:.2f}", f"{r['grading_overhead']:.2f}",
                      f"{r['orchestration']:.2f}", f"{r['mean_score']:.1f}",
                      f"{r['load']:.1f}")
    console.print(table)
    by_kind = Table(title=f"By kind of submission (--jobs {base['jobs']})")
    for column in ("kind", "submissions", "median s", "max s", "mean score"):
        by_kind.add_column(column, justify="right" if column != "kind" else "left")
    groups: dict[str, list[str]] = {}
    for student, kind in kinds.items():
        groups.setdefault(student.split("-", 1)[1] if kind == "hostile" else kind, []
                          ).append(student)
    for kind, students in groups.items():
        seconds = [base["seconds"][s] for s in students if s in base["seconds"]]
        scores = [base["scores"][s] for s in students if s in base["scores"]]
        if seconds:
            by_kind.add_row(kind, str(len(students)), f"{statistics.median(seconds):.2f}",
                            f"{max(seconds):.2f}", f"{statistics.fmean(scores):.1f}")
    console.print(by_kind)


if __name__ == "__main__":
    main()
