"""autograder/checks.py: what passes, what is refused, and what the message says."""

import math

import numpy as np
import pytest

from autograder import checks
from autograder.checks import (describe, expect_array, expect_bool, expect_bytes, expect_dict,
                               expect_float, expect_int, expect_list, expect_object,
                               expect_iterator, expect_pairs, expect_str, expect_tensor,
                               expect_tuple)

# Values a stub may return instead of doing the work.
VACUOUS = [None, [], {}, (), 0, 0.0, float("nan"), "", b"", True, np.empty(0),
           np.empty((0, 0)), np.array(0.0), np.float64(0.0), set(), [[]]]


@pytest.mark.parametrize("value, words", [
    (None, "None"),
    ([], "an empty list"),
    ((), "an empty tuple"),
    ({}, "an empty dict"),
    ("", "an empty str"),
    (b"", "empty bytes"),
    (True, "the bool True"),
    (3, "the int 3"),
    (0.5, "the float 0.5"),
    (float("nan"), "the float nan"),
    ("abc", "the str 'abc'"),
    ("x" * 100, "the str 'xxxxxxxxxxxxxxxxxxxxxx…"),
    ([1, 2, 3], "a list of 3 ints"),
    ([7], "a list of 1 int"),
    ([1, "a"], "a list of 2 items (int/str)"),
    ({"a": 1}, "a dict of 1 item (str keys, int values)"),
    (np.empty(0), "an empty ndarray"),
    (np.empty((0, 0)), "an empty ndarray of shape (0, 0)"),
    (np.zeros((2, 3)), "an ndarray of shape (2, 3) float64"),
    (np.array(0.0), "a 0-d ndarray float64 (0.0)"),
    (np.float64(0.5), "the numpy float64 0.5"),
])
def test_describe_says_what_the_value_is(value, words):
    assert describe(value) == words


def test_messages_start_with_the_call_and_what_it_returned():
    with pytest.raises(AssertionError) as failure:
        expect_list(np.empty(0), "merge_pair([1, 1], (1, 1), 9)", of=int)
    assert str(failure.value) == ("merge_pair([1, 1], (1, 1), 9) returned an empty ndarray; "
                                  "expected a list of ints")
    with pytest.raises(AssertionError) as failure:
        expect_array(np.empty(0), "top_k(...)'s indices", shape=(3,), dtype_kind="i")
    assert str(failure.value) == ("top_k(...)'s indices was an empty ndarray; "
                                  "expected an int ndarray of shape (3,)")


@pytest.mark.parametrize("value", VACUOUS)
def test_no_vacuous_value_is_a_list_of_ints_of_known_length(value):
    with pytest.raises(AssertionError):
        expect_list(value, "f()", of=int, length=2)


@pytest.mark.parametrize("value", VACUOUS)
def test_no_vacuous_value_is_a_float_matrix_of_known_shape(value):
    with pytest.raises(AssertionError):
        expect_array(value, "f()", shape=(2, None), dtype_kind="f")


def test_expect_int_refuses_bools_floats_and_arrays():
    assert expect_int(3, "f()") == 3
    converted = expect_int(np.int64(4), "f()")
    assert converted == 4 and type(converted) is int
    for value in (True, 3.0, np.array(3), np.array([3]), "3", None):
        with pytest.raises(AssertionError, match="expected an int"):
            expect_int(value, "f()")


def test_expect_float_accepts_numbers_refuses_arrays_bools_and_nan():
    assert expect_float(0.25, "f()") == 0.25
    assert expect_float(2, "f()") == 2.0 and type(expect_float(2, "f()")) is float
    assert type(expect_float(np.float32(0.5), "f()")) is float
    for value in (True, np.array(0.5), np.array([0.5]), [0.5], None, "0.5"):
        with pytest.raises(AssertionError, match="expected a float"):
            expect_float(value, "f()")
    with pytest.raises(AssertionError, match="returned the float nan; expected a finite float"):
        expect_float(float("nan"), "f()")
    with pytest.raises(AssertionError, match="finite"):
        expect_float(math.inf, "f()")
    assert math.isnan(expect_float(float("nan"), "f()", finite=False))


def test_expect_bool_str_bytes_are_strict():
    assert expect_bool(np.bool_(True), "f()") is True
    for value in (0, 1, None, np.array(True)):
        with pytest.raises(AssertionError, match="expected True or False"):
            expect_bool(value, "f()")
    assert expect_str("", "f()") == ""
    with pytest.raises(AssertionError, match="returned the bytes b'a'; expected a str"):
        expect_str(b"a", "f()")
    assert expect_bytes(bytearray(b"ab"), "f()") == b"ab"
    with pytest.raises(AssertionError, match="returned the str 'a'; expected bytes"):
        expect_bytes("a", "f()")


def test_expect_list_checks_every_item_and_the_length():
    assert expect_list((1, np.int64(2)), "f()", of=int) == [1, 2]
    with pytest.raises(AssertionError, match="item 2 is the str 'x'"):
        expect_list([1, 2, "x"], "f()", of=int)
    with pytest.raises(AssertionError, match="item 0 is the bool True"):
        expect_list([True], "f()", of=int)
    with pytest.raises(AssertionError, match="returned a list of 2 ints; expected a list of "
                                             "ints of length 3"):
        expect_list([1, 2], "f()", of=int, length=3)
    with pytest.raises(AssertionError, match="at least 1 item"):
        expect_list([], "f()", min_length=1)
    # a tuple item is an item only where tuple is asked for
    with pytest.raises(AssertionError, match="item 0 is a tuple of 2 ints"):
        expect_list([(1, 2)], "f()", of=(int, list))
    assert expect_list([(1, 2)], "f()", of=tuple) == [(1, 2)]
    assert expect_list(["a", b"b"], "f()", of=(str, bytes)) == ["a", b"b"]


