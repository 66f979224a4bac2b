"""Where a warehouse keeps what, how a file is written there, and the named steps a publish marks.

Every path is relative to the warehouse root::

    <table>/snapshot=<id>/part-0.parquet   one folder per table and snapshot (hive-partitioned by snapshot)
    manifests/<id>.json                    sources, code version, row counts, file checksums
    CURRENT                                the current snapshot id; replaced last, atomically
    raw/<source>/<sha256>.gz               every raw payload ever ingested, content-addressed
    validation/<id>.json                   the Great Expectations results the snapshot passed
    _staging/<id>/                         a publish in progress (never read by consumers)
    _io/                                   the Dagster run's working storage (never read by consumers)
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

POINTER = "CURRENT"
MANIFESTS = "manifests"
STAGING = "_staging"
VALIDATION = "validation"
RAW = "raw"
PART = "part-0.parquet"
RUN_SCRATCH = "_io/runs"  # a Dagster run's working storage, one folder per run id (assets.resources.work_dir)

# The audit event (sys.audit) a publish and its cleanup raise at each named step: removing_leftovers,
# writing_parquet, tables_moved, manifest_written, pointer_moved. With no audit hook installed it costs nothing and
# does nothing; the crash tests install one (tests/warehouse/paused_cli.py) that stops the process at a step.
STEP_EVENT = "llm_catalog.warehouse.step"


def reached(root: Path, step: str) -> None:
    """Mark that a publish (or its cleanup) in ``root`` reached ``step``."""
    sys.audit(STEP_EVENT, step, str(root))


def fsync_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
