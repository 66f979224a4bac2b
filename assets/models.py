"""Models: one row per base model, with its metadata from every model source present and per-field provenance."""

import dagster as dg
import pyarrow as pa

from llm_catalog.identity.resolver import default_resolver
from llm_catalog.models import metadata as model_metadata
from llm_catalog.normalized.parsed import ParsedSource
from llm_catalog.registry import parsed_asset, providing

MODEL_SOURCES = providing("model metadata")


@dg.asset(
    group_name="normalized",
    kinds={"parquet"},
    ins={parsed_asset(s): dg.AssetIn(parsed_asset(s)) for s in MODEL_SOURCES},
    description="One row per base model: family, display name, release date, knowledge cutoff, open weights, "
    "parameter count, docs and weights links, and which source said each (provenance).",
)
def models(context: dg.AssetExecutionContext, routes: pa.Table, **parsed: dict) -> pa.Table:
    found = {s.name: ParsedSource.from_dict(parsed[parsed_asset(s)]) for s in MODEL_SOURCES}
    bases = set(routes.column("base_model").to_pylist())
    rows, counts = model_metadata.candidates(bases, default_resolver(), found)
    table = model_metadata.build(routes, rows, {s.name: s.attribution for s in MODEL_SOURCES})
    left_out = [item | {"source": name} for name, source in found.items() for item in source.left_out]
    dated = sum(1 for d in table.column("release_date").to_pylist() if d)
    context.add_output_metadata(
        {
            "dagster/row_count": table.num_rows,
            "with_release_date": dated,
            "placed_per_source": dg.MetadataValue.json({s: {"placed": p, "models": n} for s, (p, n) in counts.items()}),
            "fields_left_out": len(left_out),  # values that are not what their field holds (a date that is not one)
            "left_out": dg.MetadataValue.json(left_out[:50]),
        }
    )
    for item in left_out:
        context.log.warning(
            f"{item['source']}: left out {item['entry']} {item['field']} {item['value']!r}: {item['message']}"
        )
    return table


@dg.asset(
    group_name="normalized",
    kinds={"parquet"},
    ins={parsed_asset(s): dg.AssetIn(parsed_asset(s)) for s in MODEL_SOURCES},
    description="What the model metadata sources left out (names with hidden code points, links a page may not "
    "show, dates that are none), in the rejects table's shape: published in `rejects`.",
)
def model_rejects(context: dg.AssetExecutionContext, **parsed: dict) -> pa.Table:
    found = {s.name: ParsedSource.from_dict(parsed[parsed_asset(s)]) for s in MODEL_SOURCES}
    table = model_metadata.left_out_rejects(found)
    context.add_output_metadata({"dagster/row_count": table.num_rows})
    return table
