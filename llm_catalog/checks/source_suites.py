"""Great Expectations suites for each pricing source's own normalized routes and prices, before reconciliation: a
source's broken values are named even where the catalog chose another source's (the catalog's own tables have the
suites of llm_catalog.checks.suites). Light on purpose: ids, keys and bounds, what any source's tables must hold.

Both tables of a source are validated in one ephemeral GX context (llm_catalog.checks.expectations builds one per
table); on the bundled data the three sources take about 1.5 s together."""

from __future__ import annotations

import great_expectations as gx
import pyarrow as pa
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from llm_catalog.checks.expectations import (
    ValidationReport,
    _frame,
    _plain,
    _with_prices_past_their_unit,
    _with_unknown_route_ids,
)
from llm_catalog.checks.reconciliation_suites import PRICE_KEY
from llm_catalog.checks.suites import (
    CRITICAL,
    KNOWN_TIERS,
    MAX_PRICE_USD,
    ROUTE_ID_REGEX,
    E,
    _in_routes,
    _not_null,
    _within_unit_bound,
)
from llm_catalog.normalized.price_fields import PRICE_UNITS

PROVIDER_REGEX = r"^[A-Za-z0-9_.\-]+\Z"  # as the catalog's routes suite has it


def source_routes_suite() -> list:
    """A source's routes: one row per route id, ids and provider ids well-formed."""
    return [
        *_not_null("route_id", "provider", "model"),
        E.ExpectColumnValuesToBeUnique(column="route_id", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="route_id", regex=ROUTE_ID_REGEX, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="provider", regex=PROVIDER_REGEX, severity=CRITICAL),
    ]


def source_prices_suite() -> list:
    """A source's prices: one row per price key, of a route it lists, within its unit's plausible bound."""
    return [
        *_not_null("route_id", "price_kind", "tier", "unit", "usd"),  # NaN counts as null
        E.ExpectCompoundColumnsToBeUnique(column_list=PRICE_KEY, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="usd", min_value=0, max_value=MAX_PRICE_USD, severity=CRITICAL),
        _within_unit_bound(),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set=sorted(PRICE_UNITS), severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="tier", value_set=KNOWN_TIERS, severity=CRITICAL),
        *_in_routes(),
    ]


SOURCE_SUITES = {"routes": source_routes_suite, "prices": source_prices_suite}


def _report(table: str, rows: int, outcome) -> ValidationReport:
    """The plain report of a validation, as expectations.validate writes it."""
    report = ValidationReport(table, rows)
    for result in outcome.results:
        config = result.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or kwargs.get("column_list")
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


def validate_source(source: str, routes: pa.Table, prices: pa.Table) -> list[ValidationReport]:
    """``source``'s routes and prices against their suites, in one fresh ephemeral GX context: a report each, named
    ``<source>/routes`` and ``<source>/prices``."""
    route_ids = routes.column("route_id").to_pylist()
    frames = {
        "routes": _frame("routes", routes),
        "prices": _frame("prices", _with_unknown_route_ids(_with_prices_past_their_unit(prices), route_ids)),
    }
    # as expectations.validate makes its context: no docs site on disk, no progress bars on the terminal
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    data = context.data_sources.add_pandas(f"{source}_tables")
    reports = []
    for name, frame in frames.items():
        batch = data.add_dataframe_asset(name).add_batch_definition_whole_dataframe(f"{name}_batch")
        suite = gx.ExpectationSuite(name=f"{source}_{name}_suite", expectations=SOURCE_SUITES[name]())
        outcome = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
        )
        reports.append(_report(f"{source}/{name}", len(frame), outcome))
    return reports
