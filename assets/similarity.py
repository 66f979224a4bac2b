"""Similarity: for every route, the closest routes of other base models on five lenses, and the other routes of
its own base model ranked by price. DuckDB SQL under sql/similarity."""

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from assets.resources import CatalogSettings


@dg.multi_asset(
    outs={
        "similar_models": dg.AssetOut(
            group_name="similarity",
            kinds={"duckdb", "parquet"},
            description="Per route and lens (overall, cost, modality, capabilities, context, quality), the top K "
            "routes of other base models, one per model and provider, with the component scores and the reasons "
            "each is close.",
        ),
        "alternatives": dg.AssetOut(
            group_name="similarity",
            kinds={"duckdb", "parquet"},
            description="Per route, the other routes of the same base model, cheapest first (3 input : 1 output "
            "per 1M tokens), with the price, context and capability differences.",
        ),
    },
)
def similarity_tables(
    context: dg.AssetExecutionContext,
    catalog: CatalogSettings,
    routes: pa.Table,
    prices: pa.Table,
    limits: pa.Table,
    capabilities: pa.Table,
    benchmarks: pa.Table,
):
    # imported here: the kernel's numba (0.2 s) is for a sync that computes, not for every command that loads
    # the definitions (an unchanged sync, the sensor)
    from llm_catalog.similarity import lists

    tables = lists.compute(
        {"routes": routes, "prices": prices, "limits": limits, "capabilities": capabilities, "benchmarks": benchmarks},
        k=catalog.similar_k,
    )
    for name, table in tables.items():
        yield dg.Output(
            table,
            output_name=name,
            metadata={
                "dagster/row_count": table.num_rows,
                "routes_with_rows": pc.count_distinct(table.column("route_id")).as_py(),
            },
        )
