"""Tests of Module 4's tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong/ loses points on the hidden test written to catch it.

Each wrong file is graded only with the one hidden suite file that should catch it (public
tests are left out), so the whole check stays around a minute and a half.
"""

from __future__ import annotations

import pytest

from autograder.runner import grade
from tests.helpers import replaced_file, stub_submission, submission_with, wrong_implementations

MODULE = "m4_embedding_training"

# wrong implementation -> (hidden suite file, a test in it that must fail)
CAUGHT_BY = {
    "pairs_include_center": ("test_sampling_hidden.py", "skipgram_pairs_random[w1]"),
    "pairs_window_too_small": ("test_sampling_hidden.py", "skipgram_pairs_random[w3]"),
    "pairs_window_not_validated": ("test_sampling_hidden.py", "skipgram_pairs_rejects_negative_window"),
    "keep_uncapped": ("test_sampling_hidden.py", "keep_probabilities_cap_and_zero"),
    "keep_paper_formula": ("test_sampling_hidden.py", "keep_probabilities_random"),
    "keep_zero_count_dropped": ("test_sampling_hidden.py", "keep_probabilities_cap_and_zero"),
    "noise_without_power": ("test_sampling_hidden.py", "noise_distribution_random"),
    "noise_normalized_before_power": ("test_sampling_hidden.py", "noise_distribution_other_power"),
    "negatives_global_random": ("test_sampling_hidden.py", "sample_negatives_reproducible"),
    "negatives_uniform": ("test_sampling_hidden.py", "sample_negatives_follows_the_distribution"),
    "negatives_not_validated": ("test_sampling_hidden.py", "sample_negatives_rejects_bad_probabilities[negative]"),
    "sgns_negative_sign": ("test_sgns_hidden.py", "sgns_matches_autograd[0]"),
    "sgns_naive_log_sigmoid": ("test_sgns_hidden.py", "sgns_is_stable_at_large_scores[minus-1000]"),
    "sgns_context_gradient_sign": ("test_sgns_hidden.py", "sgns_matches_autograd[1]"),
    "step_duplicates_dropped": ("test_sgns_hidden.py", "sgns_step_duplicate_negatives_count_twice"),
    "step_in_before_out": ("test_sgns_hidden.py", "sgns_step_uses_values_before_the_step"),
    "step_no_range_check": ("test_sgns_hidden.py", "sgns_step_rejects_bad_ids[negative-center]"),
    "step_returns_loss_after": ("test_sgns_hidden.py", "sgns_step_returns_loss_before_and_leaves_other_rows"),
    "step_not_in_place": ("test_sgns_hidden.py", "sgns_step_uses_values_before_the_step"),
    "train_zero_init": ("test_train_hidden.py", "train_skipgram_nearest_neighbours"),
    "train_global_random": ("test_train_hidden.py", "train_skipgram_is_reproducible"),
    "train_negatives_attract": ("test_train_hidden.py", "train_skipgram_nearest_neighbours"),
    "train_no_range_check": ("test_train_hidden.py", "train_skipgram_rejects_out_of_range_ids"),
    "info_nce_dot_product": ("test_contrastive_hidden.py", "info_nce_ignores_vector_length"),
    "info_nce_sum": ("test_contrastive_hidden.py", "info_nce_matches_multiple_negatives_ranking_loss[square]"),
    "info_nce_fixed_scale": ("test_contrastive_hidden.py", "info_nce_uses_the_scale"),
    "info_nce_drops_hard_negatives": ("test_contrastive_hidden.py", "info_nce_matches_multiple_negatives_ranking_loss[hard-negatives]"),
    "info_nce_no_shape_check": ("test_contrastive_hidden.py", "info_nce_rejects_bad_shapes"),
    "clip_one_direction": ("test_contrastive_hidden.py", "clip_loss_matches_clip[0]"),
    "clip_unnormalized": ("test_contrastive_hidden.py", "clip_loss_normalizes_and_checks"),
    "triplet_no_hinge": ("test_contrastive_hidden.py", "triplet_loss_matches_formula"),
    "triplet_squared": ("test_contrastive_hidden.py", "triplet_loss_hand_example"),
    "triplet_sum": ("test_contrastive_hidden.py", "triplet_loss_hand_example"),
    "recall_dot_product": ("test_contrastive_hidden.py", "recall_at_1_uses_cosine"),
    "recall_transposed": ("test_contrastive_hidden.py", "recall_at_1_random"),
    "encoder_no_step": ("test_contrastive_hidden.py", "paraphrase_encoder_recall_rises"),
    "encoder_global_shuffle": ("test_contrastive_hidden.py", "paraphrase_encoder_is_reproducible"),
    "encoder_untrained": ("test_contrastive_hidden.py", "paraphrase_encoder_recall_rises"),
    "causal_transposed": ("test_architectures_hidden.py", "causal_mask"),
    "causal_strict": ("test_architectures_hidden.py", "causal_mask_edges"),
    "padding_inclusive": ("test_architectures_hidden.py", "padding_mask_random"),
    "padding_not_validated": ("test_architectures_hidden.py", "padding_mask_rejects_bad_lengths"),
    "attention_minus_1e4": ("test_architectures_hidden.py", "masked_attention_exactly_zero_weight"),
    "attention_nan_rows": ("test_architectures_hidden.py", "masked_attention_fully_masked_row"),
    "attention_unscaled": ("test_architectures_hidden.py", "masked_attention_random_masks"),
    "attention_no_max_shift": ("test_architectures_hidden.py", "masked_attention_large_scores"),
    "self_attention_ignores_causal": ("test_architectures_hidden.py", "self_attention[decoder]"),
    "self_attention_encoder_anticausal": ("test_architectures_hidden.py", "self_attention[encoder]"),
    "changed_assumes_decoder": ("test_architectures_hidden.py", "changed_positions[encoder]"),
    "changed_skips_own_position": ("test_architectures_hidden.py", "changed_positions[decoder-first-token]"),
    "changed_no_range_check": ("test_architectures_hidden.py", "changed_positions_edges"),
    "tasks_ner_decoder": ("test_architectures_hidden.py", "architecture_for_every_task"),
    "tasks_unknown_default": ("test_architectures_hidden.py", "architecture_for_unknown_task"),
}
WRONG = wrong_implementations(MODULE)


