"""Publish: write the normalized tables as one immutable, versioned Parquet snapshot and move the pointer."""

from collections import Counter

import dagster as dg
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.warehouse import Warehouse, code_version
from pipelines.resources import CatalogSettings


@dg.asset(
    group_name="publish",
    ins={name: dg.AssetIn() for name in schemas.TABLES} | {"litellm_cost_map": dg.AssetIn()},
    kinds={"parquet"},
)
def catalog_snapshot(context: dg.AssetExecutionContext, catalog: CatalogSettings, **inputs) -> dict:
    """The published snapshot: a new one when the inputs or the code changed, else the current one unchanged."""
    source = inputs.pop("litellm_cost_map")
    tables: dict[str, pa.Table] = inputs
    rejects = tables["rejects"].to_pylist()
    stats = {
        "rejects_by_rule": dict(Counter(f"{r['rule']} ({r['severity']})" for r in rejects)),
        "unknown_fields": sorted({r["field"] for r in tables["extra_fields"].to_pylist() if not r["known"]}),
    }
    result = Warehouse(catalog.warehouse_path).publish(tables, sources=[source], code=code_version(), stats=stats)
    context.add_output_metadata(
        {
            "published": result.published,
            "snapshot_id": result.snapshot_id,
            "warehouse": dg.MetadataValue.path(str(catalog.warehouse_path)),
            "row_counts": dg.MetadataValue.json({k: v["rows"] for k, v in result.manifest["tables"].items()}),
        }
    )
    context.log.info(
        f"published snapshot {result.snapshot_id}" if result.published
        else f"inputs and code unchanged: {result.snapshot_id} stays current, nothing published"
    )
    return {"published": result.published, "snapshot_id": result.snapshot_id}
