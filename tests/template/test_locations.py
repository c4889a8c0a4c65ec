"""From a failing test's record to the file and line of the student function it exercised."""

from __future__ import annotations

import base64
import json
import os
import textwrap

import pytest

from autograder.github import actions, report
from autograder.github.grading import Graded, HiddenTests
from autograder.github.locations import Location, SourceIndex
from autograder.results import GradeResult
from autograder.results import TestRecord as Record

BPE = '''\
"""Module docstring."""

from .helpers import shared_helper as exported


def merge_pair(ids, pair, new_id):
    raise NotImplementedError("scan")


class Counter:
    pass
'''

TOKENIZER = '''\
class BPETokenizer:
    """A tokenizer."""

    def __init__(self, vocab, merges):
        self.vocab = vocab

    @classmethod
    def from_files(cls, vocab_path, merges_path):
        return cls({}, [])

    def encode(self, text):
        return []

    def decode(self, ids):
        return ""
'''

HELPERS = '''\
import math


def shared_helper(x):
    return math.sqrt(x)
'''


@pytest.fixture
def repo(tmp_path):
    module = tmp_path / "exercises" / "m1_tokenization"
    module.mkdir(parents=True)
    (module / "__init__.py").write_text("")
    (module / "bpe.py").write_text(BPE)
    (module / "tokenizer.py").write_text(TOKENIZER)
    (module / "helpers.py").write_text(HELPERS)
    (module / "broken.py").write_text("def f(:\n")
    return tmp_path


def record(functions, output="", passed=False, points=2.0, name="t"):
    return Record(name=name, module="m1_tokenization", points=points,
                      score=points if passed else 0.0, status="passed" if passed else "failed",
                      output=output, hint="look again", functions=functions)


def index(repo):
    return SourceIndex(repo / "exercises", repo)


def test_functions_classes_and_methods_resolve_to_their_def_lines(repo):
    idx = index(repo)
    where = idx.resolve("m1_tokenization.bpe.merge_pair")
    assert where == Location("exercises/m1_tokenization/bpe.py", 6, "merge_pair")
    # a class stands for its constructor; without __init__, for the class line
    assert idx.resolve("m1_tokenization.tokenizer.BPETokenizer").line == 4
    assert idx.resolve("m1_tokenization.bpe.Counter").line == 10
    assert idx.resolve("m1_tokenization.tokenizer.BPETokenizer.from_files").line == 8
    # a name re-exported with `from .helpers import … as …` leads to its definition
    assert idx.resolve("m1_tokenization.bpe.exported") == Location(
        "exercises/m1_tokenization/helpers.py", 4, "shared_helper")
    for missing in ("m1_tokenization.bpe.nothing", "m1_tokenization.nofile.f",
                    "m1_tokenization.broken.f", "m9.x.y", "../etc.passwd"):
        assert idx.resolve(missing) is None


def test_target_is_the_last_function_the_failing_test_called(repo):
    idx = index(repo)
    # a method called on an object the test made: found inside the class it came from
    assert idx.target(record(["m1_tokenization.tokenizer.BPETokenizer", "encode"])).line == 11
    assert idx.target(record(["m1_tokenization.tokenizer.BPETokenizer.from_files",
                              "encode", "decode"])).line == 14
    assert idx.target(record(["m1_tokenization.bpe.merge_pair", "unknown_method"])).line == 6
    assert idx.target(record([])) is None
    assert idx.target(record(["encode"])) is None  # no class known: no guess


def test_a_line_named_in_the_failure_message_wins(repo):
    idx = index(repo)
    raised = record(["m1_tokenization.bpe.merge_pair"],
                    "ValueError: bad pair (in shared_helper, m1_tokenization/helpers.py:5)")
    assert idx.target(raised) == Location("exercises/m1_tokenization/helpers.py", 5,
                                          "shared_helper")
    syntax = record(["m1_tokenization.broken.f"],
                    "SyntaxError: invalid syntax (m1_tokenization/broken.py, line 1)")
    assert idx.target(syntax) == Location("exercises/m1_tokenization/broken.py", 1, "broken.py")
    # a path outside the submission is never trusted
    outside = record(["m1_tokenization.bpe.merge_pair"],
                     "ValueError: x (in f, ../../../etc/hosts.py:3)")
    assert idx.target(outside).path == "exercises/m1_tokenization/bpe.py"


