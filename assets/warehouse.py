"""Warehouse: plan the snapshot this sync publishes, then write the validated tables as one immutable, versioned
Parquet snapshot and move the pointer."""

from collections import Counter

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from assets.checks import VALIDATED
from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.history import releases
from llm_catalog.history.step import HISTORY_TABLES
from llm_catalog.registry import BY_NAME, SOURCES
from llm_catalog.sources.source import ingest_release
from llm_catalog.warehouse.publish import SnapshotPlan
from llm_catalog.warehouse.version import code_version

SOURCE_ASSETS = [source.asset for source in SOURCES]


@dg.asset(group_name="publish", ins={name: dg.AssetIn() for name in SOURCE_ASSETS}, kinds={"json"})
def snapshot_plan(
    context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource, **payloads: dict
) -> dict:
    """The snapshot this sync publishes: its id (the time of the plan and the fingerprint of the sources and code),
    the snapshot it follows and the date its data describes (the map's release date when it says, else today).
    Before it, the snapshots of the bundled earlier releases of the map that the warehouse's history lacks (a fresh
    warehouse gets a year of history). Decided first, because the history names them; the publish refuses the
    plan if the current snapshot changed meanwhile."""
    store = warehouse.store()
    litellm = payloads[BY_NAME["litellm"].asset]
    latest = store.latest_as_of()
    as_of = releases.sync_as_of(catalog.as_of, litellm.get("released"), latest)
    earlier = []
    if catalog.release_history and litellm["origin"].startswith("bundled:"):
        source = BY_NAME["litellm"]
        for release in releases.pending(
            source.bundled.earlier_releases(), after=latest, before=as_of, current_sha256=litellm["sha256"]
        ):
            payload = ingest_release(source, release, raw_dir=warehouse.raw_dir, max_bytes=catalog.max_payload_bytes)
            earlier.append(([payload], releases.release_day(release["released"])))
    plan = store.plan(
        sources=[payloads[name] for name in SOURCE_ASSETS], code=code_version(), as_of=as_of, earlier=earlier
    )
    context.add_output_metadata(
        {
            "snapshot_id": plan.snapshot_id,
            "as_of": plan.as_of.isoformat(),
            "previous_snapshot_id": plan.previous_snapshot_id or "",
            "earlier_releases": dg.MetadataValue.json(
                [{"snapshot_id": p.snapshot_id, "as_of": p.as_of.isoformat()} for p in plan.earlier]
            ),
        }
    )
    # each earlier snapshot's payload, for the history step and the publish (none planned when nothing changed)
    earlier_sources = [sources for sources, _ in earlier] if plan.earlier else []
    return {**plan.to_dict(), "earlier_sources": earlier_sources}


def _passed_reports(validation: dict, history_validation: dict) -> list[dict]:
    """This run's Great Expectations reports, in the order a snapshot keeps them; a table without a passing one is
    never published (the blocking checks stop a run before; this holds for runs of part of the graph too)."""
    reports = []
    for found, names in ((validation, [*VALIDATED, "route_modalities"]), (history_validation, list(schemas.HISTORY))):
        for name in names:
            report = found.get(name)
            if report is None:
                raise PublishError(
                    f"no validation result for {name} in this run: materialize the validation assets "
                    "with the tables (the sync job does)"
                )
            if not report["success"]:
                raise PublishError(f"{name} failed validation with {report['errors']} error(s); nothing published")
            reports.append(report)
    return reports


@dg.asset(
    group_name="publish",
    ins={
        name: dg.AssetIn()
        for name in [
            *VALIDATED,
            *HISTORY_TABLES,
            *SOURCE_ASSETS,
            "snapshot_plan",
            "release_history",
            "validation",
            "history_validation",
        ]
    },
    kinds={"parquet"},
)
def catalog_snapshot(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    snapshot_plan: dict,
    release_history: dict,
    validation: dict,
    history_validation: dict,
    **inputs,
) -> dict:
    """The published snapshot: the planned one when the inputs or the code changed, else the current one unchanged.
    The earlier releases' snapshots go first, oldest first, each whole before the next (a sync killed between them
    leaves the last one current, and the next sync goes on from it)."""
    sources = [inputs.pop(name) for name in SOURCE_ASSETS]  # the snapshot records which payload each used
    found = [inputs.pop("anomalies"), inputs.pop("model_rejects")]
    tables: dict[str, pa.Table] = {name: inputs[name] for name in (*schemas.TABLES, *HISTORY_TABLES)}
    # the catalog's warnings and what the model metadata sources left out are published with the sources' rejects
    tables["rejects"] = pa.concat_tables([tables["rejects"], *found])
    reports = _passed_reports(validation, history_validation)
    rejects = tables["rejects"].to_pylist()
    stats = {
        "rejects_by_rule": dict(Counter(f"{r['rule']} ({r['severity']})" for r in rejects)),
        "unknown_fields": sorted({r["field"] for r in tables["extra_fields"].to_pylist() if not r["known"]}),
    }
    plan = SnapshotPlan.from_dict(snapshot_plan)
    store = warehouse.store()
    for earlier, snapshot in zip(plan.earlier, release_history["snapshots"], strict=True):
        store.publish(
            {name: pq.read_table(path) for name, path in snapshot["files"].items()},
            earlier,
            sources=snapshot["sources"],
            stats={"rejects_by_rule": snapshot["rejects_by_rule"], "earlier_release": True},
            required=schemas.EARLIER_SNAPSHOT,
        )
    result = store.publish(tables, plan, sources=sources, stats=stats, validation=reports)
    context.add_output_metadata(
        {
            "published": result.published,
            "snapshot_id": result.snapshot_id,
            "warehouse": dg.MetadataValue.path(store.location),
            "row_counts": dg.MetadataValue.json({k: v["rows"] for k, v in result.manifest["tables"].items()}),
        }
    )
    context.log.info(
        f"published snapshot {result.snapshot_id}"
        if result.published
        else f"inputs and code unchanged: {result.snapshot_id} stays current, nothing published"
    )
    return {"published": result.published, "snapshot_id": result.snapshot_id}
