"""The records that leave the grading run: one per test, totals per module.

Data flows one way: pytest plugin -> TestRecord -> GradeResult -> formats. Nothing here knows
about pytest or about any output format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from autograder import course


@dataclass
class TestRecord:
    name: str
    module: str
    points: float
    score: float
    status: str  # "passed" | "failed"
    visibility: str = "visible"
    hint: str = ""
    output: str = ""
    suite: str = "hidden"  # "public" | "hidden"
    functions: list[str] = field(default_factory=list)  # student functions the test called
    seconds: float = 0.0
    case: str = ""  # the parametrize id of the case ("one-character-chunks"), also in `name`
    deeper_hint: str = ""  # when the test has a deeper hint: the id for `autograder hint ID`

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ModuleScore:
    score: float = 0.0
    max_score: float = 0.0
    passed: int = 0
    failed: int = 0


@dataclass
class GradeResult:
    tests: list[TestRecord] = field(default_factory=list)
    execution_time: float = 0.0
    isolation: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # submission-level problems, for the student
    submission: str = ""
    deeper_hints_used: list[str] = field(default_factory=list)  # ids asked for with `autograder hint`

    @property
    def modules(self) -> dict[str, ModuleScore]:
        totals: dict[str, ModuleScore] = {}
        for test in self.tests:
            module = totals.setdefault(test.module, ModuleScore())
            module.score += test.score
            module.max_score += test.points
            module.passed += test.passed
            module.failed += not test.passed
        return {m: totals[m] for m in sorted(totals, key=course.order)}

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def isolation_warning(self) -> str:
        """A sentence for the student and the instructor when the worker ran with weaker
        isolation than the full sandbox (no namespaces, or an override), else ""."""
        isolation = self.isolation or {}
        if not isolation:
            return ""
        weaker = isolation.get("weaker")
        if weaker is None and "complete" in isolation:
            weaker = not isolation["complete"]
        if weaker is None:  # the sandbox's own words for the full isolation
            weaker = (not str(isolation.get("network", "")).startswith("network namespace")
                      or str(isolation.get("filesystem", "")).startswith("none"))
        if not weaker:
            return ""
        network = isolation.get("network") or "unknown"
        return ("Grading ran with weaker isolation than the full sandbox "
                f"(network: {network}; files: {isolation.get('filesystem') or 'unknown'}).")

    def to_dict(self) -> dict:
        return {"tests": [asdict(t) for t in self.tests], "execution_time": self.execution_time,
                "isolation": self.isolation, "notes": self.notes, "submission": self.submission,
                "deeper_hints_used": self.deeper_hints_used}

    @classmethod
    def from_dict(cls, data: dict) -> "GradeResult":
        known = {f.name for f in fields(TestRecord)}  # a newer or older grade.json still loads
        return cls(tests=[TestRecord(**{k: v for k, v in t.items() if k in known})
                          for t in data["tests"]],
                   execution_time=data.get("execution_time", 0.0),
                   isolation=data.get("isolation", {}), notes=data.get("notes", []),
                   submission=data.get("submission", ""),
                   deeper_hints_used=list(data.get("deeper_hints_used", [])))

    @classmethod
    def merge(cls, parts: list["GradeResult"]) -> "GradeResult":
        merged = cls(submission=parts[0].submission if parts else "")
        for part in parts:
            merged.tests += part.tests
            merged.notes += [n for n in part.notes if n not in merged.notes]
            merged.deeper_hints_used += [h for h in part.deeper_hints_used
                                         if h not in merged.deeper_hints_used]
            merged.isolation = merged.isolation or part.isolation
            merged.execution_time = max(merged.execution_time, part.execution_time)
        merged.tests.sort(key=lambda t: (course.order(t.module), t.suite != "public"))
        return merged

