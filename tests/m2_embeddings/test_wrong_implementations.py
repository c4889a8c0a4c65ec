"""Tests of the Module 2 tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong/ loses points in the tests written to catch it."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.runner import grade
from tests.helpers import replaced_file, stub_submission, submission_with, wrong_implementations

MODULE = "m2_embeddings"

# The test files that exercise each reference file (public and hidden).
SUITES = {
    "vectors.py": ["test_vectors.py", "test_vectors_hidden.py"],
    "search.py": ["test_search.py", "test_search_hidden.py"],
    "contextual.py": ["test_contextual.py", "test_contextual_hidden.py"],
}

# For each wrong implementation, a test that must catch it (test name without the "test_" prefix).
CAUGHT_BY = {
    "one_hot_eye": "one_hot_with_gpt2_vocabulary",
    "one_hot_no_range_check": "one_hot_rejects_ids_out_of_range[-1]",
    "lookup_negative_wrap": "lookup_refuses_negative_ids",
    "lookup_float64": "lookup_matches_one_hot_product_on_random_data",
    "backward_fancy_index": "backward_accumulates_repeated_ids",
    "backward_flat_ids_only": "backward_matches_one_hot_transpose_on_random_data",
    "table_size_bias": "table_size_of_real_vocabularies[bert-base-uncased]",
    "table_size_fixed_float32": "table_size_other_precisions_and_bad_sizes",
    "cosine_nan_on_zero": "cosine_zero_vectors_give_zero_not_nan",
    "cosine_no_clip": "cosine_is_clipped",
    "cosine_overflow": "cosine_ignores_extreme_lengths",
    "cosine_matrix_only": "cosine_shapes_match_the_definition[d,d]",
    "top_k_reverse_ties": "top_k_breaks_ties_by_lower_index",
    "top_k_dot_product": "top_k_on_random_data",
    "analogy_includes_inputs": "analogy_never_returns_an_input_word",
    "analogy_raw_vectors": "analogy_uses_unit_vectors",
    "analogy_ties_higher": "analogy_unknown_word_and_ties",
    "mean_pool_divides_by_T": "mean_pool_ignores_padding",
    "mean_pool_nan_on_padding_row": "mean_pool_all_padding_row_is_zero",
    "mean_pool_mask_as_weights": "mean_pool_reads_mask_as_boolean",
    "bm25_textbook_idf": "bm25_common_words_still_help",
    "bm25_unique_query_tokens": "bm25_repeated_query_token_counts_twice",
    "bm25_drops_zero_scores": "bm25_k_larger_than_collection",
    "bm25_ties_higher": "bm25_ties_by_lower_index",
    "bm25_fixed_parameters": "bm25_uses_k1_and_b",
    "semantic_dot_product": "semantic_search_uses_cosine",
    "semantic_nan_on_zero": "semantic_search_zero_vector",
    "semantic_one_call_per_document": "semantic_search_embeds_documents_in_one_batch",
    "recall_divides_by_k": "recall_divides_by_relevant_count",
    "reciprocal_rank_from_zero": "reciprocal_rank_counts_from_one",
    "positions_containment": "word_positions_skip_special_tokens",
    "positions_touching": "word_positions_split_word_between_neighbours",
    "word_vector_first_piece": "word_vector_averages_every_piece",
    "word_vector_negative_wrap": "word_vector_refuses_negative_position",
    "separation_with_self_pairs": "sense_separation_skips_self_pairs",
    "separation_minus_all_pairs": "sense_separation_on_random_vectors",
    "accuracy_includes_self": "sense_accuracy_leaves_one_out",
    "accuracy_ties_higher": "sense_accuracy_ties_by_lower_index",
}

WRONG = wrong_implementations(MODULE)


def test_every_wrong_implementation_names_its_catcher():
    assert sorted(w.stem for w in WRONG) == sorted(CAUGHT_BY)
    assert all(replaced_file(w) in SUITES for w in WRONG)


def test_reference_scores_100(tmp_path):
    result = grade(submission_with(tmp_path, MODULE), modules=[MODULE])
    failed = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert not failed
    assert result.score == result.max_score == 100
    assert sum(1 for t in result.tests if t.suite == "hidden" and t.points > 0) >= 35


def test_stubs_score_0(tmp_path):
    result = grade(stub_submission(tmp_path, MODULE), modules=[MODULE])
    assert result.max_score == 100
    assert result.score == 0


@pytest.mark.parametrize("wrong", WRONG, ids=lambda p: p.stem)
def test_wrong_implementation_loses_points(tmp_path: Path, wrong: Path):
    result = grade(submission_with(tmp_path, MODULE, wrong), modules=[MODULE],
                   select=SUITES[replaced_file(wrong)])
    failed = {t.name.split(": ", 1)[1] for t in result.tests if t.status != "passed"}
    assert result.score < result.max_score, f"{wrong.stem} scored full marks"
    assert CAUGHT_BY[wrong.stem] in failed, f"{wrong.stem} was not caught by {CAUGHT_BY[wrong.stem]}"
