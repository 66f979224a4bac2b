"""Running a table's Great Expectations suite (llm_catalog.checks.suites): each validation in a fresh ephemeral GX
context, so runs never share state, its results as a plain report that the publish keeps beside the snapshot."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import great_expectations as gx
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from llm_catalog.checks.reconciliation_suites import RECONCILIATION_SUITES
from llm_catalog.checks.suites import CRITICAL, ROUTE_ID_COLUMNS, SUITES
from llm_catalog.normalized.litellm.vocabulary import PRICE_BOUNDS
from llm_catalog.paths import SQL_DIR

LISTS_SQL = SQL_DIR / "checks" / "lists"
# the tables of ranked lists, checked one row per list (a million rows of similar_models made validation most of a
# sync; every rule of a row is a rule of its list)
LIST_TABLES = ("similar_models", "alternatives")


def with_unknown_route_ids(table: pa.Table, route_ids: list[str]) -> pa.Table:
    known = pa.array(route_ids, pa.string())
    for column in ROUTE_ID_COLUMNS:
        if column in table.column_names:
            values = table.column(column)
            unknown = pc.if_else(pc.is_in(values, value_set=known), pa.scalar(None, pa.string()), values)
            table = table.append_column(f"unknown_{column}", unknown)
    return table


def _with_counts(table: pa.Table) -> pa.Table:
    """Plain columns for what the suites check in list columns: ``provenance_consistent`` (the chosen source
    agrees, and who agrees states), ``source_count`` (a route's sources), ``statement_count`` (a disagreement's)."""
    names = table.column_names
    if "sources_agreeing" in names:
        with duckdb.connect() as con:
            con.register("lists", table.select(["source", "sources_agreeing", "sources_stating"]))
            consistent = con.sql(
                "SELECT list_contains(sources_agreeing, source) AND list_has_all(sources_stating, sources_agreeing) "
                "FROM lists"
            ).to_arrow_table()
        table = table.append_column("provenance_consistent", consistent.column(0).cast(pa.bool_()))
    if "sources" in names:
        table = table.append_column("source_count", pc.list_value_length(table["sources"]))
    if "statements" in names:
        table = table.append_column("statement_count", pc.list_value_length(table["statements"]))
    return table


def with_prices_past_their_unit(prices: pa.Table) -> pa.Table:
    """prices (or price_history) plus ``usd_past_unit_bound``: the price where it is above its unit's plausible
    bound (vocabulary.PRICE_BOUNDS), else null."""
    units = pa.array(list(PRICE_BOUNDS), pa.string())
    bounds = pa.array([implausible for _, implausible in PRICE_BOUNDS.values()], pa.float64())
    # a unit without a bound has none: +inf
    bound = pc.fill_null(pc.take(bounds, pc.index_in(prices["unit"], value_set=units)), math.inf)
    past = pc.if_else(pc.greater(prices["usd"], bound), prices["usd"], pa.scalar(None, pa.float64()))
    return prices.append_column("usd_past_unit_bound", past.cast(pa.float64()))


def route_modalities(routes: pa.Table) -> pa.Table:
    """routes' list columns, one row per (route, direction, modality): the shape GX checks value by value."""
    parts = []
    for direction, column in (("input", "input_modalities"), ("output", "output_modalities")):
        lists = routes.column(column).combine_chunks()
        owners = pc.list_parent_indices(lists)
        parts.append(
            pa.table(
                {
                    "route_id": routes.column("route_id").take(owners),
                    "direction": pa.repeat(direction, len(owners)),
                    "modality": pc.list_flatten(lists),
                }
            )
        )
    return pa.concat_tables(parts).cast(
        pa.schema([("route_id", pa.string()), ("direction", pa.string()), ("modality", pa.string())])
    )