def test_a_symlink_out_of_the_submission_is_not_followed(repo, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.py"
    secret.write_text("def leak():\n    pass\n")
    os.symlink(secret, repo / "exercises" / "m1_tokenization" / "linked.py")
    assert index(repo).resolve("m1_tokenization.linked.leak") is None


def graded_fixture(repo) -> Graded:
    tests = [
        record(["m1_tokenization.bpe.merge_pair"], "not implemented yet: scan", name="a"),
        record(["m1_tokenization.bpe.merge_pair"], "assert [9, 9] == [9, 1]", name="b",
               points=3),
        record(["m1_tokenization.tokenizer.BPETokenizer", "encode"], "wrong ids", name="c"),
        record(["m1_tokenization.missing.f"], "ModuleNotFoundError", name="d", points=1),
        record(["m1_tokenization.bpe.merge_pair"], "", passed=True, name="e", points=5),
    ]
    return Graded(GradeResult(tests=tests, isolation={"network": "namespace"}),
                  HiddenTests("not-configured"), protected={})


def test_annotations_group_failing_tests_by_place_costliest_first(repo):
    found, nowhere = report.places(graded_fixture(repo), repo)
    lines = report.annotations(found)
    assert [n.name for n in nowhere] == ["d"]
    assert lines[0] == (
        "::error file=exercises/m1_tokenization/bpe.py,line=6,"
        "title=merge_pair%3A 2 failing tests (-5 points)::"
        "m1_tokenization/a, m1_tokenization/b%0Anot implemented yet: scan%0AHint: look again")
    assert lines[1].startswith("::error file=exercises/m1_tokenization/tokenizer.py,line=11,"
                               "title=BPETokenizer.encode%3A 1 failing test (-2 points)::")
    assert len(lines) == 2
    many = report.annotations(found * 6, limit=10)
    assert len(many) == 11 and many[-1].startswith("::notice title=More failing tests::2 more")


def test_workflow_commands_escape_what_would_break_them():
    line = actions.command("error", "50% done\r\nnext", file="a,b:c.py", line=3, title="x: y")
    assert line == "::error file=a%2Cb%3Ac.py,line=3,title=x%3A y::50%25 done%0D%0Anext"


def test_summary_and_classroom_result(repo):
    graded = graded_fixture(repo)
    graded.protected = {"changed": ["pyproject.toml"], "missing": [], "added": [],
                        "source": "the course's manifest"}
    found, nowhere = report.places(graded, repo)
    env = {"GITHUB_REPOSITORY": "course/s1", "GITHUB_SHA": "0123456789abcdef",
           "GITHUB_RUN_ID": "77", "GITHUB_SERVER_URL": "https://github.com"}
    text = report.summary(graded, found, nowhere, env)
    assert text.startswith("## Autograder: 5 / 13 points")
    assert "this score is not your grade" in text
    assert "[`exercises/m1_tokenization/bpe.py:6`](https://github.com/course/s1/blob/" \
           "0123456789abcdef/exercises/m1_tokenization/bpe.py#L6)" in text
    assert "- changed: `pyproject.toml`" in text
    assert "[workflow run](https://github.com/course/s1/actions/runs/77)" in text
    data, encoded = report.classroom_result(graded, found)
    assert json.loads(base64.b64decode(encoded)) == data
    assert [t["line_no"] for t in data["tests"]] == [6, 6, 11, 0, 0]
    assert sum(t["score"] for t in data["tests"]) == graded.result.score
    # long messages are shortened until the result fits in one environment variable
    graded.result.tests = [record(["m1_tokenization.bpe.merge_pair"], "x" * 5000, name=str(i))
                           for i in range(100)]
    data, encoded = report.classroom_result(graded, limit=96 * 1024)
    assert len(encoded) <= 96 * 1024 and data["max_score"] == 200
    # when even empty messages do not fit, one entry per module keeps the points exact
    data, encoded = report.classroom_result(graded, limit=2000)
    assert len(encoded) <= 2000 and [t["name"] for t in data["tests"]] == ["m1_tokenization"]
    assert data["tests"][0]["max_score"] == 200 and json.loads(base64.b64decode(encoded)) == data


def test_comment_stays_under_githubs_limit(repo):
    graded = graded_fixture(repo)
    graded.result.tests = [record(["m1_tokenization.bpe.merge_pair"], "y" * 290, name=f"t{i}")
                           for i in range(400)]
    found, nowhere = report.places(graded, repo)
    body = report.comment(graded, found, nowhere)
    assert body.startswith(report.COMMENT_MARKER)
    assert len(body) <= report.COMMENT_LIMIT
    assert "| Module 1 — Tokenization: BPE from scratch | 0 / 800 | 0 | 400 |" in body
    assert textwrap.dedent("merge_pair").strip() in body
