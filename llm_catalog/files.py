"""Writing a file so that no reader sees it half-written and every user may read it: the warehouse's pointer and
manifests, and the raw payloads the sources keep."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def fsync_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, fsync, rename. The file gets the
    mode the umask gives (0644 under 022), as the Parquet files do: other users read a warehouse too (mkstemp's
    0600 made CURRENT and the manifests unreadable to them). ``durable=False`` skips the fsyncs (a snapshot's table
    files: the fsynced manifest written after them is what makes the snapshot count)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
