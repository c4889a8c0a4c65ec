#!/usr/bin/env bash
# Create .venv/ with the course's libraries and its grader, so that `pytest` and
# `autograder` work in this repository. Safe to run again: it reinstalls only when
# pyproject.toml or this script changed. The grading workflow runs this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (@@PYTHON_MIN_TUPLE@@))' 2>/dev/null; then
  echo "setup: Python @@PYTHON_MIN@@ or newer is needed (set PYTHON=/path/to/python3)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv

stamp=.venv/.installed
wanted=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  # The CPU build of torch: a fraction of the default download, and all this course needs.
  .venv/bin/python -m pip install --quiet "@@TORCH_REQUIREMENT@@" --index-url https://download.pytorch.org/whl/cpu
  .venv/bin/python -m pip install --quiet -e .
@@NO_DEPS_INSTALLS@@
  echo "$wanted" > "$stamp"
fi
echo "setup: ready. run the public tests with: .venv/bin/python -m pytest exercises"
