"""The versioned Parquet warehouse: immutable snapshots, a manifest per snapshot, and an atomically moved pointer.

One class for its users, made of one unit per job: reading (``reading``), publishing (``publish``), removing what is
no longer needed (``maintenance``) and checking files against their manifest (``verify``); where each file goes is in
``layout``, what a snapshot is made from in ``version``. Only one process writes at a time (``lock``); the next
publish removes what a killed one left.
"""

from __future__ import annotations

import os

from llm_catalog.paths import warehouse_location
from llm_catalog.warehouse.publish import WarehousePublisher
from llm_catalog.warehouse.verify import WarehouseVerifier


class Warehouse(WarehousePublisher, WarehouseVerifier):
    """A warehouse, in a folder or a bucket: read it, plan and publish snapshots, clean it, verify it."""


def open_warehouse(
    explicit: str | os.PathLike | None = None, *, s3_endpoint: str | None = None, lock_timeout: float = 600.0
) -> Warehouse:
    """The warehouse ``--warehouse`` (else ``$LLM_CATALOG_WAREHOUSE``, else data/warehouse) names: a folder, or an
    ``s3://BUCKET/PREFIX`` reached through ``s3_endpoint`` (else the AWS SDKs' settings)."""
    return Warehouse(warehouse_location(explicit), s3_endpoint=s3_endpoint, lock_timeout=lock_timeout)
