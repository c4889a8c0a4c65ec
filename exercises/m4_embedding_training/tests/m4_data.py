"""The course corpus for the public tests, loaded from ``../corpus.py`` by its path.

Loading by path (instead of ``import m4_embedding_training.corpus``) gives the tests the copy
of the corpus that sits next to them, whatever is on ``sys.path``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "corpus.py"


def course_corpus():
    """The ``corpus`` module next to these tests."""
    name = "m4_course_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
