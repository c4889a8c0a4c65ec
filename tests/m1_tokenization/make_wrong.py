"""Regenerate Module 1's wrong implementations (wrong/*.py) from the reference.

Each entry of BUGS names a wrong implementation, the reference file it replaces, its bug in one
sentence, the exact edits (old text -> new text) that plant the bug, and the suite files that
exercise it (SELECT). Run after changing a reference file, so every wrong file stays "the
reference with exactly one bug":

    .venv/bin/python tests/m1_tokenization/make_wrong.py            # rewrite, keep CAUGHT_BY
    .venv/bin/python tests/m1_tokenization/make_wrong.py --grade    # also re-grade: CAUGHT_BY := failed tests

CAUGHT_BY lists the tests (record names, parameters dropped) that fail on the wrong file;
test_wrong_implementations.py checks that they still do. Review a regenerated CAUGHT_BY before
committing it: a test that stops catching a bug is a weakened test.
"""

from __future__ import annotations

import ast
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "solutions" / "m1_tokenization"
OUT = Path(__file__).resolve().parent / "wrong"

NAIVE_LOOP_START = "    # pair -> total count, and pair -> indices of the words that contain it.\n"
NAIVE_LOOP_NEW = '''    merges: list[tuple[bytes, bytes]] = []
    while len(vocab) < vocab_size:
        # Recount every pair of every word after each merge.
        pair_counts: dict[tuple[bytes, bytes], int] = defaultdict(int)
        for word, freq in zip(words, freqs):
            for pair in zip(word, word[1:]):
                pair_counts[pair] += freq
        if not pair_counts:
            break
        pair = max(pair_counts, key=lambda p: (pair_counts[p], p))
        merged = pair[0] + pair[1]
        merges.append(pair)
        vocab[len(vocab)] = merged
        words = [_merge_bytes(word, pair, merged) for word in words]
    return vocab, merges
'''

