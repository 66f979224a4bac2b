"""The llm-catalog command line: sync, backfill, versions, diff, verify, query, show, search, cost, site, gc.
The commands are in pipelines/sync_commands.py (those that write a warehouse) and pipelines/read_commands.py (those
that read one); this module parses the arguments and turns every failure into one line."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from datetime import date

from llm_catalog.errors import CatalogError
from llm_catalog.readers.formatting import LENSES
from llm_catalog.readers.terminal import visible_lines
from llm_catalog.registry import FROM_PACKAGE, OPTIONAL, PRICING, SOURCES
from llm_catalog.sources.fetch import DOWNLOAD_DEADLINE_SECONDS
from llm_catalog.sources.releases import INDEX_ENV, PYPI
from llm_catalog.sources.source import MAX_ROUTES, MAX_ROUTES_ENV
from pipelines.read_commands import (
    cmd_cost,
    cmd_diff,
    cmd_query,
    cmd_search,
    cmd_show,
    cmd_site,
    cmd_verify,
    cmd_versions,
)
from pipelines.sync_commands import cmd_backfill, cmd_gc, cmd_sync


def _output_options(parser: argparse.ArgumentParser) -> None:
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", action="store_true", help="print nothing unless something fails (for cron)")
    loudness.add_argument("--verbose", action="store_true", help="also print Dagster's own log of the run (INFO)")


def _backfill_parser(sub, common: argparse.ArgumentParser) -> None:
    """backfill: from a folder of dated maps, a git clone, or a package's releases on the package index."""
    backfill = sub.add_parser(
        "backfill", parents=[common], help="publish one snapshot per dated map, git commit or package release"
    )
    backfill.add_argument("folder", nargs="?", help="a folder of maps named YYYY-MM-DD*.json")
    backfill.add_argument("--git", metavar="REPO", help="a local git clone holding the map's history")
    backfill.add_argument("--path", default="model_prices_and_context_window.json", help="the map's path in REPO")
    backfill.add_argument(
        "--from-registry",
        choices=tuple(FROM_PACKAGE),
        metavar="PACKAGE",
        help=f"the releases of a package on the package index ({', '.join(FROM_PACKAGE)}), each dated by its upload "
        "time; a re-run adds only releases after the newest snapshot",
    )
    backfill.add_argument(
        "--index-url",
        metavar="URL",
        help=f"the package index for --from-registry (default: ${INDEX_ENV}, else {PYPI})",
    )
    backfill.add_argument(
        "--since",
        metavar="DATE|VERSION",
        help="only commits from this date (YYYY-MM-DD); with --from-registry, releases from this version on",
    )
    backfill.add_argument(
        "--every",
        choices=("day", "week", "month", "release"),
        help="one snapshot per period: the last commit of each (day, week, month; default day), or with "
        "--from-registry the highest release uploaded in each (release, week, month; default month)",
    )
    backfill.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS")
    _pricing_option(backfill, "default: the map alone for dated cost maps (their history is the map's), else every one")
    _output_options(backfill)
    backfill.set_defaults(func=cmd_backfill)


def _site_parser(sub, common: argparse.ArgumentParser) -> None:
    site = sub.add_parser("site", parents=[common], help="build the static site of a snapshot (or serve a built one)")
    site.add_argument("--snapshot", help="snapshot id (default: the current one)")
    site.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    site.add_argument(
        "--out",
        metavar="DIR",
        help="where the site goes: a folder or s3://BUCKET/PREFIX (default: the warehouse's site/)",
    )
    site.add_argument("--serve", action="store_true", help="serve the site built in --out on 127.0.0.1")
    site.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000; 0: any free one)")
    site.add_argument("--quiet", action="store_true", help="print nothing unless something fails")
    site.add_argument(
        "--processes", type=_process_count, metavar="N", help="processes rendering route pages (default: one per core)"
    )
    site.set_defaults(func=cmd_site)


def _pricing_option(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--pricing-sources",
        metavar="NAME,...",
        default="",
        help=f"the pricing sources the catalog is reconciled from ({', '.join(s.name for s in PRICING)}; {default})",
    )


