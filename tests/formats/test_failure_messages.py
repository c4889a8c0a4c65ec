"""What a failing row says (autograder/failures.py): short values cut at the end, the first
difference, the last call's input — and never a hidden case's expected answer in full."""

from __future__ import annotations

import random

import numpy as np
import pytest

from autograder.failures import Comparison, call_text, explain, failure_message, short


def test_short_values_are_cut_at_the_end_with_their_size():
    assert short(list(range(1000))).endswith(", …] (1000 items)")
    assert short(list(range(1000))).startswith("[0, 1, 2, 3,")
    assert short("x" * 500) == repr("x" * 100) + "… (500 characters)"
    assert short((1,)) == "(1,)" and short({(1, 1): 2}) == "{(1, 1): 2}"
    assert short(np.zeros((2, 3))).startswith("array of shape (2, 3) float64: [0.0")
    assert "..." not in short([[1] * 300] * 300)


def test_the_last_call_is_shown_short():
    assert call_text(("merge_pair", ([1, 1, 1], (1, 1), 9), {})) == \
        "merge_pair([1, 1, 1], (1, 1), 9)"
    long = call_text(("encode", ("word " * 10_000,), {"allowed": ["<|endoftext|>"]}))
    assert len(long) < 300 and long.startswith("encode('word word") and "allowed=" in long
    assert call_text(None) == ""


@pytest.mark.parametrize("got, expected", [
    ([9], [9, 1]),
    ([9, 9], [9, 9, 1]),
    ([2, 7, 3], [2, 5, 3]),
    ([1, 2, 3, 4], [1, 2]),
    ({(1, 1): 1}, {(1, 1): 2}),
    ({(1, 1): 1}, {(1, 1): 1, (1, 2): 1}),
    ({1, 2}, {1, 2, 3}),
    ("a b", "a  b"),
    ("hello", "hellp"),
    (3, 4),
    (None, [1]),
])
def test_a_hidden_case_never_shows_the_expected_value_in_full(got, expected):
    shown = "\n".join(explain(Comparison("==", got, expected), hidden=True))
    assert shown and repr(expected) not in shown
    public = "\n".join(explain(Comparison("==", got, expected), hidden=False))
    assert short(expected) in public


def test_hidden_cases_show_the_expected_element_only_when_more_differs():
    lines = explain(Comparison("==", [5, 27, 91, 29], [5, 50256, 6894]), hidden=True)
    assert lines == ["got [5, 27, 91, 29] (4 items)", "expected 3 items",
                     "at index 1: got 27, expected 50256"]
    lines = explain(Comparison("==", [2, 7, 3], [2, 5, 3]), hidden=True)
    assert lines[-1] == "at index 1: got 7 (the only difference)"


def test_random_hidden_comparisons_never_give_the_answer_away():
    rng = random.Random(3)
    for _ in range(300):
        expected = [rng.randrange(4) for _ in range(rng.randrange(1, 8))]
        got = list(expected)
        for _ in range(rng.randrange(1, 3)):
            action = rng.choice(["drop", "change", "add"])
            if action == "drop" and got:
                got.pop(rng.randrange(len(got)))
            elif action == "change" and got:
                got[rng.randrange(len(got))] += 1
            else:
                got.append(rng.randrange(4))
        if got == expected:
            continue
        shown = "\n".join(explain(Comparison("==", got, expected), hidden=True))
        assert repr(expected) not in shown, (got, expected, shown)


def test_an_assertion_with_a_message_keeps_it_first_and_adds_what_was_observed():
    error = AssertionError("overlapping matches\nassert [9, 9] == [9, 9, 1]\n  Use -v to get more diff")
    message = failure_message(error, "", hidden=True,
                              comparison=Comparison("==", [9, 9], [9, 9, 1]),
                              last_call=("merge_pair", ([1] * 5, (1, 1), 9), {}))
    assert message.splitlines() == [
        "overlapping matches", "  got [9, 9] (2 items)", "  expected 3 items",
        "  at index 2: your result ends (1 item missing)",
        "last call: merge_pair([1, 1, 1, 1, 1], (1, 1), 9)"]


def test_a_public_assertion_shows_the_failing_line_and_both_sides():
    error = AssertionError("assert [9] == [9, 1]\n  Right contains one more item: 1\n"
                           "  Use -v to get more diff")
    message = failure_message(error, "", hidden=False, comparison=Comparison("==", [9], [9, 1]),
                              statement="assert merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]")
    assert message.splitlines()[0] == "failed: assert merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]"
    assert "  expected [9, 1]" in message and "Use -v" not in message


def test_numpy_failures_in_hidden_tests_keep_the_summary_not_the_desired_array():
    try:
        np.testing.assert_allclose(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0]))
    except AssertionError as error:
        message = failure_message(error, "", hidden=True)
    assert "Mismatched elements: 1 / 3" in message and "2.5" not in message


def test_other_errors_name_their_type_and_the_call():
    message = failure_message(ValueError("bad pair\nmore"), "", hidden=True,
                              last_call=("merge_pair", ([], (1,), 9), {}))
    assert message == "ValueError: bad pair\nlast call: merge_pair([], (1,), 9)"


def test_a_handle_on_a_student_object_is_described_without_calling_it():
    """A handle on an object in the worker answers every attribute; describing the last call
    must not touch it (a call would run student code and could end the grading session)."""
    touched = []

    class Handle:
        def __getattr__(self, name):
            touched.append(name)
            raise RuntimeError("student code ran")

    assert short(Handle()) == "<Handle>"
    assert short([Handle(), 3]) == "[<Handle>, 3]"
    assert touched == []
