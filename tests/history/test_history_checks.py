"""The history asset's own Great Expectations checks: a broken history table is refused, named, and nothing after
it runs."""

from datetime import date

import dagster as dg
import pyarrow as pa

from assets.history import history_validation
from llm_catalog import schemas
from llm_catalog.history import step as history
from llm_catalog.normalized.litellm.normalize import normalize
from pipelines.run import failures


def stub(name: str, table: pa.Table) -> dg.AssetsDefinition:
    @dg.asset(name=name)
    def made_by_hand() -> pa.Table:
        return table

    return made_by_hand


@dg.asset(ins={"history_validation": dg.AssetIn()})
def after_history_validation(history_validation: dict) -> dict:
    """Stands for the publish: runs only when the history's blocking checks pass."""
    return history_validation


def run_checks(tables: dict[str, pa.Table]):
    assets = [stub(name, table) for name, table in tables.items()]
    return dg.materialize_to_memory([*assets, history_validation, after_history_validation], raise_on_error=False)


def history_of(small_map) -> dict[str, pa.Table]:
    state = normalize(small_map).tables
    carried = history.step(
        None, state, snapshot_id="20260101T000000Z-aaaaaaaa", previous_snapshot_id=None, as_of=date(2026, 1, 1)
    )
    return {"routes": state["routes"], **carried}


def test_good_history_tables_pass_their_checks(small_map):
    result = run_checks(history_of(small_map))
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == set(schemas.HISTORY) and all(e.passed for e in evaluations.values())
    reports = result.output_for_node("after_history_validation")
    assert list(reports) == list(schemas.HISTORY) and all(r["success"] for r in reports.values())


def test_a_broken_price_history_is_refused_by_its_check_naming_the_table(small_map):
    tables = history_of(small_map)
    first = tables["price_history"].slice(0, 1).to_pylist()[0]
    # a period that ends before it starts
    broken = {**first, "valid_from": date(2026, 3, 1), "valid_to": date(2026, 2, 1)}
    tables["price_history"] = pa.concat_tables(
        [tables["price_history"], pa.Table.from_pylist([broken], schema=schemas.PRICE_HISTORY)]
    )
    result = run_checks(tables)
    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [(e.asset_key.to_user_string(), e.check_name) for e in failed] == [("history_validation", "price_history")]
    assert failed[0].severity == dg.AssetCheckSeverity.ERROR
    assert "after_history_validation" not in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    lines = failures(result)
    assert len(lines) == 1 and lines[0].startswith(
        "check history_validation:price_history failed: price_history: "
        "critical expect_column_pair_values_a_to_be_greater_than_b"
    )


def test_changes_in_typed_columns_pass_their_checks_and_a_change_that_says_nothing_is_refused(small_map):
    first = normalize(small_map).tables
    route = "deepinfra/openai/gpt-oss-20b"
    second = normalize({**small_map, route: {**small_map[route], "input_cost_per_token": 2e-08}}).tables
    tables = history.step(
        {**first, **history_of(small_map)},
        second,
        snapshot_id="20260201T000000Z-bbbbbbbb",
        previous_snapshot_id="20260101T000000Z-aaaaaaaa",
        as_of=date(2026, 2, 1),
    )
    (change,) = tables["changes"].to_pylist()
    assert (change["field"], change["price_kind"], change["new_usd"]) == ("input price per 1M tokens", "input", 0.02)
    result = run_checks({"routes": second["routes"], **tables})
    assert result.success

    tables["changes"] = pa.Table.from_pylist([{**change, "field": None}], schema=schemas.CHANGES)
    result = run_checks({"routes": second["routes"], **tables})
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert not result.success and failed == ["changes"]
    assert "expect_column_values_to_not_be_null" in failures(result)[0]