GC_HELP = (
    "remove old snapshots (never the current one), finished runs' scratch space and, for a bucket warehouse, the work "
    "folder's copies of the payloads it holds"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llm-catalog", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--warehouse",
        help="warehouse folder or s3://BUCKET/PREFIX (default: $LLM_CATALOG_WAREHOUSE or data/warehouse)",
    )
    common.add_argument(
        "--s3-endpoint",
        metavar="URL",
        help="an S3-compatible store's endpoint for an s3:// warehouse (default: $AWS_ENDPOINT_URL, else AWS); "
        "credentials and region come from the AWS environment variables and config files",
    )
    common.add_argument("--debug", action="store_true", help="print the traceback of a failure")
    sub = parser.add_subparsers(dest="command", required=True)

    sync = sub.add_parser("sync", parents=[common], help="ingest, normalize, check and publish a snapshot")
    sync.add_argument("--litellm", metavar="PATH_OR_URL", help="cost map to sync (default: the bundled one)")
    sync.add_argument(
        "--as-of",
        metavar="DATE",
        help="the day the synced data describes, YYYY-MM-DD (default: the map's release date when it states one, as "
        "the bundled map does, else today, UTC); not before the newest snapshot's",
    )
    sync.add_argument(
        "--no-release-history",
        dest="release_history",
        action="store_false",
        help="do not publish the bundled earlier releases of the map first (by default a warehouse whose history "
        "lacks them gets them, one snapshot per month, when the map synced is the bundled one)",
    )
    sync.add_argument(
        "--source",
        "--benchmarks",
        dest="benchmarks",
        action="append",
        metavar="NAME=PATH_OR_URL",
        help=f"point an optional source ({', '.join(OPTIONAL)}) at a file, folder, tarball or URL, or turn it off "
        "with NAME=off; repeatable (--benchmarks is the older name)",
    )
    _pricing_option(sync, "default: every one")
    sync.add_argument(
        "--accept-drop",
        action="store_true",
        help="publish even if the route count falls or most prices change (a deliberate upstream change)",
    )
    sync.add_argument(
        "--lock-timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long to wait for another sync of the same warehouse to end (default 600)",
    )
    sync.add_argument(
        "--max-payload-mb",
        type=float,
        default=64.0,
        metavar="MB",
        help="refuse a source payload larger than this (default 64)",
    )
    sync.add_argument(
        "--max-routes",
        type=int,
        default=0,
        metavar="N",
        help=f"refuse sources that list more than N routes together, before the expensive stages (default: "
        f"${MAX_ROUTES_ENV}, else {MAX_ROUTES:,}; the bundled sources list about 14,000)",
    )
    sync.add_argument(
        "--download-deadline",
        type=float,
        default=DOWNLOAD_DEADLINE_SECONDS,
        metavar="SECONDS",
        help=f"the most one download may take, retries included (default {DOWNLOAD_DEADLINE_SECONDS:g})",
    )
    sync.add_argument(
        "--force",
        action="store_true",
        help="run every stage even when no source and no code changed (publishes only on a change)",
    )
    _output_options(sync)
    sync.set_defaults(func=cmd_sync)

    versions = sub.add_parser("versions", parents=[common], help="list snapshots, newest first (* = current)")
    versions.add_argument("--format", choices=("text", "json"), default="text")
    versions.set_defaults(func=cmd_versions)

    verify = sub.add_parser("verify", parents=[common], help="check a snapshot's files against its manifest")
    verify.add_argument("--snapshot", help="snapshot id (default: the current one)")
    verify.set_defaults(func=cmd_verify)

    _backfill_parser(sub, common)

    diff = sub.add_parser("diff", parents=[common], help="what changed between two snapshots (default: the last two)")
    diff.add_argument("old", nargs="?")
    diff.add_argument("new", nargs="?")
    diff.add_argument("--limit", type=int, default=20, help="rows shown per change type (default 20)")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(func=cmd_diff)

    gc = sub.add_parser("gc", parents=[common], help=GC_HELP)
    gc.add_argument("--keep", type=int, help="how many of the newest snapshots to keep (at least 1; default: all)")
    gc.set_defaults(func=cmd_gc)

    q = sub.add_parser("query", parents=[common], help="run SQL over the tables of a snapshot")
    q.add_argument("sql")
    q.add_argument("--snapshot", help="snapshot id (default: the current one)")
    q.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument(
        "--allow-files",
        action="store_true",
        help="let the SQL read and write files, attach databases and load extensions (default: the "
        "snapshot's tables only)",
    )
    q.set_defaults(func=cmd_query)

    show = sub.add_parser("show", parents=[common], help="the model page of one route")
    show.add_argument("route", help="a route id, e.g. deepinfra/openai/gpt-oss-20b (or a base model: its routes)")
    show.add_argument("--snapshot", help="snapshot id (default: the current one)")
    show.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    show.add_argument(
        "--lens",
        choices=LENSES,
        default="overall",
        help="rank the similar models by this lens, as the page's filter does (default overall)",
    )
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument(
        "--limit", type=int, default=100, help="matching routes listed when ROUTE is no route id (default 100)"
    )
    show.set_defaults(func=cmd_show)

    _cost_parser(sub, common)

    _site_parser(sub, common)

    find = sub.add_parser(
        "search", parents=[common], help="routes ranked by how well route id, base model, family or provider match TEXT"
    )
    find.add_argument("text")
    find.add_argument("--snapshot", help="snapshot id (default: the current one)")
    find.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    find.add_argument("--limit", type=int, default=20, help="routes listed (default 20)")
    find.add_argument("--format", choices=("text", "json"), default="text")
    find.set_defaults(func=cmd_search)
    return parser


