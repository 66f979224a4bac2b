"""The llm-catalog command line: sync, backfill, versions, diff, verify, query, show, gc."""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.paths import SQL_DIR, site_dir, warehouse_dir
from llm_catalog.readers.formatting import LENSES
from llm_catalog.registry import OPTIONAL
from llm_catalog.sources.fetch import DOWNLOAD_DEADLINE_SECONDS
from llm_catalog.warehouse.store import Warehouse


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


def _instance(warehouse: Path):
    """Runs are recorded in $DAGSTER_HOME when set, else in <warehouse>/_dagster (what `make ui` opens)."""
    import dagster as dg

    _relax_run_log_fsync()

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
             quiet: bool = False, **settings) -> tuple[bool, str]:
    """One sync through the Dagster job, under the warehouse lock: (published or unchanged, what to tell).
    Progress goes to stderr one line per stage unless ``quiet``; ``verbose`` adds Dagster's own log at INFO."""
    from assets.sources import UNCHANGED
    from pipelines.definitions import build_definitions

    defs = build_definitions(warehouse=str(warehouse), litellm=litellm, lock_timeout_seconds=lock_timeout,
                             **settings)
    # the run's full log is kept in the Dagster instance; the terminal gets stage lines, and Dagster's log with -v
    loggers = {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}}}
    if not quiet:
        loggers["progress"] = {}
    if not verbose:
        # an unchanged sync skips every step after the sources by design; Dagster warns once per blocking check
        # whose step was skipped, on Python's root logger, and that is noise on a terminal or in a cron mail
        logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    # one sync at a time per warehouse, for the whole run (the publish step takes the same lock again)
    with Warehouse(warehouse, lock_timeout=lock_timeout).lock():
        before = Warehouse(warehouse).current_id()
        result = defs.resolve_job_def("sync").execute_in_process(
            instance=_instance(warehouse), run_config={"loggers": loggers}, raise_on_error=False)
    if not result.success:
        kept = f"snapshot {before} stays current" if before else "no snapshot published yet"
        failures = "\n".join(f"sync failed: {line}" for line in _failures(result))
        return False, f"{failures}\nnothing published; {kept} (run {result.run_id})"
    if result.is_node_skipped("catalog_snapshot"):  # the sources' gate found nothing new: nothing else ran
        unchanged = [o.metadata[UNCHANGED].value for o in result.asset_observations_for_node("sources")
                     if UNCHANGED in o.metadata]
        return True, (f"nothing changed: sources and code match snapshot {unchanged[0] if unchanged else before}, "
                      f"nothing published (run {result.run_id})")
    outcome = result.output_for_node("catalog_snapshot")
    if outcome["published"]:
        return True, f"published snapshot {outcome['snapshot_id']} to {warehouse} (run {result.run_id})"
    return True, (f"nothing changed: inputs and code match snapshot {outcome['snapshot_id']}, nothing published "
                  f"(run {result.run_id})")


