"""The grading runtime's rules for every call and every test: arguments left unchanged, no
thread left running, one timeout per function (with the line it was running), time budgets
per test and per module, the student's worker stopped while the reference is timed; the
default of `autograder grade`, deeper hints, and grade-all's isolation check."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from autograder import hints
from autograder.cli import main
from autograder.commands import grade_all as grade_all_command
from autograder.instructor.console import UsageError
from autograder.remote import (ArgumentChanged, CallTimedOut, SandboxedCode,
                               TimeBudgetExceeded, WorkerFailure)
from autograder.runner import GradingError, default_submission, grade
from autograder.sandbox.limits import Limits
from autograder.sandbox.proc import process_state
from tests.engine.toy_course import submission, write_course

CODE = '''
import threading, time

def total(ids):
    return sum(ids)

def append_to(ids):
    ids.append(0)
    return len(ids)

def scale(matrix):
    matrix *= 2
    return None

def nested(rows):
    rows[1][0] = 99
    return rows

def leave_thread():
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    return "done"

def short_thread():
    worker = threading.Thread(target=time.sleep, args=(0.01,))
    worker.start()
    return "done"

def loop(x):
    while True:
        x += 1
'''

FAST = Limits(call_seconds=1.0)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    root = tmp_path_factory.mktemp("runtime")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "code.py").write_text(textwrap.dedent(CODE))
    worker = SandboxedCode(root, limits=FAST)
    yield worker
    worker.close()


def call(student, name, *args, **kwargs):
    return student.function("pkg.code", name)(*args, **kwargs)


def test_a_call_that_changes_its_argument_fails_naming_it(student):
    assert call(student, "total", [1, 2, 3]) == 6
    with pytest.raises(ArgumentChanged, match=r"append_to changed its argument ids during "
                                              r"the call: it was \[1, 2\], now \[1, 2, 0\]"):
        call(student, "append_to", [1, 2])


@pytest.mark.parametrize("name,value", [
    ("scale", __import__("numpy").ones((2, 2))),
    ("nested", [[1], [2]]),
])
def test_changes_inside_arrays_and_nested_lists_are_seen(student, name, value):
    with pytest.raises(ArgumentChanged, match=f"{name} changed its argument"):
        call(student, name, value)


def test_a_documented_in_place_function_opts_out(student):
    assert student.function("pkg.code", "append_to", in_place=True)([1, 2]) == 3
    assert student.function("pkg.code", "append_to").in_place()([5]) == 2


def test_a_thread_left_running_fails_the_call_and_restarts_the_worker(student):
    restarts = student._sandbox.restarts
    with pytest.raises(WorkerFailure, match=r"left 1 thread running.*worker was restarted"):
        call(student, "leave_thread")
    assert call(student, "short_thread") == "done"  # a thread that ends at once is fine
    assert student._sandbox.restarts == restarts + 1


def test_one_timeout_per_function_then_its_calls_fail_at_once(student):
    with pytest.raises(CallTimedOut, match=r"timed out after 1 s \(it was running "
                                           r"pkg/code.py:\d+ in loop\)"):
        call(student, "loop", 1)
    start = time.monotonic()
    with pytest.raises(CallTimedOut, match=r"loop did not return within 1 s when it was "
                                           r"called before \(it was running pkg/code.py"):
        call(student, "loop", 2)
    assert time.monotonic() - start < 0.5
    assert call(student, "total", [4]) == 4  # other functions are still called


def test_a_test_budget_cuts_calls_and_names_itself(student):
    student.deadline, student.deadline_name = time.monotonic() + 0.05, "the budget under test"
    try:
        time.sleep(0.1)
        with pytest.raises(TimeBudgetExceeded, match="the budget under test ran out"):
            call(student, "total", [1])
    finally:
        student.deadline = None


def test_the_student_worker_is_stopped_while_the_reference_is_measured(student, tmp_path):
    (tmp_path / "ref").mkdir()
    reference = SandboxedCode(tmp_path / "ref", limits=FAST)
    reference.quiet_while_measured = student
    try:
        call(student, "total", [1])
        with reference.measure():
            assert process_state(f"/proc/{student._sandbox.worker_pid}") == "T"
        assert process_state(f"/proc/{student._sandbox.worker_pid}") not in ("T", "")  # alive
        assert call(student, "total", [2]) == 2
    finally:
        reference.close()


# ------------------------------------------------------------------ budgets in a grading run

LOOPING_TOY = '''
def add(a, b):
    while True:
        pass

def count_pairs(ids):
    while True:
        pass

def slow_square(x):
    return x * x
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return write_course(tmp_path_factory.mktemp("course"))


def test_a_spent_module_budget_fails_the_remaining_tests_and_grades_the_rest(course, tmp_path):
    folder = submission(tmp_path / "looping", LOOPING_TOY)
    result = grade(folder, limits=Limits(call_seconds=1.0, module_seconds=1.5), **course)
    assert len(result.tests) == 4 and result.score == 0
    outputs = "\n".join(t.output for t in result.tests)
    assert "the time budget of m1_tokenization (1.5 s) ran out" in outputs


def test_an_endless_function_costs_one_timeout_in_a_grade(course, tmp_path):
    folder = submission(tmp_path / "looping", LOOPING_TOY)
    start = time.monotonic()
    result = grade(folder, limits=Limits(call_seconds=1.0), **course)
    outputs = {t.name.split(": ")[1]: t.output for t in result.tests}
    assert "it is not called again" in outputs["add_hidden"], outputs
    assert "(it was running m1_tokenization/toy.py:" in outputs["add"], outputs
    assert time.monotonic() - start < 20


# ------------------------------------------------------------------ the command line

def test_grade_defaults_to_exercises_and_never_to_the_reference(tmp_path):
    (tmp_path / "exercises" / "m1_tokenization").mkdir(parents=True)
    assert default_submission(tmp_path) == tmp_path / "exercises"
    assert default_submission(tmp_path / "exercises") == tmp_path / "exercises"
    with pytest.raises(GradingError, match="no exercises/ folder.*autograder grade solutions"):
        default_submission(tmp_path / "exercises" / "m1_tokenization")


def test_bare_grade_in_a_folder_without_exercises_says_what_to_do(tmp_path, monkeypatch,
                                                                    capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["grade"]) == 2
    assert "no exercises/ folder" in capsys.readouterr().err


TEST_ID = "m1_tokenization/train_speed:trainer_is_incremental"


def _last_grade(folder: Path, status: str) -> None:
    record = {"name": "train_speed: trainer_is_incremental", "module": "m1_tokenization",
              "points": 3.0, "score": 0.0, "status": status, "deeper_hint": TEST_ID}
    (folder / ".autograder").mkdir(parents=True)
    (folder / hints.LAST_GRADE).write_text(json.dumps({"tests": [record]}))


def test_hint_prints_the_deeper_hint_and_records_its_use(tmp_path, capsys):
    _last_grade(tmp_path, "failed")
    assert main(["hint", TEST_ID, "--submission", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Deeper hint for {TEST_ID}:") and "Count the work per merge" in out
    saved = json.loads((tmp_path / hints.LAST_GRADE).read_text())
    assert saved["deeper_hints_used"] == [TEST_ID]


def test_the_next_grade_carries_the_hints_used_forward(course, tmp_path):
    folder = submission(tmp_path / "sub", "def add(a, b):\n    return a + b\n")
    _last_grade(folder, "failed")
    assert main(["hint", TEST_ID, "--submission", str(folder)]) == 0
    result = grade(folder, select=["test_toy_public.py"], **course)
    assert hints.keep_last_grade(result) == ""
    assert result.deeper_hints_used == [TEST_ID]
    kept = json.loads((folder / hints.LAST_GRADE).read_text())
    assert kept["deeper_hints_used"] == [TEST_ID] and len(kept["tests"]) == 1


@pytest.mark.parametrize("status,test_id,message", [
    ("passed", TEST_ID, "is not a failing test with a deeper hint"),
    ("failed", "m1_tokenization/bpe:nothing_like_this", "is not a failing test"),
])
def test_hint_refuses_what_the_last_grade_does_not_offer(tmp_path, capsys, status, test_id,
                                                         message):
    _last_grade(tmp_path, status)
    assert main(["hint", test_id, "--submission", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_hint_before_any_grade_says_to_grade_first(tmp_path, capsys):
    assert main(["hint", TEST_ID, "--submission", str(tmp_path)]) == 2
    assert "run `autograder grade` first" in capsys.readouterr().err


# ------------------------------------------------------------------ grade-all's isolation

def test_grade_all_refuses_weak_isolation_unless_told(monkeypatch):
    class Args:
        allow_weak_isolation = False

    monkeypatch.setattr(grade_all_command, "isolation_strength", lambda: "weak")
    with pytest.raises(UsageError, match="isolation is weak.*--allow-weak-isolation"):
        grade_all_command._isolation_override(Args())
    Args.allow_weak_isolation = True
    assert grade_all_command._isolation_override(Args()) == \
        "--allow-weak-isolation (isolation: weak)"
    monkeypatch.setattr(grade_all_command, "isolation_strength", lambda: "complete")
    assert grade_all_command._isolation_override(Args()) == ""
