"""Every notebook builds from its jupytext source and runs top to bottom, offline, on the
reference solutions (a fresh kernel each, executed with nbclient), opens with Nina's problem,
and prints what its lesson says: the numbers a notebook shows are checked against the lesson's
tables and sentences (or course/numbers.json, which the lesson quotes)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from autograder.course import module_ids

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("course_notebooks", ROOT / "scripts" / "notebooks.py")
notebooks = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = notebooks
spec.loader.exec_module(notebooks)

SOURCES = notebooks.sources()
MODULES = list(module_ids())


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
    assert "Nina" in notebook.cells[0].source, f"{source.name} does not open with Nina's problem"
    AGREES_WITH_THE_LESSON[source.stem](text)


def lesson(module: str) -> str:
    return (ROOT / "course" / f"{module}.md").read_text(encoding="utf-8")


def m1_agrees(text: str) -> None:
    # the hand-made merge is the trainer's, and the lesson's first merge (s + t)
    assert "most frequent pair: b's' + b't' seen 9 times" in text
    assert "train_bpe's first merge: (b's', b't')" in text
    assert "(`s` + `t`, then `e` + `st`)" in lesson("m1_tokenization")


def m2_agrees(text: str) -> None:
    words = " ".join(lesson("m2_embeddings").split())
    bm25, semantic = re.search(r"BM25 finds (\d+) % of the relevant pages in its top 5, semantic "
                               r"search (\d+) %", words).groups()
    queries = re.search(r"On this module's (\d+) queries", words).group(1)
    assert f"bm25: recall@5 {bm25}%," in text and f"semantic: recall@5 {semantic}%," in text
    assert f"over {queries} questions" in text
    num, den = re.search(r"Static vectors: separation 0, accuracy (\d+)/(\d+)", words).groups()
    right = 18 * int(num) // int(den)
    assert f"static: separation +0.000, nearest neighbour of the same sense for {right} of 18" in text
    assert "contextual: separation" in text and "for 18 of 18 sentences" in text
    # Nina's first complaint: keywords put another page first, meaning finds the answer
    readme = " ".join((ROOT / "solutions" / "m2_embeddings" / "README.md").read_text(encoding="utf-8").split())
    assert '"authentication error" brings up "500 Internal Server Error" first, while the page that answers is "401 Unauthorized"' in readme
    assert "bm25: ['500 Internal Server Error'," in text and "semantic: ['401 Unauthorized'," in text


def m3_agrees(text: str) -> None:
    words = lesson("m3_tokenizer_zoo")
    summary = re.findall(r"^\| (\w+) \| [A-Za-z][^|]* \| (\d+) \| ([\d.]+) \| (\d+) \|", words, re.M)
    kinds = {row[0]: row[1:] for row in re.findall(
        r"^\| (\w+) \| (\d+)[^|]* \| (\d+)[^|]* \| (\d+)[^|]* \| (\d+)[^|]* \| (\d+)[^|]* \|$", words, re.M)}
    assert [name for name, *_ in summary] == ["bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5"]
    for name, tokens, chars, unknown in summary:
        counts = dict(zip(["English and CAPITALS", "emoji", "code", "numbers", "non-English"], kinds[name]))
        shown = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        assert f"{name:>7}: {tokens} tokens, {unknown} unknown, {chars} chars/token  ({shown})" in text, name
    size = re.search(r"(\d+) characters, (\d+) UTF-8 bytes", words).groups()
    assert f"Nina's text: {size[0]} characters, {size[1]} UTF-8 bytes" in text
    assert "'token', '##izer', '##s', 'are', 'un', '##bel', '##ie', '##va', '##bly', 'fun', '[UNK]'" in text


def m4_agrees(text: str) -> None:
    recorded = json.loads((ROOT / "course" / "numbers.json").read_text(encoding="utf-8"))
    skipgram = recorded["m4_embedding_training"]["skipgram"]
    assert skipgram["settings"] == {"num_sentences": 20_000, "seed": 0, "dim": 50, "window": 5,
                                    "negatives": 5, "epochs": 5, "lr": 0.025}  # as the notebook trains
    assert f"the course corpus: {skipgram['corpus_words']} words, {skipgram['distinct_words']} distinct" in text
    right, total = map(int, re.search(r"analogies right: (\d+) of (\d+)", text).groups())
    assert total == skipgram["analogy_questions"] and abs(right - skipgram["analogies_right"]) <= 1
    paris = re.search(r"^paris: (.*)$", text, re.M).group(1).split(", ")
    assert len(set(paris) & set(skipgram["neighbours"]["paris"])) >= 3, paris
    assert "queen" in re.search(r"^king: (.*)$", text, re.M).group(1).split(", ")


AGREES_WITH_THE_LESSON = {"m1_tokenization": m1_agrees, "m2_embeddings": m2_agrees,
                          "m3_tokenizer_zoo": m3_agrees, "m4_embedding_training": m4_agrees}


def test_a_failing_cell_names_the_notebook_and_the_error(tmp_path):
    broken = tmp_path / "m9_broken.py"
    broken.write_text("# %% [markdown]\n# # Broken\n\n# %%\nraise ValueError('no such thing')\n",
                      encoding="utf-8")
    with pytest.raises(notebooks.NotebookError, match=r"m9_broken\.py: ValueError: no such thing"):
        notebooks.execute(broken, code="solutions", timeout=60)