def cmd_sync(args) -> int:
    benchmark_sources = {}
    for spec in args.benchmarks or []:
        name, sep, location = spec.partition("=")
        if not sep or name not in OPTIONAL or not location:
            raise CatalogError(f"--benchmarks takes NAME=PATH_OR_URL with NAME one of {', '.join(OPTIONAL)}"
                               f" (or NAME=off), got {spec!r}")
        benchmark_sources[name] = location
    ok, message = run_sync(warehouse_dir(args.warehouse), litellm=args.litellm or "", accept_drop=args.accept_drop,
                           lock_timeout=args.lock_timeout, verbose=args.verbose, quiet=args.quiet, force=args.force,
                           max_payload_bytes=int(args.max_payload_mb * 1024 * 1024),
                           download_deadline_seconds=args.download_deadline, **benchmark_sources)
    if not ok or not args.quiet:
        print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_backfill(args) -> int:
    """One snapshot per dated map, oldest first, each as of its date. History is what it was: drops are accepted."""
    from llm_catalog.history import backfill

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
            print(f"skipped {path.name}: its name does not start with a YYYY-MM-DD date", file=sys.stderr)
    if not maps:
        raise CatalogError("nothing to backfill: no dated maps found")
    existing = [warehouse.as_of(i) for i in warehouse.snapshot_ids()]
    if existing and max(existing) > maps[0][0]:
        raise CatalogError(f"the warehouse already has a snapshot as of {max(existing)}, later than the first map "
                           f"({maps[0][0]}); backfill into an empty warehouse, or only maps from {max(existing)} on")
    from pipelines.progress import bar

    for done, (day, path) in enumerate(maps):
        if not args.quiet:
            print(f"{bar(done, len(maps))}  {day} {path.name}", file=sys.stderr, flush=True)
        ok, message = run_sync(warehouse.root, litellm=str(path), as_of=day.isoformat(), accept_drop=True,
                               lock_timeout=args.lock_timeout, quiet=args.quiet, verbose=args.verbose)
        if not ok or not args.quiet:
            print(f"{day} {path.name}: {message}", file=sys.stdout if ok else sys.stderr)
        if not ok:
            return 1
    if not args.quiet:
        print(f"{bar(len(maps), len(maps))}  {len(maps)} map(s) backfilled", file=sys.stderr)
    return 0


CHANGE_TYPES = ("added", "removed", "price", "limit", "capability", "modality", "metadata")
DIFF_SQL = SQL_DIR / "readers" / "diff" / "changes.sql"


def cmd_diff(args) -> int:
    """What changed between two published snapshots, as the newer one's `changes` table records it."""
    from llm_catalog.readers import formatting, query, snapshot

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
    old = snapshot.bind(warehouse, args.old).snapshot_id if args.old is not None else None  # an unknown id: said first
    bound = snapshot.bind(warehouse, args.new)
    new = bound.snapshot_id
    if old is None:
        earlier = [i for i in bound.published if i < new]
        if not earlier:
            raise CatalogError("diff needs two snapshots (see `llm-catalog versions`)")
        old = earlier[-1]
    if old > new:
        raise CatalogError(f"diff goes from an older snapshot to a newer one: {old} is newer than {new} "
                           f"(llm-catalog diff {new} {old})")
    if bound.table_path("changes") is None:
        raise CatalogError(f"snapshot {new} predates the changes table: diff reads it from a newer snapshot")
    con, _ = snapshot.connect(warehouse, new)
    found = query.fetch_rows(con, DIFF_SQL.read_text(), {"old": old, "new": new})
    counts = {change: sum(r["change"] == change for r in found) for change in CHANGE_TYPES}
    shown = {change: [formatting.describe_change(r) for r in found if r["change"] == change][: args.limit]
             for change in CHANGE_TYPES}
    if args.format == "json":
        print(formatting.render_json({"old": {"snapshot_id": old, "as_of": warehouse.as_of(old)},
                                      "new": {"snapshot_id": new, "as_of": warehouse.as_of(new)},
                                      "total": len(found), "counts": counts, "limit": args.limit,
                                      "changes": {change: rows for change, rows in shown.items() if rows}}))
        return 0
    print(f"{old} (as of {warehouse.as_of(old)}) -> {new} (as of {warehouse.as_of(new)}): {len(found)} changes")
    for change in CHANGE_TYPES:
        print(f"  {change:<10} {counts[change]}")
    for change in CHANGE_TYPES:
        if not shown[change]:
            continue
        print(f"\n{change} ({counts[change]})")
        for row in shown[change]:
            print(f"  {row['route_id']}{'  ' + row['detail'] if row['detail'] else ''}")
        if counts[change] > args.limit:
            print(f"  ... and {counts[change] - args.limit} more (llm-catalog query \"SELECT * FROM changes\")")
    return 0


