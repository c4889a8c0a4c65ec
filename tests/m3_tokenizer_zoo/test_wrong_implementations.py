"""Tests of Module 3's tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong/ loses points on the test written to catch it.

Each wrong file is graded only with the suite files of the file it replaces, so the whole
check stays around a minute and a half.
"""

from __future__ import annotations

import pytest

from autograder.runner import grade
from tests.helpers import replaced_file, stub_submission, submission_with, wrong_implementations

MODULE = "m3_tokenizer_zoo"
SUITES = {"byte_level.py": ["test_byte_level.py"], "chat.py": ["test_chat.py"],
          "compare.py": ["test_compare.py"]}

# wrong implementation -> a hidden test (name without "test_", parameters included) it must fail
CAUGHT_BY = {
    "byt5_offset_two": "byt5_encode_is_bytes_plus_three[accents-and-cjk]",
    "byt5_characters_not_bytes": "byt5_encode_is_bytes_plus_three[accents-and-cjk]",
    "byt5_eos_always": "byt5_encode_eos_switch",
    "byt5_decode_strict": "byt5_decode_ignores_broken_utf8",
    "byt5_decode_replace": "byt5_decode_ignores_broken_utf8",
    "byt5_decode_skips_sentinels": "byt5_decode_rejects_non_byte_ids[sentinel]",
    "byt5_decode_pad_as_nul": "byt5_decode_drops_special_ids_anywhere",
    "canine_utf8_bytes": "canine_encode_of_the_parallel_text",
    "canine_utf16_units": "canine_encode_astral_code_points",
    "canine_cls_sep_swapped": "canine_encode_of_the_parallel_text",
    "canine_hash_without_plus_one": "canine_hash_buckets_match_canine",
    "canine_hash_transposed": "canine_hash_buckets_empty",
    "canine_hash_wraps_primes": "canine_hash_buckets_rejects_bad_input[17-hashes]",
    "sequence_lengths_with_specials": "sequence_lengths_of_the_parallel_text",
    "sequence_lengths_characters_for_byt5": "sequence_lengths_of_the_parallel_text",
    "edit_distance_hamming": "token_edit_distance_random",
    "edit_distance_without_substitution": "token_edit_distance_random",
    "typo_damage_on_characters": "typo_damage_byte_level_versus_subword",
    "typo_damage_length_difference": "typo_damage_byte_level_versus_subword",
    "chatml_without_final_newline": "chatml_matches_the_template[multi-turn]",
    "chatml_strips_content": "chatml_keeps_whitespace",
    "chatml_generation_prompt_without_newline": "chatml_matches_the_template[generation-prompt]",
    "llama3_without_bos": "llama3_writes_bos_once",
    "llama3_bos_per_message": "llama3_writes_bos_once",
    "llama3_without_strip": "llama3_strips_every_message",
    "llama3_single_newline": "llama3_matches_the_template[multi-turn]",
    "llama2_strips_user_before_folding": "llama2_strips_the_folded_turn_as_a_whole",
    "llama2_no_alternation_check": "llama2_rejects_bad_conversations[system-in-the-middle]",
    "llama2_no_user_turn_check": "llama2_rejects_bad_conversations[system-only]",
    "llama2_assistant_without_space": "llama2_matches_the_template[ends-with-assistant]",
    "llama2_single_newline_after_sys": "llama2_matches_the_template[system-user]",
    "render_chat_no_validation": "render_chat_rejects_bad_input[unknown-role]",
    "render_chat_no_style_check": "render_chat_rejects_bad_input[unknown-style]",
    "count_bos_leading_only": "count_bos_counts_everywhere",
    "count_bos_presence": "count_bos_counts_everywhere",
    "double_bos_anywhere": "has_double_bos_only_at_the_start",
    "double_bos_adjacent_anywhere": "has_double_bos_only_at_the_start",
    "passengers_filter_special_ids": "hidden_passengers_when_the_text_holds_a_special_token",
    "passengers_all_in_front": "hidden_passengers_of_real_tokenizers[bert]",
    "passengers_one_each_side": "hidden_passengers_of_real_tokenizers[llama3]",
    "passengers_never_raise": "hidden_passengers_rejects_what_it_cannot_explain",
    "encode_chat_with_special_tokens": "encode_chat_has_a_single_bos",
    "encode_chat_drops_generation_prompt": "encode_chat_chatml_with_gpt4",
    "token_strings_whole_text": "token_strings[bert]",
    "token_strings_incremental": "token_strings[gpt4]",
    "hf_encode_ignores_flag": "adapter_encodes_like_the_library[llama3]",
    "hf_encode_token_strings": "adapter_encodes_like_the_library[gpt2]",
    "hf_decode_skips_specials": "adapter_decode_keeps_special_tokens[llama3]",
    "hf_decode_joins_tokens": "adapter_decode_keeps_special_tokens[bert]",
    "hf_special_tokens_inverted": "special_tokens[bert]",
    "hf_special_tokens_by_brackets": "special_tokens[bert]",
    "tiktoken_encode_default": "adapter_encodes_like_the_library[gpt4]",
    "tiktoken_encode_ordinary": "adapter_encodes_like_the_library[gpt4]",
    "tiktoken_decode_strict": "tiktoken_adapter_decodes_half_a_character",
    "tiktoken_decode_ignore": "tiktoken_adapter_decodes_half_a_character",
    "tiktoken_special_tokens_endoftext_only": "special_tokens[gpt4]",
    "tiktoken_special_tokens_numbered": "special_tokens[gpt4]",
    "token_tax_inverted": "token_tax_of_the_parallel_text[gpt2]",
    "token_tax_always_english": "token_tax_with_another_baseline",
    "token_tax_no_errors": "token_tax_bad_baseline",
    "tax_breakdown_characters": "tax_breakdown_counts_bytes",
    "tax_breakdown_penalty_inverted": "tax_breakdown_of_the_parallel_text",
    "showdown_bytes_per_token": "showdown_row_of_the_showdown_text[gpt2]",
    "showdown_counts_passengers": "showdown_row_of_the_showdown_text[llama3]",
    "showdown_special_ids": "showdown_row_of_the_showdown_text[bert]",
    "showdown_no_empty_check": "showdown_row_rejects_empty_text",
}
WRONG = wrong_implementations(MODULE)


