"""Every notebook builds from its jupytext source and runs top to bottom, offline, on the
reference solutions (a fresh kernel each, executed with nbclient)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("course_notebooks", ROOT / "scripts" / "notebooks.py")
notebooks = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = notebooks
spec.loader.exec_module(notebooks)

SOURCES = notebooks.sources()
MODULES = ["m1_tokenization", "m2_embeddings", "m3_tokenizer_zoo", "m4_embedding_training"]


def test_there_is_one_notebook_per_module():
    assert [p.stem for p in SOURCES] == MODULES


def test_notebooks_build_to_ipynb_with_the_lesson_as_markdown(tmp_path):
    import nbformat

    for path in notebooks.build_all(tmp_path):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        kinds = {cell.cell_type for cell in notebook.cells}
        assert kinds == {"markdown", "code"}, path.name
        assert notebook.metadata["kernelspec"]["name"] == "python3"
        assert notebook.cells[0].source.startswith("# Module"), path.name


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_notebook_runs_on_the_reference(source):
    notebook = notebooks.execute(source, code="solutions", timeout=120)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "using the code in" in text and "solutions" in text
    if source.stem == "m1_tokenization":  # the hand-made merge is the trainer's (and the lesson's)
        assert "most frequent pair: b's' + b't' seen 9 times" in text
        assert "train_bpe's first merge: (b's', b't')" in text


def test_a_failing_cell_names_the_notebook_and_the_error(tmp_path):
    broken = tmp_path / "m9_broken.py"
    broken.write_text("# %% [markdown]\n# # Broken\n\n# %%\nraise ValueError('no such thing')\n",
                      encoding="utf-8")
    with pytest.raises(notebooks.NotebookError, match=r"m9_broken\.py: ValueError: no such thing"):
        notebooks.execute(broken, code="solutions", timeout=60)
