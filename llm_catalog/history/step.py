"""History: what changed between snapshots and since when a value holds, for prices, limits and capabilities.

Each sync carries the history one step (the ``history_tables`` asset, before the publish): the new snapshot's history
tables are the previous snapshot's history tables plus what changed between the two (``sql/history``). So they always
agree with the snapshots they were made from, and they stay whole when old snapshots are removed (``llm-catalog gc``):
the current snapshot carries the past.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.paths import SQL_DIR

HISTORY_SQL = SQL_DIR / "history"
STATE_TABLES = ("routes", "prices", "limits", "capabilities")
PERIOD_TABLES = {"price_history": "prices", "limit_history": "limits", "capability_history": "capabilities"}
HISTORY_TABLES = (*PERIOD_TABLES, "changes")  # what ``step`` makes, in the order a snapshot lists them


def changes(
    old: dict[str, pa.Table], new: dict[str, pa.Table], *, snapshot_id: str, previous_snapshot_id: str, as_of: date
) -> pa.Table:
    """Every difference between two states of the catalog (sql/history/changes.sql)."""
    con = _worded()
    for name in STATE_TABLES:
        con.register(f"old_{name}", old[name])
        con.register(f"new_{name}", new[name])
    con.execute("SET VARIABLE snapshot_id = ?", [snapshot_id])
    con.execute("SET VARIABLE previous_snapshot_id = ?", [previous_snapshot_id])
    con.execute("SET VARIABLE as_of = ?", [as_of.isoformat()])
    return con.sql((HISTORY_SQL / "changes.sql").read_text()).to_arrow_table().cast(schemas.CHANGES)


def _worded() -> duckdb.DuckDBPyConnection:
    """A connection with the macros that word a change for a person (sql/history/change_text.sql)."""
    con = duckdb.connect()
    con.execute((HISTORY_SQL / "change_text.sql").read_text())
    return con


def current_layout(earlier: pa.Table) -> pa.Table:
    """A changes table as the current schema has it: one written before the typed columns is reworded and typed
    (sql/history/changes_upgrade.sql), so the history a warehouse already holds carries on."""
    if earlier.schema.names == schemas.CHANGES.names:
        return earlier
    con = _worded()
    con.register("earlier_changes", earlier)
    return con.sql((HISTORY_SQL / "changes_upgrade.sql").read_text()).to_arrow_table().cast(schemas.CHANGES)


def step(
    previous: dict[str, pa.Table] | None,
    new: dict[str, pa.Table],
    *,
    snapshot_id: str,
    previous_snapshot_id: str | None,
    as_of: date,
) -> dict[str, pa.Table]:
    """The history tables after publishing ``new`` on top of ``previous`` (its state and history tables; None for
    the first snapshot, whose changes are empty: nothing came before it)."""
    previous = previous or {}
    con = duckdb.connect()
    con.execute((HISTORY_SQL / "history_step.sql").read_text())
    con.execute("SET VARIABLE as_of = ?", [as_of.isoformat()])
    out = {}
    for table, source in PERIOD_TABLES.items():
        before = previous.get(table)
        con.register(f"previous_{table}", before if before is not None else schemas.HISTORY[table].empty_table())
        con.register(f"new_{source}", new[source])
        out[table] = con.sql((HISTORY_SQL / f"{table}.sql").read_text()).to_arrow_table().cast(schemas.HISTORY[table])
    earlier = current_layout(previous.get("changes", schemas.CHANGES.empty_table()))
    if previous_snapshot_id is not None and all(name in previous for name in STATE_TABLES):
        latest = changes(previous, new, snapshot_id=snapshot_id, previous_snapshot_id=previous_snapshot_id, as_of=as_of)
        out["changes"] = pa.concat_tables([earlier, latest])
    else:
        out["changes"] = earlier
    return out
