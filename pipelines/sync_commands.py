"""The commands that write a warehouse: sync, backfill, gc."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.paths import warehouse_dir
from llm_catalog.registry import OPTIONAL
from llm_catalog.warehouse.store import Warehouse
from pipelines.run import instance, run_sync


def cmd_sync(args) -> int:
    benchmark_sources = {}
    for spec in args.benchmarks or []:
        name, sep, location = spec.partition("=")
        if not sep or name not in OPTIONAL or not location:
            raise CatalogError(
                f"--benchmarks takes NAME=PATH_OR_URL with NAME one of {', '.join(OPTIONAL)}"
                f" (or NAME=off), got {spec!r}"
            )
        benchmark_sources[name] = location
    ok, message = run_sync(
        warehouse_dir(args.warehouse),
        litellm=args.litellm or "",
        accept_drop=args.accept_drop,
        lock_timeout=args.lock_timeout,
        verbose=args.verbose,
        quiet=args.quiet,
        force=args.force,
        max_payload_bytes=int(args.max_payload_mb * 1024 * 1024),
        download_deadline_seconds=args.download_deadline,
        **benchmark_sources,
    )
    if not ok or not args.quiet:
        print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_backfill(args) -> int:
    """One snapshot per dated map, oldest first, each as of its date. History is what it was: drops are accepted."""
    from llm_catalog.history import backfill

    warehouse = Warehouse(warehouse_dir(args.warehouse))
    if args.git:
        versions = backfill.git_versions(
            Path(args.git), args.path, every=args.every, since=date.fromisoformat(args.since) if args.since else None
        )
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
        raise CatalogError(
            f"the warehouse already has a snapshot as of {max(existing)}, later than the first map "
            f"({maps[0][0]}); backfill into an empty warehouse, or only maps from {max(existing)} on"
        )
    from pipelines.progress import bar

    for done, (day, path) in enumerate(maps):
        if not args.quiet:
            print(f"{bar(done, len(maps))}  {day} {path.name}", file=sys.stderr, flush=True)
        ok, message = run_sync(
            warehouse.root,
            litellm=str(path),
            as_of=day.isoformat(),
            accept_drop=True,
            lock_timeout=args.lock_timeout,
            quiet=args.quiet,
            verbose=args.verbose,
        )
        if not ok or not args.quiet:
            print(f"{day} {path.name}: {message}", file=sys.stdout if ok else sys.stderr)
        if not ok:
            return 1
    if not args.quiet:
        print(f"{bar(len(maps), len(maps))}  {len(maps)} map(s) backfilled", file=sys.stderr)
    return 0


def cmd_gc(args) -> int:
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, RunsFilter

    warehouse = Warehouse(warehouse_dir(args.warehouse)).require()  # never creates one (nor its lock file)
    removed = warehouse.gc(keep=args.keep) if args.keep is not None else []
    for snapshot_id in removed:
        print(f"removed snapshot {snapshot_id}")
    if args.keep is not None:
        print(
            f"{len(removed)} snapshot(s) removed, {len(warehouse.snapshot_ids())} kept; the current snapshot's "
            "history tables still cover every removed one"
        )
    # runs still in progress (e.g. launched from the UI) keep their scratch space
    active = {run.run_id for run in instance(warehouse.root).get_runs(RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))}
    scratch = warehouse.gc_run_scratch(active=active)
    print(f"{len(scratch)} finished run(s)' scratch space removed ({sum(size for _, size in scratch) / 1e6:.1f} MB)")
    return 0
