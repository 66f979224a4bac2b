"""Fetching source payloads (local path or HTTP URL) and keeping every raw payload, content-addressed."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import re
import tarfile
import threading
import time
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NameResolutionError
from urllib3.util.retry import Retry

from llm_catalog.errors import BrokenPayloadError, SourceError
from llm_catalog.files import fsync_write
from llm_catalog.sources.local import require_data_file

# Generous for a ~4 MB JSON file; a payload past this is refused rather than read into memory. The limit holds on
# the decompressed bytes: they are read in chunks and reading stops at the limit (a gzip bomb never expands).
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
READ_CHUNK_BYTES = 1 << 16
HTTP_TIMEOUT_SECONDS = (5.0, 30.0)  # (connect, read)
HTTP_RETRIES = 3
HTTP_BACKOFF_SECONDS = 0.5
DOWNLOAD_DEADLINE_SECONDS = 300.0  # the most one download may take, retries included


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
    released: str | None = None  # ISO 8601: when the release it came from was published (bundled copies say)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RawPayload:
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
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
) -> bytes:
    """GET ``url`` with connect and read timeouts, retries, and a total ``deadline`` in seconds (the read timeout
    bounds each wait for bytes; a server that trickles them is stopped by the deadline). Raises a SourceError
    that says what happened: connect failed, no answer, too slow, or the HTTP status."""
    outcome: dict = {}
    done = threading.Event()
    worker = threading.Thread(
        target=_download, daemon=True, args=(url, outcome, done, headers, timeout, retries, backoff, max_bytes)
    )
    started = time.monotonic()
    worker.start()  # a daemon thread: a download past its deadline never keeps the process alive
    if not done.wait(deadline):
        outcome["stop"] = True
        _abort(outcome.get("response"))
        if outcome.get("response") is None:
            raise SourceError(
                source, f"GET {url}: no answer (no response headers) within the {deadline:g}s download deadline"
            )
        raise SourceError(
            source,
            f"GET {url} was too slow: {outcome.get('received', 0)} bytes in "
            f"{time.monotonic() - started:.0f}s, stopped at the {deadline:g}s download deadline",
        )
    if "error" in outcome:
        raise _describe_error(outcome["error"], url, source, timeout, retries, max_bytes)
    return outcome["data"]


def _download(url, outcome, done, headers, timeout, retries, backoff, max_bytes) -> None:
    """The download itself, in a worker thread; what it got (or the exception) goes to ``outcome``."""
    session = _http_session(retries, backoff)
    try:
        with session.get(url, timeout=timeout, stream=True, headers=headers) as response:
            outcome["response"] = response
            if response.status_code >= 400:
                outcome["error"] = _HTTPStatus(response.status_code, response.reason)
                return
            chunks, total = [], 0
            # read what has arrived, not a fixed block: a trickle is counted as it comes, and stopped at the deadline
            for chunk in iter(lambda: response.raw.read1(1 << 16, decode_content=True), b""):
                if outcome.get("stop"):
                    return
                total += len(chunk)
                outcome["received"] = total
                if total > max_bytes:
                    outcome["error"] = _TooLarge()
                    return
                chunks.append(chunk)
            outcome["data"] = b"".join(chunks)
    except Exception as exc:  # noqa: BLE001 - handed to the caller, which says what it means
        outcome["error"] = exc
    finally:
        session.close()
        done.set()


class _HTTPStatus(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(status, reason)
        self.status, self.reason = status, reason


class _TooLarge(Exception):
    pass


def _abort(response) -> None:
    """Cut a download in progress: shut its socket down, which wakes the worker blocked on it."""
    if response is not None:
        with contextlib.suppress(ValueError, RuntimeError, OSError):  # already finished or released
            response.raw.shutdown()


def _describe_error(exc: Exception, url: str, source: str, timeout, retries: int, max_bytes: int) -> SourceError:
    """A SourceError that says what happened, from what requests and urllib3 raised."""
    read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
    connect_timeout = timeout[0] if isinstance(timeout, tuple) else timeout
    tries = f"after {retries} retries" if retries else "with no retries"
    if isinstance(exc, _HTTPStatus):
        return SourceError(source, f"GET {url} answered HTTP {exc.status} {exc.reason}")
    if isinstance(exc, _TooLarge):
        return SourceError(source, f"GET {url}: payload is larger than the {max_bytes} byte limit")
    reason = exc.args[0].reason if exc.args and hasattr(exc.args[0], "reason") else exc.args[0] if exc.args else exc
    if isinstance(exc, requests.exceptions.RetryError):
        return SourceError(source, f"GET {url} kept failing {tries}: {exc.args[0]}")
    if isinstance(reason, NameResolutionError):
        return SourceError(source, f"GET {url}: its host name does not resolve (not retried): {reason}")
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)) or isinstance(
        reason, urllib3.exceptions.ReadTimeoutError
    ):
        return SourceError(source, f"GET {url}: connected, but no answer within {read_timeout:g}s (timed out {tries})")
    if isinstance(reason, urllib3.exceptions.NewConnectionError):  # (a subclass of ConnectTimeoutError)
        return SourceError(source, f"GET {url}: connect failed {tries}: {str(reason).split(': ', 1)[-1]}")
    if isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(
        reason, urllib3.exceptions.ConnectTimeoutError
    ):
        return SourceError(source, f"GET {url}: connect failed: no connection within {connect_timeout:g}s {tries}")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SourceError(source, f"GET {url}: the connection broke {tries}: {reason}")
    if isinstance(exc, requests.exceptions.RequestException):
        return SourceError(source, f"GET {url} failed: {exc}")
    return SourceError(source, f"GET {url} failed: {type(exc).__name__}: {exc}")


def read_location(
    location: str | os.PathLike,
    *,
    source: str,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    headers: dict | None = None,
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
) -> bytes:
    """The bytes at a local path or an HTTP(S) URL, gzip data decompressed; at most ``max_bytes`` of them, counted
    after decompression, in chunks: reading stops at the limit."""
    location = str(location)
    if is_url(location):
        data = fetch_url(location, source=source, max_bytes=max_bytes, headers=headers, deadline=deadline)
        if data[:2] != GZIP_MAGIC:
            return data
        return _read_capped(io.BytesIO(data), source=source, what=location, max_bytes=max_bytes)
    path = Path(location.removeprefix("file://")).expanduser()
    if path.is_dir():
        raise SourceError(source, f"{path} is a directory, not a file")
    require_data_file(path, source)
    if path.stat().st_size > max_bytes:
        raise SourceError(source, f"{path} is larger than the {max_bytes} byte limit")
    with path.open("rb") as handle:
        return _read_capped(handle, source=source, what=str(path), max_bytes=max_bytes)


GZIP_MAGIC = b"\x1f\x8b"


def _read_capped(handle, *, source: str, what: str, max_bytes: int) -> bytes:
    """Everything ``handle`` holds (decompressed when it is gzip data), read a chunk at a time; a SourceError as
    soon as more than ``max_bytes`` came out."""
    compressed = handle.peek(2)[:2] == GZIP_MAGIC if hasattr(handle, "peek") else False
    if not compressed:
        compressed = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
    stream = gzip.GzipFile(fileobj=handle, mode="rb") if compressed else handle
    chunks, total = [], 0
    try:
        while chunk := stream.read(READ_CHUNK_BYTES):
            total += len(chunk)
            if total > max_bytes:
                kind = "decompressed payload" if compressed else "payload"
                raise SourceError(
                    source,
                    f"{what}: {kind} is larger than the {max_bytes} byte limit (stopped reading at {total} bytes)",
                )
            chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(source, f"{what}: corrupt gzip data ({exc})") from exc
    return b"".join(chunks)


def _tar_of(files: dict[str, bytes]) -> bytes:
    """One uncompressed tar of ``files``, sorted, with fixed metadata: the same files give the same sha256."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(files[name]), 0, 0o644
            archive.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def read_tree(
    location: str | os.PathLike,
    *,
    source: str,
    members: re.Pattern,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    headers: dict | None = None,
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
) -> bytes:
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
                    raise SourceError(
                        source, f"{folder}: the matching files are larger than the {max_bytes} byte limit"
                    )
                files[name] = path.read_bytes()
    else:
        data = read_location(location, source=source, max_bytes=max_bytes, headers=headers, deadline=deadline)
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