def cmd_gc(args) -> int:
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, RunsFilter

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()  # never creates one (nor its lock file)
    removed = warehouse.gc(keep=args.keep) if args.keep is not None else []
    for snapshot_id in removed:
        print(f"removed snapshot {snapshot_id}")
    if args.keep is not None:
        print(f"{len(removed)} snapshot(s) removed, {len(warehouse.snapshot_ids())} kept; the current snapshot's "
              "history tables still cover every removed one")
    # runs still in progress (e.g. launched from the UI) keep their scratch space
    active = {run.run_id for run in _instance(warehouse.root).get_runs(RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))}
    scratch = warehouse.gc_run_scratch(active=active)
    print(f"{len(scratch)} finished run(s)' scratch space removed ({sum(size for _, size in scratch) / 1e6:.1f} MB)")
    return 0


def cmd_versions(args) -> int:
    from llm_catalog.readers import snapshot

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
    published = snapshot.published_ids(warehouse)
    current = published[-1] if published else None
    listed = []
    for snapshot_id in reversed(published):
        manifest = warehouse.manifest(snapshot_id)
        listed.append({
            "snapshot_id": snapshot_id, "current": snapshot_id == current,
            "as_of": manifest.get("as_of") or manifest["created_at"][:10], "created_at": manifest["created_at"],
            "code_version": manifest["code_version"],
            "rows": {name: info["rows"] for name, info in manifest["tables"].items()},
            "sources": [{k: s.get(k) for k in ("source", "version", "sha256", "status", "origin")}
                        for s in manifest["sources"]],
        })
    if args.format == "json":
        print(json.dumps(listed, indent=1))
        return 0
    if not listed:
        print(f"no snapshots in {warehouse.root}")
        return 0
    for v in listed:
        sources = ", ".join(f"{s['source']}={s['version'] or (s['sha256'] or '')[:12] or s['status']}"
                            for s in v["sources"])
        print(f"{'*' if v['current'] else ' '} {v['snapshot_id']}  as of {v['as_of']}  "
              f"routes={v['rows']['routes']:<6} prices={v['rows']['prices']:<6} code={v['code_version']}  {sources}")
    return 0


def cmd_verify(args) -> int:
    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
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


def _snapshot_choice(args) -> dict:
    """--snapshot ID or --as-of DATE (the snapshot current on that date; it wins over --snapshot), as the keywords
    of llm_catalog.readers.snapshot.connect; neither: the current snapshot."""
    if getattr(args, "as_of", None):
        try:
            return {"snapshot_id": None, "as_of": date.fromisoformat(args.as_of)}
        except ValueError as exc:
            raise CatalogError(f"--as-of takes a YYYY-MM-DD date, got {args.as_of!r}") from exc
    return {"snapshot_id": args.snapshot, "as_of": None}


def cmd_show(args) -> int:
    """The page of a route; for a base model or an id that is no route, the matching routes first (and the page
    of the route the id names once its provider prefix is dropped, e.g. openai/gpt-4o -> gpt-4o)."""
    from llm_catalog.readers import formatting, page, search, snapshot

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
    con, snapshot_id = snapshot.connect(warehouse, **_snapshot_choice(args))
    found = con.execute("SELECT count(*) FROM routes WHERE route_id = ?", [args.route]).fetchone()[0]
    if found:
        gathered = page.gather(con, args.route, snapshot_id, lens=args.lens)
        print(formatting.render_json(gathered) if args.format == "json" else formatting.render_text(gathered))
        return 0
    matches = search.search(con, args.route, limit=args.limit)
    exact = search.exact_matches(matches)
    if not exact:
        raise CatalogError(f"no route {args.route!r} in snapshot {snapshot_id}; closest: "
                           f"{', '.join(m['route_id'] for m in matches[:5])} (llm-catalog search TEXT)")
    named = exact[0]["route_id"] if exact[0]["matched"] == "route id" else None
    gathered = page.gather(con, named, snapshot_id, lens=args.lens) if named else None
    if args.format == "json":
        print(formatting.render_json({"query": args.route, "matches": exact, "page": gathered}))
        return 0
    print(f"{args.route!r} is not a route id; {len(exact)} route(s) match it:")
    print(_matches_table(exact))
    if gathered:
        print(f"\n{formatting.render_text(gathered)}")
    return 0


