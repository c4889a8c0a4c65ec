"""What the sandbox costs: grade the reference of a module sandboxed and in-process.

    python benchmarks/bench_grading.py [--module m1_tokenization] [--repeat 3]

Both runs execute the same public and hidden tests on the reference solutions; the in-process
run imports the code into the grading process (no isolation, trusted code only). Reported:
wall time of each (best of --repeat) and the ratio.
"""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

from autograder.runner import SOLUTIONS, grade


def best_of(repeat: int, **kwargs) -> tuple[float, float]:
    times, score = [], 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        result = grade(SOLUTIONS, **kwargs)
        times.append(time.perf_counter() - start)
        score = result.score
    return min(times), score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", default="m1_tokenization")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sandboxed, score_sandboxed = best_of(args.repeat, modules=[args.module])
    in_process, score_in_process = best_of(args.repeat, modules=[args.module], in_process=True)
    table = Table(title=f"Grading {args.module} of the reference (best of {args.repeat})")
    for column in ("mode", "wall seconds", "score", "ratio"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    table.add_row("in-process (no isolation)", f"{in_process:.2f}", f"{score_in_process:g}", "1.00×")
    table.add_row("sandboxed worker", f"{sandboxed:.2f}", f"{score_sandboxed:g}",
                  f"{sandboxed / in_process:.2f}×")
    Console().print(table)


if __name__ == "__main__":
    main()
