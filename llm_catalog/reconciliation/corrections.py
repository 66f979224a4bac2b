"""Corrections apart from changes: a chosen price that moved because the source that changed moved to agree with
the others is a ``correction``, not a price change (sql/reconciliation/corrections.sql).

Each snapshot's per-source price statements are rebuilt from what it publishes: ``price_disagreements`` lists every
source's value where they disagree; elsewhere every source in ``sources_stating`` agreed with the chosen price (within
0.5%). A source *moved* when its value now does not agree with its value before (or it did not state the price
before). The chosen price's move is a ``correction`` when at least one source moved, every source that moved now
states the new price, and a source that did not move stated the new price already; any other move is ``price``."""

from __future__ import annotations

import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.reconciliation.choose import CHOSEN_PRICES, PRICE_DISAGREEMENTS
from llm_catalog.reconciliation.reconcile import connect
from llm_catalog.reconciliation.sqlfiles import run

PRICE_CORRECTIONS = pa.schema(
    [
        *schemas.PRICE_KEY,
        pa.field("old_usd", pa.float64(), nullable=False),
        pa.field("new_usd", pa.float64(), nullable=False),
        pa.field("change", pa.string(), nullable=False),  # correction | price
        pa.field("moved_sources", pa.list_(pa.string()), nullable=False),  # the sources whose value moved
    ]
)


def price_corrections(previous: dict[str, pa.Table], current: dict[str, pa.Table]) -> pa.Table:
    """For every price key whose chosen price moved between two snapshots (each: ``prices`` and
    ``price_disagreements`` as ``reconcile`` makes them): the move, and whether it is a correction."""
    con = connect()
    for when, tables in (("previous", previous), ("current", current)):
        con.register(f"{when}_prices", tables["prices"].cast(CHOSEN_PRICES))
        con.register(f"{when}_disagreements", tables["price_disagreements"].cast(PRICE_DISAGREEMENTS))
    run(con, "corrections.sql")
    table = con.sql(
        "SELECT * FROM price_corrections ORDER BY route_id, price_kind, tier, condition NULLS FIRST, unit"
    ).to_arrow_table()
    con.close()
    return table.cast(PRICE_CORRECTIONS)
