"""History: the snapshot's history tables, carried one step from the current snapshot's to the planned one, and
their own Great Expectations checks."""

import contextlib

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from assets.checks import expectation_specs, run_suites, validation_outcome
from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog import schemas
from llm_catalog.checks.guards import reject_share_guard
from llm_catalog.history import releases
from llm_catalog.history import step as history
from llm_catalog.readers.snapshot import bind
from llm_catalog.reconciliation.reconcile import one_source
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
    """The state, price disagreements and history tables of the snapshot the history is carried from (None: the
    first snapshot); those it has (an earlier release's snapshot has no disagreements)."""
    if snapshot_id is None:
        return None
    return bind(store, snapshot_id).read_tables((*history.INPUT_TABLES, *schemas.HISTORY))


def _read(files: dict[str, str]) -> dict[str, pa.Table]:
    return {name: pq.read_table(path) for name, path in files.items()}


@dg.asset(group_name="history", kinds={"parquet"})
def release_history(
    context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource, snapshot_plan: dict
) -> dict:
    """The snapshots of the bundled earlier releases this sync publishes before its own (none once the history has
    them): each release's map normalized like the map itself and held to the same reject-share guard, with the
    history carried through it from the current snapshot. Their tables wait in the run's scratch space for the
    publish; their values are validated where they enter the history tables (history_validation)."""
    plan = SnapshotPlan.from_dict(snapshot_plan)
    previous, previous_id = previous_state(warehouse.store(), plan.base_snapshot_id), plan.base_snapshot_id
    snapshots = []
    earlier_sources = snapshot_plan["earlier_sources"]
    # normalized in worker processes while this loop carries the history (closed: a refusal stops them)
    with contextlib.closing(releases.releases_tables([sources[0] for sources in earlier_sources])) as ready:
        for earlier, sources, normalized in zip(plan.earlier, earlier_sources, ready, strict=True):
            payload = sources[0]
            name = f"{payload['source']} ({payload['origin']})"
            guard = reject_share_guard(
                normalized.tables["rejects"],
                normalized.tables["routes"].num_rows,
                source=name,
                max_share=catalog.max_reject_share,
            )
            if not guard.passed:
                raise dg.Failure(f"earlier release {payload['version']}: {guard.description}")
            state = one_source(payload["source"], normalized.tables)  # the catalog of the map alone
            tables = releases.carry(previous, previous_id, earlier.snapshot_id, earlier.as_of, state)
            folder = warehouse.run_dir(context.run_id) / "release_history" / earlier.snapshot_id
            folder.mkdir(parents=True, exist_ok=True)
            files = {}
            for table_name, table in tables.items():
                files[table_name] = str(folder / f"{table_name}.parquet")
                pq.write_table(table, files[table_name])
            snapshots.append(
                {
                    "snapshot_id": earlier.snapshot_id,
                    "sources": sources,
                    "files": files,
                    "rejects_by_rule": normalized.stats["rejects_by_rule"],
                }
            )
            context.log.info(
                f"{payload['version']} as of {earlier.as_of}: {tables['routes'].num_rows} routes, {guard.description}"
            )
            previous, previous_id = tables, earlier.snapshot_id
    context.add_output_metadata({"snapshots": len(snapshots)})
    return {"snapshots": snapshots}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(group_name="history", kinds={"duckdb"}, description=DESCRIPTIONS[name])
        for name in history.HISTORY_TABLES
    },
    ins={name: dg.AssetIn(name) for name in (*history.INPUT_TABLES, "snapshot_plan", "release_history")},
)
def history_tables(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    snapshot_plan: dict,
    release_history: dict,
    **state: pa.Table,
):
    """The history tables after this sync: the current snapshot's (or the last earlier release's) plus what changed
    between it and this sync's routes, prices, limits and capabilities (sql/history), as of the planned snapshot;
    the price disagreements of both tell a source's correction from a price change."""
    plan = SnapshotPlan.from_dict(snapshot_plan)
    earlier = release_history["snapshots"]
    tables = history.step(
        _read(earlier[-1]["files"]) if earlier else previous_state(warehouse.store(), plan.previous_snapshot_id),
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
