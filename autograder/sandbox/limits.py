"""What one sandboxed worker may use: memory, CPU time, files, processes, output, and the
time budgets of a call, a test and a module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker. Memory is enforced twice: an address-space cap the
    kernel applies (a huge allocation fails at once with MemoryError) and a resident-memory
    cap on all the worker's processes together, watched from outside (slow growth is stopped
    before it hurts the machine). `call_seconds`, when set, caps every call's wall-clock
    timeout whatever a test asks for (a grading run in a hurry). Replies are capped in bytes
    and in containers, so no reply can blow up in the trusted process when decoded.

    Time is budgeted three ways: one call (`call_seconds`, or the test's `call_timeout`), one
    test (`test_seconds`, at least twice the test's call timeout) and one module of one
    submission (`module_seconds`). When a budget runs out the rest of the grade is still made:
    the test, or the module's remaining tests, fail with a message naming the budget."""

    memory_bytes: int = 2 << 30
    address_space_bytes: int = 16 << 30
    cpu_seconds: int = 900
    file_bytes: int = 64 << 20
    scratch_bytes: int = 64 << 20
    processes: int = 64
    open_files: int = 1024
    output_bytes: int = 16 << 20
    reply_bytes: int = 64 << 20
    reply_containers: int = 4_000_000
    call_seconds: float | None = None
    test_seconds: float = 120.0
    module_seconds: float = 900.0



def mib(n: int) -> str:
    """A size as a limit message shows it: "64 MiB", "2 GiB"."""
    return f"{n / (1 << 20):g} MiB" if n < (1 << 30) else f"{n / (1 << 30):g} GiB"
