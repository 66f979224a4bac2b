"""The Dagster code location loads and has what the README promises."""

import dagster as dg
import pytest

from llm_catalog import schemas
from pipelines.definitions import build_definitions, defs


def test_definitions_load_with_every_asset_job_and_schedule():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "litellm_cost_map",
        "routes",
        "prices",
        "limits",
        "capabilities",
        "extra_fields",
        "rejects",
        "validation",
        "snapshot_plan",
        "changes",
        "price_history",
        "limit_history",
        "capability_history",
        "history_validation",
        "catalog_snapshot",
    } <= keys
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {
        groups[name]
        for name in ("changes", "price_history", "limit_history", "capability_history", "history_validation")
    } == {"history"}
    assert groups["validation"] == "checks"
    assert defs.resolve_job_def("sync") is not None
    schedule = defs.resolve_schedule_def("daily_sync")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.cron_schedule == "0 6 * * *"


@pytest.mark.slow  # a real sync
def test_the_sync_job_materializes_every_asset(tmp_path):
    result = (
        build_definitions(warehouse=str(tmp_path))
        .resolve_job_def("sync")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral())
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"litellm_cost_map", "litellm/routes", "routes", "prices", "rejects", "catalog_snapshot"} <= materialized

    def metadata(asset: str) -> dict:
        events = result.get_asset_materialization_events()
        return next(e for e in events if e.asset_key.to_user_string() == asset).materialization.metadata

    assert metadata("litellm/routes")["dagster/row_count"].value > 4000
    assert metadata("litellm/routes")["entries_left_out"].value >= 1
    # the catalog: the map's routes and those only the other bundled sources list
    assert metadata("routes")["dagster/row_count"].value > metadata("litellm/routes")["dagster/row_count"].value


def test_every_validated_table_has_a_blocking_check_and_the_publish_waits_for_them():
    graph = defs.resolve_asset_graph()
    blocking = {
        (key.asset_key.to_user_string(), key.name)
        for key in graph.asset_check_keys
        if graph.get_check_spec(key).blocking
    }
    assert {("validation", name) for name in [*schemas.NORMALIZED, "anomalies", *schemas.DERIVED]} <= blocking
    assert {("history_validation", name) for name in schemas.HISTORY} <= blocking
    upstream = {key.to_user_string() for key in graph.get(dg.AssetKey("catalog_snapshot")).parent_keys}
    assert {"validation", "history_validation", "snapshot_plan", *schemas.HISTORY} <= upstream
