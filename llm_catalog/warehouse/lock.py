"""One writer per warehouse: an advisory ``flock`` on the warehouse folder itself.

The lock is on the folder, not on a file in it: a lock file can be deleted under a running sync, and the next sync
would then lock a new file of the same name and run beside it. The kernel drops the lock when its process dies,
however it dies, so a lock left by a killed sync is recovered by the next one without guessing from pids. The
holder's pid and start time are written to ``<warehouse>/.lock`` only for the message another sync prints.
Re-entrant within a process: the CLI holds it for a whole sync and the publish step takes it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from llm_catalog.errors import PublishError

_held: dict[Path, tuple[int, int]] = {}  # warehouse folder -> (fd of the folder, depth)


class WarehouseLock:
    def __init__(self, root: Path, *, timeout: float = 600.0, poll: float = 0.2):
        self.root = Path(root)
        self.key = self.root.resolve()  # one lock per folder, however its path is spelled
        self.path = self.root / ".lock"  # who holds the lock, for the message only
        self.timeout = timeout
        self.poll = poll

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return "another process"
        return f"pid {info.get('pid')} ({info.get('command', '?')}, since {info.get('since', '?')})"

    def __enter__(self) -> WarehouseLock:
        if self.key in _held:
            fd, depth = _held[self.key]
            _held[self.key] = (fd, depth + 1)
            return self
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    os.close(fd)
                    raise PublishError(
                        f"warehouse {self.root} is locked by {holder}; gave up after {self.timeout:g}s "
                        "(another sync is running; try again when it ends)"
                    ) from None
                time.sleep(self.poll)
        info = {
            "pid": os.getpid(),
            "command": " ".join(sys.argv[:3]),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _held[self.key] = (fd, 1)
        with contextlib.suppress(OSError):  # e.g. a full disk: only a waiting sync's message misses it
            self.path.write_text(json.dumps(info))
        return self

    def check_held(self) -> None:
        """Nothing: the kernel holds a flock until its process ends."""

    def __exit__(self, *exc) -> None:
        fd, depth = _held[self.key]
        if depth > 1:
            _held[self.key] = (fd, depth - 1)
            return
        del _held[self.key]
        with contextlib.suppress(OSError):
            self.path.write_text("")
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
