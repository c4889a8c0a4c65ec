"""Stub messages teach, never tell: the text after `# BEGIN SOLUTION:` in solutions/ becomes the
`NotImplementedError` a student's stub raises, and the grader repeats it in every failing row.
It says what is missing and names the lesson section that teaches it; it holds no code and no
recipe (the docstring keeps the contract, the example and the trap).

"Code" is recognised by its shape: a call or an index right after a name (`zip(`, `ids[1:]`),
an operator (`==`, `+=`, `->`, `x = y`, `k=v`), a method or module attribute (`.append`,
`np.`, `torch.`), a backtick, a snake_case name of the code, or a keyword of Python (`lambda`,
`for ... in`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "course" / "tools"))

import lessons  # noqa: E402

from autograder.release import _BEGIN  # noqa: E402
from autograder.course import module_ids  # noqa: E402

MODULES = list(module_ids())

# Stubs still to be rewritten (they hold code or name no lesson section): file -> the start of
# the message. An entry leaves this list when its stub is rewritten; the list only shrinks.
PENDING: dict[str, str] = {}

CODE_SHAPES = {
    "a call": r"\w\(",
    "an index or a slice": r"\w\[|\[:|:\]",
    "a comparison": r"==|!=|<=|>=|\s<\s|\s>\s",
    "an assignment": r"\+=|-=|\*=|/=|\w\s=\s|\w=\w|\w=[\"']",
    "an arrow": r"->",
    "an attribute": r"\b[A-Za-z_]\w*\.[A-Za-z_]\w*",
    "a module prefix": r"\b(?:np|torch|F|nn|math|re|regex|json)\.",
    "a backtick": r"`",
    "a name from the code": r"\b[a-z]\w*_\w+\b",
    "a Python keyword": r"\blambda\b|\bdef\b|\breturn\b|\bfor \w+ in\b|\bNone\b|\bTrue\b|\bFalse\b",
}
# Where a stub points at the lesson: "lesson section “Title”", maybe with
# "(course/<module>.md#anchor)" after it. Those parts are checked for existing, not for code.
SECTION_RE = re.compile(r"lesson sections? ((?:“[^”]+”(?:,? and |, )?)+)")
TITLE_RE = re.compile(r"“([^”]+)”")
PATH_RE = re.compile(r"\(course/(?P<lesson>[\w-]+)\.md#(?P<anchor>[\w-]+)\)")


def stubs(module: str) -> list[tuple[str, int, str]]:
    """(file, line, message) of every stub of a module's solution files."""
    found = []
    for path in sorted((ROOT / "solutions" / module).glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _BEGIN.match(line)
            if match and not match["remove"]:
                found.append((f"{module}/{path.name}", number, match["hint"] or ""))
    return found


def pending(file: str, message: str) -> bool:
    return file in PENDING and message.startswith(PENDING[file])


def code_in(message: str) -> list[str]:
    """The kinds of code a message holds, its lesson references left out."""
    prose = PATH_RE.sub("", SECTION_RE.sub("", message))
    return [f"{kind} ({m.group(0).strip()!r})" for kind, pattern in CODE_SHAPES.items()
            for m in [re.search(pattern, prose)] if m]


@pytest.mark.parametrize("message, kinds", [
    ("Walk over zip(ids, ids[1:]) and count each pair in a dict.", {"a call", "an index or a slice"}),
    ("if ids[i], ids[i+1] is the pair, emit new_id and do i += 2", {"an index or a slice", "an assignment"}),
    ("[tokenizer.decode([i]) for i in tokenizer.encode(text)]", {"a call", "an attribute"}),
    ("sort by (-count, word), cut at max_size.", {"a name from the code"}),
    ("Every occurrence of the pair replaced (matches never overlap, ties: lower index).", set()),
    ("Flatten the ids, then np.add.at(dE, ids, grads).", {"a call", "an attribute", "a module prefix"}),
    ("logits = scale * a @ b.T", {"an assignment", "an attribute"}),
    ("decode once with errors=\"replace\".", {"an assignment"}),
    ("keep those where start < end", {"a comparison"}),
    ("bytes -> lowest id", {"an arrow"}),
    ("Invert gpt2_bytes_to_unicode and read encoder.json", {"a name from the code", "an attribute"}),
    ("The count of every pair of neighbouring ids; lesson section “How BPE builds a vocabulary” "
     "(course/m1_tokenization.md#how-bpe-builds-a-vocabulary).", set()),
])
def test_the_code_detector_sees_code_and_passes_prose(message, kinds):
    found = {kind.split(" (")[0] for kind in code_in(message)}
    assert kinds <= found and (kinds or not found), (message, found)


@pytest.mark.parametrize("module", MODULES)
def test_no_stub_message_holds_code(module):
    problems = [f"solutions/{file}:{line}: {', '.join(kinds)}: {message}"
                for file, line, message in stubs(module)
                for kinds in [code_in(message)] if kinds and not pending(file, message)]
    assert not problems, "stub messages with code:\n" + "\n".join(problems)


def test_pending_stubs_are_still_to_be_rewritten():
    """A stub rewritten since it was listed leaves PENDING, so the list only ever shrinks."""
    still = {file for module in MODULES for file, _, message in stubs(module)
             if pending(file, message)
             and (code_in(message) or not SECTION_RE.search(message))}
    assert set(PENDING) <= still, f"rewritten already; remove from PENDING: {set(PENDING) - still}"


@pytest.mark.parametrize("module", MODULES)
def test_every_stub_names_a_section_of_its_lesson(module):
    lesson = lessons.read_lesson(ROOT / "course" / f"{module}.md")
    titles = {section.title for section in lesson.sections}
    anchors = {section.anchor for section in lesson.sections}
    problems = []
    for file, line, message in stubs(module):
        where = f"solutions/{file}:{line}"
        if pending(file, message):
            continue
        named = SECTION_RE.search(message)
        if named is None:
            problems.append(f"{where}: names no lesson section (lesson section “Title”): {message}")
            continue
        problems += [f"{where}: course/{module}.md has no section “{title}”"
                     for title in TITLE_RE.findall(named.group(1)) if title not in titles]
        for path in PATH_RE.finditer(message):
            if path["lesson"] != module or path["anchor"] not in anchors:
                problems.append(f"{where}: course/{path['lesson']}.md#{path['anchor']} is not a "
                                f"section of course/{module}.md")
    assert not problems, "\n".join(problems)
