"""Benchmarks: every source's scores linked to the catalog's models, with their provenance."""

from datetime import datetime

import dagster as dg
import pyarrow as pa

from llm_catalog.benchmarks.link import PARSERS, link
from llm_catalog.normalized.model_sources import parse_models_dev_tree
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.sources.fetch import RawPayload, is_url

SOURCE_ASSETS = {"model_cards": "model_cards", "models_dev": "models_dev_tree", "llm_stats": "llm_stats_tree",
                 "aider": "aider_leaderboard", "artificial_analysis": "artificial_analysis_models"}


@dg.multi_asset(
    outs={
        "benchmarks": dg.AssetOut(group_name="normalized", kinds={"parquet"},
                                  description="One row per benchmark figure linked to a base model or a route, "
                                              "with its source(s), evaluator, attribution and dates."),
        "benchmark_unmatched": dg.AssetOut(group_name="normalized", kinds={"parquet"},
                                           description="Source rows whose model the resolver could not place."),
    },
    ins={asset: dg.AssetIn(asset) for asset in SOURCE_ASSETS.values()} | {"routes": dg.AssetIn("routes")},
)
def benchmark_tables(context: dg.AssetExecutionContext, routes: pa.Table, **payloads: dict):
    rows, pointers = [], None
    for source, asset in SOURCE_ASSETS.items():
        payload = payloads[asset]
        if payload.get("status") == "skipped":
            context.log.info(f"{source}: skipped ({payload.get('note')})")
            continue
        raw = RawPayload.from_dict(payload)
        checked = datetime.fromisoformat(raw.fetched_at).date() if source != "model_cards" else None
        # a local copy's rows point at the upstream location, which a reader can open
        url = raw.origin if is_url(raw.origin) else None
        kwargs = {"checked": checked} | ({"url": url} if source != "model_cards" else {})
        name = f"{source} ({raw.origin})"
        rows += PARSERS[source](raw.read_bytes(), source=name, **kwargs)
        if source == "models_dev":  # the served routes' base_model pointers: evidence for placing model files
            pointers = parse_models_dev_tree(raw.read_bytes(), source=name).pointers
    benchmarks, unmatched, rates = link(rows, routes, default_resolver(), pointers)
    yield dg.Output(benchmarks, output_name="benchmarks",
                    metadata={"dagster/row_count": benchmarks.num_rows, "match_rate": dg.MetadataValue.json(rates)})
    yield dg.Output(unmatched, output_name="benchmark_unmatched",
                    metadata={"dagster/row_count": unmatched.num_rows})
