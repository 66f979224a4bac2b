"""Where a warehouse's files live: a local folder, or a prefix of an S3 bucket (``s3://BUCKET/PREFIX``).

Both are reached through pyarrow's filesystem layer (``pyarrow.fs``), by keys relative to the warehouse root
(``manifests/<id>.json``); what differs is how a file is made to appear whole and how one writer is chosen:

- a folder writes a temporary file and renames it (fsynced for the pointer and the manifests), and locks with the
  kernel's ``flock`` (``lock.WarehouseLock``);
- a bucket's PUT replaces an object whole, so a key is written directly; the lock is a lease object created with a
  conditional write and the pointer is moved with one (``object_lock``), through boto3, because pyarrow's S3
  filesystem has no conditional writes.

A bucket warehouse keeps what is local to a sync (Dagster's run storage, a run's working tables, the raw payloads
before a publish copies them up) in a local work folder (``work_dir``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from llm_catalog.errors import PublishError
from llm_catalog.files import fsync_write

S3_SCHEME = "s3://"
WORK_DIR_ENV = "LLM_CATALOG_WORK_DIR"  # a bucket warehouse's local work folder (default: under ~/.cache)
ENDPOINT_ENVS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")  # the AWS SDKs' own names for an endpoint


class Storage:
    """The operations a warehouse needs, on keys relative to its root; ``fs`` and ``path`` serve pyarrow readers."""

    fs: pafs.FileSystem
    local: bool  # a folder on this machine (its work folder is itself)
    location: str  # what a person or DuckDB calls the root: a folder's path, or s3://bucket/prefix
    work_dir: Path  # the local folder for what stays with the machine that syncs

    def path(self, key: str = "") -> str:
        """``key``'s path in ``fs``."""
        raise NotImplementedError

    def uri(self, key: str = "") -> str:
        """``key`` as DuckDB and the messages name it."""
        return f"{self.location}/{key}" if key else self.location

    def path_of_uri(self, uri: str) -> str:
        """The path in ``fs`` of a file DuckDB named by ``uri`` (one under ``location``)."""
        return self.path(uri.removeprefix(self.location).lstrip("/"))

    def register_on(self, con) -> None:
        """Let DuckDB connection ``con`` read this storage's files by their ``uri`` (a folder needs nothing)."""

    def info(self, key: str) -> pafs.FileInfo:
        return self.fs.get_file_info(self.path(key))

    def is_file(self, key: str) -> bool:
        return self.info(key).type == pafs.FileType.File

    def is_dir(self, key: str) -> bool:
        return self.info(key).type == pafs.FileType.Directory

    def read(self, key: str) -> bytes | None:
        """The content of ``key``, None when there is none."""
        try:
            with self.fs.open_input_stream(self.path(key)) as stream:
                return stream.read()
        except FileNotFoundError:
            return None

    def read_all(self, keys: list[str]) -> list[bytes | None]:
        """The content of each of ``keys``, in order (None where there is none)."""
        return [self.read(key) for key in keys]

    def names(self, prefix: str) -> list[str]:
        """The names directly under ``prefix`` (files and folders), sorted; none when it does not exist."""
        selector = pafs.FileSelector(self.path(prefix), allow_not_found=True)
        return sorted(info.base_name for info in self.fs.get_file_info(selector))

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_file(self.path(key))

    def delete_tree(self, prefix: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_dir(self.path(prefix))

    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        """Write ``data`` to ``key`` so that no reader sees it half-written."""
        raise NotImplementedError

    def write_table(self, key: str, table: pa.Table) -> tuple[int, str]:
        """Write ``table`` as Parquet to ``key``: (bytes, sha256) of the file, measured as it is written."""
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        data = sink.getvalue()
        self.write(key, data, durable=False)  # the manifest, written after, is what makes a snapshot count
        return data.size, hashlib.sha256(data).hexdigest()

    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        with self.fs.open_input_stream(self.path(key)) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    def swap(self, key: str, data: bytes, *, expected: bytes | None) -> None:
        """Replace ``key``'s content with ``data`` only if it is still ``expected`` (None: no such key)."""
        raise NotImplementedError

    def lock(self, timeout: float):
        """The one-writer lock of this warehouse (re-entrant within a process)."""
        raise NotImplementedError

    def check_reachable(self) -> None:
        """Nothing when the root can be reached; a PublishError in one line when not (no bucket, credentials)."""


class LocalStorage(Storage):
    local = True

    def __init__(self, root: Path):
        self.root = Path(root).expanduser().resolve()
        self.fs = pafs.LocalFileSystem()
        self.location = str(self.root)
        self.work_dir = self.root

    def path(self, key: str = "") -> str:
        return str(self.root / key) if key else str(self.root)

    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        fsync_write(self.root / key, memoryview(data), durable=durable)

    def swap(self, key: str, data: bytes, *, expected: bytes | None) -> None:
        # under the warehouse's flock, which every writer takes: nobody else moves it meanwhile
        if self.read(key) != expected:
            raise PublishError(f"{self.uri(key)} moved during the publish; nothing published (sync again)")
        self.write(key, data)

    def lock(self, timeout: float):
        from llm_catalog.warehouse.lock import WarehouseLock

        return WarehouseLock(self.root, timeout=timeout)


def parse_s3(location: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; a PublishError for anything else."""
    bucket, _, prefix = location.removeprefix(S3_SCHEME).partition("/")
    if not location.startswith(S3_SCHEME) or not bucket:
        raise PublishError(f"{location!r} is not a bucket location: it should read s3://BUCKET/PREFIX")
    return bucket, prefix.strip("/")


def endpoint_from_env(explicit: str | None = None) -> str | None:
    """``--s3-endpoint`` if given, else the AWS SDKs' environment variables (None: AWS itself)."""
    return explicit or next((os.environ[name] for name in ENDPOINT_ENVS if os.environ.get(name)), None)


def work_dir_of(location: str | os.PathLike) -> Path:
    """The local work folder of the warehouse at ``location`` (see ``Storage.work_dir``), without reaching it."""
    if isinstance(location, str) and location.startswith(S3_SCHEME):
        bucket, prefix = parse_s3(location)
        return (
            Path(os.environ.get(WORK_DIR_ENV) or "~/.cache/llm-catalog").expanduser()
            / "s3"
            / bucket
            / (prefix or "_root")
        )
    return Path(location).expanduser().resolve()