def test_every_wrong_implementation_names_the_test_that_catches_it():
    assert sorted(w.stem for w in WRONG) == sorted(CAUGHT_BY)


@pytest.mark.slow
def test_reference_scores_full_marks(tmp_path):
    result = grade(submission_with(tmp_path, MODULE), modules=[MODULE])
    failed = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert result.score == result.max_score == 100, failed
    assert len([t for t in result.tests if t.suite == "hidden"]) >= 35


@pytest.mark.slow
def test_stubs_score_zero_and_every_hidden_test_has_points_and_a_hint(tmp_path):
    result = grade(stub_submission(tmp_path, MODULE), modules=[MODULE])
    assert result.score == 0, [t.name for t in result.tests if t.status == "passed"]
    assert all(t.points > 0 and t.hint for t in result.tests if t.suite == "hidden")


@pytest.mark.slow
@pytest.mark.parametrize("wrong", WRONG, ids=[w.stem for w in WRONG])
def test_wrong_implementation_loses_points(tmp_path, wrong):
    result = grade(submission_with(tmp_path, MODULE, wrong), modules=[MODULE],
                   select=SUITES[replaced_file(wrong)])
    assert result.score < result.max_score, f"{wrong.stem} keeps full marks"
    failed = {t.name.split(": ", 1)[1] for t in result.tests
              if t.status == "failed" and t.suite == "hidden"}
    assert CAUGHT_BY[wrong.stem] in failed, f"{wrong.stem} passes {CAUGHT_BY[wrong.stem]}"