def test_every_wrong_implementation_names_the_test_that_catches_it():
    assert sorted(w.stem for w in WRONG) == sorted(CAUGHT_BY)


def test_at_least_two_wrong_implementations_per_exercise():
    """Every graded function has two or more plausible bugs on file (by name prefix)."""
    prefixes = {"pairs": 2, "keep": 2, "noise": 2, "negatives": 2, "sgns": 2, "step": 2,
                "train": 2, "info_nce": 2, "clip": 2, "triplet": 2, "recall": 2, "encoder": 2,
                "causal": 2, "padding": 2, "attention": 2, "self_attention": 2, "changed": 2,
                "tasks": 2}
    for prefix, least in prefixes.items():
        names = [w.stem for w in WRONG if w.stem.startswith(prefix + "_")
                 and not (prefix == "attention" and w.stem.startswith("self_attention"))]
        assert len(names) >= least, f"only {names} for {prefix}"


@pytest.mark.slow
def test_reference_scores_full_marks(tmp_path):
    result = grade(submission_with(tmp_path, MODULE), modules=[MODULE])
    failed = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert result.score == result.max_score == 100, failed
    assert len([t for t in result.tests if t.suite == "hidden"]) >= 40


@pytest.mark.slow
def test_stubs_score_zero_and_every_hidden_test_has_points_and_a_hint(tmp_path):
    result = grade(stub_submission(tmp_path, MODULE), modules=[MODULE])
    assert result.score == 0, [t.name for t in result.tests if t.status == "passed"]
    assert all(t.points > 0 and t.hint for t in result.tests if t.suite == "hidden")


@pytest.mark.slow
@pytest.mark.parametrize("wrong", WRONG, ids=[w.stem for w in WRONG])
def test_wrong_implementation_loses_points(tmp_path, wrong):
    suite, test = CAUGHT_BY[wrong.stem]
    assert replaced_file(wrong) in {"skipgram.py", "contrastive.py", "architectures.py"}
    result = grade(submission_with(tmp_path, MODULE, wrong), modules=[MODULE], select=[suite])
    assert result.score < result.max_score, f"{wrong.stem} keeps full marks"
    failed = {t.name.split(": ", 1)[1] for t in result.tests
              if t.status == "failed" and t.suite == "hidden"}
    assert test in failed, f"{wrong.stem} passes {test}"
