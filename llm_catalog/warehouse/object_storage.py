"""A warehouse in an S3 bucket: files through pyarrow's S3 filesystem, and the two writes that must be conditional
(the lock's lease and the pointer) through boto3, which sends S3's ``If-None-Match``/``If-Match`` headers.

Endpoint, region and credentials are found the AWS SDKs' standard way (``AWS_ACCESS_KEY_ID``..., ``~/.aws/config``
and ``~/.aws/credentials``, ``AWS_PROFILE``, ``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL``); ``--s3-endpoint`` names
an S3-compatible store (MinIO, Ceph, R2, moto)."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import pyarrow.fs as pafs

from llm_catalog.errors import PublishError
from llm_catalog.warehouse.storage import Storage, endpoint_from_env, parse_s3, work_dir_of

CONNECT_TIMEOUT_SECONDS = 5.0
REQUEST_TIMEOUT_SECONDS = 60.0
ATTEMPTS = 3  # each request, with the SDKs' standard backoff between attempts
CONCURRENT_REQUESTS = 16


class S3Storage(Storage):
    local = False

    def __init__(self, location: str, *, endpoint: str | None = None):
        self.bucket, self.prefix = parse_s3(location)
        self.location = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        self.endpoint = endpoint_from_env(endpoint)
        self.work_dir = work_dir_of(self.location)
        self.fs = pafs.S3FileSystem(
            endpoint_override=self.endpoint,
            allow_bucket_creation=False,
            allow_bucket_deletion=False,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            request_timeout=REQUEST_TIMEOUT_SECONDS,
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=ATTEMPTS),
        )

    def key(self, key: str = "") -> str:
        """``key``'s object key in the bucket."""
        return "/".join(part for part in (self.prefix, key) if part)

    def path(self, key: str = "") -> str:
        return f"{self.bucket}/{self.key(key)}".rstrip("/")

    @cached_property
    def client(self):
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=REQUEST_TIMEOUT_SECONDS,
            retries={"max_attempts": ATTEMPTS, "mode": "standard"},
        )
        return boto3.client("s3", endpoint_url=self.endpoint, config=config)

    def read_all(self, keys: list[str]) -> list[bytes | None]:
        # every manifest, on each command: one request each, so side by side (a year of daily syncs is 365)
        if len(keys) < 2:
            return [self.read(key) for key in keys]
        with ThreadPoolExecutor(min(CONCURRENT_REQUESTS, len(keys))) as pool:
            return list(pool.map(self.read, keys))

    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        # an object appears whole when its upload completes (a killed multipart upload never does)
        with self.fs.open_output_stream(self.path(key)) as stream:
            stream.write(data)

    def swap(self, key: str, data: bytes, *, expected: bytes | None) -> None:
        from llm_catalog.warehouse.object_lock import conditional_put, read_object

        found = read_object(self, key)
        if (found[0] if found else None) != expected:
            raise PublishError(f"{self.uri(key)} moved during the publish; nothing published (sync again)")
        if not conditional_put(self, key, data, etag=found[1] if found else None):
            raise PublishError(f"{self.uri(key)} moved during the publish; nothing published (sync again)")

    def __getstate__(self) -> dict:  # a site build's page processes get a copy; boto3's client is made anew there
        return {k: v for k, v in self.__dict__.items() if k != "client"}

    def register_on(self, con) -> None:
        # DuckDB's own S3 support (httpfs) is an extension that may not be installable; an fsspec filesystem over
        # pyarrow's S3 answers s3:// paths for it, with the same endpoint and credentials
        con.register_filesystem(_fsspec_s3()(self.fs))

    def lock(self, timeout: float):
        from llm_catalog.warehouse.object_lock import ObjectLock

        return ObjectLock(self, timeout=timeout)

    def check_reachable(self) -> None:
        where = f" at {self.endpoint}" if self.endpoint else ""
        try:
            found = self.fs.get_file_info(self.bucket).type != pafs.FileType.NotFound
        except OSError as exc:
            raise PublishError(f"cannot reach bucket {self.bucket}{where}: {describe_s3_error(exc)}") from None
        if not found:
            raise PublishError(
                f"no bucket {self.bucket}{where} (create it first, or check --warehouse and --s3-endpoint)"
            )


@functools.cache
def _fsspec_s3() -> type:
    """fsspec's wrapper of a pyarrow filesystem, answering s3:// paths."""
    from fsspec.implementations.arrow import ArrowFSWrapper

    return type("PyarrowS3", (ArrowFSWrapper,), {"protocol": "s3"})


def describe_s3_error(exc: BaseException) -> str:
    """One line of what S3 or the network said, without the SDK's wrapping."""
    text = " ".join(str(exc).split())
    for marker in ("Detail: ", "AWS Error "):
        if marker in text:
            text = text.split(marker, 1)[1]
    if "ACCESS_DENIED" in text or "InvalidAccessKeyId" in text or "SignatureDoesNotMatch" in text:
        return f"access denied: the credentials were refused ({text})"
    return text
