"""Figures are committed, drawn from the current code and data, and shown by the lessons.

Nothing is redrawn here: course/figures/manifest.json records a fingerprint of what each figure
is made from, and the test compares it with the files as they are now (cheap). When it fails,
run `.venv/bin/python scripts/figures.py` and commit the figures with the manifest.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "course" / "tools"))

from fingerprint import python_code  # noqa: E402


def _figures_module():
    spec = importlib.util.spec_from_file_location("course_figures", ROOT / "scripts" / "figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


figures = _figures_module()


def test_every_figure_exists_and_is_up_to_date():
    problems = figures.stale()
    assert not problems, ("stale figures; run `.venv/bin/python scripts/figures.py`:\n  "
                          + "\n  ".join(problems))


def test_the_issue_list_of_figures_is_drawn():
    names = {f.name for f in figures.REGISTRY}
    for wanted in ("m1/bpe_merges.png", "m1/vocab_size.png", "m1/strawberry.png",
                   "m2/embeddings_2d.png", "m2/cosine_heatmap.png", "m2/bm25_vs_semantic.png",
                   "m3/showdown.png", "m3/token_tax.png"):
        assert wanted in names


def test_every_figure_is_shown_by_a_lesson():
    shown = set()
    for lesson in (ROOT / "course").glob("*.md"):
        shown.update(re.findall(r"\]\(figures/([^)\s]+)\)", lesson.read_text(encoding="utf-8")))
    unused = [f.name for f in figures.REGISTRY if f.name not in shown]
    assert not unused, f"figures no lesson shows: {unused}"


def test_every_image_in_the_figures_folder_is_shown_by_a_lesson():
    shown = set()
    for lesson in (ROOT / "course").glob("*.md"):
        shown.update(re.findall(r"\]\(figures/([^)\s]+)\)", lesson.read_text(encoding="utf-8")))
    images = {p.relative_to(ROOT / "course" / "figures").as_posix()
              for p in (ROOT / "course" / "figures").rglob("*") if p.suffix in (".png", ".svg")}
    assert not images - shown, f"figures no lesson shows: {sorted(images - shown)}"


def test_a_changed_input_or_an_edited_image_makes_a_figure_stale():
    manifest = figures.load_manifest()
    name = figures.REGISTRY[0].name
    changed = copy.deepcopy(manifest)
    changed["figures"][name]["inputs"] = "0" * 64
    assert any(p.startswith(f"{name}: its code or data changed") for p in figures.stale(changed))
    edited = copy.deepcopy(manifest)
    edited["figures"][name]["output"] = "0" * 64
    assert any(p.startswith(f"{name}: the image differs") for p in figures.stale(edited))
    missing = copy.deepcopy(manifest)
    del missing["figures"][name]
    assert f"{name}: missing" in figures.stale(missing)


def test_fingerprints_ignore_docstrings_and_comments_but_not_code():
    source = 'def f(x):\n    """Doc."""\n    return x + 1  # one more\n'
    reworded = 'def f(x):\n    """Another doc,\n    on two lines."""\n    # a comment\n    return x + 1\n'
    changed = 'def f(x):\n    """Doc."""\n    return x + 2\n'
    assert python_code(source) == python_code(reworded)
    assert python_code(source) != python_code(changed)
    assert python_code('X = "a string, not a docstring"\n') != python_code('X = "another"\n')
