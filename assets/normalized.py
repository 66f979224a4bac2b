"""Normalized tables: each pricing source's payload as routes, prices, limits, capabilities, extra fields and
rejects (one multi-asset per source of the registry with a normalize hook, its tables under the source's name)."""

import dagster as dg

from llm_catalog import schemas
from llm_catalog.normalized.pricing import normalize_source
from llm_catalog.registry import PRICING
from llm_catalog.sources.source import Source

DESCRIPTIONS = {
    "routes": "One row per route (a model as one provider serves it) the source lists, under the source's route id.",
    "prices": "Every price the source states: one row per (route, price_kind, tier, condition, unit).",
    "limits": "Token limits per route; null where the source is silent.",
    "capabilities": "supports_* flags per route; supported is null when the source does not say.",
    "extra_fields": "Every field not typed into another table, verbatim as JSON; known = false for new fields.",
    "rejects": "Entries and fields left out (severity error) or published with a flag (warning), with the rule.",
}
STATS = ("entries_total", "entries_left_out", "routes_without_family", "duplicate_routes", "providers_unmapped")


def column_schema(schema) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(f.name, str(f.type)) for f in schema])


def source_tables(source: Source, name: str) -> list[str]:
    """The asset key path of one of ``source``'s normalized tables."""
    return [source.name, name]


def pricing_inputs(*names: str) -> dict[str, dg.AssetIn]:
    """The inputs of a step that reads ``names`` of every pricing source's tables (``<source>__<name>``) and every
    pricing source's payload (by its asset's name)."""
    tables = {
        f"{source.name}__{name}": dg.AssetIn(key=dg.AssetKey(source_tables(source, name)))
        for source in PRICING
        for name in names
    }
    return {**tables, **{source.asset: dg.AssetIn(source.asset) for source in PRICING}}


def _normalized_asset(source: Source) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"{source.name}_tables",
        outs={
            name: dg.AssetOut(
                key=dg.AssetKey(source_tables(source, name)),
                group_name="normalized",
                description=f"{source.name}: {DESCRIPTIONS[name]}",
                kinds={"parquet"},
                metadata={"dagster/column_schema": column_schema(schema)},
            )
            for name, schema in schemas.NORMALIZED.items()
        },
        ins={"payload": dg.AssetIn(source.asset)},
    )
    def normalized(context: dg.AssetExecutionContext, payload: dict):
        result = normalize_source(source, payload)
        stats = result.stats
        if stats.get("skipped"):
            context.log.info(f"{source.name}: skipped ({stats['skipped']})")
        for name, table in result.tables.items():
            metadata = {"dagster/row_count": table.num_rows}
            if name == "routes":
                metadata.update({key: stats[key] for key in STATS if isinstance(stats.get(key), int)})
            if name == "rejects":
                metadata["by_rule"] = dg.MetadataValue.json(stats.get("rejects_by_rule", {}))
            if name == "extra_fields":
                metadata["unknown_fields"] = dg.MetadataValue.json(stats.get("unknown_fields", {}))
            yield dg.Output(table, output_name=name, metadata=metadata)

    return normalized


NORMALIZED_SOURCES = [_normalized_asset(source) for source in PRICING]
