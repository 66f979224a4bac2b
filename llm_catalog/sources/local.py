"""Which local paths a source may be read from: regular files of data only, refused before a byte is read."""

from __future__ import annotations

import stat
from pathlib import Path

from llm_catalog.errors import SourceError

# the kernel's pseudo-files: regular files to stat(), but what they hold is the process's or the machine's state
# (/proc/self/environ is the environment), never a source's payload
KERNEL_FOLDERS = ("proc", "sys")
FILE_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def require_data_file(path: Path, source: str) -> None:
    """Refuse, before reading a byte, anything but a regular file of data: no such file, a device, a FIFO (which
    would block), a socket, a kernel pseudo-file under /proc or /sys (symlinks followed: /dev/stdin is one)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        raise SourceError(source, f"no such file: {path}") from None
    resolved = path.resolve()
    if len(resolved.parts) > 1 and resolved.parts[1] in KERNEL_FOLDERS:
        raise SourceError(
            source, f"{path} is a pseudo-file of the kernel (under /{resolved.parts[1]}), not a data file; give a file"
        )
    if not stat.S_ISREG(mode):
        kind = FILE_KINDS.get(stat.S_IFMT(mode), "a special file")
        raise SourceError(source, f"{path} is {kind}, not a data file; save it to a file first")
