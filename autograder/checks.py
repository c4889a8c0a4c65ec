"""Checks of kind, shape and length for every value that comes back from a student's code.

A value that crossed from the worker is untrusted data, even when grader code computed it
there. Comparisons do not look at what is missing: ``[] == []``, ``np.allclose(np.empty(0), x)``
and ``pytest.approx`` over a ``zip`` of a short list are all true, so a stub returning nothing
would score. Every check therefore passes a student value through one of the ``expect_*``
functions below BEFORE comparing it. Each returns the value (converted where stated) or raises
``AssertionError`` with a message that starts with what was observed:

    merge_pair([1, 1], (1, 1), 9) returned an empty ndarray; expected a list of ints

``what`` names the student's call in words the student recognises: ``"merge_pair([1, 1], (1,
1), 9)"`` or ``"top_k(...)'s indices"``.

Numbers: ``bool`` is not a number, and an array (even 0-d or of one element) is not a scalar;
numpy scalars (``np.float64(1.0)``, ``np.int64(3)``) are accepted and converted to Python's.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from typing import Any

import numpy as np

__all__ = [
    "describe", "expect_int", "expect_float", "expect_bool", "expect_str", "expect_bytes",
    "expect_list", "expect_tuple", "expect_pairs", "expect_dict", "expect_array",
    "expect_tensor", "expect_object", "expect_iterator", "must_raise",
]

_SHOWN_CHARS = 24


# ---------------------------------------------------------------------------------------------
# describe: a short, observed-first description of any value
# ---------------------------------------------------------------------------------------------

def describe(value: Any) -> str:
    """A few words saying what `value` is: "None", "a list of 3 ints", "an empty ndarray"."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {bool(value)}"
    if isinstance(value, np.generic):
        return f"the numpy {type(value).__name__} {_short(value.item())}"
    if isinstance(value, int):
        return f"the int {_short(value)}"
    if isinstance(value, float):
        return f"the float {value!r}"
    if isinstance(value, str):
        return "an empty str" if not value else f"the str {_short(value)}"
    if isinstance(value, (bytes, bytearray)):
        return "empty bytes" if not value else f"the bytes {_short(bytes(value))}"
    if isinstance(value, np.ndarray):
        return _describe_array(value, "ndarray")
    if _is_tensor(value):
        return _describe_array(_tensor_as_array(value), "tensor")
    if isinstance(value, dict):
        if not value:
            return "an empty dict"
        keys = _kinds(list(value.keys()))
        values = _kinds(list(value.values()))
        return f"a dict of {_count(len(value), 'item')} ({keys} keys, {values} values)"
    if isinstance(value, (list, tuple, set, frozenset)):
        name = type(value).__name__
        if not value:
            return f"an empty {name}"
        return f"a {name} of {_items(list(value))}"
    type_name = getattr(getattr(value, "_handle", None), "type_name", None)
    if type_name is not None:
        return f"a {type_name} object"
    return f"{_article(type(value).__name__)} {type(value).__name__}"


def _describe_array(array: np.ndarray, name: str) -> str:
    dtype = str(array.dtype)
    if array.ndim == 0:
        return f"a 0-d {name} {dtype} ({_short(array.item())})"
    if array.size == 0:
        shape = "" if array.shape == (0,) else f" of shape {array.shape}"
        return f"an empty {name}{shape}"
    return f"{_article(name)} {name} of shape {array.shape} {dtype}"


def _is_tensor(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("torch") and hasattr(value, "detach") and hasattr(value, "shape")


def _tensor_as_array(tensor: Any) -> np.ndarray:
    tensor = tensor.detach().cpu()
    try:
        return tensor.numpy()
    except TypeError:  # bfloat16 and other dtypes numpy lacks
        return tensor.float().numpy()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 1] + "…"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" or word.startswith("nd") else "a"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _kind(value: Any) -> str:
    if isinstance(value, np.generic):
        return f"numpy {type(value).__name__}"
    return type(value).__name__


def _kinds(items: list) -> str:
    kinds = sorted({_kind(item) for item in items})
    return kinds[0] if len(kinds) == 1 else "mixed " + "/".join(kinds)


def _items(items: list) -> str:
    kinds = sorted({_kind(item) for item in items})
    if len(kinds) == 1:
        noun = kinds[0]
        return _count(len(items), noun) if not noun.startswith("numpy") else \
            f"{len(items)} {noun} values"
    return f"{_count(len(items), 'item')} ({'/'.join(kinds)})"


def _fail(what: str, value: Any, expected: str, detail: str = "") -> AssertionError:
    verb = "was" if "'s " in what else "returned"
    detail = f": {detail}" if detail else ""
    return AssertionError(f"{what} {verb} {describe(value)}{detail}; expected {expected}")


# ---------------------------------------------------------------------------------------------
# scalars
# ---------------------------------------------------------------------------------------------

def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, (float, np.floating))


def expect_int(value: Any, what: str) -> int:
    """`value` as a Python int; bool, float and arrays are refused."""
    if not _is_int(value):
        raise _fail(what, value, "an int")
    return int(value)


