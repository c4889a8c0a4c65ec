"""The worker's processes as /proc shows them: finding them, measuring their memory and CPU
time, and signalling them. Measurements are taken here, from outside, never from the worker.
Every helper gives 0, "" or nothing when the process is gone."""

from __future__ import annotations

import os
import signal
import time

_TICKS = os.sysconf("SC_CLK_TCK")


def find_worker(unshare_pid: int) -> int:
    """The serving worker's pid: the child of the namespace's init, itself unshare's child.
    (Without it, measurements would fall back to unshare itself and strays go unnoticed.)"""
    for _ in range(100):
        init = only_child(unshare_pid)
        worker = only_child(init) if init else 0
        if worker:
            return worker
        time.sleep(0.01)
    return unshare_pid


def only_child(pid: int) -> int:
    """The child of `pid` (found through /proc; a just-started sandbox has exactly one)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(f"/proc/{entry}")
        if fields and int(fields[1]) == pid:
            return int(entry)
    return 0


def _stat_fields(path: str) -> list[str]:
    """The fields of a process's /proc stat after its name (state, parent, …); [] if gone.
    The name is in parentheses and may hold anything, spaces and ")" included."""
    try:
        with open(f"{path}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def namespace_pid(pid: int) -> str:
    """The pid of process `pid` inside its own PID namespace; "" unless that namespace is a
    nested one (then /proc seen through the process's root lists only its namespace)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    pids = line.split()[1:]
                    return pids[-1] if len(pids) > 1 else ""
    except OSError:
        pass
    return ""


def status_bytes(process: int | str, name: str) -> int:
    """A memory field of /proc/<pid>/status in bytes; `process` is a pid or a /proc path."""
    path = f"/proc/{process}" if isinstance(process, int) else process
    try:
        with open(f"{path}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def proportional_bytes(path: str) -> int:
    """A process's proportional set size (its share of every page it maps), in bytes."""
    try:
        with open(f"{path}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def signal_path(path: str, signum: int) -> None:
    """Signal the process of a /proc path (a pidfd: the path names exactly that process)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        signal.pidfd_send_signal(fd, signum)
    except OSError:
        pass
    finally:
        os.close(fd)


def process_state(path: str) -> str:
    """The state letter of the process at a /proc path ("R", "S", "T", "Z" …), "" if gone."""
    fields = _stat_fields(path)
    return fields[0] if fields else ""


def all_stopped(pid: int) -> bool:
    """True when every thread of process `pid` is stopped (or the process is gone): a
    SIGSTOP is delivered asynchronously, so a thread may run on briefly after it is sent."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    for task in tasks:
        state = process_state(f"/proc/{pid}/task/{task}")
        if state and state not in ("T", "t", "Z", "X"):
            return False
    return True


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid`."""
    fields = _stat_fields(f"/proc/{pid}")
    try:
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (IndexError, ValueError):
        return 0.0


def reset_peak_memory(pid: int) -> None:
    """Start process `pid`'s high-water mark of resident memory (VmHWM) again from now."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_uid(uid: int) -> None:
    """Kill every process of a worker's private uid (children that left the process group)."""
    for _ in range(3):
        if not signal_uid(uid, signal.SIGKILL):
            return
        time.sleep(0.01)


def signal_uid(uid: int, signum: int) -> bool:
    """Signal every live process of `uid`; whether there was any. A zombie (dead, waiting for
    its parent to collect its status) is not counted: no signal reaches it, nor is needed."""
    found = False
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid \
                    or process_state(f"/proc/{entry}") in ("Z", "X", ""):
                continue
            os.kill(int(entry), signum)
            found = True
        except (OSError, ProcessLookupError):
            continue
    return found
