"""Grade a student repository: in its own workflow (public tests) or on the course's side.

    repository/                       the course repository (course-controlled compute only)
      exercises/   <- graded            solutions/            the reference + trusted public tests
      autograder/  the grader           autograder/suites/    the hidden tests
      .github/autograder/template.json

In the student's workflow only the public tests in the repository's own
`exercises/<module>/tests/` run: whoever can push controls that workflow, so it never sees a
hidden test, a solution or a secret, and the summary says the score is not the grade. The
course's grading service (`autograder classroom grade`, running in the course's own
repository) passes its checkout as `hidden_folder`: the trusted copies of the public tests and
the hidden suites come from there and the reference serves the `reference`/`solution`
fixtures, exactly as instructor-side grading does. Either way the outcome is written to
`<out>/grade.json` (everything the report step needs) and `<out>/results.json` (Gradescope's
schema, the artifact students and tools read).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.github import protected
from autograder.course import module_ids
from autograder.results import GradeResult

RESULTS_DIR = "autograder-results"


class RepositoryError(ValueError):
    """The repository cannot be graded at all (no exercises/, a bad module list)."""


@dataclass
class HiddenTests:
    status: str  # "graded" | "not-configured" | "unavailable"
    detail: str = ""
    solutions: str = ""
    suites: str = ""
    source: str = ""  # owner/name@ref, for the summary

    def note(self) -> str:
        """One sentence for the top of the summary."""
        if self.status == "graded":
            where = f" ({self.source})" if self.source else ""
            return f"Graded with the public and the hidden tests{where}."
        if self.status == "unavailable":
            return ("Graded with the public tests only: the course's hidden tests could not be "
                    f"used ({self.detail}). This score is not your grade; tell your instructor.")
        return ("Graded with the public tests only, so this score is not your grade. The hidden "
                "tests (edge cases, exactness, speed) run on the course's grading service, "
                "which reports on your commit separately, and when your instructor grades.")


@dataclass
class Graded:
    """What the grade step hands to the report and comment steps."""

    result: GradeResult
    hidden: HiddenTests
    protected: dict = field(default_factory=dict)
    submission: str = "exercises"  # relative to the repository root
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"result": self.result.to_dict(), "hidden": asdict(self.hidden),
                "protected": self.protected, "submission": self.submission,
                "notes": self.notes}

    @classmethod
    def from_dict(cls, data: dict) -> "Graded":
        return cls(result=GradeResult.from_dict(data["result"]),
                   hidden=HiddenTests(**data.get("hidden", {"status": "not-configured"})),
                   protected=data.get("protected", {}), submission=data.get("submission",
                                                                            "exercises"),
                   notes=data.get("notes", []))


def hidden_tests(folder: Path | None, configured: bool, source: str = "") -> HiddenTests:
    """Find the reference and the hidden suites in the course's checkout, if there is one."""
    if folder is None or not Path(folder).is_dir():
        if configured:
            return HiddenTests("unavailable", "the course's checkout is missing",
                               source=source)
        return HiddenTests("not-configured", source=source)
    folder = Path(folder).resolve()
    solutions = folder / "solutions"
    suites = folder / "autograder" / "suites"
    if not solutions.is_dir() or not suites.is_dir():
        return HiddenTests("unavailable", f"{folder.name}/ holds no solutions/ and "
                           "autograder/suites/: is it the course repository?", source=source)
    if not any((solutions / m).is_dir() for m in module_ids()):
        return HiddenTests("unavailable", f"{folder.name}/solutions/ holds no module",
                           source=source)
    return HiddenTests("graded", solutions=str(solutions), suites=str(suites), source=source)


def modules_from(text: str | None) -> tuple[list[str] | None, list[str]]:
    """The modules named in AUTOGRADER_MODULES ("m1_tokenization, m2_embeddings"), and a note
    for each name that is not a module. None means all modules."""
    names = [n for n in re.split(r"[\s,]+", text or "") if n]
    if not names:
        return None, []
    chosen = [n for n in names if n in module_ids()]
    notes = [f"AUTOGRADER_MODULES names {n!r}, which is not a module of this course "
             f"({', '.join(module_ids())}); it was ignored" for n in names if n not in module_ids()]
    if not chosen:
        raise RepositoryError(f"AUTOGRADER_MODULES={text!r} names no module of this course; "
                              f"choose from {', '.join(module_ids())}")
    return chosen, notes


def grade_repository(root: Path, hidden_folder: Path | None = None,
                     hidden_configured: bool = False, hidden_source: str = "",
                     modules: list[str] | None = None, jobs: int = 1,
                     on_record=None) -> Graded:
    """Grade `root/exercises` and compare the template-owned files with the manifest."""
    from autograder.runner import grade

    root = Path(root).resolve()
    exercises = root / "exercises"
    if not exercises.is_dir():
        raise RepositoryError(f"{root} has no exercises/ folder: is this a student repository "
                              "made from the course template?")
    hidden = hidden_tests(hidden_folder, hidden_configured, hidden_source)
    if hidden.status == "graded":
        result = grade(exercises, modules=modules, public_only=False, jobs=jobs,
                       solutions=Path(hidden.solutions), suites=Path(hidden.suites),
                       on_record=on_record)
    else:
        # The public tests of the repository itself; no reference and no hidden suites here.
        with tempfile.TemporaryDirectory(prefix="autograder-no-suites-") as empty:
            result = grade(exercises, modules=modules, public_only=True, jobs=jobs,
                           solutions=exercises, suites=Path(empty), on_record=on_record)
    result.submission = "exercises"
    return Graded(result=result, hidden=hidden, protected=_protected_changes(root, hidden),
                  submission="exercises")


def _protected_changes(root: Path, hidden: HiddenTests) -> dict:
    trusted = None
    if hidden.status == "graded":
        bundle = Path(hidden.solutions).parent / protected.BUNDLE_MANIFEST
        trusted = protected.load_manifest(bundle)
    if trusted is not None:
        return protected.compare(root, trusted, "the course's manifest").as_dict()
    shipped = protected.load_manifest(root / protected.MANIFEST)
    if shipped is None:
        return {"changed": [], "missing": [protected.MANIFEST], "added": [],
                "source": "no manifest"}
    return protected.compare(root, shipped, f"the template's own {protected.MANIFEST}").as_dict()


def write_outputs(graded: Graded, out: Path) -> list[Path]:
    """`<out>/grade.json` for the later steps and `<out>/results.json` (Gradescope schema)."""
    from autograder.atomic_write import write_atomically
    from autograder.formats import render

    out = Path(out)
    grade_json, results_json = out / "grade.json", out / "results.json"
    write_atomically(grade_json, json.dumps(graded.to_dict(), ensure_ascii=False))
    write_atomically(results_json, render(graded.result, "json"))
    return [results_json, grade_json]


def load(out: Path) -> Graded:
    path = Path(out) / "grade.json"
    try:
        return Graded.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise RepositoryError(f"{path} does not exist: the grade step did not finish "
                              "(see its log)") from None
    except (ValueError, KeyError, TypeError) as error:
        raise RepositoryError(f"{path} is not a grade written by `autograder github grade`: "
                              f"{error}") from None


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