def _matches_table(matches: list[dict]) -> str:
    from llm_catalog.readers import query

    columns = ["route_id", "provider_name", "base_model", "family", "mode", "score", "matched"]
    return query.render(columns, [tuple(m[c] for c in columns) for m in matches])


def cmd_search(args) -> int:
    from llm_catalog.readers import formatting, search, snapshot

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
    con, _ = snapshot.connect(warehouse, **_snapshot_choice(args))
    matches = search.search(con, args.text, limit=args.limit)
    print(formatting.render_json(matches) if args.format == "json" else _matches_table(matches))
    return 0


def cmd_site(args) -> int:
    """Build the static site of a snapshot, or (--serve) serve a built one on 127.0.0.1."""
    from llm_catalog.site import build_site
    from llm_catalog.site.serve import site_server

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    out = Path(args.out).expanduser() if args.out else site_dir(warehouse.root)
    if args.serve:
        server = site_server(out, args.port)
        print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    warehouse.require()
    choice = _snapshot_choice(args)
    record = build_site(warehouse, out, choice["snapshot_id"], as_of=choice["as_of"])
    if not args.quiet:
        print(f"built the site of snapshot {record['snapshot_id']} in {out}: {record['routes']} route pages, "
              f"{record['models']} base-model pages, {record['benchmarks']} benchmark pages "
              f"({record['build_seconds']} s); open {out / 'index.html'}")
    return 0


def cmd_query(args) -> int:
    from llm_catalog.readers import query, snapshot

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()
    con, _ = snapshot.connect(warehouse, **_snapshot_choice(args), allow_files=args.allow_files)
    columns, rows = query.run(con, args.sql)
    print(query.render(columns, rows, args.format))
    return 0


