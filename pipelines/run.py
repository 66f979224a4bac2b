"""Running the sync job in-process, as the command line does: under the warehouse lock, its run recorded in a Dagster
instance, its failures told in one line each."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from llm_catalog.warehouse.layout import POINTER
from llm_catalog.warehouse.store import Warehouse, open_warehouse


def _sqlite_synchronous_normal(connection, _record) -> None:
    import sqlite3

    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous=NORMAL")


def _relax_run_log_fsync() -> None:
    """The run log (Dagster's SQLite files) is written with synchronous=NORMAL: in WAL mode that drops the fsync
    on every event, which made storing a run's few dozen events most of an unchanged sync on a busy disk. A power
    cut may lose the last events of the log; it cannot corrupt it, and the catalog itself is written (and fsynced)
    by llm_catalog.warehouse, not through this."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_synchronous_normal):
        event.listen(Engine, "connect", _sqlite_synchronous_normal)


def instance(warehouse: Path):
    """Runs are recorded in $DAGSTER_HOME when set, else in ``_dagster`` of the warehouse's local work folder
    (``warehouse``; the warehouse itself when it is a folder: what `make ui` opens)."""
    import dagster as dg

    _relax_run_log_fsync()

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    home = warehouse / "_dagster"
    home.mkdir(parents=True, exist_ok=True)
    from pipelines.run_log import run_log_settings

    return dg.DagsterInstance.local_temp(
        tempdir=str(home), overrides={"telemetry": {"enabled": False}, **run_log_settings(str(home))}
    )


def failures(result) -> list[str]:
    """Why a sync run failed, one line each: blocking checks that failed, then errors our code raised."""
    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity.value == "ERROR":
            lines.append(
                f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed: "
                f"{evaluation.description}"
            )
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name.startswith("Dagster"):
                error = error.cause  # unwrap Dagster's wrappers down to the exception our code raised
            if error.cls_name != "DagsterAssetCheckFailedError":
                message = error.message.strip().splitlines()[0]
                head, _, rest = message.partition(": ")
                lines.append(rest if head.split(".")[-1] == error.cls_name else message)
    return lines or ["the run failed; see its log in the Dagster UI (make ui) or sync again with --verbose"]


def _outcome_of_failure(store: Warehouse, before: str | None, failed: list[str], run: str) -> tuple[bool, str]:
    """What a failed run did to the warehouse, said with the failure: nothing (CURRENT is where it was), or a
    snapshot published before the failure (the run's end could not be recorded), which counts as published when it
    verifies; one that does not is taken back (CURRENT returns to ``before``, the next sync removes it)."""
    said = "\n".join(f"sync failed: {line}" for line in failed)
    kept = f"snapshot {before} stays current" if before else "no snapshot published yet"
    after = store.current_id()
    if after == before:
        return False, f"{said}\nnothing published; {kept}{run}"
    problems = store.verify(after)
    if not problems:
        for line in failed:
            print(f"warning: the run failed after its publish: {line}", file=sys.stderr)
        print(f"warning: snapshot {after} is published and verifies", file=sys.stderr)
        return True, f"published snapshot {after} to {store.location}{run}"
    if before is None:
        store.storage.delete(POINTER)
    else:
        store.storage.write(POINTER, json.dumps({"snapshot_id": before}).encode())
    return False, (
        f"{said}\nsnapshot {after} was published but does not verify ({'; '.join(problems)}): taken back, "
        f"nothing published; {kept}{run}"
    )


def run_sync(
    warehouse: str | os.PathLike,
    *,
    s3_endpoint: str | None = None,
    litellm: str = "",
    lock_timeout: float = 600.0,
    verbose: bool = False,
    quiet: bool = False,
    **settings,
) -> tuple[bool, str]:
    """One sync through the Dagster job, under the warehouse lock: (published or unchanged, what to tell).
    ``warehouse``: a folder or s3://BUCKET/PREFIX (reached through ``s3_endpoint``, else the AWS SDKs' settings).
    Progress goes to stderr one line per stage unless ``quiet``; ``verbose`` adds Dagster's own log at INFO."""
    from pipelines.definitions import build_definitions

    store = open_warehouse(warehouse, s3_endpoint=s3_endpoint, lock_timeout=lock_timeout)
    defs = build_definitions(
        warehouse=store.location,
        s3_endpoint=s3_endpoint or "",
        litellm=litellm,
        lock_timeout_seconds=lock_timeout,
        **settings,
    )
    # the run's full log is kept in the Dagster instance; the terminal gets stage lines, and Dagster's log with -v
    loggers = {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}}}
    if not quiet:
        loggers["progress"] = {}
    if not verbose:
        # an unchanged sync skips every step after the sources by design; Dagster warns once per blocking check
        # whose step was skipped, on Python's root logger, and that is noise on a terminal or in a cron mail
        logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    # one sync at a time per warehouse, for the whole run (the publish step takes the same lock again)
    with store.lock():
        before = store.current_id()  # a broken CURRENT is refused here, naming the file
        for path, problem in store.broken_manifests():
            print(f"warning: {path} is not a snapshot manifest ({problem}); ignored", file=sys.stderr)
        try:
            with instance(store.work_dir) as run_instance:
                result = defs.resolve_job_def("sync").execute_in_process(
                    instance=run_instance, run_config={"loggers": loggers}, raise_on_error=False
                )
            if result.success:
                return True, _outcome(result, before, store.location)
            failed, run = failures(result), f" (run {result.run_id})"
        except Exception as exc:  # noqa: BLE001 - e.g. Dagster's own storage on a full disk, after the publish
            failed, run = [f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"], ""
        return _outcome_of_failure(store, before, failed, run)


def _outcome(result, before: str | None, warehouse: str) -> str:
    """What a successful run did: published a snapshot, or found nothing new."""
    from assets.sources import UNCHANGED

    if result.is_node_skipped("catalog_snapshot"):  # the sources' gate found nothing new: nothing else ran
        unchanged = [
            o.metadata[UNCHANGED].value
            for o in result.asset_observations_for_node("sources")
            if UNCHANGED in o.metadata
        ]
        return (
            f"nothing changed: sources and code match snapshot {unchanged[0] if unchanged else before}, "
            f"nothing published (run {result.run_id})"
        )
    outcome = result.output_for_node("catalog_snapshot")
    if outcome["published"]:
        return f"published snapshot {outcome['snapshot_id']} to {warehouse} (run {result.run_id})"
    return (
        f"nothing changed: inputs and code match snapshot {outcome['snapshot_id']}, nothing published "
        f"(run {result.run_id})"
    )