def store_raw(
    data: bytes, *, raw_dir: Path, source: str, origin: str, version: str | None = None, released: str | None = None
) -> RawPayload:
    """Keep ``data`` under ``raw_dir/<source>/<sha256>.gz`` (written once, atomically) and describe it."""
    digest = hashlib.sha256(data).hexdigest()
    target = raw_dir / source / f"{digest}.gz"
    if not target.exists():
        # readable by the warehouse's other users, as its tables; gzip's own default level: 9 took 3.5x as long
        # for 5% less (1.2 s of a first sync, which stores 18 payloads)
        fsync_write(target, gzip.compress(data, compresslevel=6, mtime=0))
    return RawPayload(
        source=source,
        origin=origin,
        sha256=digest,
        size_bytes=len(data),
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        stored_path=str(target),
        version=version,
        released=released,
    )


def probe_url(
    url: str, *, source: str, headers: dict | None = None, timeout: float | tuple[float, float] = HTTP_TIMEOUT_SECONDS
) -> dict:
    """What a HEAD request says about ``url`` without downloading it: ETag, Last-Modified and size (None each when
    the server does not say)."""
    try:
        with _http_session(retries=1, backoff=HTTP_BACKOFF_SECONDS) as session:
            response = session.head(url, timeout=timeout, headers=headers, allow_redirects=True)
    except requests.exceptions.RequestException as exc:
        raise _describe_error(exc, url, source, timeout, 1, MAX_PAYLOAD_BYTES) from exc
    if response.status_code >= 400:
        raise SourceError(source, f"HEAD {url} answered HTTP {response.status_code} {response.reason}")
    size = response.headers.get("Content-Length")
    return {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "size": int(size) if size and size.isdigit() else None,
    }


def upstream_changed(
    url: str,
    *,
    source: str,
    previous: dict | None,
    headers: dict | None = None,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
) -> tuple[bool, dict, str]:
    """Whether the payload at ``url`` differs from ``previous`` (the state this returned last time, or just
    ``{"sha256": ...}`` of the payload the current snapshot used), cheaply: a HEAD first, and the payload's sha256
    only when the server states neither ETag nor Last-Modified, or one of them (or the size) moved.
    Returns (changed, the state to keep for next time, how it was decided)."""
    previous = previous or {}
    head = probe_url(url, source=source, headers=headers)
    validators = [k for k in ("etag", "last_modified") if head[k]]
    if (
        previous.get("sha256")
        and validators
        and all(head[k] == previous.get(k) for k in validators)
        and (head["size"] is None or previous.get("size") in (None, head["size"]))
    ):
        return False, {**previous, **head}, f"unchanged by HEAD ({', '.join(validators)})"
    digest = hashlib.sha256(
        fetch_url(url, source=source, headers=headers, max_bytes=max_bytes, deadline=deadline)
    ).hexdigest()
    state = {**head, "sha256": digest}
    how = "HEAD names no validator, compared sha256" if not validators else "HEAD changed, compared sha256"
    return digest != previous.get("sha256"), state, how