def as_frame(name: str, table: pa.Table) -> pd.DataFrame:
    # lists, maps and structs are checked through the plain columns _with_counts adds, not value by value
    table = table.drop_columns([f.name for f in table.schema if pa.types.is_nested(f.type)])
    for column in ("deprecation_date", "measured", "checked", "as_of"):  # dates as text, to check they print as dates
        if column in table.column_names:  # Arrow's date text is ISO 8601, as date.isoformat(), without a Python loop
            table = table.set_column(table.column_names.index(column), column, table[column].cast(pa.string()))
    frame = table.to_pandas(integer_object_nulls=True)  # nullable ints stay ints, not float64
    for column, dtype in frame.dtypes.items():  # GX compares int32 values row by row, int64 ones vectorized
        if dtype == "int32":
            frame[column] = frame[column].astype("int64")
    if name == "price_history":
        frame["condition"] = frame["condition"].fillna("")
    if name == "prices":
        frame["condition"] = frame["condition"].fillna("")  # null is "no condition", one value for uniqueness
    if name == "capabilities":
        frame["supported"] = frame["supported"].astype(object)
    return frame


@dataclass
class ValidationReport:
    table: str
    rows: int
    results: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [r for r in self.results if not r["success"] and r["severity"] == CRITICAL]

    @property
    def warnings(self) -> list[dict]:
        return [r for r in self.results if not r["success"] and r["severity"] != CRITICAL]

    @property
    def success(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "rows": self.rows,
            "success": self.success,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "results": self.results,
        }

    def summary(self) -> str:
        failed = self.errors + self.warnings
        if not failed:
            return f"{self.table}: {len(self.results)} expectations met on {self.rows} rows"
        return f"{self.table}: " + "; ".join(
            f"{r['severity']} {r['expectation']}({r['column']}): {r['unexpected_count']} unexpected, e.g. "
            f"{r['examples'][:3]}"
            for r in failed
        )


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def gx_context():
    """A fresh in-memory GX context: no docs site on disk, no progress bars on the terminal, no state shared."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def run_suite(context, label: str, frame: pd.DataFrame, expectations: list, rows: int) -> ValidationReport:
    """``expectations`` on ``frame`` in ``context`` (a data asset named after ``label``): the plain report."""
    batch_definition = (
        context.data_sources.add_pandas(f"{label}_source")
        .add_dataframe_asset(label)
        .add_batch_definition_whole_dataframe(f"{label}_batch")
    )
    suite = gx.ExpectationSuite(name=f"{label}_suite", expectations=expectations)
    outcome = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
    )
    report = ValidationReport(label, rows)
    for result in outcome.results:
        config = result.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or kwargs.get("column_list") or [kwargs.get("column_A"), kwargs.get("column_B")]
        details = result.result or {}
        report.results.append(
            {
                "expectation": config.type,
                "column": column if isinstance(column, str) else ",".join(map(str, column)),
                "severity": str(getattr(config.severity, "value", config.severity) or CRITICAL).lower(),
                "success": bool(result.success),
                "unexpected_count": details.get("unexpected_count"),
                "unexpected_percent": details.get("unexpected_percent"),
                "examples": [_plain(v) for v in details.get("partial_unexpected_list") or []][:5],
                "exception": (result.exception_info or {}).get("exception_message")
                if isinstance(result.exception_info, dict) and result.exception_info.get("raised_exception")
                else None,
            }
        )
    return report


def list_summaries(name: str, table: pa.Table, route_ids: list[str]) -> pa.Table:
    """A list table (similar_models, alternatives) as its suite checks it: one row per list, from
    ``sql/checks/lists/<name>.sql``, in DuckDB."""
    with duckdb.connect() as con:
        con.register(name, table)
        con.register("route_ids", pa.table({"route_id": pa.array(route_ids, pa.string())}))
        return con.sql((LISTS_SQL / f"{name}.sql").read_text()).to_arrow_table()


def validate(name: str, table: pa.Table, *, route_ids: list[str]) -> ValidationReport:
    """Run the table's suite in a fresh ephemeral GX context."""
    rows = table.num_rows
    if name in ("prices", "price_history"):
        table = with_prices_past_their_unit(table)
    if name in LIST_TABLES:
        table = list_summaries(name, table, route_ids)
    frame = as_frame(name, _with_counts(with_unknown_route_ids(table, route_ids)))
    expectations = {**SUITES, **RECONCILIATION_SUITES}[name]()
    return run_suite(gx_context(), name, frame, expectations, rows)