def expect_float(value: Any, what: str, *, finite: bool = True) -> float:
    """`value` as a Python float (an int is accepted); with `finite`, nan and inf are refused."""
    if not _is_number(value):
        raise _fail(what, value, "a float")
    number = float(value)
    if finite and not math.isfinite(number):
        raise _fail(what, value, "a finite float")
    return number


def expect_bool(value: Any, what: str) -> bool:
    """`value` as a Python bool; 0, 1 and arrays are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise _fail(what, value, "True or False")
    return bool(value)


def expect_str(value: Any, what: str) -> str:
    """`value` as a str; bytes are refused."""
    if not isinstance(value, str):
        raise _fail(what, value, "a str")
    return str(value)


def expect_bytes(value: Any, what: str) -> bytes:
    """`value` as bytes; str is refused."""
    if not isinstance(value, (bytes, bytearray)) or isinstance(value, np.generic):
        raise _fail(what, value, "bytes")
    return bytes(value)


_PLAIN = (type(None), bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set,
          frozenset, np.ndarray, np.generic)


def expect_object(value: Any, what: str) -> Any:
    """`value` unchanged when it is an object (a handle to one in the worker, or in-process the
    object itself), not plain data such as None, a number, a container or an array."""
    if isinstance(value, _PLAIN) or _is_tensor(value):
        raise _fail(what, value, "an object (an instance of the class)")
    return value


def expect_iterator(value: Any, what: str, *, of: Any = None, limit: int | None = None) -> list:
    """The items of the iterator `value` (at most `limit` of them), each of type `of`.

    A list or another plain container is not an iterator; a remote iterator is drained here.
    """
    expected = "an iterator" + (f" of {_plural(of)}" if of is not None else "")
    if isinstance(value, (list, tuple, dict, set, frozenset, str, bytes, np.ndarray)) or \
            not hasattr(value, "__next__"):
        raise _fail(what, value, expected + " (a generator)")
    items = list(itertools.islice(value, limit))
    if of is not None:
        items = _check_items(items, items, what + "'s items", of, f"{_plural(of)}")
    return items


# ---------------------------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------------------------

def _types(of: Any) -> tuple:
    return of if isinstance(of, tuple) else (of,)


def _plural(of: Any) -> str:
    names = [getattr(t, "__name__", str(t)) for t in _types(of)]
    words = [name if name == "bytes" else name + "s" for name in names]
    return " or ".join(words)


def _convert(item: Any, of: Any) -> tuple[bool, Any]:
    """(matches, converted item) for one item against a type or a tuple of types."""
    if of is type(item) and of in (int, float, str, bytes):  # the common case, by far
        return True, item
    for kind in _types(of):
        if kind is int and _is_int(item):
            return True, int(item)
        if kind is float and _is_number(item):
            return True, float(item)
        if kind is bool and isinstance(item, (bool, np.bool_)):
            return True, bool(item)
        if kind is bytes and isinstance(item, (bytes, bytearray)):
            return True, bytes(item)
        if kind in (int, float, bool, bytes):
            continue
        if isinstance(item, kind) and not isinstance(item, np.generic):
            return True, item
    return False, item


def _check_items(value: Any, items: list, what: str, of: Any, expected: str) -> list:
    converted = []
    for index, item in enumerate(items):
        ok, item = _convert(item, of)
        if not ok:
            raise _fail(what, value, expected, f"item {index} is {describe(item)}")
        converted.append(item)
    return converted


def _check_length(value: Any, n: int, what: str, expected: str,
                  length: int | None, min_length: int | None) -> None:
    if length is not None and n != length:
        raise _fail(what, value, f"{expected} of length {length}")
    if min_length is not None and n < min_length:
        raise _fail(what, value, f"{expected} of at least {_count(min_length, 'item')}")


def expect_list(value: Any, what: str, *, of: Any = None, length: int | None = None,
                min_length: int | None = None) -> list:
    """`value` as a list (a list or a tuple is accepted), every item of type `of`.

    `of` is a type or a tuple of types; int items are converted from numpy integers, float
    items accept ints, a tuple item is accepted only where `tuple` is in `of`.
    """
    expected = f"a list of {_plural(of)}" if of is not None else "a list"
    if not isinstance(value, (list, tuple)):
        raise _fail(what, value, expected)
    items = list(value)
    _check_length(value, len(items), what, expected, length, min_length)
    if of is not None:
        items = _check_items(value, items, what, of, expected)
    return items


def expect_tuple(value: Any, what: str, *, of: Any = None, length: int | None = None) -> tuple:
    """`value` as a tuple (a list is accepted) of `length` items, each of type `of`."""
    expected = f"a tuple of {_plural(of)}" if of is not None else "a tuple"
    if not isinstance(value, (list, tuple)):
        raise _fail(what, value, expected)
    items = list(value)
    _check_length(value, len(items), what, expected, length, None)
    if of is not None:
        items = _check_items(value, items, what, of, expected)
    return tuple(items)


def expect_pairs(value: Any, what: str, *, of: Any = None, length: int | None = None,
                 min_length: int | None = None) -> list[tuple]:
    """`value` as a list of 2-tuples whose two items are of type `of` (merges, id pairs)."""
    noun = f"pairs of {_plural(of)}" if of is not None else "pairs"
    expected = f"a list of {noun}"
    if not isinstance(value, (list, tuple)):
        raise _fail(what, value, expected)
    _check_length(value, len(value), what, expected, length, min_length)
    pairs = []
    for index, item in enumerate(value):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise _fail(what, value, expected, f"item {index} is {describe(item)}")
        if of is not None:
            converted = []
            for side in item:
                ok, side = _convert(side, of)
                if not ok:
                    raise _fail(what, value, expected,
                                f"item {index} holds {describe(side)}")
                converted.append(side)
            item = converted
        pairs.append(tuple(item))
    return pairs


def expect_dict(value: Any, what: str, *, keys: Any = None, values: Any = None,
                length: int | None = None, min_length: int | None = None) -> dict:
    """`value` as a dict whose keys are of type `keys` and values of type `values`.

    Tuple keys (pairs) are checked with ``keys=tuple``; item conversions as in `expect_list`.
    """
    expected = "a dict" + (f" from {_plural(keys)}" if keys is not None else "") + \
        (f" to {_plural(values)}" if values is not None else "")
    if not isinstance(value, dict):
        raise _fail(what, value, expected)
    _check_length(value, len(value), what, expected, length, min_length)
    result = {}
    for key, item in value.items():
        if keys is not None:
            ok, key = _convert(key, keys)
            if not ok:
                raise _fail(what, value, expected, f"a key is {describe(key)}")
        if values is not None:
            ok, item = _convert(item, values)
            if not ok:
                raise _fail(what, value, expected,
                            f"the value for {_short(key)} is {describe(item)}")
        result[key] = item
    return result


# ---------------------------------------------------------------------------------------------
# arrays and tensors
# ---------------------------------------------------------------------------------------------

_KIND_NAMES = {"f": "float", "i": "int", "u": "unsigned int", "b": "bool", "c": "complex",
               "U": "str", "S": "bytes"}


def _array_expected(name: str, shape: tuple | None, dtype_kind: str | None) -> str:
    kinds = " or ".join(dict.fromkeys(_KIND_NAMES.get(k, k) for k in dtype_kind or ""))
    text = f"{_article(kinds or name)} {kinds + ' ' if kinds else ''}{name}"
    if shape is not None:
        shown = "(" + ", ".join("any" if n is None else str(n) for n in shape) + \
            ("," if len(shape) == 1 else "") + ")"
        text += f" of shape {shown}"
    return text


def _check_array(array: np.ndarray, value: Any, what: str, name: str,
                 shape: tuple | None, dtype_kind: str | None, finite: bool) -> None:
    expected = _array_expected(name, shape, dtype_kind)
    if shape is not None:
        if array.ndim != len(shape) or any(
                want is not None and got != want for got, want in zip(array.shape, shape)):
            raise _fail(what, value, expected)
    if dtype_kind is not None and array.dtype.kind not in dtype_kind:
        raise _fail(what, value, expected)
    if finite and array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise _fail(what, value, expected + " of finite numbers",
                    f"{bad} of its {array.size} entries are nan or infinite")


def expect_array(value: Any, what: str, *, shape: tuple | None = None,
                 dtype_kind: str | None = None, finite: bool = False) -> np.ndarray:
    """`value` unchanged when it is a numpy array of `shape` and dtype kind `dtype_kind`.

    `shape` is a tuple whose entries may be None for "any" (its length fixes the number of
    dimensions); `dtype_kind` one or several of numpy's kind letters ("f", "i", "u", "b");
    with `finite`, nan and inf entries are refused. A list or a tensor is not an array.
    """
    if not isinstance(value, np.ndarray):
        raise _fail(what, value, _array_expected("ndarray", shape, dtype_kind))
    _check_array(value, value, what, "ndarray", shape, dtype_kind, finite)
    return value


def expect_tensor(value: Any, what: str, *, shape: tuple | None = None,
                  dtype_kind: str | None = None, finite: bool = False) -> Any:
    """`value` unchanged when it is a torch tensor; arguments as in `expect_array`."""
    if not _is_tensor(value):
        raise _fail(what, value, _array_expected("tensor", shape, dtype_kind))
    _check_array(_tensor_as_array(value), value, what, "tensor", shape, dtype_kind, finite)
    return value


@contextlib.contextmanager
def must_raise(error: type[BaseException] | tuple[type[BaseException], ...], what: str):
    """The block (one call of the student's) must raise `error`; otherwise the message names
    the call that returned normally, which ``pytest.raises`` cannot say."""
    try:
        yield
    except error:
        return
    names = " or ".join(e.__name__ for e in (error if isinstance(error, tuple) else (error,)))
    raise AssertionError(f"{what} returned normally instead of raising {names}")

