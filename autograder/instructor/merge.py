"""Combine gradebooks — the shards graded on several machines — into one.

For each (student, module) the most recent grade wins, with its tests; the submission record
follows the grade that won. Grades that differ between inputs are counted and named, never
silently mixed. The shards recorded in the inputs are combined, so a merge missing one of the
N shards says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from autograder.instructor.gradebook import Gradebook, StudentInfo


@dataclass
class MergeSummary:
    inputs: int = 0
    grades_taken: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (student, module)
    missing_shards: list[str] = field(default_factory=list)


def merge(output: Gradebook, inputs: Iterable[Path]) -> MergeSummary:
    summary = MergeSummary()
    for path in inputs:
        if Path(path).resolve() == output.path.resolve():
            continue
        with Gradebook(path, create=False) as source:
            shards = source.shards
            students = source.students()
        summary.inputs += 1
        _merge_one(output, Path(path), students, summary)
        output.add_shards(shards)
    summary.missing_shards = missing_shards(output.shards)
    return summary


def _merge_one(output: Gradebook, path: Path, students: dict[str, StudentInfo],
               summary: MergeSummary) -> None:
    db = output.db
    db.execute("ATTACH DATABASE ? AS src", (str(path),))
    try:
        with output.transaction():
            for info in students.values():
                output._put_student(info)
            summary.conflicts += db.execute(
                "SELECT s.student, s.module FROM src.grades s JOIN main.grades g "
                "ON g.student = s.student AND g.module = s.module "
                "WHERE s.fingerprint != g.fingerprint OR s.tests_fingerprint != "
                "g.tests_fingerprint OR s.score != g.score").fetchall()
            db.execute("DROP TABLE IF EXISTS temp.take")
            db.execute(
                "CREATE TEMP TABLE take AS SELECT s.student, s.module FROM src.grades s "
                "LEFT JOIN main.grades g ON g.student = s.student AND g.module = s.module "
                "WHERE g.student IS NULL OR s.graded_at > g.graded_at")
            summary.grades_taken += db.execute("SELECT count(*) FROM take").fetchone()[0]
            db.execute("DELETE FROM main.tests WHERE (student, module) IN "
                       "(SELECT student, module FROM take)")
            db.execute("INSERT INTO main.tests SELECT t.* FROM src.tests t "
                       "JOIN take USING (student, module)")
            db.execute("INSERT OR REPLACE INTO main.grades SELECT g.* FROM src.grades g "
                       "JOIN take USING (student, module)")
            db.execute("INSERT OR REPLACE INTO main.submissions SELECT * FROM src.submissions "
                       "WHERE student IN (SELECT student FROM take) OR student NOT IN "
                       "(SELECT student FROM main.submissions) OR (status = 'collected' AND "
                       "student IN (SELECT student FROM main.submissions "
                       "WHERE status != 'collected'))")
            db.execute("INSERT OR REPLACE INTO main.failures SELECT f.* FROM src.failures f "
                       "WHERE NOT EXISTS (SELECT 1 FROM main.grades g WHERE "
                       "g.student = f.student AND g.module = f.module)")
            db.execute("DELETE FROM main.failures WHERE EXISTS (SELECT 1 FROM main.grades g "
                       "WHERE g.student = failures.student AND g.module = failures.module)")
            db.execute("INSERT OR REPLACE INTO main.similarity SELECT * FROM src.similarity")
            db.execute("DROP TABLE temp.take")
    finally:
        db.execute("DETACH DATABASE src")


def missing_shards(shards: set[str]) -> list[str]:
    """The shards of a K/N split absent from `shards` (none when a full run is present)."""
    if "all" in shards:
        return []
    counts = {int(m[2]) for s in shards if (m := re.fullmatch(r"(\d+)/(\d+)", s))}
    return [f"{k}/{n}" for n in sorted(counts) for k in range(1, n + 1)
            if f"{k}/{n}" not in shards]
