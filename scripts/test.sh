#!/usr/bin/env bash
# Run the repository's whole test suite (installs .venv/ first if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-grade
# The course site and playground tests drive a headless Chromium; install Debian's when we can.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "test: could not install chromium; the browser tests will be skipped" >&2
fi
# The test processes write the bytecode cache of what they import, as Python does by default.
# Where caching is off (PYTHONDONTWRITEBYTECODE), every test process would compile the
# libraries it imports again: notebook tools, otter, nbgrader, playwright (tens of seconds per
# run). Sandboxed workers cannot write at all; setup caches what they import.
unset PYTHONDONTWRITEBYTECODE
# One worker per core; a file's tests stay together on one worker (--dist loadfile), so a
# file's class fixtures (a module's reference grade) are computed once. TEST_WORKERS=0 runs
# everything in this process.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
