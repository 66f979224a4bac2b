"""The versioned Parquet warehouse: immutable snapshots, a manifest per snapshot, and an atomically moved pointer.

One class for its users, made of one unit per job: reading (``reading``), publishing (``publish``), removing what is
no longer needed (``maintenance``) and checking files against their manifest (``verify``); where each file goes is in
``layout``, what a snapshot is made from in ``version``. Only one process writes at a time (``lock``); the next
publish removes what a killed one left.
"""

from __future__ import annotations

from llm_catalog.warehouse.publish import WarehousePublisher
from llm_catalog.warehouse.verify import WarehouseVerifier


class Warehouse(WarehousePublisher, WarehouseVerifier):
    """A warehouse folder: read it, plan and publish snapshots, clean it, verify it."""