def test_expect_tuple_and_pairs():
    assert expect_tuple([1.0, 2], "f()", of=float, length=2) == (1.0, 2.0)
    with pytest.raises(AssertionError, match="of length 2"):
        expect_tuple((1.0,), "f()", length=2)
    assert expect_pairs([[b"a", b"b"], (b"c", b"d")], "f()", of=bytes) == [
        (b"a", b"b"), (b"c", b"d")]
    with pytest.raises(AssertionError, match="item 0 holds the int 1; expected a list of pairs "
                                             "of bytes"):
        expect_pairs([(1, 2)], "f()", of=bytes)
    with pytest.raises(AssertionError, match="item 1 is a tuple of 3 ints"):
        expect_pairs([(1, 2), (1, 2, 3)], "f()", of=int)


def test_expect_dict_checks_keys_values_and_length():
    assert expect_dict({np.int64(1): b"a"}, "f()", keys=int, values=bytes) == {1: b"a"}
    with pytest.raises(AssertionError, match="a key is the str '1'; expected a dict from ints "
                                             "to bytes"):
        expect_dict({"1": b"a"}, "f()", keys=int, values=bytes)
    with pytest.raises(AssertionError, match="the value for 1 is the str 'a'"):
        expect_dict({1: "a"}, "f()", keys=int, values=bytes)
    with pytest.raises(AssertionError, match="returned an empty list; expected a dict"):
        expect_dict([], "f()")
    with pytest.raises(AssertionError, match="of length 2"):
        expect_dict({1: 2}, "f()", length=2)


def test_expect_array_checks_type_shape_kind_and_finiteness():
    matrix = np.zeros((2, 3), dtype=np.float32)
    assert expect_array(matrix, "f()", shape=(2, None), dtype_kind="f") is matrix
    with pytest.raises(AssertionError, match="returned an ndarray of shape \\(3, 2\\) float32; "
                                             "expected a float ndarray of shape \\(2, any\\)"):
        expect_array(matrix.T, "f()", shape=(2, None), dtype_kind="f")
    with pytest.raises(AssertionError, match="expected an int or unsigned int ndarray"):
        expect_array(matrix, "f()", dtype_kind="iu")
    with pytest.raises(AssertionError, match="returned a list of 2 floats; expected an ndarray"):
        expect_array([1.0, 2.0], "f()")
    with pytest.raises(AssertionError, match="1 of its 2 entries are nan or infinite"):
        expect_array(np.array([1.0, np.inf]), "f()", finite=True)
    with pytest.raises(AssertionError, match="0-d"):
        expect_array(np.array(1.0), "f()", shape=(None,))
    assert expect_array(np.array(1.0), "f()", shape=()).shape == ()


def test_expect_tensor():
    torch = pytest.importorskip("torch")
    tensor = torch.zeros(2, 3)
    assert expect_tensor(tensor, "f()", shape=(2, 3), dtype_kind="f") is tensor
    assert describe(torch.empty(0)) == "an empty tensor"
    with pytest.raises(AssertionError, match="returned an ndarray of shape \\(2, 3\\) float32; "
                                             "expected a tensor"):
        expect_tensor(tensor.numpy(), "f()")
    with pytest.raises(AssertionError, match="nan"):
        expect_tensor(torch.tensor([float("nan")]), "f()", finite=True)


def test_expect_object_wants_a_handle():
    class Remote:
        class _handle:
            type_name = "BPETokenizer"
    remote = Remote()
    assert expect_object(remote, "BPETokenizer.from_files(...)") is remote
    assert describe(remote) == "a BPETokenizer object"
    with pytest.raises(AssertionError, match="returned None; expected an object"):
        expect_object(None, "BPETokenizer.from_files(...)")


def test_every_public_name_is_exported():
    assert {name for name in dir(checks)
            if name.startswith(("expect_", "describe", "must_"))} == set(checks.__all__)


def test_must_raise_names_the_call_that_returned_normally():
    with checks.must_raise(ValueError, "f(-1)"):
        raise ValueError("negative")
    with checks.must_raise((KeyError, ValueError), "g('x')"):
        raise KeyError("x")
    with pytest.raises(AssertionError, match=r"^f\(-1\) returned normally instead of raising "
                                             "ValueError$"):
        with checks.must_raise(ValueError, "f(-1)"):
            pass
    with pytest.raises(AssertionError, match="instead of raising KeyError or ValueError"):
        with checks.must_raise((KeyError, ValueError), "g('x')"):
            pass
    with pytest.raises(TypeError):  # another error is the student's bug, reported as such
        with checks.must_raise(ValueError, "f(-1)"):
            raise TypeError("wrong kind")


def test_expect_iterator_drains_and_checks_items():
    assert expect_iterator(iter([1, 2, 3]), "it()", of=int) == [1, 2, 3]
    assert expect_iterator((i for i in range(10**9)), "it()", limit=3) == [0, 1, 2]
    with pytest.raises(AssertionError, match="returned an empty list; expected an iterator"):
        expect_iterator([], "it()")
    with pytest.raises(AssertionError, match="item 1 is the str 'a'"):
        expect_iterator(iter([1, "a"]), "it()", of=int)