def _output_options(parser: argparse.ArgumentParser) -> None:
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", action="store_true", help="print nothing unless something fails (for cron)")
    loudness.add_argument("--verbose", action="store_true", help="also print Dagster's own log of the run (INFO)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llm-catalog", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", help="warehouse folder (default: $LLM_CATALOG_WAREHOUSE or data/warehouse)")
    common.add_argument("--debug", action="store_true", help="print the traceback of a failure")
    sub = parser.add_subparsers(dest="command", required=True)

    sync = sub.add_parser("sync", parents=[common], help="ingest, normalize, check and publish a snapshot")
    sync.add_argument("--litellm", metavar="PATH_OR_URL", help="cost map to sync (default: the bundled one)")
    sync.add_argument("--benchmarks", action="append", metavar="NAME=PATH_OR_URL",
                      help=f"point a benchmark source ({', '.join(OPTIONAL)}) at a "
                           "file, folder, tarball or URL, "
                           "or turn it off with NAME=off; repeatable")
    sync.add_argument("--accept-drop", action="store_true",
                      help="publish even if the route count falls or most prices change (a deliberate upstream change)")
    sync.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS",
                      help="how long to wait for another sync of the same warehouse to end (default 600)")
    sync.add_argument("--max-payload-mb", type=float, default=64.0, metavar="MB",
                      help="refuse a source payload larger than this (default 64)")
    sync.add_argument("--download-deadline", type=float, default=DOWNLOAD_DEADLINE_SECONDS, metavar="SECONDS",
                      help="the most one download may take, retries included "
                           f"(default {DOWNLOAD_DEADLINE_SECONDS:g})")
    sync.add_argument("--force", action="store_true",
                      help="run every stage even when no source and no code changed (publishes only on a change)")
    _output_options(sync)
    sync.set_defaults(func=cmd_sync)

    versions = sub.add_parser("versions", parents=[common], help="list snapshots, newest first (* = current)")
    versions.add_argument("--format", choices=("text", "json"), default="text")
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
    _output_options(backfill)
    backfill.set_defaults(func=cmd_backfill)

    diff = sub.add_parser("diff", parents=[common], help="what changed between two snapshots (default: the last two)")
    diff.add_argument("old", nargs="?")
    diff.add_argument("new", nargs="?")
    diff.add_argument("--limit", type=int, default=20, help="rows shown per change type (default 20)")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(func=cmd_diff)

    gc = sub.add_parser("gc", parents=[common],
                        help="remove old snapshots (never the current one) and finished runs' scratch space")
    gc.add_argument("--keep", type=int, help="how many of the newest snapshots to keep (at least 1; default: all)")
    gc.set_defaults(func=cmd_gc)

    q = sub.add_parser("query", parents=[common], help="run SQL over the tables of a snapshot")
    q.add_argument("sql")
    q.add_argument("--snapshot", help="snapshot id (default: the current one)")
    q.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument("--allow-files", action="store_true",
                   help="let the SQL read and write files, attach databases and load extensions (default: the "
                        "snapshot's tables only)")
    q.set_defaults(func=cmd_query)

    show = sub.add_parser("show", parents=[common], help="the model page of one route")
    show.add_argument("route", help="a route id, e.g. deepinfra/openai/gpt-oss-20b (or a base model: its routes)")
    show.add_argument("--snapshot", help="snapshot id (default: the current one)")
    show.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    show.add_argument("--lens", choices=LENSES, default="overall",
                      help="rank the similar models by this lens, as the page's filter does (default overall)")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--limit", type=int, default=100,
                      help="matching routes listed when ROUTE is no route id (default 100)")
    show.set_defaults(func=cmd_show)

    site = sub.add_parser("site", parents=[common], help="build the static site of a snapshot (or serve a built one)")
    site.add_argument("--snapshot", help="snapshot id (default: the current one)")
    site.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    site.add_argument("--out", metavar="DIR", help="where the site goes (default: the warehouse's site/ folder)")
    site.add_argument("--serve", action="store_true", help="serve the site built in --out on 127.0.0.1")
    site.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000; 0: any free one)")
    site.add_argument("--quiet", action="store_true", help="print nothing unless something fails")
    site.set_defaults(func=cmd_site)

    find = sub.add_parser("search", parents=[common],
                          help="routes ranked by how well route id, base model, family or provider match TEXT")
    find.add_argument("text")
    find.add_argument("--snapshot", help="snapshot id (default: the current one)")
    find.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    find.add_argument("--limit", type=int, default=20, help="routes listed (default 20)")
    find.add_argument("--format", choices=("text", "json"), default="text")
    find.set_defaults(func=cmd_search)
    return parser


def describe_failure(exc: BaseException) -> str:
    """One line for a failure the catalog did not raise on purpose: what it means, not its traceback."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" writing {exc.filename}" if exc.filename else ""
        return f"the disk is full (no space left on device{where}); free some space and run it again"
    if "database or disk is full" in text:
        return ("Dagster's run storage could not write: the disk is full (database or disk is full); free some "
                "space and run it again")
    if isinstance(exc, OSError):
        return f"{exc.strerror or text}{f': {exc.filename}' if exc.filename else ''}"
    module = type(exc).__module__.split(".")[0]
    origin = {"sqlalchemy": " (in Dagster's run storage)", "sqlite3": " (in Dagster's run storage)",
              "dagster": " (in Dagster)"}.get(module, "")
    return f"{type(exc).__name__}{origin}: {text}"


def _quiet_stdout() -> None:
    """The reader of our output went away (`| head`): point stdout at /dev/null so that Python's final flush does
    not complain, and stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (e.g. captured by a test)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return result
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except CatalogError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - any other failure: one clear line, the traceback with --debug
        if args.debug:
            raise
        print(f"error: {describe_failure(exc)} (--debug prints the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
