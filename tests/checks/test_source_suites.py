"""Each pricing source's own Great Expectations suite, before reconciliation: the real map's tables pass, broken
values are named with their source, and the Dagster check warns without blocking (a skipped source passes)."""

import dagster as dg
import pyarrow as pa
import pytest

from assets.agreement import source_suites
from llm_catalog.checks.source_suites import validate_source
from llm_catalog.registry import PRICING

ROUTE = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def litellm_tables(bundled_normalized) -> dict[str, pa.Table]:
    return {name: bundled_normalized.tables[name] for name in ("routes", "prices")}


def broken(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The real map's tables with a route id holding a space, a provider id holding one, a price past its unit's
    bound (1,000 per 1M tokens) yet under the loosest one, the same price key twice, and a price of a route the
    source does not list."""
    routes = tables["routes"].to_pylist()
    first = next(r for r in routes if r["route_id"] == ROUTE)
    routes += [{**first, "route_id": "deepinfra/gpt oss"}, {**first, "route_id": "x/y", "provider": "deep infra"}]
    prices = tables["prices"].to_pylist()
    mine = next(p for p in prices if p["route_id"] == ROUTE and p["price_kind"] == "input")
    prices.remove(mine)
    prices += [{**mine, "usd": 1500.0}, mine, {**mine, "route_id": "nowhere/model"}]
    return {
        "routes": pa.Table.from_pylist(routes, schema=tables["routes"].schema),
        "prices": pa.Table.from_pylist(prices, schema=tables["prices"].schema),
    }


def failed(reports) -> dict[tuple[str, str, str], list]:
    return {
        (r.table, x["expectation"], x["column"]): x["examples"] for r in reports for x in r.results if not x["success"]
    }


def test_the_real_map_passes_its_source_suite(litellm_tables):
    reports = validate_source("litellm", litellm_tables["routes"], litellm_tables["prices"])
    assert [r.table for r in reports] == ["litellm/routes", "litellm/prices"]
    assert all(r.success and not r.warnings for r in reports), [r.summary() for r in reports]
    assert reports[1].rows == litellm_tables["prices"].num_rows > 10_000


def test_broken_values_of_a_source_are_named_with_the_source(litellm_tables):
    tables = broken(litellm_tables)
    found = failed(validate_source("litellm", tables["routes"], tables["prices"]))
    key = str(
        {"route_id": ROUTE, "price_kind": "input", "tier": "standard", "condition": "", "unit": "usd_per_1m_tokens"}
    )
    assert found == {
        ("litellm/routes", "expect_column_values_to_match_regex", "route_id"): ["deepinfra/gpt oss"],
        ("litellm/routes", "expect_column_values_to_match_regex", "provider"): ["deep infra"],
        ("litellm/prices", "expect_compound_columns_to_be_unique", "route_id,price_kind,tier,condition,unit"): [key]
        * 2,
        ("litellm/prices", "expect_column_values_to_be_null", "usd_past_unit_bound"): [1500.0],
        ("litellm/prices", "expect_column_values_to_be_null", "unknown_route_id"): ["nowhere/model"],
    }


def _stub(name: str, value) -> dg.AssetsDefinition:
    @dg.asset(key=name)
    def made_by_hand():
        return value

    return made_by_hand


def test_the_dagster_check_warns_on_a_broken_source_without_blocking_and_passes_a_skipped_one(litellm_tables):
    empty = {name: table.schema.empty_table() for name, table in litellm_tables.items()}
    tables = {"litellm": broken(litellm_tables)}
    assets = []
    for source in PRICING:
        skipped = source.name == "openrouter"
        status = {"status": "skipped", "note": "no network"} if skipped else {"status": "fetched"}
        assets.append(_stub(source.asset, {"source": source.name, "origin": "test", **status}))
        for name in ("routes", "prices"):
            assets.append(
                _stub([source.name, name], tables.get(source.name, litellm_tables if not skipped else empty)[name])
            )
    result = dg.materialize_to_memory([*assets, source_suites])
    assert result.success
    found = {e.asset_key.path[0]: e for e in result.get_asset_check_evaluations()}
    assert set(found) == {source.name for source in PRICING}
    assert {e.check_name for e in found.values()} == {"source_suite"}
    litellm = found["litellm"]
    assert (litellm.passed, litellm.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert litellm.metadata["failed"].value == 5 and litellm.metadata["critical"].value == 5
    assert "critical expect_column_values_to_be_null(usd_past_unit_bound): 1 unexpected, e.g. [1500.0]" in (
        litellm.description
    )
    assert found["genai_prices"].passed
    assert (
        found["openrouter"].passed
        and found["openrouter"].description == "openrouter: skipped in this sync (no network)"
    )
