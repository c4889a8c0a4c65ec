#!/usr/bin/env bash
# Run the repository's whole test suite (installs .venv/ first if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-grade
exec .venv/bin/python -m pytest "$@"
