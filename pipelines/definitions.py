"""The code location: every asset, the sync job and its (stopped) daily schedule."""

from __future__ import annotations

import dagster as dg

from assets.benchmarks import benchmark_tables
from assets.checks import anomalies, derived_expectations, expectations, source_guards
from assets.models import models
from assets.normalized import litellm_tables
from assets.publish import catalog_snapshot
from assets.similarity import similarity_tables
from assets.sources import (
    aider_leaderboard,
    artificial_analysis_models,
    litellm_cost_map,
    llm_stats_tree,
    model_cards,
    models_dev_api,
    models_dev_metadata,
    models_dev_tree,
)
from pipelines.resources import CatalogSettings, StagedTableIOManager

ASSETS = [
    litellm_cost_map, model_cards, aider_leaderboard, artificial_analysis_models,  # sources
    models_dev_metadata, models_dev_api, models_dev_tree, llm_stats_tree,
    litellm_tables,  # normalized
    anomalies,  # checks
    similarity_tables, benchmark_tables, models,  # derived
    catalog_snapshot,  # publish
]
CHECKS = [expectations, derived_expectations, source_guards]

sync_job = dg.define_asset_job(
    "sync",
    selection=dg.AssetSelection.assets(*ASSETS),  # with their checks
    description="Ingest, normalize, check and publish the catalog.",
)

daily_sync = dg.ScheduleDefinition(
    name="daily_sync",
    job=sync_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,  # a deployment switches it on
)


def build_definitions(warehouse: str = "", litellm: str = "", **settings) -> dg.Definitions:
    """Definitions bound to a warehouse and a cost map (empty strings: the configured defaults); ``settings`` are
    further CatalogSettings fields (accept_drop, lock_timeout_seconds, ...)."""
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=[sync_job],
        schedules=[daily_sync],
        resources={
            "catalog": CatalogSettings(warehouse=warehouse, litellm=litellm, **settings),
            "io_manager": StagedTableIOManager(warehouse=warehouse),
        },
    )


defs = build_definitions(
    warehouse=dg.EnvVar("LLM_CATALOG_WAREHOUSE").get_value(default="") or "",
)
