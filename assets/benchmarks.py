"""Benchmarks: every source's scores linked to the catalog's models, with their provenance."""

import dagster as dg
import pyarrow as pa

from llm_catalog.benchmarks.link import PRECEDENCE, link
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized.parsed import ParsedSource
from llm_catalog.registry import BY_NAME, parsed_asset, providing


@dg.multi_asset(
    outs={
        "benchmarks": dg.AssetOut(
            group_name="normalized",
            kinds={"parquet"},
            description="One row per benchmark figure linked to a base model or a route, "
            "with its source(s), evaluator, attribution and dates.",
        ),
        "benchmark_unmatched": dg.AssetOut(
            group_name="normalized",
            kinds={"parquet"},
            description="Source rows whose model the resolver could not place.",
        ),
    },
    ins={parsed_asset(s): dg.AssetIn(parsed_asset(s)) for s in providing("benchmarks")}
    | {"routes": dg.AssetIn("routes")},
)
def benchmark_tables(context: dg.AssetExecutionContext, routes: pa.Table, **parsed: dict):
    rows, pointers = [], {}
    for name in PRECEDENCE:  # the rows in precedence order
        found = ParsedSource.from_dict(parsed[parsed_asset(BY_NAME[name])])
        rows += found.scores
        pointers[name] = found.pointers  # models.dev's served routes point at model files: evidence for placing
    benchmarks, unmatched, rates = link(rows, routes, default_resolver(), pointers)
    yield dg.Output(
        benchmarks,
        output_name="benchmarks",
        metadata={"dagster/row_count": benchmarks.num_rows, "match_rate": dg.MetadataValue.json(rates)},
    )
    yield dg.Output(unmatched, output_name="benchmark_unmatched", metadata={"dagster/row_count": unmatched.num_rows})
