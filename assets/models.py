"""Models: one row per base model, with its metadata from every model source present and per-field provenance."""

import dagster as dg
import pyarrow as pa

from llm_catalog.models import metadata as model_metadata
from llm_catalog.normalized.model_sources import (
    parse_llm_stats,
    parse_models_dev_api,
    parse_models_dev_metadata,
    parse_models_dev_tree,
)
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.sources.fetch import RawPayload


def _raw(payload: dict) -> tuple[RawPayload | None, str]:
    if payload.get("status") == "skipped":
        return None, ""
    raw = RawPayload.from_dict(payload)
    return raw, f"{raw.source} ({raw.origin})"


@dg.asset(group_name="normalized", kinds={"parquet"},
          description="One row per base model: family, display name, release date, knowledge cutoff, open weights, "
                      "parameter count, docs and weights links, and which source said each (provenance).")
def models(context: dg.AssetExecutionContext, routes: pa.Table, models_dev_metadata: dict, models_dev_api: dict,
           models_dev_tree: dict, llm_stats_tree: dict) -> pa.Table:
    raw, name = _raw(models_dev_metadata)
    metadata = parse_models_dev_metadata(raw.read_bytes(), source=name) if raw else None
    raw, name = _raw(models_dev_api)
    api, left_out = parse_models_dev_api(raw.read_bytes(), source=name) if raw else (None, [])
    raw, name = _raw(models_dev_tree)
    tree = parse_models_dev_tree(raw.read_bytes(), source=name) if raw else None
    raw, name = _raw(llm_stats_tree)
    stats = parse_llm_stats(raw.read_bytes(), source=name) if raw else None
    bases = set(routes.column("base_model").to_pylist())
    rows, counts = model_metadata.candidates(bases, default_resolver(), metadata=metadata, tree=tree, stats=stats,
                                             api=api)
    table = model_metadata.build(routes, rows)
    dated = sum(1 for d in table.column("release_date").to_pylist() if d)
    context.add_output_metadata({
        "dagster/row_count": table.num_rows,
        "with_release_date": dated,
        "placed_per_source": dg.MetadataValue.json({s: {"placed": p, "models": n} for s, (p, n) in counts.items()}),
        "fields_left_out": len(left_out),  # values that are not what their field holds (a date that is not one)
        "left_out": dg.MetadataValue.json(left_out[:50]),
    })
    for item in left_out:
        context.log.warning(f"models_dev_api: left out {item['entry']} {item['field']} {item['value']!r}: "
                            f"{item['message']}")
    return table
