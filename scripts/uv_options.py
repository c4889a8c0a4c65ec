"""Print, one per line, the uv options that say what this machine's pip configuration says.

scripts/setup.sh installs with uv, which does not read pip's configuration. A machine that
pip is set up for (wheels on a local disk through `find-links`, a mirror as `index-url`, a
`constraint` file) must install the same releases through uv, so setup passes these along:

    --find-links, --index-url, --extra-index-url and --constraint

from `pip config list` (its configuration files and PIP_* variables, the later ones winning
as in pip). Locations on this machine's disk that do not exist are left out: pip skips them
with a warning, uv would stop. Run by setup.sh with the virtual environment's Python.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

OPTIONS = {"find-links": "--find-links", "index-url": "--index-url",
           "extra-index-url": "--extra-index-url", "constraint": "--constraint"}
# "global.find-links='/opt/wheels'", "install.constraint='c.txt'", ":env:.find-links='…'"
_LINE = re.compile(r"^(global|install|:env:)\.([a-z-]+)=(.*)$")


def pip_settings(listing: str) -> dict[str, list[str]]:
    """The settings of `pip config list` that uv needs, each split into its values."""
    found: dict[str, dict[str, list[str]]] = {}
    for line in listing.splitlines():
        match = _LINE.match(line.strip())
        if match is None or match.group(2) not in OPTIONS:
            continue
        section, key, raw = match.groups()
        try:
            values = shlex.split(raw)
            values = shlex.split(values[0]) if len(values) == 1 else values
        except ValueError:
            continue
        found.setdefault(key, {})[section] = values
    # pip: environment variables beat the [install] section, which beats [global].
    return {key: next(by_section[s] for s in (":env:", "install", "global") if s in by_section)
            for key, by_section in found.items()}


def _present(location: str) -> bool:
    """False only for a location on this machine's disk that does not exist."""
    parsed = urlparse(location)
    if parsed.scheme in ("http", "https"):
        return True
    path = unquote(parsed.path) if parsed.scheme == "file" else location
    return Path(path).exists()


def uv_options(settings: dict[str, list[str]]) -> list[str]:
    options = []
    for key, flag in OPTIONS.items():
        for value in settings.get(key, []):
            if _present(value):
                options += [flag, value]
    return options


def main() -> int:
    try:
        listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listing = ""  # no pip configuration to pass on
    print("\n".join(uv_options(pip_settings(listing))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
