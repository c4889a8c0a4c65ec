"""Tests of Module 3's tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong_implementations.toml loses points on the hidden test written to catch
it.

Each wrong implementation is graded only with the suite files of the file it replaces, so the
whole check stays around a minute and a half. The checks themselves live in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import ModuleGradingChecks


class TestModule3(ModuleGradingChecks):
    module = "m3_tokenizer_zoo"
    hidden_at_least = 35
    caught_by_suite = "hidden"
