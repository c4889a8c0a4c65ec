"""No string a submission controls can add markup, escape sequences or invalid characters to
any report: every nasty string of tests/formats/nasty.py, put in every field of a grade,
through every format (and the job summary, comment, annotations and Classroom result of the
student workflow)."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from autograder.formats import render
from autograder.formats.escape import md_code, md_text, plain
from autograder.github import report
from autograder.github.grading import Graded, HiddenTests
from autograder.github.locations import Location
from autograder.results import GradeResult
from autograder.results import TestRecord as Record
from tests.formats.nasty import BIDI, FORBIDDEN_CONTROLS, NASTY

LABELS = list(NASTY)
LONGEST_LINE = 2_000
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the text format's own colours


def nasty_grade(text: str) -> GradeResult:
    """A grade where every string that can come from a submission is `text`."""
    failed = Record(name=f"bpe: merge_pair[{text}]", module="m1_tokenization", points=2,
                        score=0, status="failed", hint=text, output=f"{text}\nlast call: {text}",
                        case=text, deeper_hint=text, functions=[text], suite="public")
    passed = Record(name=text, module="m1_tokenization", points=1, score=1,
                        status="passed", functions=[text])
    return GradeResult(tests=[failed, passed], notes=[text],
                       isolation={"network": text, "filesystem": text, "user": text},
                       submission=text, deeper_hints_used=[text])


def assert_inert(out: str, where: str, longest_line: int = LONGEST_LINE) -> None:
    bad = sorted({c for c in out if c in FORBIDDEN_CONTROLS or c in BIDI
                  or 0xD800 <= ord(c) <= 0xDFFF or c in "\u2028\u2029\ufffe\uffff\ufdd0"})
    assert not bad, f"{where}: {[hex(ord(c)) for c in bad]}"
    out.encode("utf-8")  # no lone surrogate anywhere
    longest = max(map(len, out.split("\n")))
    assert longest <= longest_line, f"{where}: a line of {longest} characters"


# ---------------------------------------------------------------------------- text

@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("color", [False, True])
def test_text_report_is_inert(label, color):
    from autograder.formats import text

    out = text.render(nasty_grade(NASTY[label]), color=color)
    assert_inert(SGR.sub("", out), f"text {label!r}")
    if not color:
        assert "\x1b" not in out
    if label == "rich markup":  # printed as written, not taken for styles or links
        assert "[bold red]passed[/bold red]" in out
    if label == "erase line":  # still there for the student to see, as inert text
        assert "\\x1b[2K\\x0dpassed" in out


def test_text_report_shows_parametrize_ids_whole():
    from autograder.formats import text

    grade = nasty_grade("x")
    grade.tests[0].name = ("encode_iterable: same_ids_as_encode_for_any_chunking"
                           "[inside-overlapping-special-tokens]")
    grade.tests[0].case = "inside-overlapping-special-tokens"
    out = text.render(grade, color=False, width=80)
    first_column = "".join(line.split("│")[1].strip() for line in out.splitlines()
                           if line.startswith("│"))
    assert "[inside-overlapping-special-tokens]" in first_column
    assert "…" not in out


# ---------------------------------------------------------------------------- Markdown

class _Tags(HTMLParser):
    """The tags of rendered HTML, and the text outside <code> and <pre>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.prose: list[str] = []
        self.cells_per_row: list[int] = []
        self._code = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("code", "pre"):
            self._code += 1
        if tag == "tr":
            self.cells_per_row.append(0)
        if tag in ("td", "th"):
            self.cells_per_row[-1] += 1

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self._code -= 1

    def handle_data(self, data):
        if not self._code:
            self.prose.append(data)


def rendered(markdown_text: str) -> _Tags:
    html = MarkdownIt("commonmark").enable("table").render(markdown_text)
    tags = _Tags()
    tags.feed(html)
    return tags


def assert_markdown_inert(out: str, where: str, details: int, headings: int) -> None:
    assert_inert(out, where)
    tags = rendered(out)
    allowed = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "details",
               "summary", "b", "strong", "code", "pre", "blockquote", "sub", "ul", "li", "a",
               "br"}
    assert set(tags.tags) <= allowed, f"{where}: {set(tags.tags) - allowed}"
    assert tags.tags.count("details") == details, where
    assert tags.tags.count("h2") + tags.tags.count("h3") == headings, where
    assert "a" not in tags.tags, f"{where}: a link"
    widths = {n for n in tags.cells_per_row}
    assert all(n in (2, 3, 4) for n in widths), f"{where}: table rows of {widths} cells"
    prose = " ".join(tags.prose)
    # GitHub links these in rendered text (outside code): mentions, URLs, issue references.
    for pattern in (r"(?<!\w)@\w", r"://", r"(?i)www\.", r"#\d", r"(?i)gh-\d"):
        assert not re.search(pattern, prose), f"{where}: {pattern} in {prose[:300]!r}"


@pytest.mark.parametrize("label", LABELS)
def test_markdown_summary_is_inert(label):
    out = render(nasty_grade(NASTY[label]), "markdown")
    assert_markdown_inert(out, f"markdown {label!r}", details=1, headings=1)
    assert out.startswith("## Autograder: 1 / 3 points\n")


