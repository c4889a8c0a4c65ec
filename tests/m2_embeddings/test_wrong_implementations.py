"""Tests of the Module 2 tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong_implementations.toml loses points in the test written to catch it.

Each wrong implementation is graded with the public and hidden suite files of the reference
file it replaces. The checks themselves live in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import ModuleGradingChecks


class TestModule2(ModuleGradingChecks):
    module = "m2_embeddings"
    hidden_at_least = 35
