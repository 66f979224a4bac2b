"""Reconciliation: every pricing source's normalized tables made one catalog, one route per provider and model, a
value per field with the source it comes from and the rule that chose it, and every disagreement kept."""

import dagster as dg
import pyarrow as pa

from assets.normalized import column_schema, pricing_inputs
from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog import schemas
from llm_catalog.readers.snapshot import current_snapshot
from llm_catalog.reconciliation.catalog import reconcile_sources
from llm_catalog.registry import PRICING

DESCRIPTIONS = {
    "routes": "One row per route of the catalog (a model as one provider serves it), with every source listing it.",
    "prices": "Every price of the catalog: the value it believes per price key, its source, who states it, who "
    "agrees and the rule that chose it.",
    "limits": "Token limits per route, each the value the catalog believes (limit_provenance says whose).",
    "capabilities": "Capability flags the sources state, each with its source and rule.",
    "extra_fields": "Every field a source could not type, verbatim as JSON, on the catalog's route.",
    "rejects": "Every source's entries and fields left out (error) or flagged (warning), with the rule.",
    "route_sources": "How each source's route was matched to the catalog's route.",
    "limit_provenance": "Each limit of `limits` with its source, who states it, who agrees and the rule.",
    "price_disagreements": "The prices where a source disagrees with the chosen value: every source's value and date.",
    "limit_disagreements": "The limits where a source disagrees with the chosen value.",
    "capability_disagreements": "The capability flags where a source disagrees with the chosen value.",
}


def published_routes(warehouse: WarehouseResource) -> pa.Table | None:
    """The current snapshot's route_sources (None before the first reconciled snapshot): its route ids stay."""
    bound = current_snapshot(warehouse.store())
    return bound.read_tables(("route_sources",)).get("route_sources") if bound else None


RECONCILED = {**schemas.CATALOG, **schemas.RECONCILIATION}


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            group_name="reconciliation",
            description=DESCRIPTIONS[name],
            kinds={"duckdb", "parquet"},
            metadata={"dagster/column_schema": column_schema(schema)},
        )
        for name, schema in RECONCILED.items()
    },
    ins=pricing_inputs(*schemas.NORMALIZED),
)
def catalog_tables(context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource, **inputs):
    """sql/reconciliation: routes matched across sources, a value chosen per field (the provider's own statement,
    then agreement between independent sources, then the most recent; a known failure class never wins)."""
    payloads = {source.name: inputs[source.asset] for source in PRICING}
    normalized: dict[str, dict[str, pa.Table]] = {
        source.name: {name: inputs[f"{source.name}__{name}"] for name in schemas.NORMALIZED} for source in PRICING
    }
    reconciled = reconcile_sources(normalized, payloads, only=catalog.pricing(), published=published_routes(warehouse))
    stats = reconciled.stats
    for name, table in reconciled.tables.items():
        metadata = {"dagster/row_count": table.num_rows}
        if name == "routes":
            metadata["matching"] = dg.MetadataValue.json(stats["sources"])
        yield dg.Output(table, output_name=name, metadata=metadata)