def _token_count(text: str) -> int:
    from llm_catalog.readers.cost import parse_tokens

    try:
        return parse_tokens(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _process_count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)


def _share(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        share = Decimal(text.strip())
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction from 0 to 1 (e.g. 0.3)")
    return share


def _cost_parser(sub, common: argparse.ArgumentParser) -> None:
    cost = sub.add_parser(
        "cost", parents=[common], help="price a workload on a route, or on every route of a base model (ranked)"
    )
    cost.add_argument("route", metavar="ROUTE|BASE_MODEL", help="a route id, or a base model: its routes ranked")
    tokens = "tokens a --per period (1000000, 1_000_000, 1M, 200K)"
    cost.add_argument("--input", type=_token_count, required=True, metavar="TOKENS", help=f"input {tokens}")
    cost.add_argument("--output", type=_token_count, required=True, metavar="TOKENS", help=f"output {tokens}")
    cost.add_argument(
        "--cached-share", type=_share, default=0, metavar="F", help="the share of input read from a cache, 0..1"
    )
    cost.add_argument("--batch", action="store_true", help="use the route's batch prices")
    cost.add_argument(
        "--per", choices=("day", "month"), default="month", help="the tokens are a day's or a month's (30 days)"
    )
    cost.add_argument(
        "--prompt-tokens",
        type=_token_count,
        metavar="N",
        help="one request's prompt size, which decides a long-context tier (default: the base tier, and the "
        "tier above is quoted in a note)",
    )
    cost.add_argument("--snapshot", help="snapshot id (default: the current one)")
    cost.add_argument("--as-of", metavar="DATE", help="the snapshot current on this date (YYYY-MM-DD)")
    cost.add_argument("--format", choices=("table", "csv", "json"), default="table")
    cost.set_defaults(func=cmd_cost)


def check_arguments(args) -> None:
    """What the parser cannot see: a location given empty (which would silently mean the default: the bundled map
    for `--litellm ""`), and a date after today, which no later sync could go past."""
    from llm_catalog.history.backfill import refuse_future

    empty = []
    if getattr(args, "litellm", None) is not None and not args.litellm.strip():
        empty.append("--litellm")
    if getattr(args, "index_url", None) is not None and not args.index_url.strip():
        empty.append("--index-url")
    for spec in getattr(args, "benchmarks", None) or []:
        name, sep, location = spec.partition("=")
        if sep and not location.strip():
            empty.append(f"--source {name}=")
    if empty:
        raise CatalogError(f"{', '.join(empty)} is empty: give a path or URL (or leave the option out for the default)")
    if args.command == "sync":
        for source in SOURCES:
            source.location("")  # an environment variable set but empty says so here, before the run starts
        if getattr(args, "max_routes", 0) < 0:
            raise CatalogError(f"--max-routes takes a number of routes, got {args.max_routes}")
        if args.as_of:
            try:
                day = date.fromisoformat(args.as_of)
            except ValueError:
                return  # the sync command says what --as-of takes
            refuse_future(day, "--as-of")


def describe_failure(exc: BaseException) -> str:
    """One line for a failure the catalog did not raise on purpose: what it means, not its traceback."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" writing {exc.filename}" if exc.filename else ""
        return f"the disk is full (no space left on device{where}); free some space and run it again"
    if "database or disk is full" in text:
        return (
            "Dagster's run storage could not write: the disk is full (database or disk is full); free some "
            "space and run it again"
        )
    if isinstance(exc, OSError):
        return f"{exc.strerror or text}{f': {exc.filename}' if exc.filename else ''}"
    module = type(exc).__module__.split(".")[0]
    origin = {
        "sqlalchemy": " (in Dagster's run storage)",
        "sqlite3": " (in Dagster's run storage)",
        "dagster": " (in Dagster)",
    }.get(module, "")
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
        check_arguments(args)
        result = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return result
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except CatalogError as exc:
        if args.debug:
            raise
        print(visible_lines(f"error: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - any other failure: one clear line, the traceback with --debug
        if args.debug:
            raise
        print(visible_lines(f"error: {describe_failure(exc)} (--debug prints the traceback)"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
