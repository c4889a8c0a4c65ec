"""Read the lessons and the exercises, and the links between them.

A lesson (``course/<module>.md``) is Markdown that reads well on GitHub and on the course site:

    ## Learning goals
    1. [Describe how Byte-Pair Encoding builds ...](#how-bpe-builds-a-vocabulary)
    ...
    ## How BPE builds a vocabulary
    ... [`merge_pair`](../exercises/m1_tokenization/bpe.py#merge_pair) ...
    > [!TIP]
    > **Concept card: The spelling paradox**
    > story ... ![picture](figures/m1/strawberry.png) ... **Try it:** ...

Section anchors are GitHub's heading slugs (the site uses the same ones). An exercise is a
top-level function or class of ``solutions/<module>/*.py`` with a solution region, i.e. code the
student writes; its docstring links back to the lesson section that teaches it with a line

    Lesson: course/m1_tokenization.md#how-bpe-builds-a-vocabulary

    python course/tools/lessons.py links             # the back-link each exercise needs
    python course/tools/lessons.py apply solutions/  # add the missing ones to the docstrings
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SUITES = ROOT / "autograder" / "suites"

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
GOAL_RE = re.compile(r"^\d+\.\s+\[(?P<text>.+)\]\(#(?P<anchor>[\w-]+)\)\s*$")
EXERCISE_LINK_RE = re.compile(
    r"\]\(\.\./exercises/(?P<module>m\d_\w+)/(?P<file>\w+)\.py#(?P<name>\w+)\)")
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\)")
CARD_TITLE_RE = re.compile(r"^\*\*Concept card: (?P<title>.+)\*\*$")
BACK_LINK_RE = re.compile(r"^\s*Lesson: course/(?P<lesson>[\w.-]+\.md)#(?P<anchor>[\w-]+)\s*$",
                          re.MULTILINE)
SOLUTION_REGION_RE = re.compile(r"#\s*BEGIN SOLUTION(?!\s+REMOVE)")


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading: inline markup dropped, lower case, punctuation removed,
    spaces to hyphens. (The site's Markdown uses the same rule for the headings we write.)"""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@dataclass
class ExerciseLink:
    module: str
    file: str
    name: str
    line: int

    @property
    def target(self) -> str:
        return f"{self.module}/{self.file}.py#{self.name}"


@dataclass
class Card:
    title: str
    images: list[str]
    has_try_it: bool
    line: int


@dataclass
class Section:
    level: int
    title: str
    anchor: str
    line: int
    lines: list[str] = field(default_factory=list)
    links: list[ExerciseLink] = field(default_factory=list)


@dataclass
class Lesson:
    path: Path
    title: str
    goals: list[tuple[str, str]]          # (goal text, anchor)
    sections: list[Section]
    cards: list[Card]
    images: list[tuple[str, int]]         # (src, line) of every image

    @property
    def name(self) -> str:
        return self.path.name

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    def links_under(self, anchor: str) -> list[ExerciseLink]:
        """Exercise links in the section with this anchor and in its subsections."""
        start = next((i for i, s in enumerate(self.sections) if s.anchor == anchor), None)
        if start is None:
            return []
        top = self.sections[start]
        links = list(top.links)
        for sub in self.sections[start + 1:]:
            if sub.level <= top.level:
                break
            links.extend(sub.links)
        return links

    def anchors_linking(self, module: str, name: str) -> set[str]:
        """Anchors of the sections (and their parents) whose text links this exercise."""
        found = set()
        for i, section in enumerate(self.sections):
            if any(l.module == module and l.name == name for l in section.links):
                found.add(section.anchor)
                level = section.level
                for parent in reversed(self.sections[:i]):
                    if parent.level < level:
                        found.add(parent.anchor)
                        level = parent.level
        return found


def read_lesson(path: Path) -> Lesson:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = ""
    sections: list[Section] = []
    goals: list[tuple[str, str]] = []
    images: list[tuple[str, int]] = []
    in_code = False
    current: Section | None = None
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        heading = HEADING_RE.match(line)
        if heading:
            level, text = len(heading.group(1)), heading.group(2)
            if level == 1 and not title:
                title = text
                continue
            current = Section(level, text, slugify(text), number)
            sections.append(current)
            continue
        if current is None:
            continue
        current.lines.append(line)
        if current.anchor == "learning-goals":
            goal = GOAL_RE.match(line.strip())
            if goal:
                goals.append((goal["text"], goal["anchor"]))
        for match in EXERCISE_LINK_RE.finditer(line):
            current.links.append(ExerciseLink(match["module"], match["file"], match["name"], number))
        for match in IMAGE_RE.finditer(line):
            images.append((match["src"], number))
    return Lesson(path, title, goals, sections, _cards(lines), images)


def _cards(lines: list[str]) -> list[Card]:
    """Concept cards: a `> [!TIP]` block whose first text line is **Concept card: ...**."""
    cards = []
    i = 0
    while i < len(lines):
        if lines[i].strip().lower() == "> [!tip]":
            start = i
            block = []
            i += 1
            while i < len(lines) and lines[i].startswith(">"):
                block.append(lines[i][1:].strip())
                i += 1
            text = [b for b in block if b]
            title = CARD_TITLE_RE.match(text[0]) if text else None
            if title:
                body = "\n".join(block)
                cards.append(Card(title["title"], [m["src"] for m in IMAGE_RE.finditer(body)],
                                  "**Try it:**" in body, start + 1))
            continue
        i += 1
    return cards


def outline() -> list[dict]:
    """The modules of ``course/outline.toml``: id, title, lesson, goals, cards."""
    return tomllib.loads((COURSE / "outline.toml").read_text(encoding="utf-8"))["module"]


