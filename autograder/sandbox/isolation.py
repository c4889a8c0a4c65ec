"""How strongly this machine can isolate a worker (namespaces through `unshare`, or none),
and the record of what isolation a grade ran with."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field


@dataclass
class Isolation:
    """What isolation was in force; recorded with every grade."""

    network: str
    filesystem: str
    user: str
    processes: str = ""
    limits: dict = field(default_factory=dict)
    # "complete": network, mount and PID namespaces; "partial": namespaces without a PID
    # namespace; "weak": no namespace at all (sockets refused by an audit hook only).
    strength: str = "complete"

    @property
    def complete(self) -> bool:
        return self.strength == "complete"

    def as_dict(self) -> dict:
        return {"network": self.network, "filesystem": self.filesystem, "user": self.user,
                "processes": self.processes, "limits": self.limits,
                "strength": self.strength, "complete": self.complete}


def _probe_namespaces() -> list[str] | None:
    """The strongest `unshare` prefix that works here, or None when no namespace can be made.

    Preferred: network, mount and PID namespaces (the worker is the namespace's init, sees
    only its own processes, and everything it started dies with it); as a non-root user the
    same inside a user namespace."""
    if shutil.which("unshare") is None:
        return None
    pid = ["--pid", "--fork", "--kill-child", "--mount-proc"]
    base = ["unshare", "--net", "--mount"]
    user = ["unshare", "--user", "--map-root-user", "--net", "--mount"]
    candidates = [base + pid, base] if os.geteuid() == 0 else []
    candidates += [user + pid, user]
    for prefix in candidates:
        try:
            probe = subprocess.run(prefix + ["true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return None


_namespace_prefix: list[str] | None | bool = False


def namespace_prefix() -> list[str] | None:
    global _namespace_prefix
    if _namespace_prefix is False:
        _namespace_prefix = _probe_namespaces()
    return _namespace_prefix  # type: ignore[return-value]


def isolation_strength() -> str:
    """How strongly this machine can isolate a worker: "complete" (network, mount and PID
    namespaces), "partial" (namespaces, but no PID namespace) or "weak" (none: only an audit
    hook refuses sockets, and the worker can read what the grader's user can)."""
    prefix = namespace_prefix()
    if prefix is None:
        return "weak"
    return "complete" if "--pid" in prefix else "partial"


def open_to_everyone(paths: list[str]) -> bool:
    """Whether another uid could use these paths: every directory on the way searchable by
    all, every path itself readable by all."""
    for path in paths:
        path = os.path.realpath(path)
        parts = path.strip("/").split("/")
        try:
            for depth in range(len(parts)):
                if not os.stat("/" + "/".join(parts[:depth])).st_mode & 0o001:
                    return False
            if not os.stat(path).st_mode & 0o004:
                return False
        except OSError:
            return False
    return True
