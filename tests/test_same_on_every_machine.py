"""The reference grade and the figures the course publishes are the same on every machine.

A different CPU or BLAS build changes the last bits of every dot product: the order of the
sums changes with the SIMD kernel and the number of threads. Wherever a pick depends on those
bits (a nearest neighbour among equal vectors), a grade or a README figure would change from
machine to machine; the contract's tie rule (scores within 1e-9 are tied, the lower index
wins) is what prevents it. This file checks it: the reference grade of the modules that rank
float scores, and the figures of Module 2's README, computed in fresh processes under

- one BLAS thread and OpenBLAS's kernel for this CPU, and
- two threads and OpenBLAS's oldest generic kernel (`OPENBLAS_CORETYPE=Prescott`, as on
  another CPU; the grader's worker keeps `OPENBLAS_CORETYPE`, so student code sees it too),

must be identical, and within each process the figures must not change when every vector's
dimensions are reversed (each dot product summed in the opposite order). Figures that are
picks (accuracies, recall, MRR) must be equal to the bit; means of cosines may differ in the
last bits but not in the three decimals the README prints. Module 1's and
Module 3's grades rank integers and strings only; they are left out to keep the suite fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import REPO_ROOT

MODULES = ["m2_embeddings", "m4_embedding_training"]
MACHINES = {
    "1 thread, this CPU's kernel": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                                    "MKL_NUM_THREADS": "1"},
    "2 threads, generic kernel": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2",
                                  "MKL_NUM_THREADS": "2", "OPENBLAS_CORETYPE": "Prescott"},
}

MEASURE = textwrap.dedent("""
    import json, sys
    import numpy as np
    sys.path.insert(0, "solutions")
    from autograder.runner import grade
    from m2_embeddings import contextual, search

    def figures():
        return {"pitch": contextual.compare_pitch(), "search": search.compare(k=5)}

    plain = figures()
    result = grade("solutions", modules=MODULES)
    # Every vector's dimensions reversed: the same cosines, each summed in the other order.
    load_pitch, embed = contextual.load_pitch, search.semantic_search
    def reversed_pitch(*args):
        sentences, table = load_pitch(*args)
        for s in sentences:
            s.contextual = np.ascontiguousarray(s.contextual[..., ::-1])
        return sentences, np.ascontiguousarray(table[..., ::-1])
    def reversed_search(query, docs, embed_fn, k):
        flipped = lambda texts: np.ascontiguousarray(np.asarray(embed_fn(texts))[..., ::-1])
        return embed(query, docs, flipped, k)
    contextual.load_pitch, search.semantic_search = reversed_pitch, reversed_search
    print(json.dumps({
        "figures": plain,
        "figures, dimensions reversed": figures(),
        "grade": [[t.name, t.status, t.score, t.output] for t in result.tests],
        "score": result.score,
    }))
""")


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    """What each machine measured, run side by side in fresh processes."""
    cache = tmp_path_factory.mktemp("embedding-cache")  # the shipped vectors only
    runs = {}
    for machine, variables in MACHINES.items():
        env = {**os.environ, **variables, "TOKENS_EMBEDDINGS_CACHE": str(cache)}
        runs[machine] = subprocess.Popen(
            [sys.executable, "-c", f"MODULES = {MODULES!r}\n{MEASURE}"], cwd=REPO_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for machine, process in runs.items():
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, f"{machine}: {stderr[-2000:]}"
        out[machine] = json.loads(stdout.strip().splitlines()[-1])
    return out


# Figures that come from picks (nearest neighbours, rankings) must be identical; the others
# (means of cosines) may differ in the last bits but never in what the README prints.
PICKED = {"accuracy", "recall@5", "mrr"}


def assert_same_figures(a: dict, b: dict, where: str) -> None:
    for group in a:
        for kind in a[group]:
            for name, x in a[group][kind].items():
                y, what = b[group][kind][name], f"{where}: {group} {kind} {name}"
                if name in PICKED:
                    assert x == y, f"{what}: {x!r} and {y!r}"
                assert abs(x - y) <= 1e-9 and round(x, 3) == round(y, 3), f"{what}: {x!r}, {y!r}"


@pytest.mark.slow
def test_reversed_summation_order_changes_no_figure(measured):
    for machine, run in measured.items():
        assert_same_figures(run["figures"], run["figures, dimensions reversed"], machine)


@pytest.mark.slow
def test_figures_and_reference_grade_agree_across_machines(measured):
    (first, a), (second, b) = measured.items()
    assert_same_figures(a["figures"], b["figures"], f"{first} versus {second}")
    assert a["score"] == b["score"] == 100 * len(MODULES)
    differ = [(x, y) for x, y in zip(a["grade"], b["grade"]) if x != y]
    assert len(a["grade"]) == len(b["grade"]) and not differ, differ[:3]
