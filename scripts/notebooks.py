"""Build and run the course notebooks (jupytext text files in course/notebooks/).

    .venv/bin/python scripts/notebooks.py build                   # -> build/notebooks/*.ipynb
    .venv/bin/python scripts/notebooks.py build --to DIR
    .venv/bin/python scripts/notebooks.py run                     # execute them on your exercises/
    .venv/bin/python scripts/notebooks.py run --code solutions m1_tokenization

A notebook is kept as a `# %%` Python file (diffs read like code; jupytext turns it into a
notebook and back: `jupytext --sync`). Its first code cell puts `exercises/` (your code) or
`solutions/` (the reference) on `sys.path`, chosen by the COURSE_CODE environment variable, so
the same notebook walks through the lesson with either. Running executes it with nbclient in a
fresh kernel, offline; with --save the executed notebook is written next to the built one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "course" / "notebooks"
BUILD = ROOT / "build" / "notebooks"


def sources() -> list[Path]:
    return sorted(NOTEBOOKS.glob("m*.py"))


def to_notebook(path: Path):
    import jupytext

    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    return notebook


def build_all(target: Path = BUILD) -> list[Path]:
    import nbformat

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sources():
        out = target / f"{path.stem}.ipynb"
        nbformat.write(to_notebook(path), out)
        written.append(out)
    return written


class NotebookError(Exception):
    """A cell failed: names the notebook, the cell and the error."""


def execute(path: Path, code: str = "exercises", timeout: int = 120):
    """Run one notebook (a jupytext source) in a fresh kernel; return the executed notebook."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = to_notebook(path)
    env = {"COURSE_CODE": code, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "MPLBACKEND": "Agg", "TOKENIZERS_PARALLELISM": "false"}
    previous = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
            # Local sockets rather than TCP: nothing listens on the network while a notebook runs.
            kernel = KernelManager(kernel_name="python3", transport="ipc",
                                   ip=str(Path(sockets) / "kernel"))
            client = NotebookClient(notebook, km=kernel, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
    except CellExecutionError as error:
        raise NotebookError(f"{path.name}: {error.ename}: {error.evalue}") from error
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="write the .ipynb notebooks")
    build.add_argument("--to", type=Path, default=BUILD)
    run = sub.add_parser("run", help="execute notebooks in a fresh kernel")
    run.add_argument("names", nargs="*", help="e.g. m1_tokenization (default: all)")
    run.add_argument("--code", choices=["exercises", "solutions"], default="exercises",
                     help="whose code the notebooks import (default: exercises, yours)")
    run.add_argument("--save", action="store_true", help="write the executed notebooks to build/notebooks")
    args = parser.parse_args(argv)
    if args.command == "build":
        for path in build_all(args.to):
            print(f"wrote {path}")
        return 0
    import nbformat

    chosen = [p for p in sources() if not args.names or p.stem in args.names]
    missing = set(args.names) - {p.stem for p in chosen}
    if missing:
        print(f"notebooks: no notebook called {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    failed = 0
    for path in chosen:
        try:
            notebook = execute(path, args.code)
        except NotebookError as error:
            print(f"FAILED {error}")
            failed += 1
            continue
        if args.save:
            BUILD.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, BUILD / f"{path.stem}.ipynb")
        print(f"ran {path.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
