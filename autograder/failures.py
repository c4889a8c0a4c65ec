"""What a student reads about a failed test: what the code did, on which input, and where its
result first differs — never the expected answer of a hidden case in full.

The grading plugin keeps the last failing comparison of a test (`Comparison`, from pytest's
`pytest_assertrepr_compare` hook) and the last call to the student's code; `failure_message`
turns them into a few lines:

    merge_pair did not merge the last pair             <- the test's own message (first line)
      got [9] (1 item), expected 2 items               <- the comparison, shortened
      at index 1: your list ends (1 more item expected)
    last call: merge_pair([1, 1, 1], (1, 1), 9)        <- the input, shortened

By convention tests write `assert observed == expected`. In a hidden test the observed side is
shown; of the expected side only its size and the element at the first difference, and that
element only when it is not the only difference (else the expected value would follow from
what is shown). Public tests show both sides, shortened at the end, never in the middle.
"""

from __future__ import annotations

import sys

from dataclasses import dataclass
from typing import Any

from autograder.remote import StudentError, WorkerFailure

VALUE_CHARS = 100  # a value shown in a message
CALL_CHARS = 160  # the input of the last call

# Lines of numpy.testing's messages that say how a result differs without showing the
# expected array (its DESIRED / y lines are never shown for a hidden test).
_NUMPY_SUMMARY = ("Arrays are not", "Not equal to tolerance", "Mismatched elements",
                  "Max absolute difference", "Max relative difference", "(shapes", "x and y",
                  "ACTUAL:", " x:", "x:")
_NUMPY_EXPECTED = ("DESIRED:", " y:", "y:")


@dataclass
class Comparison:
    """A failing `assert left <op> right`, as pytest reported it to the plugin."""

    op: str
    left: Any
    right: Any


# ---------------------------------------------------------------------------- short values

def short(value: Any, limit: int = VALUE_CHARS) -> str:
    """A repr of at most about `limit` characters, cut at the end with the full size said."""
    return _short(value, max(limit, 12), 0)


