"""The code location: every asset, the sync job, its (stopped) daily schedule and (stopped) upstream sensor, and the
site: its job and the (stopped) automation sensor that rebuilds it after a publish."""

from __future__ import annotations

import shutil

import dagster as dg

from assets.agreement import agreement_checks, source_suites
from assets.benchmarks import benchmark_tables
from assets.checks import anomalies, catalog_guards, source_guards, validation
from assets.history import history_tables, history_validation, release_history
from assets.models import model_rejects, models
from assets.normalized import NORMALIZED_SOURCES
from assets.parsed_sources import PARSED_SOURCES
from assets.reconciliation import catalog_tables
from assets.resources import CatalogSettings, StagedTableIOManager, WarehouseResource
from assets.similarity import similarity_tables
from assets.site import catalog_site
from assets.sources import sources
from assets.warehouse import catalog_snapshot, snapshot_plan
from llm_catalog.registry import BY_NAME
from pipelines.progress import progress_logger
from pipelines.sensors import upstream_sensor

ASSETS = [
    sources,  # every source, and the gate: nothing downstream runs when nothing changed
    *NORMALIZED_SOURCES,  # normalized: each pricing source's tables
    *PARSED_SOURCES,  # normalized: model facts and benchmark figures
    catalog_tables,  # reconciliation: one catalog of every pricing source
    anomalies,  # checks
    similarity_tables,
    benchmark_tables,
    models,  # derived
    model_rejects,
    validation,  # checks: every suite, once; a blocking check per table
    snapshot_plan,  # publish: the snapshot's id, the one it follows, its as_of
    release_history,  # history: the bundled earlier releases the history lacks, published first
    history_tables,
    history_validation,  # history, carried to the planned snapshot, with its checks
    catalog_snapshot,  # publish
]
CHECKS = [source_guards, catalog_guards, agreement_checks, source_suites]


@dg.success_hook(required_resource_keys={"warehouse"})
def remove_run_scratch(context: dg.HookContext) -> None:
    """Once the publish step succeeded, the run's scratch space (what its steps handed on) has served: remove it.
    Failed and killed runs leave theirs for a person to look at; `llm-catalog gc` removes it later."""
    if context.op.name == "catalog_snapshot":
        shutil.rmtree(context.resources.warehouse.run_dir(context.run_id), ignore_errors=True)


sync_job = dg.define_asset_job(
    "sync",
    selection=dg.AssetSelection.assets(*ASSETS),  # with their checks
    description="Ingest, normalize, check and publish the catalog.",
    hooks={remove_run_scratch},
)

# the site is a consumer of the published snapshot, not a step of the sync: a failed site build never fails a publish
site_job = dg.define_asset_job(
    "site", selection=[catalog_site], description="Build the catalog site of the current snapshot."
)
site_after_publish = dg.AutomationConditionSensorDefinition(
    "site_after_publish",
    target=[catalog_site],
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Builds the site after each publish (the site asset's eager condition); a deployment switches it on.",
)

daily_sync = dg.ScheduleDefinition(
    name="daily_sync",
    job=sync_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,  # a deployment switches it on
)


def build_definitions(
    warehouse: str = "", litellm: str = "", lock_timeout_seconds: float = 600.0, s3_endpoint: str = "", **settings
) -> dg.Definitions:
    """Definitions bound to a warehouse (a folder or s3://BUCKET/PREFIX, with ``s3_endpoint`` for an S3-compatible
    store) and a cost map (empty strings: the configured defaults); ``settings`` are
    further CatalogSettings fields (accept_drop, as_of, ...) or the location of a source by its name
    (``aider="off"``, ``models_dev="/path/to/tree"``)."""
    named = {name: settings.pop(name) for name in list(settings) if name in BY_NAME}
    locations = {name: location for name, location in {"litellm": litellm, **named}.items() if location}
    return dg.Definitions(
        assets=[*ASSETS, catalog_site],
        asset_checks=CHECKS,
        jobs=[sync_job, site_job],
        schedules=[daily_sync],
        sensors=[upstream_sensor, site_after_publish],
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
        resources={
            "catalog": CatalogSettings(locations=locations, **settings),
            "warehouse": WarehouseResource(
                path=warehouse, s3_endpoint=s3_endpoint, lock_timeout_seconds=lock_timeout_seconds
            ),
            "io_manager": StagedTableIOManager(warehouse=warehouse, s3_endpoint=s3_endpoint),
        },
    )


defs = build_definitions(
    warehouse=dg.EnvVar("LLM_CATALOG_WAREHOUSE").get_value(default="") or "",
    s3_endpoint=dg.EnvVar("LLM_CATALOG_S3_ENDPOINT").get_value(default="") or "",
)
