"""Tests of Module 4's tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong_implementations.toml loses points on the hidden test written to catch
it.

Each wrong implementation is graded only with the one hidden suite file that should catch it
(public tests are left out), so the whole check stays around a minute and a half. The checks
themselves live in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import ModuleGradingChecks, wrong_implementations

MODULE = "m4_embedding_training"


class TestModule4(ModuleGradingChecks):
    module = MODULE
    hidden_at_least = 40
    caught_by_suite = "hidden"

    def test_each_wrong_implementation_is_graded_with_one_hidden_file(self):
        wrong = wrong_implementations(MODULE)
        assert all(len(w.select) == 1 for w in wrong)
        assert {w.replaces for w in wrong} <= {"skipgram.py", "contrastive.py", "architectures.py"}

    def test_at_least_two_wrong_implementations_per_exercise(self):
        """Every graded function has two or more plausible bugs on file (by name prefix)."""
        names = [w.name for w in wrong_implementations(MODULE)]
        prefixes = ["pairs", "keep", "noise", "negatives", "sgns", "step", "train", "info_nce",
                    "clip", "triplet", "recall", "encoder", "causal", "padding", "attention",
                    "self_attention", "changed", "tasks"]
        for prefix in prefixes:
            mine = [n for n in names if n.startswith(prefix + "_")
                    and not (prefix == "attention" and n.startswith("self_attention"))]
            assert len(mine) >= 2, f"only {mine} for {prefix}"