BUGS = [
  # ---------------------------------------------------------------- bpe.py
  ("bpe_pair_counts_no_overlap", "bpe.py",
   "get_pair_counts skips the next position after a pair of equal ids, so runs are counted without overlap ([1, 1, 1] -> {(1, 1): 1}).",
   [("""    counts: dict[tuple[int, int], int] = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts""", """    counts: dict[tuple[int, int], int] = {}
    i = 0
    while i + 1 < len(ids):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
        i += 2 if ids[i] == ids[i + 1] else 1
    return counts""")],
   ["test_bpe.py", "test_pair_counts_and_merge.py"]),
  ("bpe_pair_counts_drops_last_pair", "bpe.py",
   "get_pair_counts stops one position early and never counts the last pair.",
   [("""    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1""", """    for i in range(len(ids) - 2):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1""")],
   ["test_bpe.py", "test_pair_counts_and_merge.py"]),
  ("bpe_merge_pair_overlapping", "bpe.py",
   "merge_pair moves one place instead of two after a match, so matches overlap ([1, 1, 1] -> [9, 9, 1]).",
   [("""        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2""", """        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 1""")],
   ["test_bpe.py", "test_pair_counts_and_merge.py"]),
  ("bpe_merge_pair_until_no_match", "bpe.py",
   "merge_pair repeats its pass until the pair no longer occurs, merging ids it has just created.",
   [("""    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out""", """    out: list[int] = list(ids)
    while any(a == pair[0] and b == pair[1] for a, b in zip(out, out[1:])):
        merged: list[int] = []
        i = 0
        while i < len(out):
            if i + 1 < len(out) and out[i] == pair[0] and out[i + 1] == pair[1]:
                merged.append(new_id)
                i += 2
            else:
                merged.append(out[i])
                i += 1
        out = merged
    return out""")],
   ["test_bpe.py", "test_pair_counts_and_merge.py"]),
  ("bpe_first_special_token_wins", "bpe.py",
   "special tokens are tried in the order given, not longest first, so a shorter one can win over a longer one at the same position.",
   [("""    alternation = "|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True))""",
     """    alternation = "|".join(regex.escape(s) for s in dict.fromkeys(special_tokens))""")],
   ["test_bpe.py", "test_pretokenize.py"]),
  ("bpe_special_tokens_as_regex", "bpe.py",
   "special tokens are put into the regex without escaping, so '[x]' or 'a.b' act as patterns.",
   [("""    alternation = "|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True))""",
     """    alternation = "|".join(sorted(specials, key=len, reverse=True))""")],
   ["test_bpe.py", "test_pretokenize.py"]),
  ("bpe_ascii_split_pattern", "bpe.py",
   "the split pattern uses ASCII classes ([A-Za-z], [0-9]) instead of \\p{L} and \\p{N}, so letters and digits of other scripts are split like punctuation.",
   [("""GPT2_SPLIT_PATTERN = r\"\"\"'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+\"\"\"""",
     """GPT2_SPLIT_PATTERN = r\"\"\"'(?:[sdmt]|ll|ve|re)| ?[A-Za-z]+| ?[0-9]+| ?[^\\sA-Za-z0-9]+|\\s+(?!\\S)|\\s+\"\"\"""")],
   ["test_bpe.py", "test_pretokenize.py"]),
  ("bpe_pretokenize_drops_special_tokens", "bpe.py",
   "pretokenize cuts special tokens out but does not return them, so the pre-tokens no longer join back to the text.",
   [("""        if is_special:
            result.append(piece)
        else:
            result.extend(GPT2_SPLIT_RE.findall(piece))""", """        if not is_special:
            result.extend(GPT2_SPLIT_RE.findall(piece))""")],
   ["test_bpe.py", "test_pretokenize.py"]),
  ("bpe_train_tie_smallest_pair", "bpe.py",
   "train_bpe breaks ties towards the lexicographically smallest pair instead of the greatest.",
   [("""        return self.pair > other.pair""", """        return self.pair < other.pair""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_tie_by_joined_bytes", "bpe.py",
   "train_bpe breaks ties by the concatenated bytes left + right instead of the pair (bytes, bytes).",
   [("""        return self.pair > other.pair""", """        return self.pair[0] + self.pair[1] > other.pair[0] + other.pair[1]""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_tie_unordered", "bpe.py",
   "train_bpe's heap never compares pairs, so tied pairs come out in whatever order the heap holds them.",
   [("""        return self.pair > other.pair""", """        return False""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_across_pretokens", "bpe.py",
   "train_bpe counts pairs over whole pieces of text between special tokens, not per pre-token, so merges cross spaces and punctuation.",
   [("""    counted = Counter(p for p in pretokenize(text, specials) if p not in special_set)""",
     """    counted = Counter(piece for piece, is_special in _split_on_special_tokens(text, specials) if not is_special)""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_across_special_tokens", "bpe.py",
   "train_bpe deletes the special tokens from the text before pre-tokenizing, so the text on both sides of one is joined and merges cross it.",
   [("""    counted = Counter(p for p in pretokenize(text, specials) if p not in special_set)""",
     """    joined = regex.sub("|".join(regex.escape(s) for s in specials), "", text) if specials else text
    counted = Counter(p for p in pretokenize(joined) if p not in special_set)""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_merges_special_bytes", "bpe.py",
   "train_bpe pre-tokenizes without the special tokens, so their bytes take part in merges.",
   [("""    counted = Counter(p for p in pretokenize(text, specials) if p not in special_set)""",
     """    counted = Counter(p for p in pretokenize(text) if p not in special_set)""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_ignores_frequency", "bpe.py",
   "train_bpe counts each distinct pre-token once instead of weighting it by how often it occurs.",
   [("""    freqs = list(counted.values())""", """    freqs = [1] * len(counted)""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_duplicate_special_tokens", "bpe.py",
   "train_bpe gives a special token listed twice two ids.",
   [("""    specials = list(dict.fromkeys(special_tokens))
    if any(s == "" for s in specials):""", """    specials = list(special_tokens)
    if any(s == "" for s in specials):""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_naive_recount", "bpe.py",
   "train_bpe recounts every pair of every pre-token after each merge: the right merges, far too slowly.",
   [("SLICE", NAIVE_LOOP_START, "    return vocab, merges\n    # END SOLUTION", NAIVE_LOOP_NEW + "    # END SOLUTION")],
   ["test_train_bpe.py", "test_train_speed.py"]),
  ("bpe_split_pattern_without_contractions", "bpe.py",
   "the split pattern lacks the contraction alternative '(?:[sdmt]|ll|ve|re), so \"I'm\" splits into \"I\", \"'\", \"m\".",
   [("""GPT2_SPLIT_PATTERN = r\"\"\"'(?:[sdmt]|ll|ve|re)| ?\\p{L}+""", """GPT2_SPLIT_PATTERN = r\"\"\" ?\\p{L}+""")],
   ["test_pretokenize.py"]),
  ("bpe_split_pattern_greedy_whitespace", "bpe.py",
   "the split pattern lacks \\s+(?!\\S), so a run of spaces swallows the space that belongs to the next word (\"a   b\" -> \"a\", \"   \", \"b\").",
   [("""|\\s+(?!\\S)|\\s+\"\"\"""", """|\\s+\"\"\"""")],
   ["test_pretokenize.py"]),
  ("bpe_empty_special_token_accepted", "bpe.py",
   "pretokenize accepts an empty special token instead of raising ValueError.",
   [("""    specials = set(special_tokens)
    if "" in specials:
        raise ValueError("special tokens must not be empty")
""", """    specials = set(special_tokens)
""")],
   ["test_pretokenize.py"]),
  ("bpe_train_special_tokens_last", "bpe.py",
   "train_bpe gives the special tokens the last ids, after the merges, instead of the ids right after the 256 bytes.",
   [("""    for s in specials:
        vocab[len(vocab)] = s.encode("utf-8")
""", ""),
    ("""    while len(vocab) < vocab_size and heap:""", """    while len(vocab) < vocab_size - len(specials) and heap:"""),
    ("""    return vocab, merges
    # END SOLUTION""", """    for s in specials:
        vocab[len(vocab)] = s.encode("utf-8")
    return vocab, merges
    # END SOLUTION""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("bpe_train_pair_presence_not_count", "bpe.py",
   "train_bpe counts a pair once per pre-token however often it occurs in it ('aaaa' gives (a, a) one count, not three).",
   [("""        for pair in zip(word, word[1:]):
            pair_counts[pair] += freq""", """        for pair in set(zip(word, word[1:])):
            pair_counts[pair] += freq"""),
    ("""            old_pairs, new_pairs = list(zip(word, word[1:])), list(zip(new_word, new_word[1:]))""",
     """            old_pairs, new_pairs = list(set(zip(word, word[1:]))), list(set(zip(new_word, new_word[1:])))""")],
   ["test_bpe.py", "test_train_bpe.py"]),
  ("tokenizer_special_tokens_bpe_encoded", "tokenizer.py",
   "encode cuts special tokens out but then runs BPE on them like on a word, instead of emitting their own id.",
   [("""            if is_special:
                ids.append(self._special_ids[piece])
            else:
                ids.extend(self._encode_plain(piece))""", """            if is_special:
                ids.extend(self._encode_pretokens([piece]))
            else:
                ids.extend(self._encode_plain(piece))""")],
   ["test_tokenizer.py", "test_encode_decode.py", "test_gpt2_files.py"]),
  # ---------------------------------------------------------------- tokenizer.py
  ("tokenizer_merges_by_frequency", "tokenizer.py",
   "encode merges the most frequent mergeable pair of a pre-token first (ties by rank) instead of the pair of lowest rank.",
   [("""            best, best_rank = None, len(ranks)
            for pair in zip(parts, parts[1:]):
                rank = ranks.get(pair, best_rank)
                if rank < best_rank:
                    best, best_rank = pair, rank
            if best is None:
                break""", """            counts: dict[tuple[bytes, bytes], int] = {}
            for pair in zip(parts, parts[1:]):
                if pair in ranks:
                    counts[pair] = counts.get(pair, 0) + 1
            if not counts:
                break
            best = max(counts, key=lambda p: (counts[p], -ranks[p]))""")],
   ["test_tokenizer.py", "test_encode_decode.py", "test_gpt2_files.py"]),
  ("tokenizer_merges_leftmost_pair", "tokenizer.py",
   "encode merges the leftmost pair that has a merge instead of the pair of lowest rank.",
   [("""            best, best_rank = None, len(ranks)
            for pair in zip(parts, parts[1:]):
                rank = ranks.get(pair, best_rank)
                if rank < best_rank:
                    best, best_rank = pair, rank
            if best is None:
                break""", """            best = next((pair for pair in zip(parts, parts[1:]) if pair in ranks), None)
            if best is None:
                break""")],
   ["test_tokenizer.py", "test_encode_decode.py", "test_gpt2_files.py"]),
  ("tokenizer_encode_across_pretokens", "tokenizer.py",
   "encode runs BPE over whole pieces of text between special tokens instead of each pre-token, so merges cross pre-token boundaries.",
   [("""        return self._encode_pretokens(GPT2_SPLIT_RE.findall(text))""", """        return self._encode_pretokens([text] if text else [])""")],
   ["test_tokenizer.py", "test_encode_decode.py", "test_gpt2_files.py"]),
  ("tokenizer_first_special_token_wins", "tokenizer.py",
   "encode tries special tokens in the order given instead of longest first.",
   [("""            regex.compile("|".join(regex.escape(s) for s in sorted(self.special_tokens, key=len, reverse=True)))""",
     """            regex.compile("|".join(regex.escape(s) for s in self.special_tokens))""")],
   ["test_gpt2_files.py", "test_encode_iterable.py"]),
  ("tokenizer_highest_id_for_duplicates", "tokenizer.py",
   "when several ids hold the same bytes, encode emits the highest id instead of the lowest.",
   [("""            self._id_of.setdefault(self.vocab[i], i)""", """            self._id_of[self.vocab[i]] = i""")],
   ["test_encode_decode.py"]),
  ("tokenizer_special_id_from_len", "tokenizer.py",
   "a special token missing from the vocabulary gets id len(vocab) instead of max(vocab) + 1 (wrong when ids have gaps).",
   [("""                new_id = max(self.vocab, default=-1) + 1""", """                new_id = len(self.vocab)""")],
   ["test_encode_decode.py"]),
  ("tokenizer_from_files_utf8_tokens", "tokenizer.py",
   "from_files reads the token strings of encoder.json and vocab.bpe as UTF-8 text instead of mapping each character back to a byte with gpt2_bytes_to_unicode.",
   [("""        def to_bytes(token: str) -> bytes:
            return bytes(byte_of[ch] for ch in token)""", """        def to_bytes(token: str) -> bytes:
            return token.encode("utf-8")""")],
   ["test_tokenizer.py", "test_gpt2_files.py"]),
  ("tokenizer_from_files_forgets_special_tokens", "tokenizer.py",
   "from_files does not pass special_tokens on, so <|endoftext|> is split like ordinary text.",
   [("""        return cls(vocab, merges, special_tokens)
        # END SOLUTION""", """        return cls(vocab, merges)
        # END SOLUTION""")],
   ["test_tokenizer.py", "test_gpt2_files.py"]),
  ("tokenizer_iterable_encodes_each_chunk", "tokenizer.py",
   "encode_iterable encodes every chunk on its own, so words, whitespace runs and special tokens cut by a chunk boundary are split.",
   [("""        pending = ""
        for chunk in chunks:
            pending += chunk
            ids, pending = self._encode_final_part(pending)
            yield from ids
        yield from self.encode(pending)""", """        for chunk in chunks:
            yield from self.encode(chunk)""")],
   ["test_tokenizer.py", "test_encode_iterable.py"]),
  ("tokenizer_iterable_keeps_one_pretoken", "tokenizer.py",
   "encode_iterable holds back only the last pre-token of the buffer, but the one before it can still change (\"'l\" + \"l\" is \"'ll\").",
   [("""        if len(matches) > 2:
            ids.extend(self._encode_pretokens(m.group() for m in matches[:-2]))
            start = matches[-2].start()""", """        if len(matches) > 1:
            ids.extend(self._encode_pretokens(m.group() for m in matches[:-1]))
            start = matches[-1].start()""")],
   ["test_encode_iterable.py"]),
  ("tokenizer_iterable_special_tokens_final_too_early", "tokenizer.py",
   "encode_iterable treats a special token as final as soon as it is complete, although a longer overlapping special token may still be arriving.",
   [("""        special_limit = len(text) - self._longest_special  # specials starting at <= this are final""",
     """        special_limit = len(text)""")],
   ["test_encode_iterable.py"]),
  ("tokenizer_iterable_joins_everything", "tokenizer.py",
   "encode_iterable joins all chunks and encodes the whole text at once: right ids, but not lazy and memory grows with the input.",
   [("""        pending = ""
        for chunk in chunks:
            pending += chunk
            ids, pending = self._encode_final_part(pending)
            yield from ids
        yield from self.encode(pending)""", """        yield from self.encode("".join(chunks))""")],
   ["test_encode_iterable.py", "test_encode_iterable_memory.py"]),
  ("tokenizer_decode_strict", "tokenizer.py",
   "decode uses errors=\"strict\", so ids that end in the middle of a character raise UnicodeDecodeError.",
   [("""        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")""",
     """        return b"".join(self.vocab[i] for i in ids).decode("utf-8")""")],
   ["test_tokenizer.py", "test_encode_decode.py"]),
  ("tokenizer_decode_token_by_token", "tokenizer.py",
   "decode decodes each token on its own and joins the strings, so a character split over two tokens becomes two replacement characters.",
   [("""        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")""",
     """        return "".join(self.vocab[i].decode("utf-8", errors="replace") for i in ids)""")],
   ["test_tokenizer.py", "test_encode_decode.py"]),
  ("tokenizer_decode_table_wraps_negative_ids", "tokenizer.py",
   "decode looks ids up in a list, so -1 silently reads the last token and gaps decode to nothing.",
   [("""        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")""",
     """        table = [self.vocab.get(i, b"") for i in range(max(self.vocab) + 1)]
        return b"".join(table[i] for i in ids).decode("utf-8", errors="replace")""")],
   ["test_encode_decode.py"]),
  ("tokenizer_decode_skips_unknown_ids", "tokenizer.py",
   "decode silently skips ids missing from the vocabulary instead of raising.",
   [("""        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")""",
     """        return b"".join(self.vocab.get(i, b"") for i in ids).decode("utf-8", errors="replace")""")],
   ["test_encode_decode.py"]),
  # ---------------------------------------------------------------- analysis.py
  ("analysis_bytes_per_token_counts_characters", "analysis.py",
   "bytes_per_token divides the number of characters, not UTF-8 bytes, by the number of tokens.",
   [("""    return len(text.encode("utf-8")) / n_tokens""", """    return len(text) / n_tokens""")],
   ["test_analysis.py", "test_analysis_vocab_size.py"]),
  ("analysis_bytes_per_token_divides_by_zero", "analysis.py",
   "bytes_per_token does not check for an empty encoding and raises ZeroDivisionError instead of ValueError.",
   [("""    if n_tokens == 0:
        raise ValueError("text encodes to no token")
""", "")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_granularity_characters_are_bytes", "analysis.py",
   "granularity reports UTF-8 bytes as the number of characters.",
   [("""        "characters": len(text),""", """        "characters": len(text.encode("utf-8")),""")],
   ["test_analysis.py", "test_analysis_subwords.py"]),
  ("analysis_granularity_whitespace_words", "analysis.py",
   "granularity counts words with text.split() instead of split_words, so punctuation is glued to words.",
   [("""        "words": len(split_words(text)),""", """        "words": len(text.split()),""")],
   ["test_analysis_subwords.py"]),
  ("analysis_word_vocab_ties_first_seen", "analysis.py",
   "build_word_vocab breaks ties by first occurrence (Counter.most_common) instead of alphabetically.",
   [("""    words = sorted(counts, key=lambda w: (-counts[w], w))""", """    words = [w for w, _ in counts.most_common()]""")],
   ["test_analysis_subwords.py"]),
  ("analysis_word_vocab_zero_means_all", "analysis.py",
   "build_word_vocab treats max_size=0 like None and returns every word.",
   [("""    return words if max_size is None else words[:max_size]""", """    return words[:max_size] if max_size else words""")],
   ["test_analysis_subwords.py"]),
  ("analysis_oov_distinct_words", "analysis.py",
   "oov_rate counts distinct words instead of every occurrence.",
   [("""    return sum(word not in known for word in words) / len(words)""",
     """    distinct = set(words)
    return sum(word not in known for word in distinct) / len(distinct)""")],
   ["test_analysis.py", "test_analysis_subwords.py"]),
  ("analysis_oov_ignores_case", "analysis.py",
   "oov_rate lowercases the vocabulary and the text, so 'The' counts as a known 'the'.",
   [("""    known = set(vocab)
    words = split_words(text)""", """    known = {word.lower() for word in vocab}
    words = [word.lower() for word in split_words(text)]""")],
   ["test_analysis_subwords.py"]),
  ("analysis_embedding_tied_doubles", "analysis.py",
   "embedding_parameters doubles the count for tied embeddings and not for untied ones.",
   [("""    return vocab_size * d_model * (1 if tied else 2)""", """    return vocab_size * d_model * (2 if tied else 1)""")],
   ["test_analysis.py", "test_analysis_vocab_size.py"]),
  ("analysis_embedding_no_validation", "analysis.py",
   "embedding_parameters accepts a vocabulary size or d_model below 1.",
   [("""    if vocab_size < 1 or d_model < 1:
        raise ValueError("vocab_size and d_model must be >= 1")
    return vocab_size * d_model""", """    return vocab_size * d_model""")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_sweep_reports_requested_merges", "analysis.py",
   "vocab_size_sweep reports V - 256 - #specials merges even when training stopped earlier.",
   [("""                "num_merges": len(kept),""", """                "num_merges": size - base,""")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_sweep_forgets_special_tokens", "analysis.py",
   "vocab_size_sweep keeps V - 256 merges, forgetting that special tokens take ids too.",
   [("""        kept = merges[: size - base]""", """        kept = merges[: size - 256]""")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_sweep_parameters_of_learned_size", "analysis.py",
   "vocab_size_sweep computes the embedding parameters of the vocabulary actually learned instead of the size asked for.",
   [("""                "embedding_parameters": embedding_parameters(size, d_model),""",
     """                "embedding_parameters": embedding_parameters(base + len(kept), d_model),""")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_rare_tokens_seen_only", "analysis.py",
   "rare_token_fraction counts only the ids that occur, so tokens never seen are not counted as rare.",
   [("""    return sum(counts[i] < min_count for i in range(vocab_size)) / vocab_size""",
     """    return sum(count < min_count for count in counts.values()) / vocab_size""")],
   ["test_analysis.py", "test_analysis_vocab_size.py"]),
  ("analysis_rare_tokens_no_range_check", "analysis.py",
   "rare_token_fraction accepts ids outside 0 .. vocab_size - 1.",
   [("""    if any(not 0 <= i < vocab_size for i in counts):
        raise ValueError("id out of range")
""", "")],
   ["test_analysis_vocab_size.py"]),
  ("analysis_id_agreement_over_first_vocab", "analysis.py",
   "id_agreement divides by the size of the first vocabulary instead of the number of shared ids.",
   [("""    return sum(vocab_a[i] == vocab_b[i] for i in shared) / len(shared)""",
     """    return sum(vocab_a[i] == vocab_b[i] for i in shared) / len(vocab_a)""")],
   ["test_analysis.py", "test_analysis_mismatch.py"]),
  ("analysis_id_agreement_no_shared_is_zero", "analysis.py",
   "id_agreement returns 0.0 when the vocabularies share no id instead of raising ValueError.",
   [("""    if not shared:
        raise ValueError("the vocabularies share no id")""", """    if not shared:
        return 0.0""")],
   ["test_analysis_mismatch.py"]),
  ("analysis_wrong_tokenizer_decodes_id_by_id", "analysis.py",
   "decode_with_wrong_tokenizer decodes each id on its own and joins the strings.",
   [("""    return decoder.decode([i for i in ids if i in decoder.vocab])""",
     """    return "".join(decoder.decode([i]) for i in ids if i in decoder.vocab)""")],
   ["test_analysis_mismatch.py"]),
  ("analysis_wrong_tokenizer_filters_by_length", "analysis.py",
   "decode_with_wrong_tokenizer keeps the ids below len(decoder.vocab) instead of the ids in decoder.vocab.",
   [("""    return decoder.decode([i for i in ids if i in decoder.vocab])""",
     """    return decoder.decode([i for i in ids if 0 <= i < len(decoder.vocab)])""")],
   ["test_analysis_mismatch.py"]),
  ("analysis_token_pieces_ignore_errors", "analysis.py",
   "token_pieces decodes each token's bytes with errors=\"ignore\", so pieces of a split character vanish instead of showing U+FFFD.",
   [("""    return [tokenizer.decode([i]) for i in tokenizer.encode(text)]
    # END SOLUTION""", """    return [tokenizer.vocab[i].decode("utf-8", errors="ignore") for i in tokenizer.encode(text)]
    # END SOLUTION""")],
   ["test_analysis_mismatch.py"]),
  ("analysis_token_pieces_stripped", "analysis.py",
   "token_pieces strips the spaces around each piece, hiding that ' strawberry' and 'strawberry' are different tokens.",
   [("""    return [tokenizer.decode([i]) for i in tokenizer.encode(text)]
    # END SOLUTION""", """    return [tokenizer.decode([i]).strip() for i in tokenizer.encode(text)]
    # END SOLUTION""")],
   ["test_analysis_mismatch.py"]),
  ("analysis_letter_hidden_once_per_piece", "analysis.py",
   "letter_visibility counts a piece that holds the letter once, however many times the letter is in it ('ss' counts 1).",
   [("""        "hidden": sum(piece.count(letter) for piece in pieces if piece != letter),""",
     """        "hidden": sum(letter in piece for piece in pieces if piece != letter),""")],
   ["test_analysis.py", "test_analysis_mismatch.py"]),
  ("analysis_letter_not_validated", "analysis.py",
   "letter_visibility accepts a 'letter' that is empty or longer than one character.",
   [("""    if len(letter) != 1:
        raise ValueError("letter must be one character")
""", "")],
   ["test_analysis_mismatch.py"]),
]



def body_of(source: str) -> str:
    """The reference file without its module docstring and its __future__ import."""
    end = source.index('"""', 3) + 3
    rest = source[end:].lstrip("\n")
    return rest.replace("from __future__ import annotations\n", "", 1).lstrip("\n")


def planted(name: str, replaces: str, patches) -> str:
    source = (SRC / replaces).read_text(encoding="utf-8")
    for patch in patches:
        if patch[0] == "SLICE":
            _, start, end, new = patch
            assert source.count(start) == 1 and source.count(end) == 1, name
            a, b = source.index(start), source.index(end) + len(end)
            source = source[:a] + new + source[b:]
        else:
            old, new = patch
            assert source.count(old) == 1, (name, old[:60], source.count(old))
            source = source.replace(old, new)
    return body_of(source)


def format_tuple(items) -> str:
    if not items:
        return "()"
    if len(items) == 1:
        return f"({items[0]!r},)"
    return "(\n" + "".join(f"    {item!r},\n" for item in items) + ")"


def declared_caught_by(path: Path) -> tuple:
    if not path.exists():
        return ()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "CAUGHT_BY":
            return ast.literal_eval(node.value)
    return ()


def write(name, replaces, bug, body, select, caught_by) -> Path:
    doc = "\n".join(textwrap.wrap("Wrong: " + bug, 92))
    prefix = "r" if "\\" in doc else ""
    header = (f'{prefix}"""{doc}\n"""\n\nfrom __future__ import annotations\n\n'
              f'REPLACES = "{replaces}"\nSELECT = {tuple(select)!r}\n'
              f"CAUGHT_BY = {format_tuple(caught_by)}\n\n")
    path = OUT / f"{name}.py"
    path.write_text(header + body, encoding="utf-8")
    return path


def failed_tests(path: Path, select) -> tuple:
    sys.path.insert(0, str(ROOT))
    from autograder.runner import grade
    from tests.helpers import submission_with

    with tempfile.TemporaryDirectory() as tmp:
        result = grade(submission_with(Path(tmp), "m1_tokenization", path),
                       modules=["m1_tokenization"], select=list(select))
    if not any(t.status == "passed" for t in result.tests):
        raise SystemExit(f"{path.name}: every selected test failed; is the grader working? "
                         f"{result.tests[0].output[:300] if result.tests else result.notes}")
    return tuple(dict.fromkeys(t.name.split("[")[0] for t in result.tests if t.status != "passed"))


def main(regrade: bool) -> None:
    OUT.mkdir(exist_ok=True)
    names = {name for name, *_ in BUGS}
    for stale in OUT.glob("*.py"):
        if stale.stem not in names:
            stale.unlink()
    for name, replaces, bug, patches, select in BUGS:
        path = OUT / f"{name}.py"
        body = planted(name, replaces, patches)
        path = write(name, replaces, bug, body, select, declared_caught_by(path))
        if regrade:
            caught = failed_tests(path, select)
            write(name, replaces, bug, body, select, caught)
            print(f"{name}: {len(caught)} tests catch it", flush=True)
    print(len(BUGS), "wrong implementations")


if __name__ == "__main__":
    main("--grade" in sys.argv[1:])
