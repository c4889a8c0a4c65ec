"""The course catalogue: its modules in teaching order, and where each one's parts live.

Everything that names a module reads it from here: the command line's `--module` choices, the
order and titles of the reports, release, the exports, the instructor's tools. A module is

    solutions/<id>/                 the reference, with its public tests in tests/
    exercises/<id>/                 what `autograder release` makes of it for the students
    autograder/suites/<id>/         its hidden tests
    course/<id>.md                  its lesson

so adding a module is: write those files and add one `Module` to `CATALOGUE`
(tests/engine/test_course.py grades a fifth module made that way).
The points are not here: each test carries its own (`@pytest.mark.points`), and a module is
worth what its tests add up to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The course repository; in a student's repository, the folder holding exercises/.
REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"
EXERCISES = REPO_ROOT / "exercises"
SUITES = REPO_ROOT / "autograder" / "suites"
LESSONS = REPO_ROOT / "course"


@dataclass(frozen=True)
class Module:
    id: str  # "m1_tokenization": the package name in solutions/, exercises/ and suites/
    number: int
    title: str  # "Tokenization: BPE from scratch"

    @property
    def heading(self) -> str:
        """What reports and notebooks call the module: "Module 1 — Tokenization: …"."""
        return f"Module {self.number} — {self.title}"

    @property
    def lesson(self) -> str:
        """The lesson's path in the repository."""
        return f"course/{self.id}.md"


CATALOGUE: tuple[Module, ...] = (
    Module("m1_tokenization", 1, "Tokenization: BPE from scratch"),
    Module("m2_embeddings", 2, "Embeddings: from IDs to meaning"),
    Module("m3_tokenizer_zoo", 3, "Tokenizer zoo"),
    Module("m4_embedding_training", 4, "Training embeddings"),
)


def module_ids() -> tuple[str, ...]:
    """The modules' ids in teaching order."""
    return tuple(m.id for m in CATALOGUE)


def title(module: str) -> str:
    """The module's heading, or the id itself for a name the catalogue does not know."""
    for entry in CATALOGUE:
        if entry.id == module:
            return entry.heading
    return module


def order(module: str) -> int:
    """Sort key: teaching order; a name the catalogue does not know sorts last."""
    ids = module_ids()
    return ids.index(module) if module in ids else len(ids)


def unknown_module(modules: list[str] | tuple[str, ...]) -> str | None:
    """The sentence for the first name that is not a module of the course, else None."""
    ids = module_ids()
    unknown = [m for m in modules if m not in ids]
    if not unknown:
        return None
    return f"unknown module {unknown[0]!r}; choose from {', '.join(ids)}"
