"""The commands that write a warehouse: sync, backfill, gc."""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import date
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.paths import warehouse_location
from llm_catalog.registry import OPTIONAL
from llm_catalog.warehouse.layout import RAW
from llm_catalog.warehouse.store import Warehouse, open_warehouse
from pipelines.run import instance, run_sync

RELEASE_CACHE = f"{RAW}/_releases"  # a registry backfill's downloads, in the warehouse: a re-run reads them from here


def as_of_date(text: str) -> str:
    """``text`` if it is a YYYY-MM-DD date, else a CatalogError saying what --as-of takes."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise CatalogError(f"--as-of takes a date as YYYY-MM-DD (the day the synced data describes), got {text!r}")


def pricing_sources(text: str) -> str:
    """``--pricing-sources`` as given, once every name in it is a pricing source of the registry."""
    from llm_catalog.reconciliation.catalog import chosen_sources

    chosen_sources([name.strip() for name in text.split(",") if name.strip()] or None)
    return text


def cmd_sync(args) -> int:
    benchmark_sources = {}
    for spec in args.benchmarks or []:
        name, sep, location = spec.partition("=")
        if not sep or name not in OPTIONAL or not location:
            raise CatalogError(
                f"--source takes NAME=PATH_OR_URL with NAME one of {', '.join(OPTIONAL)} (or NAME=off), got {spec!r}"
            )
        benchmark_sources[name] = location
    ok, message = run_sync(
        warehouse_location(args.warehouse),
        s3_endpoint=args.s3_endpoint,
        litellm=args.litellm or "",
        as_of=as_of_date(args.as_of) if args.as_of else "",
        release_history=args.release_history,
        pricing_sources=pricing_sources(args.pricing_sources),
        accept_drop=args.accept_drop,
        lock_timeout=args.lock_timeout,
        verbose=args.verbose,
        quiet=args.quiet,
        force=args.force,
        max_payload_bytes=int(args.max_payload_mb * 1024 * 1024),
        max_routes=args.max_routes,
        download_deadline_seconds=args.download_deadline,
        **benchmark_sources,
    )
    if not ok or not args.quiet:
        print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_backfill(args) -> int:
    """One snapshot per dated map, oldest first, each as of its date. History is what it was: drops are accepted."""
    from llm_catalog.history import backfill

    warehouse = open_warehouse(args.warehouse, s3_endpoint=args.s3_endpoint)
    if args.from_registry:
        if args.folder or args.git:
            raise CatalogError("backfill takes one of a folder, --git REPO or --from-registry PACKAGE")
        maps = _registry_maps(args, warehouse)
        if not maps:
            return 0
    elif args.git:
        versions = backfill.git_versions(
            Path(args.git),
            args.path,
            every=args.every or "day",
            since=date.fromisoformat(args.since) if args.since else None,
        )
        work = Path(tempfile.mkdtemp(prefix="llm-catalog-backfill-"))
        maps = []
        for day, commit in versions:
            target = work / f"{day.isoformat()}-{commit[:12]}.json"
            target.write_bytes(backfill.git_file(Path(args.git), commit, args.path))
            maps.append((day, target.name, "litellm", target))
    else:
        if not args.folder:
            raise CatalogError("backfill takes a folder of dated maps, --git REPO or --from-registry PACKAGE")
        dated, skipped = backfill.dated_files(Path(args.folder))
        for path in skipped:
            print(f"skipped {path.name}: its name does not start with a YYYY-MM-DD date", file=sys.stderr)
        maps = [(day, path.name, "litellm", path) for day, path in dated]
    if not maps:
        raise CatalogError("nothing to backfill: no dated maps found")
    existing = warehouse.as_of_each(warehouse.snapshot_ids())
    if existing and max(existing) > maps[0][0]:
        raise CatalogError(
            f"the warehouse already has a snapshot as of {max(existing)}, later than the first map "
            f"({maps[0][0]}); backfill into an empty warehouse, or only maps from {max(existing)} on"
        )
    return _sync_in_order(args, warehouse, maps)


def _registry_maps(args, warehouse: Warehouse) -> list[tuple[date, str, str, Path]]:
    """(as_of, label, source, file) for each release to sync, downloaded (or read from the warehouse's cache) before
    any sync: a release that cannot be read stops the backfill before anything is published."""
    from llm_catalog.history import backfill

    newest = max(warehouse.as_of_each(warehouse.snapshot_ids()), default=None)
    source, releases, skipped = backfill.registry_releases(
        args.from_registry, index=args.index_url, since=args.since, every=args.every or "month", after=newest
    )
    if not releases and not skipped:
        raise CatalogError(f"nothing to backfill: no release of {args.from_registry} matches --since {args.since}")
    if skipped and not args.quiet:
        print(
            f"skipped {len(skipped)} release(s) dated on or before {newest}, the newest snapshot's as_of: "
            + ", ".join(f"{r.version} ({r.released_on})" for r in skipped),
            file=sys.stderr,
        )
    if not releases:
        if not args.quiet:
            print(
                f"nothing to backfill: every picked release of {args.from_registry} is already in {warehouse.location}"
            )
        return []
    maps = []
    for release in releases:
        if not args.quiet:
            print(f"reading {release.name} (uploaded {release.uploaded:%Y-%m-%d %H:%M}Z)", file=sys.stderr, flush=True)
        path = backfill.registry_file(source, release, warehouse.work_dir / RELEASE_CACHE)
        maps.append((release.released_on, release.name, source.name, path))
    return maps


def _sync_in_order(args, warehouse: Warehouse, maps: list[tuple[date, str, str, Path]]) -> int:
    """Sync each (as_of, label, source, file), oldest first, ``source`` read from ``file``, as of its date."""
    from pipelines.progress import bar

    for done, (day, label, source, path) in enumerate(maps):
        if not args.quiet:
            print(f"{bar(done, len(maps))}  {day} {label}", file=sys.stderr, flush=True)
        ok, message = run_sync(
            warehouse.location,
            s3_endpoint=args.s3_endpoint,
            **{source: str(path)},
            pricing_sources=pricing_sources(args.pricing_sources) or ("litellm" if source == "litellm" else ""),
            as_of=day.isoformat(),
            accept_drop=True,
            lock_timeout=args.lock_timeout,
            quiet=args.quiet,
            verbose=args.verbose,
        )
        if not ok or not args.quiet:
            print(f"{day} {label}: {message}", file=sys.stdout if ok else sys.stderr)
        if not ok:
            return 1
    if not args.quiet:
        print(f"{bar(len(maps), len(maps))}  {len(maps)} map(s) backfilled", file=sys.stderr)
    return 0


def cmd_gc(args) -> int:
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, RunsFilter

    # never creates one (nor its lock file)
    warehouse = open_warehouse(args.warehouse, s3_endpoint=args.s3_endpoint).require()
    removed = warehouse.gc(keep=args.keep) if args.keep is not None else []
    for snapshot_id in removed:
        print(f"removed snapshot {snapshot_id}")
    if args.keep is not None:
        print(
            f"{len(removed)} snapshot(s) removed, {len(warehouse.snapshot_ids())} kept; the current snapshot's "
            "history tables still cover every removed one"
        )
    # runs still in progress (e.g. launched from the UI) keep their scratch space
    runs = instance(warehouse.work_dir).get_runs(RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))
    active = {run.run_id for run in runs}
    scratch = warehouse.gc_run_scratch(active=active)
    print(f"{len(scratch)} finished run(s)' scratch space removed ({sum(size for _, size in scratch) / 1e6:.1f} MB)")
    if not warehouse.storage.local:
        copies = warehouse.gc_local_payloads()
        print(
            f"{len(copies)} raw payload(s) the bucket holds removed from the work folder {warehouse.work_dir} "
            f"({sum(size for _, size in copies) / 1e6:.1f} MB; a sync downloads one again if it falls back on it)"
        )
    return 0
