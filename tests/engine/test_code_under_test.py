"""Both kinds of code under test keep the contract the `student`, `reference` and `solution`
fixtures promise (autograder.code_under_test.CodeUnderTest): every method, with parameters a
test can pass to either."""

from __future__ import annotations

import inspect

import pytest

from autograder.code_under_test import CodeUnderTest
from autograder.remote import SandboxedCode
from autograder.student_conftest import InProcessCode

CONTRACT = [name for name, member in vars(CodeUnderTest).items()
            if callable(member) and not name.startswith("_")]


def _parameters(function) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()
            if p.name != "self"]


def test_the_contract_names_what_tests_use():
    assert sorted(CONTRACT) == ["file_chunks", "function", "measure", "module", "repeat",
                                "value_and_grad", "worker_helper"]


@pytest.mark.parametrize("kind", [SandboxedCode, InProcessCode])
@pytest.mark.parametrize("name", CONTRACT)
def test_each_kind_keeps_the_contract(kind, name):
    promised = _parameters(getattr(CodeUnderTest, name))
    assert _parameters(getattr(kind, name)) == promised, f"{kind.__name__}.{name}"
