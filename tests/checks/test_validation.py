"""The Great Expectations suites catch what they promise, on real-shaped tables with one thing broken."""

import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.checks.expectations import route_modalities, validate


@pytest.fixture(scope="module")
def real(bundled_catalog):
    tables = bundled_catalog.tables
    return tables, tables["routes"].column("route_id").to_pylist()


def failed(report):
    return {(r["expectation"], r["column"], r["severity"]) for r in report.results if not r["success"]}


def with_row(table: pa.Table, **changes) -> pa.Table:
    """The table plus a copy of its first row with some values changed."""
    row = {**table.slice(0, 1).to_pylist()[0], **changes}
    return pa.concat_tables([table, pa.Table.from_pylist([row], schema=table.schema)])


def test_the_real_catalog_passes_every_suite_without_errors(real):
    tables, ids = real
    for name in (*schemas.CATALOG, *schemas.RECONCILIATION):
        assert validate(name, tables[name], route_ids=ids).errors == [], name
    assert validate("route_modalities", route_modalities(tables["routes"]), route_ids=ids).errors == []


def test_a_duplicate_route_key_is_an_error(real):
    tables, ids = real
    report = validate("routes", with_row(tables["routes"]), route_ids=ids)
    assert ("expect_column_values_to_be_unique", "route_id", "critical") in failed(report)
    assert not report.success


@pytest.mark.parametrize(
    "changes, expectation, column",
    [
        ({"usd": -1.0, "price_kind": "bogus_kind"}, "expect_column_values_to_be_between", "usd"),
        ({"usd": float("inf"), "price_kind": "other"}, "expect_column_values_to_be_between", "usd"),
        ({"usd": float("nan"), "price_kind": "other2"}, "expect_column_values_to_not_be_null", "usd"),
        ({"unit": "usd_per_fortnight", "price_kind": "x"}, "expect_column_values_to_be_in_set", "unit"),
        # under the loosest bound (per 1M tokens), over the bound of its own unit: $50 per query
        (
            {"unit": "usd_per_query", "usd": 50.0, "price_kind": "w"},
            "expect_column_values_to_be_null",
            "usd_past_unit_bound",
        ),
        ({"tier": "platinum", "price_kind": "y"}, "expect_column_values_to_be_in_set", "tier"),
        ({"route_id": "nowhere/model", "price_kind": "z"}, "expect_column_values_to_be_null", "unknown_route_id"),
        ({}, "expect_compound_columns_to_be_unique", "route_id,price_kind,tier,condition,unit"),
    ],
)
def test_price_rules(real, changes, expectation, column):
    tables, ids = real
    report = validate("prices", with_row(tables["prices"], **changes), route_ids=ids)
    assert (expectation, column, "critical") in failed(report)


def test_limit_rules(real):
    tables, ids = real
    report = validate(
        "limits",
        with_row(tables["limits"], route_id="deepinfra/openai/gpt-oss-20b", context_window=1000, max_input_tokens=5000),
        route_ids=ids,
    )
    # a warning, not an error: each limit is chosen apart, and two sources may count a window differently
    assert (
        "expect_column_pair_values_a_to_be_greater_than_b",
        "context_window,max_input_tokens",
        "warning",
    ) in failed(report)
    assert ("expect_column_values_to_be_unique", "route_id", "critical") in failed(report)
    zero = validate("limits", with_row(tables["limits"], max_output_tokens=0), route_ids=ids)
    assert ("expect_column_values_to_be_between", "max_output_tokens", "critical") in failed(zero)


def test_unknown_modalities_and_new_fields_are_warnings_not_errors(real):
    tables, ids = real
    modalities = route_modalities(tables["routes"])
    odd = pa.concat_tables(
        [
            modalities,
            pa.Table.from_pylist(
                [{"route_id": ids[0], "direction": "input", "modality": "smell"}], schema=modalities.schema
            ),
        ]
    )
    report = validate("route_modalities", odd, route_ids=ids)
    assert failed(report) == {("expect_column_values_to_be_in_set", "modality", "warning")} and report.success
    extra = validate("extra_fields", with_row(tables["extra_fields"], field="brand_new", known=False), route_ids=ids)
    assert failed(extra) == {("expect_column_values_to_be_in_set", "known", "warning")} and extra.success


def test_capability_values_are_true_false_or_unknown(real):
    tables, ids = real
    report = validate("capabilities", with_row(tables["capabilities"], capability="Has Spaces"), route_ids=ids)
    assert ("expect_column_values_to_match_regex", "capability", "critical") in failed(report)
