"""History: the snapshot's history tables, carried one step from the current snapshot's to the planned one, and
their own Great Expectations checks."""

import dagster as dg
import pyarrow as pa

from assets.checks import expectation_specs, run_suites, validation_outcome
from assets.resources import WarehouseResource
from llm_catalog import schemas
from llm_catalog.history import step as history
from llm_catalog.readers.snapshot import bind
from llm_catalog.warehouse.publish import SnapshotPlan
from llm_catalog.warehouse.store import Warehouse

DESCRIPTIONS = {
    "price_history": "Since when each price holds: one row per route, price key and value, valid_from to valid_to.",
    "limit_history": "Since when each token limit holds, per route and limit.",
    "capability_history": "Since when each capability flag holds, per route and capability.",
    "changes": "Every difference between consecutive snapshots (added, removed, price, limit, capability, ...), "
    "the previous snapshot's changes plus what changed since it, named by the planned snapshot.",
}


def previous_state(store: Warehouse, snapshot_id: str | None) -> dict[str, pa.Table] | None:
    """The state and history tables of the snapshot the history is carried from (None: the first snapshot)."""
    if snapshot_id is None:
        return None
    return bind(store, snapshot_id).read_tables((*history.STATE_TABLES, *schemas.HISTORY))


@dg.multi_asset(
    outs={
        name: dg.AssetOut(group_name="history", kinds={"duckdb"}, description=DESCRIPTIONS[name])
        for name in history.HISTORY_TABLES
    },
    ins={name: dg.AssetIn(name) for name in (*history.STATE_TABLES, "snapshot_plan")},
)
def history_tables(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, snapshot_plan: dict, **state: pa.Table
):
    """The history tables after this sync: the current snapshot's plus what changed between it and this sync's
    routes, prices, limits and capabilities (sql/history), as of the planned snapshot."""
    plan = SnapshotPlan.from_dict(snapshot_plan)
    tables = history.step(
        previous_state(warehouse.store(), plan.previous_snapshot_id),
        state,
        snapshot_id=plan.snapshot_id,
        previous_snapshot_id=plan.previous_snapshot_id,
        as_of=plan.as_of,
    )
    for name in history.HISTORY_TABLES:
        yield dg.Output(tables[name], output_name=name, metadata={"dagster/row_count": tables[name].num_rows})


@dg.asset(
    group_name="history",
    ins={name: dg.AssetIn(name) for name in (*schemas.HISTORY, "routes")},
    check_specs=expectation_specs("history_validation", schemas.HISTORY),
    kinds={"great_expectations"},
)
def history_validation(context: dg.AssetExecutionContext, routes: pa.Table, **tables: pa.Table):
    """The Great Expectations reports of the history tables, by table; the publish keeps them beside the snapshot.
    One check per table, named after it: a critical failure blocks the publish."""
    yield from validation_outcome("history_validation", run_suites(list(schemas.HISTORY), tables, routes))
