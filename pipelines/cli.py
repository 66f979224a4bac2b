"""The llm-catalog command line: sync, backfill, versions, diff, verify, query, show, gc."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
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
                message = error.message.strip().splitlines()[0]
                head, _, rest = message.partition(": ")
                lines.append(rest if head.split(".")[-1] == error.cls_name else message)
    return lines or ["the run failed; see its log in the Dagster UI (make ui) or sync again with --verbose"]


def run_sync(warehouse: Path, *, litellm: str = "", lock_timeout: float = 600.0, verbose: bool = False,
             **settings) -> tuple[bool, str]:
    """One sync through the Dagster job, under the warehouse lock: (published or unchanged, what to tell)."""
    from pipelines.definitions import build_definitions

    defs = build_definitions(warehouse=str(warehouse), litellm=litellm, lock_timeout_seconds=lock_timeout,
                             **settings)
    # one sync at a time per warehouse, for the whole run (the publish step takes the same lock again)
    with Warehouse(warehouse, lock_timeout=lock_timeout).lock():
        before = Warehouse(warehouse).current_id()
        # the run's full log is kept in the Dagster instance; the terminal gets it only with --verbose
        result = defs.resolve_job_def("sync").execute_in_process(
            instance=_instance(warehouse),
            run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "CRITICAL"}}}},
            raise_on_error=False,
        )
    if not result.success:
        kept = f"snapshot {before} stays current" if before else "no snapshot published yet"
        failures = "\n".join(f"sync failed: {line}" for line in _failures(result))
        return False, f"{failures}\nnothing published; {kept} (run {result.run_id})"
    outcome = result.output_for_node("catalog_snapshot")
    if outcome["published"]:
        return True, f"published snapshot {outcome['snapshot_id']} to {warehouse} (run {result.run_id})"
    return True, (f"nothing changed: inputs and code match snapshot {outcome['snapshot_id']}, nothing published "
                  f"(run {result.run_id})")


def cmd_sync(args) -> int:
    benchmark_sources = {}
    for spec in args.benchmarks or []:
        name, sep, location = spec.partition("=")
        if not sep or name not in BENCHMARK_SOURCES or not location:
            raise CatalogError(f"--benchmarks takes NAME=PATH_OR_URL with NAME one of {', '.join(BENCHMARK_SOURCES)}"
                               f" (or NAME=off), got {spec!r}")
        benchmark_sources[name] = location
    ok, message = run_sync(warehouse_dir(args.warehouse), litellm=args.litellm or "", accept_drop=args.accept_drop,
                           lock_timeout=args.lock_timeout, verbose=args.verbose,
                           max_payload_bytes=int(args.max_payload_mb * 1024 * 1024), **benchmark_sources)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_backfill(args) -> int:
    """One snapshot per dated map, oldest first, each as of its date. History is what it was: drops are accepted."""
    from llm_catalog import backfill

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    if args.git:
        versions = backfill.git_versions(Path(args.git), args.path, every=args.every,
                                         since=date.fromisoformat(args.since) if args.since else None)
        work = Path(tempfile.mkdtemp(prefix="llm-catalog-backfill-"))
        maps = []
        for day, commit in versions:
            target = work / f"{day.isoformat()}-{commit[:12]}.json"
            target.write_bytes(backfill.git_file(Path(args.git), commit, args.path))
            maps.append((day, target))
    else:
        if not args.folder:
            raise CatalogError("backfill takes a folder of dated maps, or --git REPO")
        maps, skipped = backfill.dated_files(Path(args.folder))
        for path in skipped:
            print(f"skipped {path.name}: its name does not start with a YYYY-MM-DD date")
    if not maps:
        raise CatalogError("nothing to backfill: no dated maps found")
    existing = [warehouse.as_of(i) for i in warehouse.snapshot_ids()]
    if existing and max(existing) > maps[0][0]:
        raise CatalogError(f"the warehouse already has a snapshot as of {max(existing)}, later than the first map "
                           f"({maps[0][0]}); backfill into an empty warehouse, or only maps from {max(existing)} on")
    for day, path in maps:
        ok, message = run_sync(warehouse.root, litellm=str(path), as_of=day.isoformat(), accept_drop=True,
                               lock_timeout=args.lock_timeout)
        print(f"{day} {path.name}: {message}", file=sys.stdout if ok else sys.stderr)
        if not ok:
            return 1
    return 0


def cmd_diff(args) -> int:
    from llm_catalog import history

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    ids = warehouse.snapshot_ids()
    new = args.new or warehouse.current_id()
    old = args.old or (ids[ids.index(new) - 1] if new in ids and ids.index(new) > 0 else None)
    if old is None or new is None:
        raise CatalogError("diff needs two snapshots (see `llm-catalog versions`)")
    state = {sid: {name: warehouse.read_table(name, sid) for name in history.STATE_TABLES} for sid in (old, new)}
    found = history.changes(state[old], state[new], snapshot_id=new, previous_snapshot_id=old,
                            as_of=warehouse.as_of(new)).to_pylist()
    print(f"{old} (as of {warehouse.as_of(old)}) -> {new} (as of {warehouse.as_of(new)}): {len(found)} changes")
    counts: dict[str, int] = {}
    for row in found:
        counts[row["change"]] = counts.get(row["change"], 0) + 1
    for change in ("added", "removed", "price", "limit", "capability", "modality", "metadata"):
        print(f"  {change:<10} {counts.get(change, 0)}")
    for change in ("added", "removed", "price", "limit", "capability", "modality", "metadata"):
        rows = [r for r in found if r["change"] == change]
        if not rows:
            continue
        print(f"\n{change} ({len(rows)})")
        for r in rows[: args.limit]:
            detail = "" if change in ("added", "removed") else f"  {r['field']}: {r['old_value']} -> {r['new_value']}"
            if r["relative_change"] is not None:
                detail += f" ({r['relative_change']:+.1%})"
            print(f"  {r['route_id']}{detail}")
        if len(rows) > args.limit:
            print(f"  ... and {len(rows) - args.limit} more (llm-catalog query \"SELECT * FROM changes\")")
    return 0


def cmd_gc(args) -> int:
    warehouse = Warehouse(warehouse_dir(args.warehouse))
    removed = warehouse.gc(keep=args.keep)
    for snapshot_id in removed:
        print(f"removed snapshot {snapshot_id}")
    print(f"{len(removed)} snapshot(s) removed, {len(warehouse.snapshot_ids())} kept; the current snapshot's history "
          "tables still cover every removed one")
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


def _snapshot(warehouse: Warehouse, args) -> str | None:
    """--snapshot ID, or the snapshot current on --as-of DATE, or None for the current one."""
    if getattr(args, "as_of", None):
        try:
            day = date.fromisoformat(args.as_of)
        except ValueError as exc:
            raise CatalogError(f"--as-of takes a YYYY-MM-DD date, got {args.as_of!r}") from exc
        return warehouse.snapshot_at(day)
    return args.snapshot


def cmd_show(args) -> int:
    from llm_catalog import page, query

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    con, snapshot_id = query.connect(warehouse, _snapshot(warehouse, args))
    print(page.render(con, args.route, snapshot_id))
    return 0


def cmd_query(args) -> int:
    from llm_catalog import query

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    con, _ = query.connect(warehouse, _snapshot(warehouse, args))
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
                      help="point a benchmark source (model_cards, models_dev, llm_stats, aider, artificial_analysis) at a "
                           "file, folder, tarball or URL, "
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

    backfill = sub.add_parser("backfill", parents=[common], help="publish one snapshot per dated cost map")
    backfill.add_argument("folder", nargs="?", help="a folder of maps named YYYY-MM-DD*.json")
    backfill.add_argument("--git", metavar="REPO", help="a local git clone holding the map's history")
    backfill.add_argument("--path", default="model_prices_and_context_window.json", help="the map's path in REPO")
    backfill.add_argument("--since", metavar="DATE", help="only commits from this date (YYYY-MM-DD)")
    backfill.add_argument("--every", choices=("day", "week", "month"), default="day",
                          help="one snapshot per period: the last commit of each")
    backfill.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS")
    backfill.set_defaults(func=cmd_backfill)

    diff = sub.add_parser("diff", parents=[common], help="what changed between two snapshots (default: the last two)")
    diff.add_argument("old", nargs="?")
    diff.add_argument("new", nargs="?")
    diff.add_argument("--limit", type=int, default=20, help="rows shown per change type (default 20)")
    diff.set_defaults(func=cmd_diff)

    gc = sub.add_parser("gc", parents=[common], help="remove old snapshots (never the current one)")
    gc.add_argument("--keep", type=int, required=True, help="how many of the newest snapshots to keep (at least 1)")
    gc.set_defaults(func=cmd_gc)

    q = sub.add_parser("query", parents=[common], help="run SQL over the tables of a snapshot")
    q.add_argument("sql")
    q.add_argument("--snapshot", help="snapshot id (default: the current one)")
    q.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=cmd_query)

    show = sub.add_parser("show", parents=[common], help="the model page of one route")
    show.add_argument("route", help="a route id, e.g. deepinfra/openai/gpt-oss-20b")
    show.add_argument("--snapshot", help="snapshot id (default: the current one)")
    show.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    show.set_defaults(func=cmd_show)
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
