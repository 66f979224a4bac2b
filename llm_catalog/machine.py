"""What this machine gives a process: the cores it may run on (for the pools of the history step and the site), and
which process table its pids belong to (for the bucket lock, to tell a dead holder on this machine)."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the platform has one (Linux), else the cores."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@functools.cache  # read on each lease renewal and poll; a process keeps its host, boot and namespace
def process_table() -> str:
    """Where a pid means this process table: the host name, the kernel's boot and the pid namespace. Two containers
    given one host name still differ by namespace, and a lease from before a reboot differs by boot."""
    parts = [os.uname().nodename]
    try:
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:  # no /proc (macOS): the host name alone, and a reused pid only makes a sync wait the term
        pass
    return " ".join(parts)


def pid_gone(pid: object) -> bool:
    """True only when no process ``pid`` exists here (one of another user's still exists)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False
