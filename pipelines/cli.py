"""The llm-catalog command line: sync, versions, verify, query."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from llm_catalog.benchmarks import SOURCES as BENCHMARK_SOURCES
from llm_catalog.errors import CatalogError
from llm_catalog.paths import warehouse_dir
from llm_catalog.warehouse import Warehouse


def _instance(warehouse: Path):
    """Runs are recorded in $DAGSTER_HOME when set, else in <warehouse>/_dagster (what `make ui` opens)."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    home = warehouse / "_dagster"
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(tempdir=str(home), overrides={"telemetry": {"enabled": False}})


def _failures(result) -> list[str]:
    """Why a sync run failed, one line each: blocking checks that failed, then errors our code raised."""
    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity.value == "ERROR":
            lines.append(f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed: "
                         f"{evaluation.description}")
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name.startswith("Dagster"):
                error = error.cause  # unwrap Dagster's wrappers down to the exception our code raised
            if error.cls_name != "DagsterAssetCheckFailedError":
                message = error.message.strip().splitlines()[-1]
                head, _, rest = message.partition(": ")
                lines.append(rest if head.split(".")[-1] == error.cls_name else message)
    return lines or ["the run failed; see its log in the Dagster UI (make ui) or sync again with --verbose"]


def cmd_sync(args) -> int:
    from pipelines.definitions import build_definitions

    warehouse = warehouse_dir(args.warehouse)
    benchmark_sources = {}
    for spec in args.benchmarks or []:
        name, sep, location = spec.partition("=")
        if not sep or name not in BENCHMARK_SOURCES or not location:
            raise CatalogError(f"--benchmarks takes NAME=PATH_OR_URL with NAME one of {', '.join(BENCHMARK_SOURCES)}"
                               f" (or NAME=off), got {spec!r}")
        benchmark_sources[name] = location
    defs = build_definitions(warehouse=str(warehouse), litellm=args.litellm or "", accept_drop=args.accept_drop,
                             lock_timeout_seconds=args.lock_timeout,
                             max_payload_bytes=int(args.max_payload_mb * 1024 * 1024), **benchmark_sources)
    # one sync at a time per warehouse, for the whole run (the publish step takes the same lock again)
    with Warehouse(warehouse, lock_timeout=args.lock_timeout).lock():
        before = Warehouse(warehouse).current_id()
        # the run's full log is kept in the Dagster instance; the terminal gets it only with --verbose
        level = "DEBUG" if args.verbose else "CRITICAL"
        result = defs.resolve_job_def("sync").execute_in_process(
            instance=_instance(warehouse),
            run_config={"loggers": {"console": {"config": {"log_level": level}}}},
            raise_on_error=False,
        )
    if not result.success:
        for line in _failures(result):
            print(f"sync failed: {line}", file=sys.stderr)
        kept = f"snapshot {before} stays current" if before else "no snapshot published yet"
        print(f"nothing published; {kept} (run {result.run_id})", file=sys.stderr)
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
        sources = ", ".join(f"{s['source']}={s.get('version') or (s.get('sha256') or '')[:12] or s.get('status')}"
                            for s in manifest["sources"])
        marker = "*" if snapshot_id == current else " "
        print(f"{marker} {snapshot_id}  routes={manifest['tables']['routes']['rows']:<6} "
              f"prices={manifest['tables']['prices']['rows']:<6} code={manifest['code_version']}  {sources}")
    return 0


def cmd_verify(args) -> int:
    warehouse = Warehouse(warehouse_dir(args.warehouse))
    snapshot_id = args.snapshot or warehouse.current_id()
    problems = warehouse.verify(snapshot_id)
    if problems:
        for problem in problems:
            print(f"{snapshot_id or 'warehouse'}: {problem}", file=sys.stderr)
        return 1
    manifest = warehouse.manifest(snapshot_id)
    rows = sum(info["rows"] for info in manifest["tables"].values())
    print(f"{snapshot_id}: ok, {len(manifest['tables'])} tables and {rows} rows match the manifest")
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

    sync = sub.add_parser("sync", parents=[common], help="ingest, normalize, check and publish a snapshot")
    sync.add_argument("--litellm", metavar="PATH_OR_URL", help="cost map to sync (default: the bundled one)")
    sync.add_argument("--benchmarks", action="append", metavar="NAME=PATH_OR_URL",
                      help="point a benchmark source (model_cards, aider, artificial_analysis) at a file or URL, "
                           "or turn it off with NAME=off; repeatable")
    sync.add_argument("--accept-drop", action="store_true",
                      help="publish even if the route count falls or most prices change (a deliberate upstream change)")
    sync.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS",
                      help="how long to wait for another sync of the same warehouse to end (default 600)")
    sync.add_argument("--max-payload-mb", type=float, default=64.0, metavar="MB",
                      help="refuse a source payload larger than this (default 64)")
    sync.add_argument("--verbose", action="store_true", help="print the Dagster run's log")
    sync.set_defaults(func=cmd_sync)

    versions = sub.add_parser("versions", parents=[common], help="list snapshots, newest first (* = current)")
    versions.set_defaults(func=cmd_versions)

    verify = sub.add_parser("verify", parents=[common], help="check a snapshot's files against its manifest")
    verify.add_argument("--snapshot", help="snapshot id (default: the current one)")
    verify.set_defaults(func=cmd_verify)

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
