"""Great Expectations suites for each pricing source's own normalized routes and prices, before reconciliation: a
source's broken values are named even where the catalog chose another source's (the catalog's own tables have the
suites of llm_catalog.checks.suites). Light on purpose: ids, keys and bounds, what any source's tables must hold.

Both tables of a source are validated in one ephemeral GX context (llm_catalog.checks.expectations builds one per
catalog table); on the bundled data the three sources take about 1.5 s together."""

from __future__ import annotations

import pyarrow as pa

from llm_catalog.checks.expectations import (
    ValidationReport,
    as_frame,
    gx_context,
    run_suite,
    with_prices_past_their_unit,
    with_unknown_route_ids,
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


def validate_source(source: str, routes: pa.Table, prices: pa.Table) -> list[ValidationReport]:
    """``source``'s routes and prices against their suites, in one fresh ephemeral GX context: a report each, named
    ``<source>/routes`` and ``<source>/prices``."""
    route_ids = routes.column("route_id").to_pylist()
    frames = {
        "routes": as_frame("routes", routes),
        "prices": as_frame("prices", with_unknown_route_ids(with_prices_past_their_unit(prices), route_ids)),
    }
    context = gx_context()  # one for both tables
    return [
        run_suite(context, f"{source}/{name}", frame, SOURCE_SUITES[name](), len(frame))
        for name, frame in frames.items()
    ]
