"""Write the bytecode cache of every library module the course imports, once, at setup.

A sandboxed worker sees the file system read-only, so it cannot cache bytecode: a module
without a cached `.pyc` is compiled again on every import, in every worker (hundreds per
grade-all or test run). pip compiles all ~19 000 files of the environment at install, which
takes longer than installing; uv (what scripts/setup.sh installs with) compiles nothing. So
setup imports what the course uses, with bytecode writing on: exactly the modules a grade or
a lesson loads get their cache, in a third of the time.

What is imported: every module of the reference solutions (so every library a submission
that follows the lessons imports) and the libraries the grader, the tests and the course
tools load, in two processes side by side. A library missing from the environment is
reported and skipped: setup has already said why it could not be installed.

    .venv/bin/python scripts/warm_bytecode.py
"""

from __future__ import annotations

import importlib
import os
import py_compile
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Two groups of about equal cost, warmed side by side. The second starts with the large
# libraries sentence-transformers loads after torch, so the first mostly finds them done.
GROUPS = {
    "models": ["numpy", "torch", "torch.nn.functional", "regex", "tiktoken",
               "tiktoken_ext.openai_public", "tokenizers", "sentencepiece", "transformers",
               "transformers.models.auto.tokenization_auto", "sympy", "sentence_transformers",
               "threadpoolctl", "tqdm.auto", "msgpack", "jinja2", "huggingface_hub",
               "SOLUTIONS"],
    "tools": ["scipy.sparse", "scipy.stats", "sklearn.metrics", "pandas", "pytest",
              "xdist", "hypothesis", "rich", "matplotlib.pyplot", "yaml", "nbformat",
              "nbclient", "jupytext", "jupyter_client", "ipykernel.kernelapp", "markdown_it",
              "mkdocs.commands.build", "playwright.sync_api", "otter", "otter.assign",
              "otter.grade", "nbgrader.apps", "nbgrader.preprocessors"],
}


def solution_modules() -> list[str]:
    names = []
    for module in sorted((ROOT / "solutions").glob("m*/")):
        names += [f"{module.name}.{path.stem}" for path in sorted(module.glob("*.py"))
                  if path.stem != "__init__"]
    return names


def warm(names: list[str]) -> int:
    """Import `names` with bytecode writing on; report (not fail on) what is missing."""
    sys.dont_write_bytecode = False
    sys.path.insert(0, str(ROOT / "solutions"))
    missing = []
    for name in names:
        for module in solution_modules() if name == "SOLUTIONS" else [name]:
            try:
                importlib.import_module(module)
            except Exception as exc:  # a library that failed to install or to load
                missing.append(f"{module} ({type(exc).__name__}: {str(exc)[:120]})")
    # Modules loaded before writing was switched on (the ones Python's start imports through
    # .pth files, every worker loads them too) are compiled directly.
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        source = getattr(module, "__file__", None) or ""
        if spec is not None and spec.cached and source.endswith(".py") \
                and not os.path.exists(spec.cached):
            try:
                py_compile.compile(source, cfile=spec.cached, doraise=True)
            except (OSError, py_compile.PyCompileError):
                pass  # not writable (a system module): nothing a setup can do
    if missing:
        print("warm_bytecode: not imported, so not cached: " + "; ".join(missing),
              file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if argv:
        return warm(GROUPS[argv[0]])
    children = [subprocess.Popen([sys.executable, __file__, group]) for group in GROUPS]
    return max(child.wait() for child in children)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
