"""Where a warehouse keeps what, how a file is written there, and the named steps a publish marks.

Every path is relative to the warehouse root::

    <table>/snapshot=<id>/part-0.parquet   one folder per table and snapshot (hive-partitioned by snapshot)
    manifests/<id>.json                    sources, code version, row counts, file checksums
    CURRENT                                the current snapshot id; replaced last, atomically
    raw/<source>/<sha256>.gz               every raw payload ever ingested, content-addressed
    validation/<id>.json                   the Great Expectations results the snapshot passed
    _io/                                   the Dagster run's working storage (never read by consumers)
    .lock                                  who holds the one-writer lock (a bucket's lease object)

A folder and an S3 bucket prefix have the same layout (``storage``); a bucket's ``_io/`` and Dagster's run storage
stay in the syncing machine's work folder. Older publishes staged tables under ``_staging/<id>/``; the next
sync's cleanup still removes one left there.
"""

from __future__ import annotations

import re
import sys

from llm_catalog.errors import PublishError

POINTER = "CURRENT"
MANIFESTS = "manifests"
STAGING = "_staging"
VALIDATION = "validation"
RAW = "raw"
PART = "part-0.parquet"
RUN_SCRATCH = "_io/runs"  # a Dagster run's working storage, one folder per run id (assets.resources.work_dir)
# a snapshot id: the UTC time of its plan and the first 8 hex digits of its fingerprint; ids sort in publishing order
SNAPSHOT_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
SNAPSHOT_ID_FORMAT = "%Y%m%dT%H%M%SZ"


def check_snapshot_id(snapshot_id: str) -> str:
    """``snapshot_id`` if it has the form of one, else a PublishError naming it: an id becomes a file name in the
    warehouse, so anything else (``../elsewhere/m``) must never reach a path."""
    if not isinstance(snapshot_id, str) or not SNAPSHOT_ID.fullmatch(snapshot_id):
        raise PublishError(
            f"{snapshot_id!r} is not a snapshot id (an id looks like 20260301T123005Z-0123abcd; "
            "see `llm-catalog versions`)"
        )
    return snapshot_id


# The audit event (sys.audit) a publish and its cleanup raise at each named step: removing_leftovers,
# writing_parquet, tables_moved, manifest_written, pointer_moved. With no audit hook installed it costs nothing and
# does nothing; the crash tests install one (tests/warehouse/paused_cli.py) that stops the process at a step.
STEP_EVENT = "llm_catalog.warehouse.step"


def reached(location: str, step: str) -> None:
    """Mark that a publish (or its cleanup) in the warehouse at ``location`` reached ``step``."""
    sys.audit(STEP_EVENT, step, location)