def _short(value: Any, limit: int, depth: int) -> str:
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value)} characters)"
    if isinstance(value, (bytes, bytearray)):
        if len(value) <= limit:
            return repr(bytes(value))
        return f"{bytes(value[:limit])!r}… ({len(value)} bytes)"
    if isinstance(value, dict):
        return _items([f"{_short(k, limit // 2, depth + 1)}: {_short(v, limit // 2, depth + 1)}"
                       for k, v in _first(value.items(), 64)], len(value), "{", "}", limit, depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        opening, closing = ("[", "]") if isinstance(value, list) else (
            ("(", ")") if isinstance(value, tuple) else ("{", "}"))
        items = _sorted(value) if isinstance(value, (set, frozenset)) else value
        shown = [_short(v, limit, depth + 1) for v in _first(items, 64)]
        if isinstance(value, tuple) and len(value) == 1:
            shown = [shown[0] + ","]
        return _items(shown, len(value), opening, closing, limit, depth)
    # Only a real array is looked into: a handle on an object in the student's worker answers
    # every attribute (and would run student code), so duck typing is not enough here.
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        head = _short(value.ravel()[:16].tolist(), limit, depth + 1)
        return f"array of shape {tuple(value.shape)} {value.dtype}: {head}" + (
            " …" if value.size > 16 else "")
    if value is None or isinstance(value, (bool, int, float, complex)):
        text = repr(value)
        return text if len(text) <= limit else f"{text[:limit]}…"
    return f"<{type(value).__name__}>"


def _sorted(items) -> list:
    """A set in a stable order (string hashing differs between runs)."""
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _first(items, count: int) -> list:
    out = []
    for item in items:
        if len(out) == count:
            break
        out.append(item)
    return out


def _items(shown: list[str], total: int, opening: str, closing: str, limit: int,
           depth: int) -> str:
    if depth > 3 and total:
        return f"{opening}…{closing} ({total} items)"
    kept, used = [], 0
    for piece in shown:
        if kept and used + len(piece) > limit:
            break
        kept.append(piece)
        used += len(piece) + 2
    body = ", ".join(kept)
    if len(kept) < total:
        return f"{opening}{body}, …{closing} ({total} items)"
    return f"{opening}{body}{closing}"


def call_text(last_call: tuple | None) -> str:
    """"merge_pair([1, 1, 1], (1, 1), 9)": the last call to the student's code, shortened."""
    if not last_call:
        return ""
    name, args, kwargs = last_call
    per_value = max(24, CALL_CHARS // max(1, len(args) + len(kwargs)))
    shown = [short(a, per_value) for a in args]
    shown += [f"{k}={short(v, per_value)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


# ---------------------------------------------------------------------------- differences

def explain(comparison: Comparison, hidden: bool) -> list[str]:
    """How `left` (what the code gave) differs from `right` (what was expected)."""
    if comparison.op != "==":
        return []
    got, expected = comparison.left, comparison.right
    if type(expected).__name__.startswith("Approx"):
        return ([f"got {short(got)}, not within the tolerance of the expected value"] if hidden
                else [f"got {short(got)}, expected {short(getattr(expected, 'expected', expected))}"
                      f" within a tolerance"])
    if isinstance(got, str) and isinstance(expected, str):
        return _explain_text(got, expected, hidden)
    if isinstance(got, (bytes, bytearray)) and isinstance(expected, (bytes, bytearray)):
        return _explain_sequence(bytes(got), bytes(expected), hidden, "byte")
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        return _explain_sequence(got, expected, hidden, "item")
    if isinstance(got, dict) and isinstance(expected, dict):
        return _explain_dict(got, expected, hidden)
    if isinstance(got, (set, frozenset)) and isinstance(expected, (set, frozenset)):
        return _explain_set(got, expected, hidden)
    if hidden:
        return [f"got {short(got)}"]
    return [f"got {short(got)}", f"expected {short(expected)}"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _explain_sequence(got, expected, hidden: bool, noun: str) -> list[str]:
    lines = [f"got {short(got)}" + (f" ({_count(len(got), noun)})" if "…" not in short(got)
                                     else "")]
    lines.append(f"expected {_count(len(expected), noun)}" if hidden
                 else f"expected {short(expected)}")
    common = min(len(got), len(expected))
    mismatches = [i for i in range(common) if not _same(got[i], expected[i])]
    differences = len(mismatches) + abs(len(got) - len(expected))
    if not differences:
        return lines
    index = mismatches[0] if mismatches else common
    show_expected = not hidden or differences > 1
    if index < len(got) and index < len(expected):
        where = f"at index {index}: got {short(got[index], 60)}"
        lines.append(where + (f", expected {short(expected[index], 60)}" if show_expected
                              else " (the only difference)"))
    elif index < len(expected):
        lines.append(f"at index {index}: your result ends"
                     + (f", expected {short(expected[index], 60)}" if show_expected else "")
                     + f" ({_count(len(expected) - len(got), noun)} missing)")
    else:
        lines.append(f"at index {index}: {_count(len(got) - len(expected), 'extra ' + noun)}, "
                     f"the first {short(got[index], 60)}")
    return lines


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # an array compared element-wise, for example
        return False


def _explain_text(got: str, expected: str, hidden: bool) -> list[str]:
    lines = [f"got {short(got)}"]
    lines.append(f"expected {_count(len(expected), 'character')}" if hidden
                 else f"expected {short(expected)}")
    index = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
                 min(len(got), len(expected)))
    if got == expected:
        return lines
    start = max(0, index - 10)
    window = f"at character {index}: got {got[start:index + 10]!r}"
    if not hidden:
        window += f", expected {expected[start:index + 10]!r}"
    elif index < len(expected) and got[index + 1:] != expected[index + 1:]:
        # One character of the expected text, and only when more than it differs.
        window += f" (from {got[index:index + 1]!r}), expected {expected[index]!r} there"
    lines.append(window)
    return lines


def _explain_dict(got: dict, expected: dict, hidden: bool) -> list[str]:
    extra = [k for k in got if k not in expected]
    missing = [k for k in expected if k not in got]
    changed = [k for k in got if k in expected and not _same(got[k], expected[k])]
    differences = len(extra) + len(missing) + len(changed)
    lines = [f"got {short(got)} ({_count(len(got), 'key')})",
             f"expected {_count(len(expected), 'key')}" if hidden
             else f"expected {short(expected)}"]
    show_expected = not hidden or differences > 1
    if changed:
        key = changed[0]
        lines.append(f"{_count(len(changed), 'key')} with another value; at {short(key, 40)}: "
                     f"got {short(got[key], 40)}"
                     + (f", expected {short(expected[key], 40)}" if show_expected else ""))
    if extra:
        lines.append(f"{_count(len(extra), 'unexpected key')}, e.g. {short(extra[0], 40)}")
    if missing:
        lines.append(f"{_count(len(missing), 'missing key')}"
                     + (f", e.g. {short(missing[0], 40)}" if show_expected else ""))
    return lines


def _explain_set(got, expected, hidden: bool) -> list[str]:
    extra, missing = got - expected, expected - got
    lines = [f"got {short(got)} ({_count(len(got), 'item')})",
             f"expected {_count(len(expected), 'item')}" if hidden
             else f"expected {short(expected)}"]
    if extra:
        lines.append(f"{_count(len(extra), 'unexpected item')}, e.g. {short(_some(extra), 40)}")
    if missing:
        show = not hidden or len(extra) + len(missing) > 1
        lines.append(f"{_count(len(missing), 'missing item')}"
                     + (f", e.g. {short(_some(missing), 40)}" if show else ""))
    return lines


def _some(items) -> Any:
    return _sorted(items)[0]


# ---------------------------------------------------------------------------- the message

def failure_message(error: BaseException | None, crash: str, hidden: bool,
                    comparison: Comparison | None = None, last_call: tuple | None = None,
                    statement: str = "") -> str:
    """The lines a student reads about one failure (before any printed output).

    `crash` is pytest's own one-paragraph explanation (used for public tests when there is no
    comparison), `statement` the source of the failing line (shown for public tests only:
    a hidden test's source may hold the expected value)."""
    if error is None:
        return "failed"
    if isinstance(error, StudentError) and isinstance(error, NotImplementedError):
        return f"not implemented yet: {error.message}".rstrip(": ")
    call = call_text(last_call)
    if isinstance(error, (StudentError, WorkerFailure)):
        lines = [str(error)]
    elif isinstance(error, AssertionError):
        lines = _assertion_lines(error, crash, hidden, comparison, statement)
    else:
        message = str(error).split("\n", 1)[0]
        lines = [f"{type(error).__name__}: {message}" if message else type(error).__name__]
    if call:
        lines.append(f"last call: {call}")
    return "\n".join(lines)


def _assertion_lines(error: AssertionError, crash: str, hidden: bool,
                     comparison: Comparison | None, statement: str) -> list[str]:
    text = str(error)
    first = text.split("\n", 1)[0].strip()
    own_message = bool(first) and not first.startswith("assert ")
    lines = [first] if own_message else []
    if not own_message and not hidden and statement:
        lines.append(f"failed: {statement[:200]}" + ("…" if len(statement) > 200 else ""))
    if comparison is not None:
        details = explain(comparison, hidden)
    elif hidden:
        details = _numpy_summary(text)
    else:
        details = _pytest_explanation(crash or text, skip_first=own_message)
    if not lines:
        lines.append("a check failed" if hidden or not details else details.pop(0))
    return lines + [f"  {line}" for line in details]


def _numpy_summary(text: str) -> list[str]:
    lines = []
    for line in text.split("\n")[1:]:
        stripped = line.strip()
        if stripped.startswith(_NUMPY_EXPECTED):
            continue
        if stripped and line.lstrip().startswith(_NUMPY_SUMMARY):
            lines.append(stripped)
    return lines[:6]


def _pytest_explanation(text: str, skip_first: bool) -> list[str]:
    """pytest's explanation without what the grader cannot offer (-v) or must not repeat."""
    lines = []
    for line in text.split("\n")[1 if skip_first else 0:]:
        stripped = line.strip()
        if stripped.startswith("Full diff:"):
            break
        if not stripped or stripped.startswith("Use -v to get"):
            continue
        lines.append(stripped)
    return lines[:10]
