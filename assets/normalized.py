"""Normalized tables: the cost map's entries as routes, prices, limits, capabilities, extra fields and rejects."""

import dagster as dg

from llm_catalog import schemas
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.sources.fetch import RawPayload

DESCRIPTIONS = {
    "routes": "One row per route (a model as one provider serves it), keyed by route_id = the cost map's key.",
    "prices": "Every price the map states: one row per (route, price_kind, tier, condition, unit).",
    "limits": "Token limits per route; null where the map is silent.",
    "capabilities": "supports_* flags per route; supported is null when the map does not say.",
    "extra_fields": "Every field not typed into another table, verbatim as JSON; known = false for new fields.",
    "rejects": "Entries and fields left out (severity error) or published with a flag (warning), with the rule.",
}


def _column_schema(name: str) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(f.name, str(f.type)) for f in schemas.NORMALIZED[name]])


@dg.multi_asset(
    outs={
        name: dg.AssetOut(
            group_name="normalized",
            description=DESCRIPTIONS[name],
            kinds={"parquet"},
            metadata={"dagster/column_schema": _column_schema(name)},
        )
        for name in schemas.NORMALIZED
    },
)
def litellm_tables(context: dg.AssetExecutionContext, litellm_cost_map: dict):
    payload = RawPayload.from_dict(litellm_cost_map)
    entries, duplicates = parse_payload(payload.read_bytes(), source=f"{payload.source} ({payload.origin})")
    result = normalize(entries, duplicates=duplicates)
    stats = result.stats
    for name, table in result.tables.items():
        metadata = {"dagster/row_count": table.num_rows}
        if name == "routes":
            metadata.update(
                {
                    "entries_in_map": stats["entries_total"],
                    "entries_left_out": stats["entries_left_out"],
                    "routes_without_family": stats["routes_without_family"],
                    "duplicate_routes": stats["duplicate_routes"],
                }
            )
        if name == "rejects":
            metadata["by_rule"] = dg.MetadataValue.json(stats["rejects_by_rule"])
        if name == "extra_fields":
            metadata["unknown_fields"] = dg.MetadataValue.json(stats["unknown_fields"])
        yield dg.Output(table, output_name=name, metadata=metadata)