@pytest.mark.parametrize("label", LABELS)
def test_job_summary_comment_and_annotations_are_inert(label, tmp_path):
    text = NASTY[label]
    grade = nasty_grade(text)
    graded = Graded(result=grade, hidden=HiddenTests(status="not-configured"),
                    protected={"changed": [text], "missing": [], "added": []}, notes=[text])
    found = [report.Place(Location(path="exercises/m1_tokenization/bpe.py", line=3, name=text),
                          [grade.tests[0]])]
    summary = report.summary(graded, found, [grade.tests[0]])
    # Our own headings: the score, "Where to look", "Changed course files".
    assert_markdown_inert(summary, f"summary {label!r}", details=1, headings=3)
    comment = report.comment(graded, found, [])
    assert_markdown_inert(comment, f"comment {label!r}", details=1, headings=3)
    for line in report.annotations(found):
        assert_inert(line, f"annotation {label!r}", longest_line=6_000)  # one line each
        assert line.count("::") >= 2 and "\n" not in line
    data, encoded = report.classroom_result(graded, found)
    assert json.loads(base64.b64decode(encoded)) == data
    assert_inert(base64.b64decode(encoded).decode("utf-8"), f"classroom result {label!r}",
                 longest_line=report.CLASSROOM_LIMIT)  # compact JSON: one line


def test_markdown_keeps_whitespace_visible():
    out = render(nasty_grade("a    b\t\tc  "), "markdown")
    tags = rendered(out)
    assert "pre" in tags.tags
    assert "a    b\t\tc  " in out, "the message block keeps every space"
    assert md_code("a    b  ") == "`a····b··`"
    assert md_code(" x") == "`·x`"


def test_markdown_code_fences_outlast_the_content():
    assert md_code("a`b") == "``a`b``"
    assert md_code("`") == "`` ` ``"
    out = render(nasty_grade("```\n````\nend"), "markdown")
    assert "`````text\n```\n````\nend" in out


def test_markdown_prose_is_shown_as_written():
    html = MarkdownIt("commonmark").render(md_text("<|endoftext|> **x** [a](b) #1"))
    assert "&lt;|endoftext|&gt; **x** [a](b) #\u20601" in html
    assert MarkdownIt("commonmark").render(md_text("1. not a list")) == "<p>1. not a list</p>\n"


# ---------------------------------------------------------------------------- JUnit, JSON

@pytest.mark.parametrize("label", LABELS)
def test_junit_is_valid_xml(label):
    out = render(nasty_grade(NASTY[label]), "junit")
    assert_inert(out, f"junit {label!r}")
    root = ET.fromstring(out)
    assert root.get("tests") == "2" and root.get("failures") == "1"
    [failure] = root.iter("failure")
    assert failure.text and failure.get("message") is not None


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("fmt", ["json", "classroom"])
def test_json_formats_stay_valid_and_inert(label, fmt):
    out = render(nasty_grade(NASTY[label]), fmt)
    data = json.loads(out)
    strings = []

    def collect(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    for value in strings:
        assert_inert(value, f"{fmt} {label!r}")
    out.encode("utf-8")


# ---------------------------------------------------------------------------- end to end

NASTY_SUBMISSION = '''
BAD = {bad!r}
SENDABLE = BAD.encode("utf-8", "replace").decode()  # no lone surrogate: it can cross


def add(a, b):
    raise ValueError(SENDABLE)


def count_pairs(ids):
    print(SENDABLE)
    return {{(1, 1): SENDABLE}}


def slow_square(x):
    return BAD
'''


def test_a_submission_that_prints_raises_and_returns_nasty_text(tmp_path):
    from autograder.runner import grade
    from tests.engine.toy_course import submission, write_course

    course = write_course(tmp_path / "course")
    bad = "".join(NASTY[label][:200] for label in LABELS)
    result = grade(submission(tmp_path / "student", NASTY_SUBMISSION.format(bad=bad)), **course)
    assert result.score == 0 and len(result.tests) == 4
    assert any("ValueError" in t.output for t in result.tests)
    assert any("--- your code printed" in t.output for t in result.tests)
    assert_markdown_inert(render(result, "markdown"), "markdown", details=1, headings=1)
    for fmt in ("text", "junit", "json", "classroom"):
        assert_inert(render(result, fmt), fmt, longest_line=100_000)
    ET.fromstring(render(result, "junit"))
    for fmt in ("json", "classroom"):
        json.loads(render(result, fmt))


# ---------------------------------------------------------------------------- escape itself

def test_plain_shows_controls_as_escapes():
    assert plain("a\x1b[2Kb") == "a\\x1b[2Kb"
    assert plain("\u202e") == "\\u202e"
    assert plain("\ud800") == "\\ud800"
    assert plain("tab\tand\nnewline") == "tab\tand\nnewline"
    assert plain("Größe 😀 \ue000") == "Größe 😀 \ue000"  # printable text is untouched
    assert plain("\xa0") == "\\xa0"  # a space that is not a space is shown


def test_an_honest_report_is_unchanged():
    grade = nasty_grade("wrong ids when chunks are cut")
    out = render(grade, "json")
    assert "wrong ids when chunks are cut" in out
