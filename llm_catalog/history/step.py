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
import pyarrow.compute as pc

from llm_catalog import schemas
from llm_catalog.paths import SQL_DIR
from llm_catalog.reconciliation.corrections import PRICE_CORRECTIONS, price_corrections

HISTORY_SQL = SQL_DIR / "history"
STATE_TABLES = ("routes", "prices", "limits", "capabilities")
# what the step reads of a snapshot: its state, and the price disagreements that tell a correction from a price change
INPUT_TABLES = (*STATE_TABLES, "price_disagreements")
PERIOD_TABLES = {"price_history": "prices", "limit_history": "limits", "capability_history": "capabilities"}
HISTORY_TABLES = (*PERIOD_TABLES, "changes")  # what ``step`` makes, in the order a snapshot lists them


def changes(
    old: dict[str, pa.Table], new: dict[str, pa.Table], *, snapshot_id: str, previous_snapshot_id: str, as_of: date
) -> pa.Table:
    """Every difference between two states of the catalog (sql/history/changes.sql); a price that moved because a
    source corrected itself to agree with the others is a ``correction`` (``price_moves``)."""
    con = _worded()
    for name in STATE_TABLES:
        con.register(f"old_{name}", old[name])
        con.register(f"new_{name}", new[name])
    con.register("price_moves", price_moves(old, new))
    con.execute("SET VARIABLE snapshot_id = ?", [snapshot_id])
    con.execute("SET VARIABLE previous_snapshot_id = ?", [previous_snapshot_id])
    con.execute("SET VARIABLE as_of = ?", [as_of.isoformat()])
    return con.sql((HISTORY_SQL / "changes.sql").read_text()).to_arrow_table().cast(schemas.CHANGES)


def price_statements(tables: dict[str, pa.Table]) -> dict[str, pa.Table] | None:
    """A snapshot's ``prices`` and ``price_disagreements``, from which every source's price statements are rebuilt;
    None when they cannot be: prices without their sources (a snapshot before reconciliation), or several sources
    and no disagreements table. A snapshot of one source (an earlier release of the map) had none to disagree: its
    missing table is an empty one."""
    prices = tables.get("prices")
    if prices is None or "sources_stating" not in prices.schema.names:
        return None
    disagreements = tables.get("price_disagreements")
    if disagreements is None:
        if (pc.max(pc.list_value_length(prices["sources_stating"])).as_py() or 0) > 1:
            return None
        disagreements = schemas.PRICE_DISAGREEMENTS.empty_table()
    return {"prices": prices, "price_disagreements": disagreements}


def price_moves(old: dict[str, pa.Table], new: dict[str, pa.Table]) -> pa.Table:
    """Every chosen price that moved between two states, a ``correction`` or a ``price`` change, with the sources
    whose statement moved (llm_catalog.reconciliation.corrections); empty when either state cannot say what its
    sources stated: then every move stays a price change."""
    before, after = price_statements(old), price_statements(new)
    if before is None or after is None:
        return PRICE_CORRECTIONS.empty_table()
    return price_corrections(before, after)


def _worded() -> duckdb.DuckDBPyConnection:
    """A connection with the macros that word a change for a person (sql/history/change_text.sql)."""
    con = duckdb.connect()
    con.execute((HISTORY_SQL / "change_text.sql").read_text())
    return con


def current_layout(earlier: pa.Table) -> pa.Table:
    """A changes table as the current schema has it, so the history a warehouse already holds carries on: one
    written before the typed columns is reworded and typed (sql/history/changes_upgrade.sql); one written before a
    column added at the end since (``moved_sources``) gets it empty (null)."""
    names = earlier.schema.names
    if names == schemas.CHANGES.names:
        return earlier
    if "new_supported" in names and names == schemas.CHANGES.names[: len(names)]:
        for added in schemas.CHANGES.names[len(names) :]:
            earlier = earlier.append_column(added, pa.nulls(earlier.num_rows, schemas.CHANGES.field(added).type))
        return earlier.cast(schemas.CHANGES)
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
    the first snapshot, whose changes are empty: nothing came before it). The ``price_disagreements`` of both, where
    they have them, tell corrections from price changes (``price_moves``)."""
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