def lessons() -> dict[str, Lesson]:
    """Module id -> its lesson."""
    return {m["id"]: read_lesson(COURSE / m["lesson"]) for m in outline()}


@dataclass
class Exercise:
    """A top-level function or class a student implements (it holds a solution region)."""
    module: str
    file: str
    name: str
    docstring: str
    path: Path
    line: int

    @property
    def target(self) -> str:
        return f"{self.module}/{self.file}.py#{self.name}"

    def back_links(self) -> list[tuple[str, str]]:
        return [(m["lesson"], m["anchor"]) for m in BACK_LINK_RE.finditer(self.docstring)]


def top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def exercises(module: str, root: Path = SOLUTIONS) -> list[Exercise]:
    """Every exercise of a module, in file order."""
    found = []
    for path in sorted((root / module).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if node.name.startswith("_"):
                continue
            body = "\n".join(lines[node.lineno - 1:node.end_lineno])
            if SOLUTION_REGION_RE.search(body):
                found.append(Exercise(module, path.stem, node.name,
                                      ast.get_docstring(node) or "", path, node.lineno))
    return found


def test_sources(module: str) -> str:
    """The text of every test that grades a module: its hidden suite and its public tests."""
    files = [*sorted((SUITES / module).glob("*.py")),
             *sorted((SOLUTIONS / module / "tests").glob("*.py"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def is_graded(name: str, tests: str) -> bool:
    """Whether a test calls this exercise: `student.function(M, "name")`, `"Class.method"`
    or `student.module(M).name`."""
    return bool(re.search(rf"""["']{re.escape(name)}(\.\w+)?["']|\)\.{re.escape(name)}\b""",
                          tests))


def back_link_lines() -> list[tuple[Exercise, list[str]]]:
    """For each exercise, the `Lesson:` lines its docstring should carry: one per lesson
    section that links it (the deepest such section; a parent only when no subsection does)."""
    result = []
    by_module = lessons()
    for module in by_module:
        lesson = by_module[module]
        for exercise in exercises(module):
            anchors = [s.anchor for s in lesson.sections
                       if any(l.module == module and l.name == exercise.name for l in s.links)]
            result.append((exercise, [f"Lesson: course/{lesson.name}#{a}" for a in anchors[:1]]))
    return result


def back_link_problems(module: str, root: Path = SOLUTIONS) -> list[str]:
    """Exercises of `module` (under `root`) whose docstring lacks a `Lesson:` line that names
    a section of the module's lesson teaching it (linking it, itself or in a subsection)."""
    lesson = lessons()[module]
    problems = []
    for exercise in exercises(module, root):
        back = exercise.back_links()
        if not back:
            problems.append(f"{exercise.target}: no 'Lesson: course/{lesson.name}#...' line")
            continue
        teaching = lesson.anchors_linking(module, exercise.name)
        for name, anchor in back:
            if name != lesson.name or anchor not in teaching:
                problems.append(f"{exercise.target}: 'Lesson: course/{name}#{anchor}' is not a "
                                f"section of {lesson.name} that links it")
    return problems


def apply_back_links(root: Path) -> list[Path]:
    """Add the missing `Lesson:` line at the end of each exercise's docstring under `root`
    (a folder laid out like solutions/); return the files changed."""
    changed = []
    wanted = {(e.module, e.file, e.name): lines for e, lines in back_link_lines() if lines}
    for path in sorted(root.glob("m*/*.py")):
        module, name = path.parent.name, path.stem
        source = path.read_text(encoding="utf-8")
        lines = source.split("\n")
        edits = []
        for node in ast.parse(source).body:
            key = (module, name, getattr(node, "name", None))
            if key not in wanted or not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                continue
            doc = node.body[0] if node.body else None
            if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str)) or BACK_LINK_RE.search(doc.value.value):
                continue
            edits.append((doc, wanted[key]))
        for doc, link_lines in sorted(edits, key=lambda e: -e[0].end_lineno):
            indent = " " * doc.col_offset
            last = doc.end_lineno - 1
            closing = lines[last]
            quote = closing.rstrip()[-3:]
            body = closing.rstrip()[:-3]
            added = ["", *(indent + line for line in link_lines)]
            if body.strip():
                lines[last:last + 1] = [body, *added, indent + quote]
            else:
                lines[last:last] = added
        if edits:
            path.write_text("\n".join(lines), encoding="utf-8")
            changed.append(path)
    return changed


def links_markdown() -> str:
    """course/exercise-links.md: the back-link line each exercise's docstring needs."""
    out = ["# Lesson back-links of the exercises", "",
           "Each exercise's docstring ends with the line below: the lesson section that teaches it.",
           "Generated by `python course/tools/lessons.py links`; `python course/tools/lessons.py",
           "apply solutions/` adds the missing lines to the docstrings (then run `autograder release`).",
           "tests/course/test_lessons.py checks them.", ""]
    current = None
    for exercise, lines in back_link_lines():
        if exercise.path != current:
            current = exercise.path
            out += ["", f"## solutions/{exercise.module}/{exercise.file}.py", ""]
        shown = lines[0] if lines else "(no lesson section links this exercise yet)"
        out.append(f"- `{exercise.name}`: `{shown}`")
    return "\n".join(out) + "\n"


def _print_links() -> int:
    sys.stdout.write(links_markdown())
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["links"]:
        sys.exit(_print_links())
    if sys.argv[1:2] == ["apply"] and len(sys.argv) == 3:
        for changed in apply_back_links(Path(sys.argv[2])):
            print(f"added lesson back-links to {changed}")
        sys.exit(0)
    print(__doc__)
    sys.exit(2)
