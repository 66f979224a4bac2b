"""The llm-catalog command line: sync, versions, query."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.paths import warehouse_dir
from llm_catalog.warehouse import Warehouse


def _instance(warehouse: Path):
    """Runs are recorded in $DAGSTER_HOME when set, else in <warehouse>/_dagster (what `make ui` opens)."""
    import os

    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    home = warehouse / "_dagster"
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(tempdir=str(home))


def _user_error(exc: BaseException) -> BaseException:
    """The exception our code raised inside a Dagster step, unwrapped."""
    import dagster as dg

    if isinstance(exc, dg.DagsterExecutionStepExecutionError) and exc.user_exception is not None:
        return exc.user_exception
    return exc


def cmd_sync(args) -> int:
    from pipelines.definitions import build_definitions

    warehouse = warehouse_dir(args.warehouse)
    defs = build_definitions(warehouse=str(warehouse), litellm=args.litellm or "")
    instance = _instance(warehouse)
    try:
        # the run's full log is kept in the Dagster instance; the terminal gets it only with --verbose
        level = "DEBUG" if args.verbose else "CRITICAL"
        result = defs.resolve_job_def("sync").execute_in_process(
            instance=instance, run_config={"loggers": {"console": {"config": {"log_level": level}}}}
        )
    except Exception as exc:  # noqa: BLE001 - reported as one clear line, the traceback is in the run's logs
        cause = _user_error(exc)
        print(f"sync failed: {cause}", file=sys.stderr)
        return 1
    outcome = result.output_for_node("catalog_snapshot")
    if outcome["published"]:
        print(f"published snapshot {outcome['snapshot_id']} to {warehouse} (run {result.run_id})")
    else:
        print(f"nothing changed: inputs and code match snapshot {outcome['snapshot_id']}, nothing published "
              f"(run {result.run_id})")
    return 0


def cmd_versions(args) -> int:
    warehouse = Warehouse(warehouse_dir(args.warehouse))
    current = warehouse.current_id()
    ids = warehouse.snapshot_ids()
    if not ids:
        print(f"no snapshots in {warehouse.root}")
        return 0
    for snapshot_id in reversed(ids):
        manifest = warehouse.manifest(snapshot_id)
        sources = ", ".join(f"{s['source']}={s.get('version') or s['sha256'][:12]}" for s in manifest["sources"])
        marker = "*" if snapshot_id == current else " "
        print(f"{marker} {snapshot_id}  routes={manifest['tables']['routes']['rows']:<6} "
              f"prices={manifest['tables']['prices']['rows']:<6} code={manifest['code_version']}  {sources}")
    return 0


def cmd_query(args) -> int:
    from llm_catalog import query

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    con, _ = query.connect(warehouse, args.snapshot)
    columns, rows = query.run(con, args.sql)
    print(query.render(columns, rows, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llm-catalog", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", help="warehouse folder (default: $LLM_CATALOG_WAREHOUSE or data/warehouse)")
    sub = parser.add_subparsers(dest="command", required=True)

    sync = sub.add_parser("sync", parents=[common], help="ingest, normalize and publish a snapshot")
    sync.add_argument("--litellm", metavar="PATH_OR_URL", help="cost map to sync (default: the bundled one)")
    sync.add_argument("--verbose", action="store_true", help="print the Dagster run's log")
    sync.set_defaults(func=cmd_sync)

    versions = sub.add_parser("versions", parents=[common], help="list snapshots, newest first (* = current)")
    versions.set_defaults(func=cmd_versions)

    q = sub.add_parser("query", parents=[common], help="run SQL over the tables of a snapshot")
    q.add_argument("sql")
    q.add_argument("--snapshot", help="snapshot id (default: the current one)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=cmd_query)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
