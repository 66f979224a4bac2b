"""One writer per warehouse: an advisory ``flock`` on ``<warehouse>/.lock``.

The kernel drops the lock when its process dies, however it dies, so a lock left by a killed sync is recovered by
the next one without guessing from pids; the holder's pid and start time in the file are only for the message.
Re-entrant within a process: the CLI holds it for a whole sync and the publish step takes it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from llm_catalog.errors import PublishError

_held: dict[Path, tuple[int, int]] = {}  # lock path -> (fd, depth)


class WarehouseLock:
    def __init__(self, root: Path, *, timeout: float = 600.0, poll: float = 0.2):
        self.path = Path(root) / ".lock"
        self.timeout = timeout
        self.poll = poll

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return "another process"
        return f"pid {info.get('pid')} ({info.get('command', '?')}, since {info.get('since', '?')})"

    def __enter__(self) -> WarehouseLock:
        if self.path in _held:
            fd, depth = _held[self.path]
            _held[self.path] = (fd, depth + 1)
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
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
                        f"warehouse {self.path.parent} is locked by {holder}; gave up after {self.timeout:g}s "
                        "(another sync is running; try again when it ends)"
                    ) from None
                time.sleep(self.poll)
        info = {
            "pid": os.getpid(),
            "command": " ".join(sys.argv[:3]),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        _held[self.path] = (fd, 1)
        return self

    def __exit__(self, *exc) -> None:
        fd, depth = _held[self.path]
        if depth > 1:
            _held[self.path] = (fd, depth - 1)
            return
        del _held[self.path]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
