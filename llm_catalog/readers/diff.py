"""What changed between two published snapshots, as the newer one's published `changes` table records it (never
recomputed: the table is what every reader sees; one written before the typed columns is read in the current layout,
llm_catalog.history.step.current_layout)."""

from __future__ import annotations

import duckdb

from llm_catalog.errors import CatalogError
from llm_catalog.history.step import current_layout
from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.query import fetch_rows
from llm_catalog.readers.snapshot import bind
from llm_catalog.warehouse.store import Warehouse

# a correction (a source that corrected itself to agree with the others moved the chosen price) is counted and
# listed apart from price changes
CHANGE_TYPES = ("added", "removed", "price", "correction", "limit", "capability", "modality", "metadata")
DIFF_SQL = SQL_DIR / "readers" / "diff" / "changes.sql"


def snapshot_diff(warehouse: Warehouse, old: str | None = None, new: str | None = None) -> dict:
    """The changes recorded after snapshot ``old`` up to ``new`` (default: the current snapshot and the published
    one before it): ``{"old": {snapshot_id, as_of}, "new": {...}, "rows": [...]}``; a clear error for an unknown
    id, a single snapshot, ids in the wrong order or a snapshot older than the changes table."""
    old = bind(warehouse, old).snapshot_id if old is not None else None  # an unknown id: said first
    bound = bind(warehouse, new)
    new = bound.snapshot_id
    if old is None:
        earlier = [i for i in bound.published if i < new]
        if not earlier:
            raise CatalogError("diff needs two snapshots (see `llm-catalog versions`)")
        old = earlier[-1]
    if old > new:
        raise CatalogError(
            f"diff goes from an older snapshot to a newer one: {old} is newer than {new} (llm-catalog diff {new} {old})"
        )
    if bound.table_path("changes") is None:
        raise CatalogError(f"snapshot {new} predates the changes table: diff reads it from a newer snapshot")
    con = duckdb.connect()
    con.register("changes", current_layout(bound.read_tables(["changes"])["changes"]))
    rows = fetch_rows(con, DIFF_SQL.read_text(), {"old": old, "new": new})
    return {
        "old": {"snapshot_id": old, "as_of": warehouse.as_of(old)},
        "new": {"snapshot_id": new, "as_of": warehouse.as_of(new)},
        "rows": rows,
    }
