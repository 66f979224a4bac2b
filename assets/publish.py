"""Publish: write the validated tables as one immutable, versioned Parquet snapshot and move the pointer."""

import json
from collections import Counter
from datetime import date

import dagster as dg
import pyarrow as pa

from assets.checks import VALIDATED
from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.registry import SOURCES
from llm_catalog.warehouse.store import code_version

SOURCE_ASSETS = [source.asset for source in SOURCES]


def _validation_reports(warehouse: WarehouseResource, run_id: str) -> list[dict]:
    """This run's Great Expectations results; a table without a passing one is never published."""
    folder = warehouse.run_dir(run_id) / "validation"
    reports = []
    for name in [*VALIDATED, "route_modalities"]:
        path = folder / f"{name}.json"
        if not path.exists():
            raise PublishError(f"no validation result for {name} in this run: materialize the checks with the "
                               "assets (the sync job does)")
        report = json.loads(path.read_text())
        if not report["success"]:
            raise PublishError(f"{name} failed validation with {report['errors']} error(s); nothing published")
        reports.append(report)
    return reports


@dg.asset(
    group_name="publish",
    ins={name: dg.AssetIn() for name in [*VALIDATED, *SOURCE_ASSETS]},
    kinds={"parquet"},
)
def catalog_snapshot(context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource,
                     **inputs) -> dict:
    """The published snapshot: a new one when the inputs or the code changed, else the current one unchanged."""
    sources = [inputs.pop(name) for name in SOURCE_ASSETS]  # the snapshot records which payload each used
    found = inputs.pop("anomalies")
    tables: dict[str, pa.Table] = {name: inputs[name] for name in schemas.TABLES}
    tables["rejects"] = pa.concat_tables([tables["rejects"], found])  # warnings are published with the rejects
    validation = _validation_reports(warehouse, context.run_id)
    rejects = tables["rejects"].to_pylist()
    stats = {
        "rejects_by_rule": dict(Counter(f"{r['rule']} ({r['severity']})" for r in rejects)),
        "unknown_fields": sorted({r["field"] for r in tables["extra_fields"].to_pylist() if not r["known"]}),
    }
    as_of = date.fromisoformat(catalog.as_of) if catalog.as_of else None
    result = warehouse.store().publish(tables, sources=sources, code=code_version(), stats=stats, validation=validation,
                               as_of=as_of)
    context.add_output_metadata(
        {
            "published": result.published,
            "snapshot_id": result.snapshot_id,
            "warehouse": dg.MetadataValue.path(str(warehouse.root)),
            "row_counts": dg.MetadataValue.json({k: v["rows"] for k, v in result.manifest["tables"].items()}),
        }
    )
    context.log.info(
        f"published snapshot {result.snapshot_id}" if result.published
        else f"inputs and code unchanged: {result.snapshot_id} stays current, nothing published"
    )
    return {"published": result.published, "snapshot_id": result.snapshot_id}
